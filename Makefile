# Two commands: `make run` (set up everything, serve) and `make test` (every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.houqin-installed
export FLASK_APP := run.py

.PHONY: run test test-pg i18n bench init catalogues roles clean-venv

# Reinstall when the pins or the project metadata (entry points!) change.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $(STAMP)

# The .mo files are built here, not committed: only the ones older than their .po.
catalogues: $(STAMP)
	@$(BIN)/python translations/update.py compile

init: catalogues
	$(BIN)/flask houqin init

run: init
	@echo "Houqin on http://$${HOST:-127.0.0.1}:$${PORT:-8080}/"
	@echo "Scheduled jobs (month-end runs, the visitors' retention purge) run only when cron or a systemd timer calls 'flask houqin run-due' every few minutes: see docs/operations.md"
	FAB_UPDATE_PERMS=False $(BIN)/gunicorn --config gunicorn.conf.py --workers $${WORKERS:-3} --bind $${HOST:-127.0.0.1}:$${PORT:-8080} \
		--access-logfile - run:app

# The suite runs in one process per core (at most 4: each holds a built app and a browser);
# TEST_WORKERS=0 runs it in this process (a debugger, -x on the first failure in order).
# Work stealing: a worker that runs out takes tests queued for another, so the few long ones
# (the API fuzzer per role, the role matrices) do not end the run on one worker alone.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
TEST_DIST = $(if $(filter 0,$(TEST_WORKERS)),,--dist worksteal)

test: catalogues
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(TEST_DIST) $(PYTEST_ARGS)

test-pg: catalogues
	HOUQIN_TEST_DATABASE_URL=$${HOUQIN_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest -n $(TEST_WORKERS) $(TEST_DIST) $(PYTEST_ARGS)

i18n: $(STAMP)
	$(BIN)/python translations/update.py

# docs/roles/<part>.md from the declarations and the observed route matrix; review the diff.
roles: catalogues
	HOUQIN_WRITE_ROLE_DOCS=1 $(BIN)/python -m pytest -q -p no:randomly tests/core/test_role_matrix.py

bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean-venv:
	rm -rf $(VENV)

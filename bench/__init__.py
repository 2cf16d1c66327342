"""Houqin benchmarks: `python -m bench.run [core|<plugin>|all] [--db sqlite|postgresql]`.

Each section is a module: core's in this package (bench/core.py), a plugin's at
tests/plugins/<name>/bench.py (found there by bench.run, so a plugin brings its own), with
    PLUGINS = ""                # HOUQIN_PLUGINS for its app ("" = core only)
    SEED = {...}                # optional: build_context() arguments (staff_per_campus, audit_rows)
    prepare(app)                # optional: register extra views before the first request
    run(ctx) -> list[Result]    # seed what it needs, measure, return the figures
The runner (bench.run) builds a fresh database and app per section (bench.seed.build_context:
migrated, roles synced, 5 campuses, departments, positions, 2,000 staff, 100,000 audit rows,
logins "director", "staff", "auditor" bound to campus HQ; ctx.add_user() makes more), prints
the figures and rewrites that section's block in bench/results/<section>.md. bench.common.Bench
and Page measure pages round-robin with statement counts and the main query's raw SQL time.
"""

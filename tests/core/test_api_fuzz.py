"""schemathesis over /api/v1/_openapi: the API is what its spec says, and no input makes it answer
5xx. Run as Gatekeeper, Staff and Director (core's choice: the gate's, the least and the most
privileged API users) plus every catalogue role an enabled plugin declares, read from the
manifests, so a plugin adds its roles without touching this file.

Positive and negative cases, a fixed seed (derandomized) and a fixed number of examples per
operation and role (the cases are drawn once per worker and sent by each role), on a database of its own (the fuzzer writes: staff, campuses, visits), so
the rest of the suite never sees its rows. Narrow with `-m 'not fuzz'` while working.
"""
from __future__ import annotations

import re
import time

import pytest

CORE_ROLES = ("Gatekeeper", "Staff", "Director")
MAX_EXAMPLES = 20
PROBE_EXAMPLES = 3
pytestmark = [pytest.mark.fuzz, pytest.mark.slow]


def fuzz_roles() -> list[str]:
    from app.plugin import installed_plugins

    roles = list(CORE_ROLES)
    for plugin in installed_plugins():
        roles += [r.key for r in plugin.catalogue_roles if r.key not in roles]
    return roles


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, scratch_database, make_app):
    from app.extensions import db
    from tests.seed import seed

    tmp = str(tmp_path_factory.mktemp("fuzz"))
    with scratch_database(tmp) as url:
        application = make_app(tmp, url, TESTING=False, PROPAGATE_EXCEPTIONS=False)
        seed(application, ("模糊A园", "模糊B园"), staff=True, actor="fuzz")
        yield application
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


STATS: dict[str, tuple[int, float]] = {}
# The generated cases of (operation, mode, number of examples), made once per worker and
# sent by every role it runs: drawing them (a fixed seed, so the same for every role) was two
# thirds of the fuzzer's time, repeated for each role.
CASES: dict[tuple, list] = {}


def _cases(operation, mode, examples: int) -> list:
    from hypothesis import HealthCheck, given, settings

    key = (operation.label, mode, examples)
    found = CASES.get(key)
    if found is None:
        found = []

        @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def collect(case):
            found.append(case)

        collect()
        CASES[key] = found
    return found


def _checks():
    from schemathesis import checks

    # Not positive_data_acceptance: the spec cannot say the business rules (a unique staff number,
    # a purpose that exists, rison in `q`), so a schema-valid request may rightly be refused 4xx.
    return [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
            checks.response_schema_conformance, checks.response_headers_conformance,
            checks.negative_data_rejection]


@pytest.mark.parametrize("role", fuzz_roles())
def test_the_api_answers_as_its_spec_says_and_never_5xx(fuzz_app, role):
    import schemathesis
    from schemathesis import GenerationMode

    from tests.seed import PASSWORD

    def bearer(username):
        login = fuzz_app.test_client().post("/api/v1/security/login", json={
            "username": username, "password": PASSWORD, "provider": "db"})
        assert login.status_code == 200, login.get_data(as_text=True)
        return {"Authorization": f"Bearer {login.get_json()['access_token']}"}

    # The spec is the same for everyone; only Admin may read it.
    schema = schemathesis.openapi.from_wsgi("/api/v1/_openapi", fuzz_app, headers=bearer("admin_a"))
    headers = bearer(role.lower() + "_a")
    CHECKS = _checks()
    failures: dict[tuple, str] = {}
    requests = refused = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            def fuzz(examples: int) -> set[int]:
                nonlocal requests
                statuses: set[int] = set()
                for generated in _cases(operation, mode, examples):
                    case = generated.derive(keep_auth=True)  # each role sends its own copy
                    requests += 1
                    # to this module's app: a case drawn before the worker rebuilt it names the old one
                    response = case.call(headers=headers, app=fuzz_app)
                    statuses.add(response.status_code)
                    try:
                        case.validate_response(response, headers=headers, checks=CHECKS)
                    except (Exception, BaseExceptionGroup) as exc:  # every failed check, with its reproduction
                        text = str(exc)
                        checks = tuple(sorted(set(re.findall(r"- (ST\d+ [^\n]+)", text)))) or (type(exc).__name__,)
                        key = (operation.label, mode.value, response.status_code, checks)
                        failures.setdefault(key, text[:2500])
                return statuses

            # An operation the role may not use is refused before its input is read (401/403 on
            # every example): a few examples show that; the full number goes to what it may use.
            if fuzz(PROBE_EXAMPLES) <= {401, 403}:
                refused += 1
                continue
            fuzz(MAX_EXAMPLES)
    STATS[role] = (requests, time.monotonic() - started)
    print(f"schemathesis as {role}: {requests} requests in {STATS[role][1]:.1f} s "
          f"({refused} operation x mode pairs refused to this role)")
    summary = [f"{label} [{mode}] -> {code}: {', '.join(checks)}" for label, mode, code, checks in failures]
    for text in failures.values():
        print(text, end="\n\n")  # every reproduction, with -s
    assert not failures, "\n".join(summary) + "\n\n" + "\n\n".join(list(failures.values())[:8])

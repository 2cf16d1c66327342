"""Every registered route and HTTP method, asked by every catalogue role (and an anonymous
visitor), must answer as the generated page of its part says (docs/roles/<part>.md, one per
part: core and each plugin, as their manifests declare the routes' views); a route no manifest
declares fails the test.

Requests use a record id that does not exist, so an allowed request ends in 404/400/422/302-to-
the-page and nothing is changed; a refused one is 401/403 or a redirect to the login page.
After adding routes or permissions, rewrite the pages with `make roles` and review their diff.
"""
from __future__ import annotations

import os

import pytest

from app.plugin import installed_plugins

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = os.path.join(ROOT, "docs", "roles")
SKIP_ENDPOINTS = {"static", "appbuilder.static"}
SAMPLE = {"locale": "en", "filename": "none.txt"}
PARTS = ["core"] + [p.name for p in installed_plugins()]


def routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or rule.endpoint.endswith(".static"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, rule))
    # logging out ends the session: ask it last
    return sorted(out, key=lambda mr: (mr[1].rule.startswith("/logout"), mr[1].rule, mr[0]))


def concrete(rule) -> str:
    values = {arg: SAMPLE.get(arg, "999999") for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def allowed(resp) -> bool:
    if resp.status_code in (401, 403):
        return False
    if resp.status_code == 302 and "/login" in resp.headers.get("Location", ""):
        return False
    return True


def users(registry):
    """One login per catalogue role (the shared seeder makes them), and nobody."""
    return [(role, role.lower() + "_a") for role in registry.catalogue] + [("anonymous", None)]


def observe(app, rules, login, token):
    who = users(app.extensions["houqin"])
    clients = {}
    for role, username in who:
        web = login(app, username) if username else app.test_client()
        headers = {"Authorization": f"Bearer {token(app, username)}"} if username else {}
        clients[role] = (web, headers, _refresh_headers(app, username))
    table = {}
    for method, rule in rules:
        url = concrete(rule)
        row = {}
        for role, _ in who:
            web, headers, refresh = clients[role]
            if rule.rule.endswith("/security/refresh"):  # asked with the token made for it
                headers = refresh
            is_api = rule.rule.startswith("/api/")
            kwargs = {"headers": headers} if is_api else {}
            if method in ("POST", "PUT") and is_api:
                kwargs["json"] = {}
            row[role] = allowed(web.open(url, method=method, **kwargs))
        table[f"{method} {rule.rule}"] = row
    return table


def _refresh_headers(app, username) -> dict:
    if not username:
        return {}
    from tests.seed import PASSWORD

    resp = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db", "refresh": True})
    return {"Authorization": f"Bearer {resp.get_json()['refresh_token']}"}


def test_every_route_belongs_to_core_or_a_plugin(app):
    from app.roles_doc import route_owner

    registry = app.extensions["houqin"]
    nobody = sorted(f"{m} {r.rule} ({r.endpoint})" for m, r in routes(app) if route_owner(registry, r) is None)
    assert nobody == [], "routes no manifest declares"


@pytest.mark.slow
@pytest.mark.parametrize("part", PARTS)
def test_every_route_answers_every_role_as_its_page_says(app, part, request):
    """Per part, so a plugin adds its own page and its rows without touching a core file."""
    from app.roles_doc import render, route_owner

    registry = app.extensions["houqin"]
    if registry.plugin(part) is None and part != "core":
        pytest.skip(f"plugin {part} is installed but not enabled in this run")
    mine = [(m, r) for m, r in routes(app) if route_owner(registry, r) == part]
    seen = observe(app, mine, request.getfixturevalue("login_fn"), request.getfixturevalue("token_fn"))
    page = render(registry, part, seen)
    path = os.path.join(DOCS, f"{part}.md")
    if os.environ.get("HOUQIN_WRITE_ROLE_DOCS"):
        os.makedirs(DOCS, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(page)
    assert os.path.exists(path), f"{path} is missing: run `make roles`"
    with open(path, encoding="utf-8") as fh:
        documented = fh.read()
    if documented != page:
        from app.roles_doc import parse_matrix, role_columns

        table = parse_matrix(documented, role_columns(registry))
        wrong = [(key, role, table.get(key, {}).get(role), ok) for key, row in seen.items()
                 for role, ok in row.items() if table.get(key, {}).get(role) != ok]
        stale = sorted(set(table) - set(seen))
        assert wrong == [] and stale == [], \
            "route answers differ from the page (route, role, documented, observed), or it lists gone routes"
        pytest.fail(f"docs/roles/{part}.md is stale (its declarations changed): run `make roles`")


def test_the_pages_name_every_catalogue_role(app):
    registry = app.extensions["houqin"]
    with open(os.path.join(DOCS, "core.md"), encoding="utf-8") as fh:
        header = next(line for line in fh.read().split("## Route matrix", 1)[1].splitlines()
                      if line.startswith("| route"))
    assert [c.strip() for c in header.strip("|").split("|")][1:] == list(registry.catalogue) + ["anonymous"]

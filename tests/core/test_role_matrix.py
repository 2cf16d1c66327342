"""Every registered route and HTTP method, asked by every catalogue role (and an
anonymous visitor), must answer as docs/roles.md says; a route the matrix does
not mention fails the test.

Requests use a record id that does not exist, so an allowed request ends in
404/400/422/302-to-the-page and nothing is changed; a refused one is 401/403 or
a redirect to the login page. To rewrite the matrix after adding routes, run
    HOUQIN_WRITE_ROLE_MATRIX=1 make test PYTEST_ARGS=tests/core/test_role_matrix.py
and review the diff of docs/roles.md before committing it.
"""
from __future__ import annotations

import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "roles.md")
START, END = "<!-- role-matrix:start -->", "<!-- role-matrix:end -->"
USERS = [("Admin", "admin_a"), ("Director", "director_a"), ("Gatekeeper", "gatekeeper_a"),
         ("AssetKeeper", "assetkeeper_a"), ("Appraiser", "appraiser_a"), ("MealCommittee", "mealcommittee_a"),
         ("Staff", "staff_a"), ("Auditor", "auditor_a"), ("anonymous", None)]
SKIP_ENDPOINTS = {"static", "appbuilder.static"}
SAMPLE = {"locale": "en", "filename": "none.txt"}


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


def observed(app, login, token):
    clients = {}
    for role, username in USERS:
        web = login(app, username) if username else app.test_client()
        headers = {"Authorization": f"Bearer {token(app, username)}"} if username else {}
        clients[role] = (web, headers)
    table = {}
    for method, rule in routes(app):
        url = concrete(rule)
        row = {}
        for role, _ in USERS:
            web, headers = clients[role]
            is_api = rule.rule.startswith("/api/")
            kwargs = {"headers": headers} if is_api else {}
            if method in ("POST", "PUT") and is_api:
                kwargs["json"] = {}
            resp = web.open(url, method=method, **kwargs)
            row[role] = allowed(resp)
        table[f"{method} {rule.rule}"] = row
    return table


def render(table) -> str:
    roles = [r for r, _ in USERS]
    lines = ["| route | " + " | ".join(roles) + " |", "|---|" + "---|" * len(roles)]
    for key in sorted(table):
        lines.append(f"| `{key}` | " + " | ".join("✓" if table[key][r] else "·" for r in roles) + " |")
    return "\n".join(lines)


def parse(text: str) -> dict:
    body = text.split(START, 1)[1].split(END, 1)[0]
    rows = [line for line in body.strip().splitlines() if line.startswith("| `")]
    roles = [r for r, _ in USERS]
    table = {}
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        key = cells[0].strip("`")
        table[key] = {role: cells[i + 1] == "✓" for i, role in enumerate(roles)}
    return table


def test_every_route_answers_every_role_as_the_matrix_says(app, request):
    login = request.getfixturevalue("login_fn")
    token = request.getfixturevalue("token_fn")
    seen = observed(app, login, token)
    with open(DOC, encoding="utf-8") as fh:
        text = fh.read()
    if os.environ.get("HOUQIN_WRITE_ROLE_MATRIX"):
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = f"{head}{START}\n{render(seen)}\n{END}{tail}"
        with open(DOC, "w", encoding="utf-8") as fh:
            fh.write(text)
    documented = parse(text)
    unmentioned = sorted(set(seen) - set(documented))
    assert unmentioned == [], "routes missing from docs/roles.md"
    wrong = [(key, role, documented[key][role], ok) for key, row in seen.items()
             for role, ok in row.items() if documented[key][role] != ok]
    assert wrong == [], "route answers differ from docs/roles.md (route, role, documented, observed)"
    stale = sorted(set(documented) - set(seen))
    assert stale == [], "docs/roles.md lists routes that no longer exist"


def test_the_matrix_names_every_catalogue_role():
    from app.security import catalogue

    with open(DOC, encoding="utf-8") as fh:
        header = next(line for line in fh.read().split(START, 1)[1].splitlines() if line.startswith("| route"))
    assert all(re.search(rf"\b{role}\b", header) for role in catalogue())

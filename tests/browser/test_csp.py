"""The Content-Security-Policy refuses inline scripts and handlers without the page's nonce: every
page of the role matrix (docs/roles/*.md: every GET route that renders a page, each opened by a
role the matrix lets in) is loaded in Chromium and must report no violation. Each catalogue role
also opens its dashboard and the gate desk, which differ by role."""
from __future__ import annotations

import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Routes that act when opened (log out, run an action, switch language, download) are not pages.
NOT_PAGES = re.compile(r"(\.logout|\.action|\.delete|\.download|\.export\w*|\.template|LocaleView\.index|\.static)$")
WATCH = """
window.__hqCsp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__hqCsp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' +
                      (e.sourceFile || '') + ':' + e.lineNumber + ' ' + (e.sample || ''));
});
"""


def _matrix(app) -> dict[str, dict[str, bool]]:
    from app.roles_doc import parse_matrix, role_columns

    registry = app.extensions["houqin"]
    table = {}
    for manifest in registry.manifests:
        path = os.path.join(ROOT, "docs", "roles", f"{manifest.name}.md")
        with open(path, encoding="utf-8") as fh:
            table.update(parse_matrix(fh.read(), role_columns(registry)))
    return table


def pages_by_role(app) -> dict[str, list[str]]:
    from tests.seed import sample_ids

    matrix, ids = _matrix(app), sample_ids(app)
    registry = app.extensions["houqin"]
    out: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith("/api/") or NOT_PAGES.search(rule.endpoint):
            continue
        row = matrix.get(f"GET {rule.rule}", {})
        role = next((r for r in registry.catalogue if row.get(r)), None)
        if role is None:
            continue
        view = rule.endpoint.split(".")[0]
        values = {a: str(ids.get(view, 1)) for a in rule.arguments}
        out.setdefault(role, []).append(rule.build(values, append_unknown=False)[1])
    for role in registry.catalogue:  # role-dependent pages, for everyone
        out.setdefault(role, [])
        out[role] += [u for u in ("/", "/gate/desk/") if u not in out[role]]
    return out


def _violations(page, url: str) -> list[str]:
    response = page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(50)  # listeners run after load (select2, datepickers)
    found = page.evaluate("window.__hqCsp || []")
    status = response.status if response is not None else 0
    return [f"{url} ({status}): {v}" for v in found]


@pytest.mark.slow
def test_no_page_of_the_role_matrix_violates_the_content_security_policy(new_context, live_server, live_app,
                                                                        browser_login):
    by_role = pages_by_role(live_app)
    assert sum(len(v) for v in by_role.values()) > 60
    problems, console, seen = [], [], 0
    for role, urls in by_role.items():
        context = new_context()
        context.add_init_script(WATCH)
        page = context.new_page()
        page.on("console", lambda msg: console.append(f"{page.url}: {msg.text}")
                if "Content Security Policy" in msg.text or "Refused to" in msg.text else None)
        browser_login(page, live_server, role.lower() + "_a")
        for url in urls:
            problems += _violations(page, live_server + url)
            seen += 1
        context.close()
    assert problems == [] and console == [], "\n".join(problems + console)
    assert seen > 60


def test_the_csp_header_asks_for_the_pages_nonce(page, live_server, browser_login):
    browser_login(page, live_server, "director_a")
    response = page.goto(live_server + "/staffview/list/")
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    scripts = page.evaluate("() => Array.from(document.scripts).map(s => [s.nonce, s.src, s.type])")
    inline = [s for s in scripts if not s[1] and s[2] != "application/json"]
    assert inline and all(s[0] == nonce for s in inline), scripts
    assert response.headers["x-frame-options"] == "DENY" and response.headers["x-content-type-options"] == "nosniff"


def test_an_inline_script_without_the_nonce_would_be_refused(new_context, live_server, browser_login):
    """The policy really is enforced: a script injected into a page (as stored XSS would be) does not run."""
    context = new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    browser_login(page, live_server, "staff_a")
    page.goto(live_server + "/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in page.evaluate("window.__hqCsp"))

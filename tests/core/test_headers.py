"""Every answer says nosniff, refuses framing and names its referrer policy; pages carry a
Content-Security-Policy whose scripts need the page's nonce (no 'unsafe-inline'), and every page
an Admin can open writes its inline scripts with that nonce and no inline handlers (the browser
check is tests/browser/test_csp.py)."""
import re

import pytest

POLICY_PARTS = ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'",
                "form-action 'self'")


def _check_headers(resp):
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    policy = resp.headers["Content-Security-Policy"]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src")).split()[1:]
    assert "'self'" in script_src and any(p.startswith("'nonce-") for p in script_src)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    for part in POLICY_PARTS:
        assert part in policy
    return re.search(r"'nonce-([^']+)'", policy).group(1)


@pytest.mark.parametrize("url", ["/login/", "/static/houqin/houqin.css", "/api/v1/staff/", "/no-such-page"])
def test_every_answer_has_the_security_headers(anon, url):
    _check_headers(anon.get(url))


def test_each_page_gets_its_own_nonce_and_its_scripts_carry_it(client_as):
    c = client_as("director_a")
    first, second = c.get("/staffview/list/"), c.get("/staffview/list/")
    nonce = _check_headers(first)
    assert nonce != _check_headers(second)
    html = first.get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts and all(f'nonce="{nonce}"' in attrs for attrs in scripts if 'type="application/json"' not in attrs)


def _page_urls(app):
    from tests.seed import sample_ids

    ids = sample_ids(app)
    skip = re.compile(r"(\.logout|\.action|\.delete|\.download|LocaleView\.index|static)$")
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.rule.startswith("/api/") and not skip.search(rule.endpoint):
            view = rule.endpoint.split(".")[0]
            yield rule.build({a: str(ids.get(view, 1)) for a in rule.arguments}, append_unknown=False)[1]


@pytest.mark.slow
def test_no_page_has_an_inline_handler_or_a_script_without_the_nonce(app, client_as):
    c = client_as("admin_a")
    pages = 0
    for url in _page_urls(app):
        resp = c.get(url)
        if not resp.content_type.startswith("text/html"):
            continue
        pages += 1
        nonce = _check_headers(resp)
        html = resp.get_data(as_text=True)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), url
        assert "javascript:" not in html, url
        for attrs in re.findall(r"<script\b([^>]*)>", html):
            local_file = re.search(r'src="/(?!/)', attrs)  # 'self' allows this site's own files
            assert f'nonce="{nonce}"' in attrs or local_file or 'type="application/json"' in attrs, (url, attrs)
    assert pages > 40

"""Browser tests: a real Chromium (Debian's, driven by Playwright) against a
live Houqin server started inside the test session. Loaded for the whole suite by the root
conftest (pytest_plugins), so a plugin's browser test lives in tests/plugins/<name>/ with its
other tests; any test using ``page`` or ``live_server`` is marked ``browser``.

Browser
    Debian's Chromium at /usr/bin/chromium (or the path in HOUQIN_CHROMIUM).
    Never run `playwright install`. When the browser is missing every test in
    this folder is skipped with the reason shown; with CI=true a missing
    browser is an error instead (CI must not pass by skipping).

The live server (session scoped, shared by every browser test file)
    ``live_app``     the Flask app: its own temporary SQLite file, always —
                     HOUQIN_TEST_DATABASE_URL is NOT used here, and nothing is
                     shared with the root conftest's ``app`` fixture. Migrated
                     to heads, roles synced, positions seeded. CSRF is enabled
                     as in production; RATELIMIT_ENABLED is False.
    ``live_server``  its base URL, e.g. "http://127.0.0.1:41234" (werkzeug,
                     threaded, on a free loopback port, in a background thread).
    ``live_seed``    what was seeded: {"campuses": {"TA": id, "TB": id}, ...}.

    Every installed plugin is enabled, as in production (config PLUGINS).
    Seeded rows: campuses 浏览器A园 (code TA, "campus 1") and 浏览器B园 (TB);
    departments 后勤处/食堂 (TA), 后勤处 (TB), 全园共用 (shared); staff B0001-B0004
    on TA and B0005 on TB (some health certificates about to expire or expired,
    so the dashboard has a tile). Logins, all with password PASSWORD
    ("Test-Pass-2026!!"): one per catalogue role bound to campus TA, named
    "<role lower-case>_a" (admin_a, director_a, gatekeeper_a, assetkeeper_a,
    appraiser_a, mealcommittee_a, staff_a, auditor_a), plus "director"
    (Director, no campus binding). USERS maps username -> role.

    Tests share this database: make your own rows with unique names
    (``browser_uid`` below) and count only what you made.

Pages and contexts
    ``page`` / ``context`` / ``new_context`` are pytest-playwright's, wrapped:
    - every new context gets locale zh-CN (so Accept-Language says Chinese and a
      first visit is in Chinese) unless the test asks for another one:
          ctx = new_context(locale="en-GB"); page = ctx.new_page()
      or mark the test  @pytest.mark.browser_context_args(locale="en-GB")
      (then ``page`` is English-first);
    - every request of every page of every context is watched: at teardown the
      test ERRORS, listing each request that went to a host other than
      127.0.0.1 / localhost (data: and blob: URLs are fine). Houqin must work
      in a school with no internet;
    - when the test failed (or the guard above fired), each open page's
      full-page screenshot and HTML are kept in
      tests/browser/artifacts/<module>__<test name>[-<n>].png / .html (git-ignored;
      a later passing run of the same test removes them).

Helpers, as fixtures (the suite runs in importlib import mode, so test files
do not import from conftest; names chosen not to clash with the root conftest's
``login_fn`` / ``client_as``):
    browser_login(page, base_url, username, password=PASSWORD)  -> the function
        ``login``: fills the FAB login form (#username, #password, submit) and
        waits until the login page is left (AssertionError if it is not).
    browser_logout(page)  -> ``logout``: opens the user menu (#user-menu),
        clicks #logout-link and waits for the login page.
    login_as("director")  logs the ``page`` fixture in on ``live_server``,
        returns the page.
    save_screen(page, "name")  full-page PNG tests/browser/artifacts/screens/
        name.png, for a person to look at (not an assertion); returns the path.
    browser_password  PASSWORD;  browser_uid("S")  a unique string for rows a
        test makes.
    print_pdf(page, url, name=None)  the page printed to PDF by Chromium (page.pdf with
        the page's own A4 @page size), read back with pypdf: .texts (one per page),
        .landscape, .pages; with `name` also kept as artifacts/screens/<name>.pdf.

Example:
    def test_x(page, live_server, browser_login):
        browser_login(page, live_server, "gatekeeper_a")
        page.goto(live_server + "/staffview/list/")
"""
from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.seed import CHEAP_PASSWORD_HASH, PASSWORD, seed

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser")
ARTIFACTS = os.path.join(HERE, "artifacts")
SCREENS = os.path.join(ARTIFACTS, "screens")
DEFAULT_LOCALE = "zh-CN"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}
# Filled by live_app: username -> role.
USERS: dict[str, str] = {}

_counter = itertools.count(1)


def chromium_path() -> str:
    return os.environ.get("HOUQIN_CHROMIUM") or "/usr/bin/chromium"


def _chromium_missing_reason() -> str | None:
    path = chromium_path()
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return None
    return (f"Chromium not found at {path} (set HOUQIN_CHROMIUM, or apt-get install -y chromium "
            "fonts-wqy-zenhei; never `playwright install`)")


# -- browser availability ------------------------------------------------------------

@pytest.fixture(scope="session")
def _require_chromium():
    """Asked by the launch arguments, so it runs before the browser is launched (and only for
    tests that use one)."""
    reason = _chromium_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, _require_chromium):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": ["--disable-gpu", "--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        "headless": True,
    }


# -- the live server ------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_app():
    """A Houqin app on its own temporary SQLite database (see the module docstring)."""
    from app import create_app

    tmp = tempfile.mkdtemp(prefix="houqin-browser-")
    previous = os.environ.get("HOUQIN_INSTANCE_DIR")
    # config.py reads the instance folder when create_app() loads it: keep uploads
    # and the secret key file of this app in the temporary folder too.
    os.environ["HOUQIN_INSTANCE_DIR"] = tmp
    try:
        application = create_app({
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp, "browser.db"),
            "SECRET_KEY": "browser-test-secret-key-0123456789abcdef0123456789",
            "SECRET_KEY_FILE": os.path.join(tmp, "secret_key"),
            "UPLOAD_FOLDER": os.path.join(tmp, "uploads"),
            "TESTING": False,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
            "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
        })
    finally:
        if previous is None:
            os.environ.pop("HOUQIN_INSTANCE_DIR", None)
        else:
            os.environ["HOUQIN_INSTANCE_DIR"] = previous
    seeded = seed(application, ("浏览器A园", "浏览器B园"), staff=True, actor="browser-tests")
    USERS.update(seeded["users"])
    application.extensions["houqin_browser_seed"] = seeded
    yield application
    from app.extensions import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def live_seed(live_app) -> dict:
    return live_app.extensions["houqin_browser_seed"]


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL of the live app, e.g. http://127.0.0.1:41234 (no trailing slash)."""
    from werkzeug.serving import make_server

    # One INFO line per static file drowns a failure's report; errors still show.
    access_log = logging.getLogger("werkzeug")
    level = access_log.level
    access_log.setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, live_app, threaded=True)  # port 0: the OS picks a free one
    thread = threading.Thread(target=server.serve_forever, name="houqin-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    access_log.setLevel(level)


# -- contexts: locale, network guard, failure artifacts ------------------------------

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    reports = getattr(item, "_houqin_reports", None)
    if reports is None or report.when == "setup":
        reports = item._houqin_reports = {}
    reports[report.when] = report


def _failed(item) -> bool:
    reports = getattr(item, "_houqin_reports", {})
    return any(r.failed for r in reports.values())


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOOPBACK_HOSTS


def artifact_name(item) -> str:
    module = os.path.splitext(os.path.basename(str(item.path)))[0]
    return re.sub(r"[^\w.\-]+", "_", f"{module}__{item.name}").strip("_")[:150]


def _clear_failure_artifacts(item) -> None:
    """A passing run must not leave an older run's failure pictures behind."""
    if not os.path.isdir(ARTIFACTS):
        return
    base = artifact_name(item)
    pattern = re.compile(re.escape(base) + r"(-\d+)?\.(png|html)$")
    for name in os.listdir(ARTIFACTS):
        if pattern.match(name):
            os.remove(os.path.join(ARTIFACTS, name))


def _save_failure_artifacts(item, contexts) -> None:
    os.makedirs(ARTIFACTS, exist_ok=True)
    base = artifact_name(item)
    pages = []
    for ctx in contexts:
        try:
            pages.extend(p for p in ctx.pages if not p.is_closed())
        except Exception:  # the context may already be closed
            continue
    for n, page in enumerate(pages):
        stem = os.path.join(ARTIFACTS, base + (f"-{n}" if n else ""))
        try:
            page.screenshot(path=stem + ".png", full_page=True)
        except Exception as exc:  # keep going: the HTML may still be useful
            print(f"screenshot failed for {page.url}: {exc}")
        try:
            with open(stem + ".html", "w", encoding="utf-8") as fh:
                fh.write(f"<!-- {page.url} -->\n" + page.content())
        except Exception as exc:
            print(f"HTML capture failed for {page.url}: {exc}")


@pytest.fixture
def new_context(new_context, browser_context_args, request):
    """pytest-playwright's new_context, plus: default locale zh-CN, the off-loopback
    request guard and failure artifacts (see the module docstring)."""
    marker = next(request.node.iter_markers("browser_context_args"), None)
    preset = {**browser_context_args, **(marker.kwargs if marker else {})}
    contexts = []
    outside: list[str] = []
    _clear_failure_artifacts(request.node)

    def watch(req):
        if not _is_local(req.url) and req.url not in outside:
            outside.append(req.url)

    def make(**kwargs):
        if "locale" not in preset:
            kwargs.setdefault("locale", DEFAULT_LOCALE)
        ctx = new_context(**kwargs)
        ctx.on("request", watch)
        contexts.append(ctx)
        return ctx

    yield make
    if outside or _failed(request.node):
        _save_failure_artifacts(request.node, contexts)
    if outside:
        pytest.fail("pages made requests that leave the loopback address:\n  " + "\n  ".join(outside),
                    pytrace=False)


# -- helpers ---------------------------------------------------------------------------

def login(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Fill the FAB login form and wait until the browser has left the login page."""
    from playwright.sync_api import expect

    page.goto(base_url.rstrip("/") + "/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.locator("form[name=login] [type=submit]").click()
    try:
        expect(page).not_to_have_url(re.compile(r"/login/?(\?.*)?$"))
    except AssertionError as exc:
        raise AssertionError(f"login as {username!r} failed; still on {page.url}") from exc


def logout(page) -> None:
    """User menu, then the logout link; waits for the login page."""
    from playwright.sync_api import expect

    page.click("#user-menu")
    page.click("#logout-link")
    expect(page).to_have_url(re.compile(r"/login/"))


def save_screen(page, name: str) -> str:
    """Full-page screenshot tests/browser/artifacts/screens/<name>.png, for a person to look at."""
    os.makedirs(SCREENS, exist_ok=True)
    path = os.path.join(SCREENS, name if name.endswith(".png") else name + ".png")
    page.screenshot(path=path, full_page=True)
    return path


@dataclass
class PrintedPdf:
    """A page printed to PDF by Chromium (page.pdf(), the page's own @page size): each page's text
    and whether it is landscape."""

    texts: list[str]
    landscape: list[bool]
    data: bytes

    @property
    def pages(self) -> int:
        return len(self.texts)

    @property
    def compact(self) -> list[str]:
        """Each page's text without any whitespace: the PDF's text layer puts a space where the
        font changes (a CJK font for 打印员工, a Latin one for 00), and whether it does depends
        on the fonts installed, not on the page."""
        return ["".join(text.split()) for text in self.texts]

    def assert_layout(self, *, title: str, header: str | None, signatures: list[str], landscape: bool,
                      min_pages: int = 2, table_pages=None) -> None:
        """The A4 print layout's promises (houqin/print.html), in the PDF's own text: at least
        `min_pages` pages, each with its number "n / N"; on each page of the table (all pages, or
        `table_pages`) its header and the running line with the title; the signature lines on the
        last page; every page in the page's orientation. A last page holding nothing but the
        signature lines (the table filled the page before: Chromium does not keep them together)
        needs no table header."""
        assert self.pages >= min_pages, self.texts
        rest = self.texts[-1].replace(f"{self.pages} / {self.pages}", "")
        for label in signatures:
            rest = rest.replace(label, "")
        if table_pages is None:
            table_pages = range(1, self.pages + (0 if not rest.strip() else 1))
        for n, text in enumerate(self.texts, start=1):
            flat = text.replace("\n", " ")
            assert f"{n} / {self.pages}" in flat, (n, flat[-200:])
            if header is not None and n in table_pages:
                assert header in flat, (n, header, flat[:300])
                assert title in flat, (n, title, flat[:300])
        last = self.texts[-1]
        for label in signatures:
            assert label in last, (label, last[-300:])
        assert self.landscape == [landscape] * self.pages


def print_pdf(page, url: str | None = None, name: str | None = None) -> PrintedPdf:
    """Open `url` (or stay), print it as Chromium prints it (media print, the CSS page size),
    read it back with pypdf; with `name`, keep it as tests/browser/artifacts/screens/<name>.pdf."""
    import io

    from pypdf import PdfReader

    if url is not None:
        page.goto(url)
    page.emulate_media(media="print")
    data = page.pdf(prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    if name:
        os.makedirs(SCREENS, exist_ok=True)
        with open(os.path.join(SCREENS, name + ".pdf"), "wb") as fh:
            fh.write(data)
    reader = PdfReader(io.BytesIO(data))
    texts = [p.extract_text() or "" for p in reader.pages]
    landscape = [float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages]
    return PrintedPdf(texts, landscape, data)


@pytest.fixture(name="print_pdf")
def print_pdf_fixture():
    """print_pdf(page, url, name=None) -> PrintedPdf(texts, landscape): the page printed to PDF."""
    return print_pdf


def unique(prefix: str = "B") -> str:
    return f"{prefix}{os.getpid() % 1000:03d}{next(_counter):05d}"


@pytest.fixture
def browser_login():
    return login


@pytest.fixture
def browser_logout():
    return logout


@pytest.fixture(name="save_screen")
def save_screen_fixture():
    return save_screen


@pytest.fixture
def browser_password():
    return PASSWORD


@pytest.fixture
def browser_uid():
    return unique


@pytest.fixture
def login_as(page, live_server):
    """login_as("director") logs the ``page`` fixture in; returns the page."""
    def do(username: str, password: str = PASSWORD):
        login(page, live_server, username, password)
        return page
    return do


BROWSER_FIXTURES = {"page", "context", "new_context", "live_server", "login_as", "browser"}


def pytest_collection_modifyitems(config, items):
    """A test that drives the browser is a browser test: `make test PYTEST_ARGS="-m 'not browser'"`."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)

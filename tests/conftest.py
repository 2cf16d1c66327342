"""Shared fixtures: one migrated database per test session (SQLite in a temp
folder, or PostgreSQL when HOUQIN_TEST_DATABASE_URL is set), seeded by
tests/seed.py: two campuses and one login per catalogue role.

Tests share the database: each test makes its own rows with unique names and
counts only what it made (or filters by the fixture campuses)."""
from __future__ import annotations

import itertools
import os
import tempfile
from contextlib import contextmanager

import pytest

from tests.seed import CHEAP_PASSWORD_HASH, PASSWORD, seed

# The browser fixtures (live server, Debian's Chromium, failure artifacts) for every folder.
pytest_plugins = ["tests.browser_support"]

_counter = itertools.count(1)


def unique(prefix: str = "T") -> str:
    return f"{prefix}{os.getpid() % 1000:03d}{next(_counter):05d}"


def _postgres_database(url: str, name: str, *, drop: bool = False) -> str:
    """Make (or with drop=True remove) the PostgreSQL database `name` on the server of `url`;
    returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not drop:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def pytest_configure(config):
    """`make test` runs the suite in parallel (pytest-xdist, one process per worker): on
    PostgreSQL each worker gets a database of its own beside the one named, so their session
    databases never meet (SQLite files are per process already)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("HOUQIN_TEST_DATABASE_URL")
    if not (worker and url):
        return
    from sqlalchemy.engine import make_url

    name = f"{make_url(url).database}_{worker}"
    config._houqin_worker_db = (url, name)
    os.environ["HOUQIN_TEST_DATABASE_URL"] = _postgres_database(url, name)


def pytest_unconfigure(config):
    made = getattr(config, "_houqin_worker_db", None)
    if made:
        url, name = made
        os.environ["HOUQIN_TEST_DATABASE_URL"] = url
        _postgres_database(url, name, drop=True)


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_url(tmpdir: str) -> str:
    url = os.environ.get("HOUQIN_TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
        return url
    return "sqlite:///" + os.path.join(tmpdir, "test.db")


def test_config(tmpdir: str, url: str, **extra) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "SECRET_KEY_FILE": os.path.join(tmpdir, "secret_key"),
        "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
        **extra,
    }


@pytest.fixture(scope="session")
def tmp_instance():
    with tempfile.TemporaryDirectory(prefix="houqin-test-") as tmp:
        os.environ["HOUQIN_INSTANCE_DIR"] = tmp
        yield tmp


@pytest.fixture(scope="session")
def app(tmp_instance):
    from app import create_app

    url = database_url(tmp_instance)
    application = create_app(test_config(tmp_instance, url))
    seed(application)
    yield application


@pytest.fixture(scope="session")
def campuses(app):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Campus

    with app.app_context():
        rows = {c.code: c.id for c in db.session.execute(select(Campus)).scalars()}
    return rows


class _Db:
    """ctx.session: a plain session on the test database. It holds no app context,
    so requests made by the test each get their own (and their own `g`)."""

    def __init__(self, engine):
        from sqlalchemy.orm import Session

        self.session = Session(engine)


@pytest.fixture()
def ctx(app):
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    handle = _Db(engine)
    yield handle
    handle.session.rollback()
    handle.session.close()


def login(app, username: str, password: str = PASSWORD, lang: str = "zh"):
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["locale"] = lang
    resp = client.post("/login/", data={"username": username, "password": password})
    assert resp.status_code == 302, f"login failed for {username}"
    return client


@pytest.fixture()
def client_as(app):
    """client_as("director_a") or client_as("staff_a", lang="en") -> logged-in test client."""
    return lambda username, lang="zh": login(app, username, lang=lang)


@pytest.fixture()
def anon(app):
    return app.test_client()


def api_token(app, username: str, password: str = PASSWORD) -> str:
    client = app.test_client()
    resp = client.post("/api/v1/security/login",
                       json={"username": username, "password": password, "provider": "db"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["access_token"]


@pytest.fixture()
def api_as(app):
    """api_as("director_a") -> (client, headers) with a JWT bearer token."""
    def make(username):
        return app.test_client(), {"Authorization": f"Bearer {api_token(app, username)}"}
    return make


class StatementCounter:
    """Statements run, and which of them are core's per-request work (`frame`: the user, the
    permissions, the to-do count, the settings; app.extensions.FRAME)."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []
        self.frames: list[str | None] = []

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        from app.extensions import FRAME

        self.statements.append(statement)
        self.frames.append(context.execution_options.get(FRAME) if context is not None else None)

    @property
    def frame(self) -> list[str]:
        """Core's per-request statements, by kind ("user", "permissions", "todo", "settings")."""
        return [f for f in self.frames if f]

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture()
def count_statements(app):
    """with count_statements() as c: client.get(...); assert c.count <= N"""
    from app.extensions import db

    def make():
        with app.app_context():
            engine = db.engine
        return StatementCounter(engine)
    return make


@pytest.fixture()
def uid():
    """uid("S") -> a unique string for names and numbers made by one test."""
    return unique


@pytest.fixture()
def login_fn():
    return login


@pytest.fixture()
def token_fn():
    return api_token


@contextmanager
def _scratch_database(tmpdir: str):
    """An empty database of the kind the suite runs on, apart from the session's: a SQLite file,
    or a PostgreSQL database created here and dropped after."""
    url = os.environ.get("HOUQIN_TEST_DATABASE_URL")
    if not url:
        yield "sqlite:///" + os.path.join(tmpdir, f"scratch{next(_counter)}.db")
        return
    from sqlalchemy.engine import make_url

    name = f"{make_url(url).database}_scratch_{os.getpid()}_{next(_counter)}"
    try:
        yield _postgres_database(url, name)
    finally:
        _postgres_database(url, name, drop=True)


@pytest.fixture()
def scratch_url(tmp_path):
    """An empty database of the kind the suite runs on, apart from the session's, for one test."""
    with _scratch_database(str(tmp_path)) as url:
        yield url


@pytest.fixture(scope="session")
def scratch_database():
    """For module-scoped fixtures: `with scratch_database(tmpdir) as url: ...`."""
    return _scratch_database


@pytest.fixture(scope="session")
def make_app():
    """make_app(tmpdir, url, **config) -> an app as the suite configures them, on `url`."""
    def make(tmpdir, url, **extra):
        from app import create_app

        return create_app(test_config(tmpdir, url, **extra))
    return make


@pytest.fixture()
def app_on(tmp_path):
    """app_on(url) -> another app (every installed plugin enabled) on the database at `url`."""
    def make(url, **extra):
        from app import create_app

        return create_app(test_config(str(tmp_path), url, **extra))
    return make

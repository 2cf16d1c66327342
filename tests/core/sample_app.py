"""The test plugin (tests/core/sample_plugin) installed and running on a database of its own — a
SQLite file, or with HOUQIN_TEST_DATABASE_URL a PostgreSQL database made beside the session's — so
core's services (workflow, locks and versions, numbering, jobs) are tested through a plugin that
uses them, on both databases. `sample_env` is module-scoped: one app per test module.

    from tests.core.sample_app import sample_env  # noqa: F401  (the fixture)

Separate processes (two hosts) run `python -m tests.core.sample_worker ...` with `env.worker_env()`.
"""
from __future__ import annotations

import importlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.seed import CHEAP_PASSWORD_HASH, PASSWORD

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
_seq = itertools.count(1)

# username -> (roles, campus codes)
USERS = {
    "req_a": (["Staff"], ["SA"]),
    "req_a2": (["Staff"], ["SA"]),
    "rev_a": (["SampleReviewer", "Staff"], ["SA"]),
    "rev_b": (["SampleReviewer"], ["SB"]),
    "boss": (["Director"], []),
    "root": (["Admin"], []),
    "clerk_b": (["Staff"], ["SB"]),
}


def install_sample(site: str) -> None:
    """Copy the plugin into `site` with a dist-info naming its entry point, and compile its catalogue."""
    target = os.path.join(site, "houqin_sample")
    shutil.copytree(os.path.join(HERE, "sample_plugin", "houqin_sample"), target)
    po = os.path.join(target, "translations", "zh", "LC_MESSAGES", "messages.po")
    with open(po, "rb") as fh:
        catalog = read_po(fh, locale="zh")
    with open(po[:-3] + ".mo", "wb") as fh:
        write_mo(fh, catalog)
    dist = os.path.join(site, "houqin_sample-0.1.dist-info")
    os.makedirs(dist)
    with open(os.path.join(dist, "METADATA"), "w") as fh:
        fh.write("Metadata-Version: 2.1\nName: houqin_sample\nVersion: 0.1\n")
    with open(os.path.join(dist, "entry_points.txt"), "w") as fh:
        fh.write("[houqin.plugins]\nsample = houqin_sample:plugin\n")


def make_database(tmp: str) -> tuple[str, callable]:
    base = os.environ.get("HOUQIN_TEST_DATABASE_URL")
    if not base:
        return "sqlite:///" + os.path.join(tmp, "sample.db"), lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"{url.database}_sample_{os.getpid()}_{next(_seq)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), drop


def config(tmp: str, url: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "sample-secret-0123456789abcdef0123456789ab",
        "TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "PLUGINS": "sample",
        "SECRET_KEY_FILE": os.path.join(tmp, "secret_key"), "HOUQIN_SETTINGS_CACHE_SECONDS": 0,
        "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
    }


def migrate_and_seed(app) -> dict:
    from flask_migrate import upgrade

    from app.audit import acting_as
    from app.cli import sync_permissions_and_roles
    from app.extensions import db
    from app.models import Campus, Staff

    with app.app_context(), acting_as(None, "tests", "cli"):
        upgrade(revision="heads")
        sync_permissions_and_roles()
        a = Campus(name="示例A园", code="SA", active=True)
        b = Campus(name="示例B园", code="SB", active=True)
        db.session.add_all([a, b])
        db.session.flush()
        campuses = {"SA": a.id, "SB": b.id}
        sm = app.appbuilder.sm
        users = {}
        for username, (roles, codes) in USERS.items():
            user = sm.add_user(username, username, "S", f"{username}@sample.test", [sm.find_role(r) for r in roles],
                               password=PASSWORD)
            user.campuses = [a if c == "SA" else b for c in codes]
            users[username] = user.id
        staff = Staff(name="示例职工", staff_no="SMP001", campus_id=a.id, active=True)
        db.session.add(staff)
        db.session.commit()
        return {"campuses": campuses, "users": users, "staff": staff.id}


class SampleEnv:
    def __init__(self, app, url, site, tmp, seeded):
        self.app, self.url, self.site, self.tmp = app, url, site, tmp
        self.campuses, self.users, self.staff = seeded["campuses"], seeded["users"], seeded["staff"]

    # -- clients -----------------------------------------------------------------------------------
    def login(self, username: str, lang: str = "en"):
        client = self.app.test_client()
        with client.session_transaction() as sess:
            sess["locale"] = lang
        resp = client.post("/login/", data={"username": username, "password": PASSWORD})
        assert resp.status_code == 302, f"login failed for {username}"
        return client

    def api(self, username: str):
        client = self.app.test_client()
        resp = client.post("/api/v1/security/login", json={"username": username, "password": PASSWORD,
                                                           "provider": "db"})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return client, {"Authorization": f"Bearer {resp.get_json()['access_token']}"}

    # -- records -----------------------------------------------------------------------------------
    def request(self, title="打印机墨盒", amount="300.00", user="req_a", campus="SA", state="draft", lines=(),
                staff=False) -> int:
        """A request made through the plugin's service, moved to `state` by its transitions."""
        from app.audit import acting_as
        from app.extensions import db
        from app.workflow import transition
        from houqin_sample.models import SampleRequest, SampleRequestLine
        from houqin_sample.services import number_request

        with self.app.app_context(), acting_as(None, "tests", "cli"):
            sm = self.app.appbuilder.sm
            req = SampleRequest(title=title, amount=Decimal(amount), campus_id=self.campuses[campus],
                                staff_id=self.staff if staff else None)
            number_request(db.session, req, sm.get_user_by_id(self.users[user]))
            req.lines = [SampleRequestLine(item=i, quantity=q) for i, q in lines]
            db.session.add(req)
            db.session.commit()
            pk = req.id
            path = {"draft": [], "submitted": ["submit"], "approved": ["submit", "approve"],
                    "rejected": ["submit", "reject"]}[state]
            for name in path:
                transition(db.session, SampleRequest, pk, name, user=None, reason="测试" if name == "reject" else None,
                           external={"body": "区教育局", "number": "教财〔2026〕1号", "date": "2026-01-05"})
                db.session.commit()
            return pk

    def get(self, model, pk):
        from app.extensions import db

        with self.app.app_context():
            obj = db.session.get(model, pk)
            if obj is not None:
                db.session.refresh(obj)
                db.session.expunge(obj)
            return obj

    def audit(self, table: str, pk) -> list:
        from sqlalchemy import select

        from app.extensions import db
        from app.models import AuditLog

        with self.app.app_context():
            rows = db.session.execute(select(AuditLog).where(AuditLog.table_name == table,
                                                             AuditLog.record_id == str(pk))
                                      .order_by(AuditLog.id)).scalars().all()
            for r in rows:
                db.session.expunge(r)
            return rows

    def set_setting(self, key, value):
        from app.audit import acting_as
        from app.extensions import db

        with self.app.app_context(), acting_as(None, "tests", "cli"):
            self.app.extensions["houqin_settings"].set(db.session, key, value)
            db.session.commit()

    # -- other processes -----------------------------------------------------------------------------
    def worker_env(self) -> dict:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([self.site, ROOT, env.get("PYTHONPATH", "")])
        env["HOUQIN_SAMPLE_URL"] = self.url
        env["HOUQIN_SAMPLE_TMP"] = self.tmp
        env["HOUQIN_INSTANCE_DIR"] = self.tmp
        return env

    def workers(self, argv_list: list[list[str]], timeout: int = 120, env: dict | None = None) -> list:
        """Start one process per argv at once (each waits for the others at a file barrier), and
        return each one's JSON output."""
        barrier = os.path.join(self.tmp, f"barrier-{next(_seq)}")
        env = {**self.worker_env(), **(env or {}), "HOUQIN_SAMPLE_BARRIER": barrier,
               "HOUQIN_SAMPLE_PARTIES": str(len(argv_list))}
        procs = [subprocess.Popen([sys.executable, "-m", "tests.core.sample_worker", *argv], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for argv in argv_list]
        out = []
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=timeout)
            assert proc.returncode == 0, stderr[-3000:]
            out.append(json.loads(stdout.strip().splitlines()[-1]))
        return out


def at(text: str) -> datetime:
    """An instant given in Shanghai local time: at("2026-12-01 01:30")."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(timezone.utc)


def unload_sample() -> None:
    from app.extensions import db

    for name in [t for t in db.Model.metadata.tables if t.startswith("sample_")]:
        db.Model.metadata.remove(db.Model.metadata.tables[name])
    for mod in [m for m in sys.modules if m.startswith("houqin_sample")]:
        del sys.modules[mod]
    importlib.invalidate_caches()


@pytest.fixture(scope="module")
def sample_env():
    tmp = tempfile.mkdtemp(prefix="houqin-sample-")
    site = os.path.join(tmp, "site")
    os.makedirs(site)
    install_sample(site)
    sys.path.insert(0, site)
    importlib.invalidate_caches()
    url, drop = make_database(tmp)
    try:
        import warnings

        from app import create_app

        with warnings.catch_warnings():
            # Each test module imports the plugin afresh into the one declarative registry.
            warnings.filterwarnings("ignore", "This declarative base already contains a class")
            app = create_app(config(tmp, url))
        env = SampleEnv(app, url, site, tmp, migrate_and_seed(app))
        yield env
        from app.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        sys.path.remove(site)
        unload_sample()
        drop()
        shutil.rmtree(tmp, ignore_errors=True)

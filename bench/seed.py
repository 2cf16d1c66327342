"""A fresh benchmark database and app: SQLite in a temporary folder or a PostgreSQL database
(emptied with DROP SCHEMA public CASCADE), migrated, roles synced, then the core seed:
5 campuses x 7 departments (+1 shared), the default positions, staff, a realistic audit
history and the bench logins (Director, Staff and Auditor bound to campus HQ)."""
from __future__ import annotations

import gc

import os
import random
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from typing import Callable

from .common import Context, cpu_probe_ms, load_average

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/houqin_bench"
CAMPUSES = [("总园", "HQ", "示范路1号"), ("东园", "EAST", "东风路88号"), ("西园", "WEST", "西湖路12号"),
            ("南园", "SOUTH", "南京路5号"), ("北园", "NORTH", "北辰路77号")]
DEPARTMENTS = ["后勤处", "保育组", "食堂", "保安室", "保健室", "财务室", "教学部"]
_previous_tempdir: dict[str, str | None] = {}


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("select 1 from pg_database where datname = :n"),
                              {"n": target.database}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = create_engine(target)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build_context(db_kind: str, *, plugins: str = "", prepare: Callable | None = None,
                  repeat: int = 20, warmup: int = 3, staff_per_campus: int = 400,
                  audit_rows: int = 100_000) -> Context:
    """A fresh database (migrated, roles synced), an app on it, and the core seed:
    5 campuses x 7 departments, the default positions, `staff_per_campus` staff per campus,
    `audit_rows` audit entries and the bench logins (Director, Staff and Auditor bound to HQ)."""
    import logging

    logging.getLogger("flask_appbuilder").setLevel(logging.ERROR)
    tmpdir = tempfile.mkdtemp(prefix="houqin-bench-")
    os.environ["HOUQIN_INSTANCE_DIR"] = tmpdir
    # Exports write temporary files: keep them in the bench's own folder (removed at the end),
    # where Bench.download can also see any the app fails to delete.
    scratch = os.path.join(tmpdir, "tmp")
    os.makedirs(scratch)
    _previous_tempdir[tmpdir] = tempfile.tempdir
    tempfile.tempdir = scratch
    if db_kind == "sqlite":
        url = "sqlite:///" + os.path.join(tmpdir, "bench.db")
    elif db_kind == "postgresql":
        url = os.environ.get("HOUQIN_BENCH_DATABASE_URL") or DEFAULT_PG_URL
        _reset_postgres(url)
    else:
        raise SystemExit(f"unknown database kind {db_kind!r} (sqlite | postgresql)")

    from app import create_app

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "SECRET_KEY_FILE": os.path.join(tmpdir, "secret_key"),
        "UPLOAD_FOLDER": os.path.join(tmpdir, "uploads"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "FAB_UPDATE_PERMS": False,
        "SERVER_NAME": None,
        "PLUGINS": plugins,
    })
    if prepare is not None:
        prepare(app)  # extra views must exist before the first request and the permission sync
    ctx = Context(app=app, db_kind=db_kind, url=url, tmpdir=tmpdir, repeat=repeat, warmup=warmup,
                  plugins=plugins)
    _migrate(app)
    _seed_core(ctx, staff_per_campus, audit_rows)
    ctx._install_listener()
    # As gunicorn's master does before it forks the workers (gunicorn.conf.py): the app's
    # long-lived objects leave the collector's generations, so a full collection stays cheap.
    gc.freeze()
    ctx.load_start = load_average()
    ctx.probe_start = cpu_probe_ms()
    return ctx


def destroy_context(ctx: Context) -> None:
    gc.unfreeze()
    with ctx.app.app_context():
        ctx.db.session.remove()
        ctx.db.engine.dispose()
    tempfile.tempdir = _previous_tempdir.pop(ctx.tmpdir, None)
    shutil.rmtree(ctx.tmpdir, ignore_errors=True)


def _migrate(app) -> None:
    from flask_migrate import upgrade

    from app.audit import acting_as
    from app.cli import seed_positions, sync_permissions_and_roles

    import logging

    with app.app_context(), acting_as(None, "bench", "cli"):
        logging.disable(logging.INFO)  # alembic's fileConfig would print every revision
        try:
            upgrade(revision="heads")
        finally:
            logging.disable(logging.NOTSET)
        sync_permissions_and_roles()
        seed_positions()


def _seed_core(ctx: Context, staff_per_campus: int, audit_rows: int) -> None:
    from sqlalchemy import insert, select

    from app.audit import acting_as, audit_job
    from app.models import Campus, Department, Position

    app, db = ctx.app, ctx.db
    with app.app_context(), acting_as(None, "bench", "cli"):
        session = db.session
        with audit_job(session, "bench_seed_org"):
            session.execute(insert(Campus), [dict(name=n, code=c, address=a, active=True) for n, c, a in CAMPUSES])
            ctx.campus_ids = {c.code: c.id for c in session.execute(select(Campus)).scalars()}
            session.execute(insert(Department), [dict(name=d, campus_id=cid, active=True)
                                                 for cid in ctx.campus_ids.values() for d in DEPARTMENTS])
            session.execute(insert(Department), [dict(name="全园共用", campus_id=None, active=True)])
        session.commit()
        for d in session.execute(select(Department)).scalars():
            code = next((k for k, v in ctx.campus_ids.items() if v == d.campus_id), None)
            if code:
                ctx.dept_ids.setdefault(code, []).append(d.id)
        ctx.position_ids = list(session.execute(select(Position.id)).scalars())

    for label, role in (("director", "Director"), ("staff", "Staff"), ("auditor", "Auditor")):
        ctx.add_user(label, role, ("HQ",))
    with app.app_context():
        user_ids = list(ctx.db.session.execute(select(app.appbuilder.sm.user_model.id)).scalars())
    ctx.volumes["campuses"] = len(ctx.campus_ids)
    ctx.volumes["departments"] = sum(len(v) for v in ctx.dept_ids.values()) + 1
    ctx.add_staff(staff_per_campus)
    _seed_audit(ctx, audit_rows, user_ids)
    ctx.volumes["audit_log"] = ctx.count("audit_log")


def _seed_audit(ctx: Context, n: int, user_ids: list[int]) -> None:
    """A realistic audit history: two years of mostly staff edits, some creates, jobs, deletes."""
    from sqlalchemy import insert

    from app.demo import mobile
    from app.models import AuditLog

    rng = random.Random(7)
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=730)
    step = (now - start) / max(n, 1)
    actors = [("bench_director", user_ids[0] if user_ids else None), ("bench_staff", None), ("cli", None)]
    tables = ["staff"] * 12 + ["department", "campus", "houqin_setting", "position"]
    fields = ["work_phone", "personal_phone", "position_id", "department_id", "health_cert_expiry", "active"]
    rows = []
    for i in range(n):
        action = rng.choices(["update", "create", "delete", "job"], weights=[70, 20, 2, 8])[0]
        table = rng.choice(tables)
        actor, uid = rng.choice(actors)
        if action == "job":
            changes = {"params": {"rows": rng.randrange(1, 200)},
                       "rows": [f"create:staff#{rng.randrange(1, 10000)}" for _ in range(rng.randrange(1, 6))]}
        elif action == "update":
            f = rng.choice(fields)
            changes = {f: [mobile(rng)[:3] + "****" + mobile(rng)[-4:], mobile(rng)[:3] + "****" + mobile(rng)[-4:]]
                       if f.endswith("phone") else [rng.randrange(1, 50), rng.randrange(1, 50)]}
        else:
            changes = {"name": [None, "某某"], "staff_no": [None, f"S{rng.randrange(1, 10**6):06d}"]}
        rows.append(dict(at=start + step * i, user_id=uid, actor=actor, action=action, table_name=table,
                         record_id=str(rng.randrange(1, 10000)), job="import" if action == "job" else None,
                         changes=changes, source=rng.choice(["web", "web", "web", "api", "import", "cli"])))
    with ctx.app.app_context():
        session = ctx.db.session
        for i in range(0, len(rows), 5000):
            session.execute(insert(AuditLog), rows[i:i + 5000])
        session.commit()

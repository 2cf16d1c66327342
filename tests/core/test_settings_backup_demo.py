"""Settings, backup/restore, demo data and the dashboard."""
import os
import sqlite3

import pytest

from tests.seed import CHEAP_PASSWORD_HASH
from sqlalchemy import func, select

from app.models import AuditLog, Campus, Setting, Staff


def test_settings_are_saved_validated_and_audited(app, client_as, ctx):
    def stored():
        return ctx.session.execute(select(Setting.value).where(Setting.key == "institution_name",
                                                               Setting.campus_id.is_(None))).scalar()

    kept = stored()  # none, or what a test before left
    c = client_as("director_a")
    assert "单位名称" in c.get("/settings/").get_data(as_text=True)
    bad = c.post("/settings/", data={"institution_name": "阳光幼儿园", "timezone": "Mars/Base",
                                      "idle_timeout_minutes": "2", "health_cert_warning_days": "30"})
    body = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "未知的时区" in body and "请输入 5 到 480 之间的数字" in body
    assert "阳光幼儿园" in body and "Mars/Base" in body  # the form keeps what was typed
    assert stored() == kept  # nothing half-saved
    ok = c.post("/settings/", data={"institution_name": "阳光幼儿园", "timezone": "Asia/Shanghai",
                                     "idle_timeout_minutes": "30", "health_cert_warning_days": "30"})
    assert ok.status_code == 302
    with app.app_context():
        settings = app.extensions["houqin_settings"]
        settings.invalidate()
        assert settings.get("institution_name") == "阳光幼儿园"
    # One save, one entry (issue 13, point 5): the settings job's, naming what changed.
    entry = ctx.session.execute(select(AuditLog).where(AuditLog.table_name == "settings", AuditLog.action == "job")
                                .order_by(AuditLog.id.desc())).scalars().first()
    assert entry.actor == "director_a"


def test_only_admin_and_director_reach_settings(app, client_as):
    for user in ("staff_a", "gatekeeper_a", "auditor_a"):
        assert client_as(user).get("/settings/").status_code == 403


def test_dashboard_lists_health_certificates_expiring_within_30_days(app, client_as, campuses, ctx):
    from datetime import date, timedelta

    from app.audit import acting_as

    with acting_as(None, "tests", "cli"):
        soon = Staff(name="将到期", staff_no="HC-SOON", employment_type="established", campus_id=campuses["TA"],
                     health_cert_expiry=date.today() + timedelta(days=10), active=True)
        later = Staff(name="还早呢", staff_no="HC-LATER", employment_type="established", campus_id=campuses["TA"],
                      health_cert_expiry=date.today() + timedelta(days=90), active=True)
        other = Staff(name="别的园", staff_no="HC-OTHER", employment_type="established", campus_id=campuses["TB"],
                      health_cert_expiry=date.today() + timedelta(days=5), active=True)
        ctx.session.add_all([soon, later, other])
        ctx.session.commit()
    page = client_as("director_a").get("/").get_data(as_text=True)
    assert "将到期" in page and "还早呢" not in page and "别的园" in page
    staff_page = client_as("staff_a").get("/").get_data(as_text=True)
    assert "将到期" in staff_page and "别的园" not in staff_page  # each widget keeps campus scope


@pytest.mark.slow
def test_backup_then_restore_brings_the_old_data_back(tmp_path):
    """Uses its own SQLite database: restore replaces the database file."""
    from app import create_app

    from app.audit import acting_as

    inst = tmp_path / "instance"
    inst.mkdir()
    (inst / "uploads").mkdir()
    (inst / "uploads" / "photo.txt").write_text("kept")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{inst}/houqin.db", "TESTING": True,
                      "SECRET_KEY_FILE": str(inst / "secret_key"), "RATELIMIT_ENABLED": False,
                      "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH})
    app.instance_path = str(inst)
    runner = app.test_cli_runner()
    from flask_migrate import upgrade

    from app.extensions import db

    with app.app_context(), acting_as(None, "tests", "cli"):
        upgrade(revision="heads")
        db.session.add(Campus(name="备份前园区", code="BK1"))
        db.session.commit()
    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["houqin", "backup", str(archive)])
    assert result.exit_code == 0, result.output
    with app.app_context(), acting_as(None, "tests", "cli"):
        db.session.execute(Campus.__table__.delete())
        db.session.add(Campus(name="备份后园区", code="BK2"))
        db.session.commit()
    (inst / "uploads" / "photo.txt").write_text("changed")
    result = runner.invoke(args=["houqin", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    names = [r[0] for r in sqlite3.connect(inst / "houqin.db").execute("select name from campus")]
    assert names == ["备份前园区"]
    assert (inst / "uploads" / "photo.txt").read_text() == "kept"


@pytest.mark.slow
def test_demo_loads_and_remove_deletes_exactly_the_demo_rows(tmp_path):
    from app import create_app

    from app.audit import acting_as

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/demo.db", "TESTING": True,
                      "SECRET_KEY": "demo-secret-0123456789abcdef0123456789", "RATELIMIT_ENABLED": False,
                      "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH})
    runner = app.test_cli_runner()
    from app.extensions import db

    env = {"HOUQIN_ADMIN_PASSWORD": "Admin-Pass-2026!!", "HOUQIN_DEMO": "0"}
    result = runner.invoke(args=["houqin", "init"], env=env)
    assert result.exit_code == 0, result.output
    with app.app_context(), acting_as(None, "tests", "cli"):
        db.session.add(Campus(name="真实园区", code="REAL"))
        db.session.commit()
        tables = [t for t in db.Model.metadata.sorted_tables]
        before = {t.name: db.session.execute(select(func.count()).select_from(t)).scalar() for t in tables}
    result = runner.invoke(args=["houqin", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.execute(select(func.count(Staff.id))).scalar() > 0
    result = runner.invoke(args=["houqin", "demo", "--remove"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        after = {t.name: db.session.execute(select(func.count()).select_from(t)).scalar() for t in tables}
        assert db.session.execute(select(Campus.name)).scalars().all() == ["真实园区"]
    # every table is back to what it was, except the audit log, which records the load and the removal,
    # and the change counters (app/freshness.py), which count them
    kept = ("audit_log", "houqin_version")
    assert {k: v for k, v in after.items() if k not in kept} == {k: v for k, v in before.items() if k not in kept}


@pytest.mark.slow
def test_init_creates_a_random_admin_password_shown_once_and_to_be_changed(tmp_path):
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/init.db", "TESTING": True,
                      "SECRET_KEY": "init-secret-0123456789abcdef0123456789", "RATELIMIT_ENABLED": False,
                      "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH})
    result = app.test_cli_runner().invoke(args=["houqin", "init"], env={"HOUQIN_DEMO": "0", "HOUQIN_ADMIN_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert "password:" in result.output
    from app.extensions import db
    from app.models import HouqinUser

    with app.app_context():
        admin = db.session.execute(select(HouqinUser).where(HouqinUser.username == "admin")).scalar_one()
        assert admin.must_change_password is True
    again = app.test_cli_runner().invoke(args=["houqin", "init"], env={"HOUQIN_DEMO": "0"})
    assert again.exit_code == 0 and "password:" not in again.output


def test_the_secret_key_file_is_created_once_with_mode_600(tmp_path):
    from app import ensure_secret_key

    path = tmp_path / "inst" / "secret_key"
    first = ensure_secret_key(str(path))
    assert ensure_secret_key(str(path)) == first and len(first) >= 32
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"

"""Retention (PIPL art. 19): `flask houqin purge-visitors` anonymises visitors not
seen for the retention period; their visits stay for statistics; one audit entry."""
from datetime import timedelta

from sqlalchemy import select, update


def age(app, visit_id, days):
    """Move a visit (and its visitor's last visit) `days` into the past and sign it out."""
    from app.audit import acting_as
    from app.extensions import db
    from plugins.visitors import services
    from plugins.visitors.models import Visit, Visitor

    with app.app_context(), acting_as(None, "tests", "cli"):
        visit = db.session.get(Visit, visit_id)
        when = visit.time_in - timedelta(days=days)
        db.session.execute(update(Visit).where(Visit.id == visit_id).values(time_in=when))
        db.session.execute(update(Visitor).where(Visitor.id == visit.visitor_id).values(last_visit_at=when))
        services.sign_out(db.session, visit_id, at=when + timedelta(hours=1))
        db.session.commit()
        return visit.visitor_id


def run_purge(app, *args):
    from plugins.visitors.cli import purge_visitors_command

    return app.test_cli_runner().invoke(purge_visitors_command, list(args))


def test_visitors_not_seen_for_the_retention_period_are_anonymised(app, gate, uid, resident_id, mobile_no):
    from app.extensions import db
    from app.models import AuditLog
    from plugins.visitors.models import Visit, Visitor

    host = gate.staff("TA", name="留存老师")
    old_visit = gate.visit(name=uid("旧客"), id_number=resident_id(), phone=mobile_no(), host_id=host,
                           plate="沪A88888", purpose_id=gate.purpose("送货"))
    old = age(app, old_visit, 200)
    recent_name = uid("新客")
    recent = age(app, gate.visit(name=recent_name), 20)
    result = run_purge(app)
    assert result.exit_code == 0, result.output
    assert "Anonymised" in result.output and "180 days" in result.output
    count = int(result.output.split("Anonymised ")[1].split(" ")[0])
    assert count >= 1

    visitor = gate.get(Visitor, old)
    assert (visitor.name, visitor.id_number, visitor.phone, visitor.id_hash, visitor.phone_hash) == \
        ("***", None, None, None, None)
    assert visitor.anonymised_at is not None
    visit = gate.get(Visit, old_visit)
    assert visit.visitor_name == "***" and visit.plate is None
    assert (visit.host_id, visit.purpose_id, visit.campus_id) == (host, gate.purpose("送货"), gate.campuses["TA"])
    assert visit.time_in is not None and visit.time_out is not None
    assert gate.get(Visitor, recent).name == recent_name

    with app.app_context():
        jobs = db.session.execute(select(AuditLog).where(AuditLog.job == "purge_visitors")
                                  .order_by(AuditLog.id.desc())).scalars().all()
        assert jobs[0].changes["params"]["visitors"] == count
        assert jobs[0].changes["params"]["retention_days"] == 180
        assert any(r.startswith("bulk-update:visitor:") for r in jobs[0].changes["rows"])
        stray = db.session.execute(select(AuditLog).where(
            AuditLog.table_name == "visitor", AuditLog.action == "bulk-update", AuditLog.id > jobs[0].id - 10,
            AuditLog.job.is_(None), AuditLog.id < jobs[0].id)).scalars().all()
        assert not [s for s in stray if "anonymised_at" in str(s.changes)]  # the job's rows, not one entry each

    again = run_purge(app)
    assert "Anonymised 0 visitors" in again.output


def test_a_dry_run_changes_nothing(app, gate, uid):
    from plugins.visitors.models import Visitor

    name = uid("试跑")
    visitor = age(app, gate.visit(name=name), 400)
    result = run_purge(app, "--dry-run", "--days", "365")
    assert "would be anonymised" in result.output
    assert gate.get(Visitor, visitor).name == name


def test_a_visitor_still_on_site_is_never_anonymised(app, gate, uid):
    from app.audit import acting_as
    from app.extensions import db
    from plugins.visitors.models import Visit, Visitor

    name = uid("在场")
    visit_id = gate.visit(name=name)
    with app.app_context(), acting_as(None, "tests", "cli"):
        visit = db.session.get(Visit, visit_id)
        db.session.execute(update(Visitor).where(Visitor.id == visit.visitor_id).values(
            last_visit_at=visit.time_in - timedelta(days=999)))
        db.session.commit()
        visitor_id = visit.visitor_id
    run_purge(app)
    assert gate.get(Visitor, visitor_id).name == name


def test_the_retention_period_is_a_setting(app):
    spec = app.extensions["houqin"].setting_spec("visitor_retention_days")
    assert spec.default == 180 and spec.kind == "int"


def test_the_purge_is_a_daily_job_that_runs_once_a_day_and_is_audited(app, gate, uid):
    """Declared in the manifest (daily at 03:00 local time), run by `flask houqin run-due`."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from sqlalchemy import delete

    from app.extensions import db
    from app.jobs import get_job, run_job
    from app.models import AuditLog, JobRun
    from plugins.visitors.models import Visitor

    visitor = age(app, gate.visit(name=uid("日清")), 400)
    with app.app_context():
        job = get_job("visitors.purge")
        assert job.schedule.describe() and job.schedule.at.strftime("%H:%M") == "03:00"
        db.session.execute(delete(JobRun).where(JobRun.job == "visitors.purge"))
        db.session.commit()
        morning = datetime(2031, 5, 6, 3, 5, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(timezone.utc)
        (report,) = run_job(db.session, job, morning)
        assert (report.period, report.status) == ("2031-05-06", "done") and report.rows >= 1
        assert "visitors anonymised (retention 180 days)" in report.result
        assert run_job(db.session, job, morning) == []  # once per day
        entry = db.session.execute(select(AuditLog).where(AuditLog.job == "purge_visitors")
                                   .order_by(AuditLog.id.desc()).limit(1)).scalar_one()
        assert entry.actor == "job:visitors.purge" and entry.source == "job"
        assert entry.changes["params"]["locks_bypassed"].startswith("visitor retention")
        db.session.execute(delete(JobRun).where(JobRun.job == "visitors.purge"))
        db.session.commit()
    assert gate.get(Visitor, visitor).name == "***"

"""Scheduled jobs (app.jobs): schedules in the local calendar, and `run-due` on the test plugin's
month-end job on its own SQLite or PostgreSQL database — once per period (a unique row), even with
several hosts at once; failed and abandoned runs retried; missed months caught up in order, a failing
month holding the later ones back; the history, "Run now" and the dashboard warning for the Admin."""
from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from tests.core.sample_app import at, sample_env  # noqa: F401  (module fixture)

SH = ZoneInfo("Asia/Shanghai")
JOB = "sample.month_end"


# -- schedules (pure) ------------------------------------------------------------------------------

@pytest.mark.parametrize("now, due", [
    ("2026-12-01 00:59", "2026-11"),  # before 01:00 on the 1st: November's run is the latest due
    ("2026-12-01 01:00", "2026-12"),
    ("2026-12-31 23:59", "2026-12"),
    ("2027-01-01 00:30", "2026-12"),
])
def test_a_monthly_run_is_due_from_its_day_and_time_in_the_local_zone(now, due):
    from app.jobs import monthly

    local = datetime.fromisoformat(now).replace(tzinfo=SH)
    assert monthly(1, "01:00").latest_due(local.astimezone(timezone.utc), SH).key == due


@pytest.mark.parametrize("now, due", [("2026-03-10 02:59", "2026-03-09"), ("2026-03-10 03:00", "2026-03-10")])
def test_a_daily_run_is_due_from_its_time(now, due):
    from app.jobs import daily

    local = datetime.fromisoformat(now).replace(tzinfo=SH)
    assert daily("03:00").latest_due(local.astimezone(timezone.utc), SH).key == due


def test_a_monthly_run_on_the_last_day_follows_the_months_length():
    from app.jobs import monthly
    from app.periods import Period

    job = monthly("last", "22:00")
    assert job.fires_at(Period.month(2028, 2), SH) == datetime(2028, 2, 29, 22, 0, tzinfo=SH)
    assert job.fires_at(Period.month(2027, 2), SH) == datetime(2027, 2, 28, 22, 0, tzinfo=SH)
    with pytest.raises(ValueError):
        monthly(31)


# -- runs --------------------------------------------------------------------------------------------

def runs(env):
    from app.extensions import db
    from app.models import JobRun

    with env.app.app_context():
        rows = db.session.execute(select(JobRun).where(JobRun.job == JOB).order_by(JobRun.id)).scalars().all()
        for r in rows:
            db.session.expunge(r)
        return rows


def totals(env):
    from app.extensions import db
    from houqin_sample.models import SampleMonthTotal

    with env.app.app_context():
        return {r.month: r.runs for r in db.session.execute(select(SampleMonthTotal)).scalars()}


def reset(env):
    from app.extensions import db
    from app.models import JobRun, SchedulerBeat
    from houqin_sample.models import SampleMonthTotal

    with env.app.app_context():
        db.session.execute(delete(JobRun))
        db.session.execute(delete(SchedulerBeat))
        db.session.execute(delete(SampleMonthTotal))
        db.session.commit()


def run_due(env, when):
    from app.jobs import run_due as run

    with env.app.app_context():
        return [(r.job, r.period, r.status) for r in run(now=at(when)) if r.job == JOB]


@pytest.fixture()
def clean(sample_env):
    reset(sample_env)
    os.environ.pop("HOUQIN_SAMPLE_JOB_FAIL", None)
    yield sample_env
    os.environ.pop("HOUQIN_SAMPLE_JOB_FAIL", None)
    reset(sample_env)


def test_a_job_first_seen_runs_the_period_now_due_once(clean):
    env = clean
    assert run_due(env, "2026-01-15 09:00") == [(JOB, "2026-01", "done")]
    assert run_due(env, "2026-01-20 09:00") == []  # done for January
    (run,) = runs(env)
    assert (run.status, run.cause, run.attempt, run.rows, run.result) == ("done", "schedule", 1, 1, "2025-12: 0 approved")
    assert run.started_at and run.ended_at and run.host and run.pid
    assert totals(env) == {"2025-12": 1}


def test_missed_months_are_caught_up_in_order(clean):
    env = clean
    run_due(env, "2026-01-02 08:00")
    assert run_due(env, "2026-05-01 00:30") == [(JOB, "2026-02", "done"), (JOB, "2026-03", "done"),
                                                (JOB, "2026-04", "done")]  # May's is due at 01:00
    assert [r.period for r in runs(env)] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert totals(env) == {"2025-12": 1, "2026-01": 1, "2026-02": 1, "2026-03": 1}


def test_a_failing_month_is_retried_later_and_holds_the_next_months_back(clean):
    env = clean
    run_due(env, "2026-01-02 08:00")
    os.environ["HOUQIN_SAMPLE_JOB_FAIL"] = "2026-01"  # the February run processes January
    assert run_due(env, "2026-03-02 08:00") == [(JOB, "2026-02", "failed")]  # March waits
    failed = runs(env)[-1]
    assert failed.status == "failed" and "sample failure for 2026-01" in failed.error
    assert run_due(env, "2026-03-02 08:03") == [(JOB, "2026-02", "waiting")]  # retried after 5 minutes
    assert run_due(env, "2026-03-02 08:06") == [(JOB, "2026-02", "failed")]
    assert runs(env)[-1].attempt == 2
    del os.environ["HOUQIN_SAMPLE_JOB_FAIL"]
    assert run_due(env, "2026-03-02 08:20") == [(JOB, "2026-02", "done"), (JOB, "2026-03", "done")]
    assert totals(env) == {"2025-12": 1, "2026-01": 1, "2026-02": 1}


def test_a_run_abandoned_by_a_dead_host_is_retried(clean):
    from app.extensions import db
    from app.models import JobRun

    env = clean
    with env.app.app_context():
        db.session.add(JobRun(job=JOB, period="2026-06", attempt=1, cause="schedule", status="running",
                              started_at=at("2026-06-01 01:00"), host="dead-host", pid=1))
        db.session.commit()
    assert run_due(env, "2026-06-01 02:00") == [(JOB, "2026-06", "waiting")]  # may still be running
    assert run_due(env, "2026-06-01 03:30") == [(JOB, "2026-06", "done")]  # past its 120-minute timeout
    assert [(r.status, r.attempt) for r in runs(env)] == [("abandoned", 1), ("done", 2)]


def test_after_repeated_failures_it_waits_for_the_admin_who_sees_it_and_runs_it_now(clean):
    from app.jobs import get_job

    env = clean
    with env.app.app_context():
        attempts = get_job(JOB).max_attempts
    os.environ["HOUQIN_SAMPLE_JOB_FAIL"] = "2026-07"
    now = at("2026-08-01 02:00")
    for i in range(attempts):
        run_due(env, (now + timedelta(hours=i * 24)).astimezone(SH).strftime("%Y-%m-%d %H:%M"))
    assert [r.status for r in runs(env)] == ["failed"] * attempts
    assert run_due(env, "2026-08-20 02:00") == [(JOB, "2026-08", "waiting")]  # stopped
    admin = env.login("root")
    page = admin.get("/").get_data(as_text=True)
    assert "Sample month-end totals keeps failing (2026-08)." in page
    assert "Stopped after repeated failures" in admin.get("/jobs/").get_data(as_text=True)
    del os.environ["HOUQIN_SAMPLE_JOB_FAIL"]
    resp = admin.post(f"/jobs/run/{JOB}", follow_redirects=True)
    assert "Sample month-end totals ran for 2026-08" in resp.get_data(as_text=True)
    last = runs(env)[-1]
    assert last.status == "done" and last.actor == "root"


def test_run_now_with_nothing_pending_runs_the_latest_period_again(clean):
    from app.jobs import run_now

    env = clean
    run_due(env, "2026-09-01 05:00")
    with env.app.app_context():
        (report,) = run_now(JOB, now=at("2026-09-03 05:00"))
    assert (report.period, report.status) == ("2026-09", "done")
    assert [(r.cause, r.status) for r in runs(env)] == [("schedule", "done"), ("manual", "done")]
    assert totals(env) == {"2026-08": 2}


@pytest.mark.slow
def test_several_hosts_calling_at_once_run_each_month_once(clean):
    env = clean
    run_due(env, "2026-01-02 08:00")
    env.workers([["run-due", at("2026-04-02 08:00").isoformat()] for _ in range(3)],
                env={"HOUQIN_SAMPLE_JOB_SLEEP": "0.3"})
    done = [r.period for r in runs(env) if r.status == "done"]
    assert done == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert set(totals(env).values()) == {1}  # the job itself ran once per month
    again = env.workers([["run-due", at("2026-04-02 08:01").isoformat()] for _ in range(2)])
    assert all(not [r for r in out["reports"] if r[0] == JOB] for out in again)


def test_the_admin_sees_the_history_and_is_warned_when_run_due_has_been_silent_for_a_day(clean):
    from app.extensions import db
    from app.jobs import beat

    env = clean
    admin = env.login("root")
    board = admin.get("/").get_data(as_text=True)
    assert "Scheduled jobs have never run on this installation." in board
    run_due(env, "2026-01-02 08:00")
    with env.app.app_context():
        beat(db.session, datetime.now(timezone.utc))
    assert 'id="hq-jobs-widget"' not in admin.get("/").get_data(as_text=True)
    with env.app.app_context():
        beat(db.session, datetime.now(timezone.utc) - timedelta(hours=25))
    assert "Scheduled jobs have not run since" in admin.get("/").get_data(as_text=True)
    history = admin.get("/jobrunview/list/").get_data(as_text=True)
    assert "Sample month-end totals" in history and "2026-01" in history and "Done" in history
    jobs = admin.get("/jobs/").get_data(as_text=True)
    assert "Monthly on day 1 at 01:00" in jobs and 'action="/jobs/run/sample.month_end"' in jobs
    zh = env.login("root", lang="zh").get("/jobs/").get_data(as_text=True)
    assert "定时任务" in zh
    staff = env.login("req_a")
    assert staff.get("/jobs/").status_code == 403 and staff.post(f"/jobs/run/{JOB}").status_code == 403
    assert staff.get("/jobrunview/list/").status_code == 403
    assert 'id="hq-jobs-widget"' not in staff.get("/").get_data(as_text=True)


def test_run_due_on_the_command_line(clean):
    env = clean
    runner = env.app.test_cli_runner()
    listing = runner.invoke(args=["houqin", "run-due", "--list"])
    assert listing.exit_code == 0 and "sample.month_end: Monthly on day 1 at 01:00" in listing.output
    out = runner.invoke(args=["houqin", "run-due", "--job", JOB])
    assert out.exit_code == 0 and f"{JOB} " in out.output and ": done, 1 rows" in out.output
    assert runner.invoke(args=["houqin", "run-due", "--job", JOB]).output.strip() == "Nothing due."


def test_make_run_says_that_jobs_need_a_timer():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run(["make", "-n", "run"], cwd=root, capture_output=True, text=True).stdout
    assert "run-due" in out and "docs/operations.md" in out


def test_a_long_job_may_commit_in_chunks_and_a_failure_keeps_what_it_committed(clean):
    """For SQLite's single writer: ctx.commit() lets web requests write between chunks."""
    from app.extensions import db
    from app.jobs import Job, daily, run_job
    from houqin_sample.models import SampleMonthTotal

    env = clean

    def chunked(ctx):
        ctx.session.add(SampleMonthTotal(month="C-1", runs=1))
        ctx.commit()
        ctx.session.add(SampleMonthTotal(month="C-2", runs=1))
        raise RuntimeError("stopped half-way")

    job = Job("sample.chunked", chunked, "chunked", daily("02:00"))
    with env.app.app_context():
        (report,) = run_job(db.session, job, at("2026-10-10 03:00"))
        assert report.status == "failed" and "stopped half-way" in report.error
    assert set(totals(env)) == {"C-1"}
    with env.app.app_context():
        from app.models import JobRun

        db.session.execute(delete(JobRun).where(JobRun.job == "sample.chunked"))
        db.session.commit()

"""Scheduled jobs: plugins declare them in their manifest (`Plugin.jobs`), `flask houqin run-due`
runs what is due. Call it every few minutes from cron or a systemd timer, on any number of hosts
(docs/operations.md):

    Job("notes.month_end", "notes.jobs:month_end", _l("Month-end totals"),
        monthly(day=1, at="01:00"))        # processes ctx.period.previous(): the month just ended
    Job("visitors.purge", purge_job, _l("Anonymise old visitors"), daily("03:00"))

A job's function gets a JobContext (session, period, trigger, user) and returns the rows it touched
(an int), a summary (a str), both as a tuple, or None. The runner commits the job's writes together
with the run's "done", so a crash leaves nothing half-done and the period is run again; a long job
may commit in chunks (`ctx.commit()`, for SQLite's single writer). Jobs must be idempotent (a
retried period runs again).

Guarantees (tables in app.models.jobs):
- once per period: a unique row per job and period when done, and at most one running run per job,
  whatever hosts call at the same moment (a claim is an INSERT the database refuses twice);
- a failed run is retried (after 5, 10, 20 ... minutes, up to `max_attempts`), an abandoned one (a
  host that died: running past `timeout_minutes`) is marked so and retried;
- missed periods are caught up in order, and a period that keeps failing holds the later ones back
  (a monthly run never skips a month); a job first seen starts with the period now due;
- each run records start, end, host, result, rows touched and error (the Admin's history screen).
Periods are the institution's local calendar (app.periods).
"""
from __future__ import annotations

import logging
import os
import socket
import traceback
from time import monotonic
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import Any, Callable, Optional, Union

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from .periods import DAY, MONTH, Period
from .rules import parse_hhmm

log = logging.getLogger(__name__)
LAST_DAY = "last"


# -- schedules ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Daily:
    """Every local day at `at`: the run for day D is due from D at `at`."""

    at: time
    kind: str = DAY

    def fires_at(self, period: Period, tz) -> datetime:
        return datetime.combine(period.start, self.at, tzinfo=tz)

    def latest_due(self, now: datetime, tz) -> Period:
        local = now.astimezone(tz)
        period = Period(DAY, local.date())
        return period if local >= self.fires_at(period, tz) else period.previous()

    def describe(self) -> str:
        from flask_babel import gettext

        return gettext("Daily at %(time)s", time=self.at.strftime("%H:%M"))


@dataclass(frozen=True)
class Monthly:
    """Every local month on `day` (1-28, or "last") at `at`: the run for month M is due then."""

    day: Union[int, str]
    at: time
    kind: str = MONTH

    def fires_at(self, period: Period, tz) -> datetime:
        day = period.end.day if self.day == LAST_DAY else min(int(self.day), period.end.day)
        return datetime.combine(period.start.replace(day=day), self.at, tzinfo=tz)

    def latest_due(self, now: datetime, tz) -> Period:
        local = now.astimezone(tz)
        period = Period(MONTH, local.date())
        return period if local >= self.fires_at(period, tz) else period.previous()

    def describe(self) -> str:
        from flask_babel import gettext

        if self.day == LAST_DAY:
            return gettext("Monthly on the last day at %(time)s", time=self.at.strftime("%H:%M"))
        return gettext("Monthly on day %(day)s at %(time)s", day=self.day, time=self.at.strftime("%H:%M"))


def daily(at: str = "02:00") -> Daily:
    return Daily(parse_hhmm(at))


def monthly(day: Union[int, str] = 1, at: str = "01:00") -> Monthly:
    if day != LAST_DAY and not (isinstance(day, int) and 1 <= day <= 28):
        raise ValueError("monthly(day=...) takes 1 to 28 or 'last' (every month has those)")
    return Monthly(day, parse_hhmm(at))


# -- declarations ---------------------------------------------------------------------------------

@dataclass
class Job:
    name: str  # unique, "<plugin>.<what>"
    run: Union[Callable, str]  # run(ctx: JobContext), or "module:function"
    label: Any
    schedule: Union[Daily, Monthly]
    description: Any = ""
    timeout_minutes: int = 120  # running longer than this: abandoned (its host died) and retried
    max_attempts: int = 5  # failures of one period before it waits for the Admin ("Run now")
    retry_minutes: int = 5  # first retry after this, doubling each time

    def function(self) -> Callable:
        from .plugin import resolve

        return resolve(self.run)


@dataclass
class JobContext:
    session: Any
    job: Job
    period: Period
    trigger: str
    run_id: int
    now: datetime
    user: Any = None
    rows: int = 0
    result: str = ""

    def commit(self) -> None:
        """Commit the work so far (the run stays "running"). SQLite has one writer: a job that
        writes for many seconds would make web requests wait past their busy timeout, so a long
        job commits in chunks — and must then be repeatable from wherever a failure stopped it."""
        self.session.commit()


@dataclass
class Report:
    job: str
    period: str
    status: str  # done | failed | skipped (another host had it) | waiting
    rows: Optional[int] = None
    result: str = ""
    error: str = ""
    run_id: Optional[int] = None
    seconds: float = 0.0

    def line(self) -> str:
        text = f"{self.job} {self.period}: {self.status}"
        if self.rows is not None:
            text += f", {self.rows} rows"
        if self.result:
            text += f" ({self.result})"
        if self.error:
            text += f" — {self.error.strip().splitlines()[-1]}"
        return text


def registry_jobs() -> list[Job]:
    from flask import current_app

    return list(current_app.extensions["houqin"].jobs.values())


def get_job(name: str) -> Job:
    from flask import current_app

    jobs = current_app.extensions["houqin"].jobs
    if name not in jobs:
        raise KeyError(f"no job {name!r} (declared: {', '.join(sorted(jobs)) or 'none'})")
    return jobs[name]


def _tz():
    from .i18n import institution_tz

    return institution_tz()


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def host_name() -> str:
    return (os.environ.get("HOUQIN_HOST_NAME") or socket.gethostname())[:100]


# -- state of a job ---------------------------------------------------------------------------------

def _runs():
    from .models.jobs import JobRun

    return JobRun


def pending_periods(session, job: Job, now: Optional[datetime] = None) -> list[Period]:
    """The periods due and not yet done, oldest first."""
    from .models.jobs import DONE, SCHEDULE

    JobRun = _runs()
    now = now or _utcnow()
    latest = job.schedule.latest_due(now, _tz())
    done = session.execute(select(func.max(JobRun.period)).where(
        JobRun.job == job.name, JobRun.status == DONE, JobRun.cause == SCHEDULE)).scalar()
    if done:
        start = Period.parse(done).next()
    else:
        earliest = session.execute(select(func.min(JobRun.period)).where(
            JobRun.job == job.name, JobRun.cause == SCHEDULE)).scalar()
        start = Period.parse(earliest) if earliest else latest
    return list(start.until(latest))


def _latest_attempt(session, job: Job, period: Period):
    from .models.jobs import SCHEDULE

    JobRun = _runs()
    return session.execute(select(JobRun).where(
        JobRun.job == job.name, JobRun.period == period.key, JobRun.cause == SCHEDULE)
        .order_by(JobRun.id.desc()).limit(1)).scalar_one_or_none()


def _running(session, job: Job):
    from .models.jobs import RUNNING

    JobRun = _runs()
    return session.execute(select(JobRun).where(JobRun.job == job.name, JobRun.status == RUNNING)
                           .limit(1)).scalar_one_or_none()


def _abandon_stale(session, job: Job, now: datetime):
    """A run still "running" past its timeout: its host died. Mark it abandoned (once). Returns the
    run still going (not stale), or None when the job is free."""
    from .models.jobs import ABANDONED, RUNNING

    JobRun = _runs()
    stale = _running(session, job)
    if stale is None:
        return None
    if stale.started_at > now - timedelta(minutes=job.timeout_minutes):
        return stale
    session.execute(update(JobRun).where(JobRun.id == stale.id, JobRun.status == RUNNING).values(
        status=ABANDONED, ended_at=now, error=f"abandoned: no end after {job.timeout_minutes} minutes"))
    session.commit()
    return None


# -- running --------------------------------------------------------------------------------------

def _claim(session, job: Job, period: Period, trigger: str, now: datetime, user=None) -> Optional[int]:
    """Insert the running row; None when the database refuses it (another run is on)."""
    from .models.jobs import DONE, RUNNING, SCHEDULE

    JobRun = _runs()
    table = JobRun.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    attempt = (session.execute(select(func.count(JobRun.id)).where(
        JobRun.job == job.name, JobRun.period == period.key, JobRun.cause == trigger)).scalar() or 0) + 1
    stmt = insert(table).values(
        job=job.name, period=period.key, attempt=attempt, cause=trigger, status=RUNNING, started_at=now,
        host=host_name(), pid=os.getpid(), user_id=getattr(user, "id", None),
        actor=getattr(user, "username", None) or "run-due").on_conflict_do_nothing().returning(table.c.id)
    run_id = session.execute(stmt).scalar()
    if run_id is not None and trigger == SCHEDULE:
        # Done meanwhile by another host (its run ended between our look and our claim).
        if session.execute(select(JobRun.id).where(JobRun.job == job.name, JobRun.period == period.key,
                                                   JobRun.status == DONE, JobRun.cause == SCHEDULE)).first():
            session.execute(delete(JobRun).where(JobRun.id == run_id))
            run_id = None
    session.commit()
    return run_id


def _execute(session, job: Job, period: Period, trigger: str, run_id: int, now: datetime, user=None) -> Report:
    from .audit import acting_as
    from .models.jobs import DONE

    JobRun = _runs()
    ctx = JobContext(session, job, period, trigger, run_id, now, user)
    started = monotonic()
    actor = (getattr(user, "id", None), getattr(user, "username", None) or f"job:{job.name}"[:100],
             "web" if user is not None else "job")
    try:
        with acting_as(*actor):
            value = job.function()(ctx)
        if isinstance(value, tuple):
            ctx.rows, ctx.result = value[0] or 0, str(value[1] or "")
        elif isinstance(value, int) and not isinstance(value, bool):
            ctx.rows = value
        elif isinstance(value, str):
            ctx.result = value
        seconds = monotonic() - started
        # Times on the runner's clock (`now` + the run's length): tests run the schedule at other dates.
        session.execute(update(JobRun).where(JobRun.id == run_id).values(
            status=DONE, ended_at=now + timedelta(seconds=seconds), rows=ctx.rows, result=ctx.result[:500] or None))
        session.commit()  # the job's writes and its "done" together
        return Report(job.name, period.key, DONE, ctx.rows, ctx.result, run_id=run_id, seconds=seconds)
    except IntegrityError as exc:
        session.rollback()
        if "uq_houqin_job_run_done" in str(exc.orig) or "job_run.job, houqin_job_run.period" in str(exc.orig):
            session.execute(delete(JobRun).where(JobRun.id == run_id))
            session.commit()
            return Report(job.name, period.key, "skipped", result="done by another host", run_id=run_id)
        return _failed(session, job, period, run_id, exc, now + timedelta(seconds=monotonic() - started))
    except Exception as exc:  # any failure of a job is recorded, and retried later
        session.rollback()
        return _failed(session, job, period, run_id, exc, now + timedelta(seconds=monotonic() - started))


def _failed(session, job, period, run_id, exc, ended) -> Report:
    from .models.jobs import FAILED

    JobRun = _runs()
    text = "".join(traceback.format_exception(exc))[-4000:]
    log.error("job %s %s failed: %s", job.name, period.key, exc)
    session.execute(update(JobRun).where(JobRun.id == run_id).values(status=FAILED, ended_at=ended, error=text))
    session.commit()
    return Report(job.name, period.key, FAILED, error=text, run_id=run_id)


def _may_retry(job: Job, last, now: datetime, force: bool) -> bool:
    from .models.jobs import ABANDONED

    if force:
        return True
    if last.attempt >= job.max_attempts:
        return False
    if last.status == ABANDONED:
        return True  # it already waited out its timeout
    if last.attempt >= job.max_attempts:
        return False
    wait = timedelta(minutes=job.retry_minutes * 2 ** (last.attempt - 1))
    return (last.ended_at or last.started_at) + wait <= now


def run_job(session, job: Job, now: Optional[datetime] = None, *, user=None, force: bool = False) -> list[Report]:
    """Run every pending period of one job, oldest first, until one fails or is busy elsewhere."""
    from .models.jobs import ABANDONED, DONE, FAILED, RUNNING, SCHEDULE

    now = now or _utcnow()
    reports = []
    busy = _abandon_stale(session, job, now)
    if busy is not None:
        session.rollback()
        return [Report(job.name, busy.period, "waiting", result=f"running on {busy.host}")]
    for period in pending_periods(session, job, now):
        last = _latest_attempt(session, job, period)
        if last is not None and last.status == DONE:
            continue
        if last is not None and last.status == RUNNING:
            reports.append(Report(job.name, period.key, "waiting", result="running elsewhere"))
            break
        if last is not None and last.status in (FAILED, ABANDONED) and not _may_retry(job, last, now, force):
            reports.append(Report(job.name, period.key, "waiting", result=f"attempt {last.attempt} failed"))
            break
        run_id = _claim(session, job, period, SCHEDULE, now, user)
        if run_id is None:
            reports.append(Report(job.name, period.key, "skipped", result="claimed by another host"))
            break
        report = _execute(session, job, period, SCHEDULE, run_id, now, user)
        reports.append(report)
        if report.status != DONE:
            break
    session.rollback()
    return reports


def beat(session, now: Optional[datetime] = None) -> None:
    """Record that run-due ran on this host (the dashboard warns when nobody did for a day)."""
    from .models.jobs import SchedulerBeat

    now = now or _utcnow()
    table = SchedulerBeat.__table__
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(host=host_name(), last_at=now, pid=os.getpid())
    session.execute(stmt.on_conflict_do_update(index_elements=["host"],
                                               set_={"last_at": now, "pid": os.getpid()}))
    session.commit()


def run_due(now: Optional[datetime] = None, only: Optional[str] = None) -> list[Report]:
    """What `flask houqin run-due` does (inside an app context)."""
    from .extensions import db

    session = db.session
    now = now or _utcnow()
    beat(session, now)
    reports = []
    for job in sorted(registry_jobs(), key=lambda j: j.name):
        if only and job.name != only:
            continue
        reports += run_job(session, job, now)
    return reports


def run_now(name: str, user=None, now: Optional[datetime] = None) -> list[Report]:
    """The Admin's "Run now": the pending periods (one that failed is retried at once, whatever
    its attempts), or, when nothing is pending, the latest period again (jobs are idempotent)."""
    from .extensions import db
    from .models.jobs import MANUAL

    session = db.session
    job = get_job(name)
    now = now or _utcnow()
    if pending_periods(session, job, now):
        return run_job(session, job, now, user=user, force=True)
    period = job.schedule.latest_due(now, _tz())
    busy = _abandon_stale(session, job, now)
    if busy is not None:
        session.rollback()
        return [Report(job.name, busy.period, "waiting", result=f"running on {busy.host}")]
    run_id = _claim(session, job, period, MANUAL, now, user)
    if run_id is None:
        return [Report(job.name, period.key, "waiting", result="running elsewhere")]
    return [_execute(session, job, period, MANUAL, run_id, now, user)]


# -- overview (the jobs screen and the dashboard) ------------------------------------------------------

@dataclass
class Overview:
    job: Job
    last: Any = None  # the latest run of any kind
    pending: list = field(default_factory=list)
    stuck: bool = False  # a period failed max_attempts times: waits for the Admin
    next_at: Optional[datetime] = None


def overview(session, now: Optional[datetime] = None) -> list[Overview]:
    from .models.jobs import FAILED

    JobRun = _runs()
    now = now or _utcnow()
    tz = _tz()
    out = []
    for job in sorted(registry_jobs(), key=lambda j: j.name):
        last = session.execute(select(JobRun).where(JobRun.job == job.name).order_by(JobRun.id.desc())
                               .limit(1)).scalar_one_or_none()
        pending = pending_periods(session, job, now)
        item = Overview(job, last, pending)
        if pending:
            attempt = _latest_attempt(session, job, pending[0])
            item.stuck = attempt is not None and attempt.status == FAILED and attempt.attempt >= job.max_attempts
        latest = job.schedule.latest_due(now, tz)
        item.next_at = job.schedule.fires_at(latest.next(), tz)
        out.append(item)
    return out


def last_beat(session) -> Optional[datetime]:
    from .models.jobs import SchedulerBeat

    return session.execute(select(func.max(SchedulerBeat.last_at))).scalar()


__all__ = ["Job", "JobContext", "Report", "Daily", "Monthly", "daily", "monthly", "run_due", "run_now", "run_job",
           "pending_periods", "overview", "last_beat", "beat", "LAST_DAY"]

"""The history of scheduled jobs (app.jobs): one row per attempt of a job for a period, and one
row per host that calls `flask houqin run-due` (so the dashboard knows when it last ran)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, text

from .base import UTCDateTime

RUNNING, DONE, FAILED, ABANDONED = "running", "done", "failed", "abandoned"
SCHEDULE, MANUAL = "schedule", "manual"


class JobRun(Model):
    """The database guarantees "once per period": at most one run of a job is running at a time
    (uq_houqin_job_run_running), and at most one scheduled run of a job per period is done
    (uq_houqin_job_run_done) — whatever hosts call run-due at the same moment."""

    __tablename__ = "houqin_job_run"
    __table_args__ = (
        Index("uq_houqin_job_run_running", "job", unique=True,
              sqlite_where=text("status = 'running'"), postgresql_where=text("status = 'running'")),
        Index("uq_houqin_job_run_done", "job", "period", unique=True,
              sqlite_where=text("status = 'done' AND cause = 'schedule'"),
              postgresql_where=text("status = 'done' AND cause = 'schedule'")),
        Index("ix_houqin_job_run_job_period", "job", "period"),
    )
    id = Column(Integer, primary_key=True)
    job = Column(String(80), nullable=False)
    period = Column(String(20), nullable=False)  # "2026-11-30" (daily) or "2026-11" (monthly)
    attempt = Column(Integer, nullable=False, default=1)
    cause = Column(String(10), nullable=False, default=SCHEDULE)  # schedule | manual
    status = Column(String(10), nullable=False, default=RUNNING)  # running | done | failed | abandoned
    started_at = Column(UTCDateTime, nullable=False, index=True)
    ended_at = Column(UTCDateTime)
    host = Column(String(100))
    pid = Column(Integer)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))  # who ran it now (manual)
    actor = Column(String(100))
    rows = Column(Integer)  # rows touched, as the job reports
    result = Column(String(500))  # the job's own summary
    error = Column(Text)

    def __str__(self):
        return f"{self.job} {self.period} #{self.attempt}"


class SchedulerBeat(Model):
    """When each host last called run-due."""

    __tablename__ = "houqin_job_beat"
    host = Column(String(100), primary_key=True)
    last_at = Column(UTCDateTime, nullable=False)
    pid = Column(Integer)

"""The audit log: append-only, one row per changed record or per bulk job."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String

from .base import UTCDateTime, utcnow


# How the audit screen words an entry: app.views.audit fills it at import (models never import views).
DESCRIBE: dict = {}


class AuditLog(Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_record", "table_name", "record_id"),
    )
    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), nullable=True, index=True)
    actor = Column(String(100), nullable=False)  # username, or "cli" / "system" for non-web writes
    action = Column(String(20), nullable=False, index=True)  # create | update | delete | job
    table_name = Column(String(80), nullable=False, index=True)
    record_id = Column(String(40))
    job = Column(String(80))  # bulk jobs: import, purge, month-end ...
    changes = Column(JSON)  # {"field": [old, new]} or, for a job, {"params": ..., "rows": [...]}
    source = Column(String(10), nullable=False, default="web")  # web | api | cli | import

    def __str__(self):
        return f"{self.action} {self.table_name}#{self.record_id}"

    @property
    def record(self):
        """The record's kind and name in the reader's language (app.views.audit_text)."""
        describe = DESCRIBE.get("record")
        return describe(self) if describe else f"{self.table_name}#{self.record_id}"

    @property
    def readable(self):
        """One line per change, in words (app.views.audit_text)."""
        describe = DESCRIBE.get("changes")
        return describe(self) if describe else self.changes


class DemoRecord(Model):
    """Rows the demo loader created, so `flask houqin demo --remove` deletes them and nothing else."""

    __tablename__ = "houqin_demo_record"
    id = Column(Integer, primary_key=True)
    table_name = Column(String(80), nullable=False)
    record_id = Column(Integer, nullable=False)

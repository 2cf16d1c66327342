"""What app.workflow and app.locks keep: each approval's details (self-approved, the external
approval's reference) and the readable versions of locked records (snapshots taken on reopen)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, Integer, String, UniqueConstraint

from .base import UTCDateTime, utcnow


class ApprovalRecord(Model):
    """One approval given through a workflow transition declared with an Approval. Written once
    by app.workflow.transition in the transition's own transaction, never edited."""

    __tablename__ = "houqin_approval"
    __table_args__ = (Index("ix_houqin_approval_record", "table_name", "record_id"),)
    id = Column(Integer, primary_key=True)
    table_name = Column(String(80), nullable=False)
    record_id = Column(String(40), nullable=False)
    transition = Column(String(40), nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    actor = Column(String(100), nullable=False)
    # The requester approved their own request because nobody else held the permission
    # (a kindergarten with one director): allowed by the declaration, shown and audited as such.
    self_approved = Column(Boolean, nullable=False, default=False)
    amount = Column(String(30))  # the amount compared with the threshold, as text (Decimal)
    external_body = Column(String(100))  # 审批机关: the approving body above the threshold
    external_number = Column(String(60))  # 批复文号
    external_date = Column(Date)
    reason = Column(String(500))


class RecordVersion(Model):
    """A readable earlier content of a locked record, with who, when and why: taken when the record
    is reopened (and whenever a plugin calls app.versions.snapshot), children included."""

    __tablename__ = "houqin_record_version"
    __table_args__ = (UniqueConstraint("table_name", "record_id", "number"),)
    id = Column(Integer, primary_key=True)
    table_name = Column(String(80), nullable=False)
    record_id = Column(String(40), nullable=False)
    number = Column(Integer, nullable=False)  # 1, 2, 3 ... per record
    kind = Column(String(20), nullable=False)  # reopen | snapshot (or a plugin's word)
    state = Column(String(40))  # the state the record was in
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    actor = Column(String(100), nullable=False)
    reason = Column(String(500))
    data = Column(JSON, nullable=False)  # {"fields": {...}, "children": {table: [{...}, ...]}}

    def __str__(self):
        return f"{self.table_name}#{self.record_id} v{self.number}"

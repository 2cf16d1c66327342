from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import relationship

from app.models import Audited, CampusScoped, UTCDateTime, utcnow
from app.workflow import SOLE_HOLDER, WHEN, WHO, WHY, Approval, Transition, Workflow


class SampleNote(Audited, Model):
    """`score` is like an unfinalised appraisal score: the audit log must not show it until `final`."""

    __tablename__ = "sample_note"
    __audit_hidden__ = frozenset({"score"})
    id = Column(Integer, primary_key=True)
    text = Column(String(200), nullable=False)
    score = Column(Integer)
    final = Column(Boolean, nullable=False, default=False)
    round_no = Column(Integer)

    def audit_reveal(self, field):
        return bool(self.final)


REQUEST_STATES = {"draft": _l("Draft"), "submitted": _l("Submitted"), "approved": _l("Approved"),
                  "rejected": _l("Rejected")}
APPROVERS = [("can_approve", "SampleRequestView"), ("can_approve", "SampleRequestApi")]
REOPENERS = [("can_reopen", "SampleRequestView"), ("can_reopen", "SampleRequestApi")]


class SampleRequest(Audited, CampusScoped, Model):
    """A request in the shape of the plugins to come (a purchase request, a disposal): numbered
    without gaps when saved, submitted, approved by someone else than the requester (or by the
    requester when nobody else may: flagged), with an external approval from a threshold; locked
    once approved, with its lines; reopened with a reason, keeping a readable version."""

    __tablename__ = "sample_request"
    id = Column(Integer, primary_key=True)
    number = Column(String(30), nullable=False, unique=True)  # SR-2026-0001, next_number("sample.request")
    title = Column(String(200), nullable=False)
    amount = Column(Numeric(12, 2), nullable=False)
    staff_id = Column(Integer, ForeignKey("staff.id"), index=True)  # who it is for: deactivated, never deleted
    staff = relationship("Staff")
    requested_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    requested_by = relationship("HouqinUser", foreign_keys=[requested_by_id])
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    status = Column(String(20), nullable=False, default="draft")
    self_approved = Column(Boolean, nullable=False, default=False)
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"))
    decided_by = relationship("HouqinUser", foreign_keys=[decided_by_id])
    decided_at = Column(UTCDateTime)
    decision_reason = Column(String(500))
    # Classes, not names: the suite imports this plugin more than once into one registry.
    lines = relationship(lambda: SampleRequestLine, back_populates="request", cascade="all, delete-orphan",
                         order_by=lambda: SampleRequestLine.id)

    flow = Workflow("status", states=REQUEST_STATES, locked=("approved",), transitions=[
        Transition("submit", "draft", "submitted", permission=[("can_submit", "SampleRequestView"),
                                                               ("can_submit", "SampleRequestApi")],
                   guard="houqin_sample.services:may_submit", label=_l("Submit"), style="primary"),
        Transition("approve", "submitted", "approved", permission=APPROVERS, label=_l("Approve"), style="success",
                   approval=Approval(requester="requested_by_id", self_approval=SOLE_HOLDER, flag="self_approved",
                                     amount="amount", external_from="sample_external_from"),
                   writes={"decided_by_id": WHO, "decided_at": WHEN}),
        Transition("reject", "submitted", "rejected", permission=APPROVERS, label=_l("Reject"), style="danger",
                   reason=True, writes={"decided_by_id": WHO, "decided_at": WHEN, "decision_reason": WHY}),
        Transition("reopen", "approved", "draft", permission=REOPENERS, label=_l("Reopen"), style="warning",
                   reopen=True, writes={"decided_by_id": None, "decided_at": None, "self_approved": False}),
    ])

    @property
    def term_label(self):
        """The school term it was made in (core calendar), or "" in the holidays."""
        from app.extensions import db
        from app.periods import local_date
        from app.school_calendar import term_of

        term = term_of(db.session, local_date(self.created_at), self.campus_id) if self.created_at else None
        return term.label() if term is not None else ""

    def __str__(self):
        return self.number


class SampleRequestLine(Audited, Model):
    """Locked with its request (a child row: no add, change or delete once the request is approved)."""

    __tablename__ = "sample_request_line"
    __locked_with__ = "request"
    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sample_request.id", ondelete="CASCADE"), nullable=False, index=True)
    request = relationship(SampleRequest, back_populates="lines")
    item = Column(String(100), nullable=False)
    quantity = Column(Integer, nullable=False, default=1)

    def __str__(self):
        return f"{self.item} × {self.quantity}"


class SampleAttachment(Model):
    """Files on any record, named by table and id (as core attachments do): locked with that record."""

    __tablename__ = "sample_attachment"
    __locked_with__ = ("owner_table", "owner_id")
    id = Column(Integer, primary_key=True)
    owner_table = Column(String(80), nullable=False)
    owner_id = Column(Integer, nullable=False)
    name = Column(String(200), nullable=False)


class SampleMonthTotal(Model):
    """What the monthly job stores per month; `runs` counts how often the job ran for the month."""

    __tablename__ = "sample_month_total"
    id = Column(Integer, primary_key=True)
    month = Column(String(7), nullable=False, unique=True)
    approved = Column(Integer, nullable=False, default=0)
    amount = Column(Numeric(12, 2), nullable=False, default=0)
    runs = Column(Integer, nullable=False, default=0)
    computed_at = Column(UTCDateTime)

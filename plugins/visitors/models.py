"""Tables of the gate desk (门卫来访登记).

Personal numbers (ID, phone) live only on Visitor, next to an HMAC lookup hash
(app.privacy.lookup_hash with the instance secret) so returning visitors and
blocklist entries are found by index without searching plain numbers. The
blocklist keeps no plain number at all: a hash and a masked copy for display.
State columns (Visit.status and host_response, Appointment.status, OverrideRequest.status) change
only through the transitions declared here (app.workflow), run by the verbs in services.py; core
refuses any other write to them.
"""
from __future__ import annotations

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Column, Date, ForeignKey, Index, Integer, String, Text, Time, text)
from sqlalchemy.orm import relationship

from app.models.base import Audited, CampusScoped, UTCDateTime, utcnow
from app.workflow import WHEN, WHO, WHY, Transition, Workflow

# Visit.status
ON_SITE, LEFT, TURNED_AWAY = "on_site", "left", "turned_away"
# Visit.host_response
PENDING, CONFIRMED, DECLINED = "pending", "confirmed", "declined"
# Visit.host_confirmation: how the gate confirmed with the host before admitting
BY_PHONE, IN_PERSON, IN_APP = "phone", "in_person", "app"
# Appointment.status
EXPECTED, CONVERTED, CANCELLED = "expected", "converted", "cancelled"
# OverrideRequest.status ("used" = the approved override admitted the visitor)
WAITING, APPROVED, REFUSED, USED = "waiting", "approved", "declined", "used"
# DutyLog.shift
SHIFTS = ("day", "night", "full")

ANONYMISED = "***"  # what purge-visitors leaves in name fields
OPEN_VISIT = "status = 'on_site' AND visitor_id IS NOT NULL"  # uq_visit_visitor_on_site's rows

STATUS_LABELS = {ON_SITE: _l("On site"), LEFT: _l("Left"), TURNED_AWAY: _l("Turned away")}
HOST_RESPONSES = {PENDING: _l("Waiting for host"), CONFIRMED: _l("Confirmed"), DECLINED: _l("Declined")}
OVERRIDE_LABELS = {WAITING: _l("Waiting"), APPROVED: _l("Approved"), REFUSED: _l("Declined"), USED: _l("Used")}
APPOINTMENT_STATUS = {EXPECTED: _l("Expected"), CONVERTED: _l("Arrived"), CANCELLED: _l("Cancelled")}
# Who may run each once-only change: the desk, the card-reader API, the host, the Director.
AT_THE_GATE = [("can_desk", "GateDeskView"), ("can_post", "VisitApi"), ("can_sign_out", "VisitApi")]
DECISION = {"decided_by_id": WHO, "decided_at": WHEN, "decision_reason": WHY}


class Purpose(Audited, Model):
    """事由: a configurable list, named in both languages like core's Position."""

    __tablename__ = "visit_purpose"
    id = Column(Integer, primary_key=True)
    name_zh = Column(String(50), nullable=False, unique=True)
    name_en = Column(String(80), nullable=False)
    sort_order = Column(Integer, nullable=False, default=100)
    active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        from app.i18n import current_language

        return self.name_en if current_language() == "en" else self.name_zh


class Visitor(Audited, CampusScoped, Model):
    """A person as known to the institution: one record per person (by the keyed hash of the
    full document number), whichever campus they visit; campus_id is where they were first
    registered. Their visits stay with the campus visited (Visit.campus_id)."""

    __tablename__ = "visitor"
    __audit_masked__ = {"id_number": "id", "phone": "phone"}
    __audit_exclude__ = frozenset({"id_hash", "phone_hash"})
    # Name prefix search (views.FilterPrefix): pattern ops let PostgreSQL use the index under
    # any collation; SQLite uses it as a plain index (GLOB prefix).
    # Last-4-digits search lists the matches most recent first: with (phone_last4, last_visit_at)
    # PostgreSQL reads the few matches in order instead of walking every visitor by last visit.
    # One record per document number (anonymised visitors have no hash): two desks registering
    # the same new visitor at once make one row, the other desk's INSERT is refused.
    __table_args__ = (Index("ix_visitor_name", "name", postgresql_ops={"name": "varchar_pattern_ops"}),
                      Index("ix_visitor_phone_last4_recent", "phone_last4", "last_visit_at"),
                      Index("uq_visitor_id_hash", "id_hash", unique=True,
                            sqlite_where=text("id_hash IS NOT NULL"), postgresql_where=text("id_hash IS NOT NULL")))
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    doc_type = Column(String(20), nullable=False, default="resident_id")
    id_number = Column(String(30))
    id_hash = Column(String(64))
    phone = Column(String(20))
    phone_hash = Column(String(64), index=True)
    phone_last4 = Column(String(4))
    organisation = Column(String(100))
    last_visit_at = Column(UTCDateTime, index=True)
    anonymised_at = Column(UTCDateTime)

    def __str__(self):
        return self.name


class Visit(Audited, CampusScoped, Model):
    """One line of the visitor register (来客登记簿)."""

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_status_campus", "status", "campus_id"),
        Index("ix_visit_visitor_name", "visitor_name", postgresql_ops={"visitor_name": "varchar_pattern_ops"}),
        # A badge is handed to one visitor at a time per campus; freed at sign-out.
        Index("uq_visit_badge_on_site", "campus_id", "badge", unique=True,
              sqlite_where=text("status = 'on_site' AND badge IS NOT NULL"),
              postgresql_where=text("status = 'on_site' AND badge IS NOT NULL")),
        # A person on site cannot be signed in again at the same campus (the desk refuses it first,
        # naming the open visit; this refuses the second of two desks signing in at once).
        # "visitor_id IS NOT NULL" (always true) keeps the planners from reading it for queries
        # that do not name a visitor, such as the host's to-do count (ix_visit_host_waiting's).
        Index("uq_visit_visitor_on_site", "campus_id", "visitor_id", unique=True,
              sqlite_where=text(OPEN_VISIT), postgresql_where=text(OPEN_VISIT)),
        # The to-do count of a host runs on every page: only the few visits still waiting for an
        # answer are in it (a host with 700 visits over the years cost ~1 ms scanning them).
        # Queries name the same constants (todo.WAITING_FOR_HOST) so either database uses it.
        Index("ix_visit_host_waiting", "host_id", "time_in",
              sqlite_where=text("host_response = 'pending' AND status = 'on_site'"),
              postgresql_where=text("host_response = 'pending' AND status = 'on_site'")),
    )
    id = Column(Integer, primary_key=True)
    visitor_id = Column(Integer, ForeignKey("visitor.id"), nullable=False, index=True)
    visitor = relationship("Visitor")
    # The name as written in the register at the time; searched by prefix in the lists.
    visitor_name = Column(String(50), nullable=False)
    purpose_id = Column(Integer, ForeignKey("visit_purpose.id"), nullable=False, index=True)
    purpose = relationship("Purpose")
    host_id = Column(Integer, ForeignKey("staff.id"), index=True)
    host = relationship("Staff", foreign_keys=[host_id])
    host_response = Column(String(10))  # pending | confirmed | declined; None without a host
    host_confirmation = Column(String(10))  # phone | in_person | app
    host_confirmed_by_id = Column(Integer, ForeignKey("ab_user.id"))
    host_confirmed_by = relationship("HouqinUser", foreign_keys=[host_confirmed_by_id])
    host_confirmed_at = Column(UTCDateTime)
    reason = Column(String(200))
    party_size = Column(Integer, nullable=False, default=1)
    plate = Column(String(10), index=True)
    badge = Column(String(10))
    time_in = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    time_out = Column(UTCDateTime)
    gatekeeper_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    gatekeeper = relationship("HouqinUser", foreign_keys=[gatekeeper_id])
    status = Column(String(12), nullable=False, default=ON_SITE)
    blocklist_entry_id = Column(Integer, ForeignKey("visitor_blocklist.id", ondelete="SET NULL"), index=True)
    blocklist_entry = relationship("BlocklistEntry")
    name_match_checked = Column(Boolean, nullable=False, default=False)
    appointment_id = Column(Integer, ForeignKey("visit_appointment.id"), index=True)
    note = Column(String(500))

    status_flow = Workflow("status", states=STATUS_LABELS, transitions=[
        Transition("sign_out", ON_SITE, LEFT, permission=AT_THE_GATE, label=_l("Sign out")),
        # The host declines a visitor waiting at the gate: turned away, once.
        Transition("host_decline", ON_SITE, TURNED_AWAY, permission=("can_respond", "VisitView"),
                   where=lambda m: m.host_response == PENDING,
                   writes={"host_response": DECLINED, "host_confirmed_by_id": WHO, "host_confirmed_at": WHEN,
                           "time_out": WHEN}),
    ])
    host_flow = Workflow("host_response", states=HOST_RESPONSES, transitions=[
        Transition("host_confirm", PENDING, CONFIRMED, permission=("can_respond", "VisitView"),
                   where=lambda m: m.status == ON_SITE,
                   writes={"host_confirmation": IN_APP, "host_confirmed_by_id": WHO, "host_confirmed_at": WHEN}),
    ])

    @property
    def answer(self):
        """For the host's list: this visit while it waits at the gate for their answer."""
        return self if self.host_response == PENDING and self.status == ON_SITE else None

    def __str__(self):
        return f"{self.visitor_name} #{self.id}"


class BlocklistEntry(Audited, Model):
    """禁止入内人员. campus_id NULL: refused at every campus."""

    __tablename__ = "visitor_blocklist"
    __audit_exclude__ = frozenset({"id_hash", "phone_hash"})
    id = Column(Integer, primary_key=True)
    campus_id = Column(Integer, ForeignKey("campus.id"), index=True)
    campus = relationship("Campus")
    name = Column(String(50), nullable=False, index=True)
    doc_type = Column(String(20))
    id_hash = Column(String(64), index=True)
    id_masked = Column(String(30))
    phone_hash = Column(String(64), index=True)
    phone_masked = Column(String(20))
    reason = Column(String(500), nullable=False)
    added_by_id = Column(Integer, ForeignKey("ab_user.id"))
    added_by = relationship("HouqinUser", foreign_keys=[added_by_id])
    added_at = Column(UTCDateTime, nullable=False, default=utcnow)
    valid_until = Column(Date, index=True)

    def __str__(self):
        return self.name


class Appointment(Audited, CampusScoped, Model):
    """A host pre-registers an expected visitor (预约); converted to a visit once."""

    __tablename__ = "visit_appointment"
    __audit_masked__ = {"visitor_phone": "phone"}
    __table_args__ = (Index("ix_visit_appointment_day", "campus_id", "expected_date", "status"),)
    id = Column(Integer, primary_key=True)
    reference_code = Column(String(8), nullable=False, unique=True)
    host_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)
    host = relationship("Staff", foreign_keys=[host_id])
    created_by_id = Column(Integer, ForeignKey("ab_user.id"))
    created_by = relationship("HouqinUser", foreign_keys=[created_by_id])
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    visitor_name = Column(String(50), nullable=False)
    visitor_phone = Column(String(20))
    organisation = Column(String(100))
    purpose_id = Column(Integer, ForeignKey("visit_purpose.id"), nullable=False)
    purpose = relationship("Purpose")
    expected_date = Column(Date, nullable=False, index=True)
    time_from = Column(Time)
    time_to = Column(Time)
    party_size = Column(Integer, nullable=False, default=1)
    plate = Column(String(10))
    reason = Column(String(200))
    status = Column(String(12), nullable=False, default=EXPECTED)
    converted_at = Column(UTCDateTime)

    flow = Workflow("status", states=APPOINTMENT_STATUS, transitions=[
        Transition("convert", EXPECTED, CONVERTED, permission=AT_THE_GATE, writes={"converted_at": WHEN}),
        Transition("cancel", EXPECTED, CANCELLED, permission=("can_cancel", "AppointmentView")),
    ])

    def __str__(self):
        return f"{self.reference_code} {self.visitor_name}"


class OverrideRequest(Audited, CampusScoped, Model):
    """A Director's decision to admit a blocked visitor, or the gate's request for one."""

    __tablename__ = "visit_override"
    __table_args__ = (Index("ix_visit_override_status", "status", "campus_id"),)
    id = Column(Integer, primary_key=True)
    refused_visit_id = Column(Integer, ForeignKey("visit.id"), index=True)
    refused_visit = relationship("Visit", foreign_keys=[refused_visit_id])
    admitted_visit_id = Column(Integer, ForeignKey("visit.id"), index=True)
    admitted_visit = relationship("Visit", foreign_keys=[admitted_visit_id])
    blocklist_entry_id = Column(Integer, ForeignKey("visitor_blocklist.id", ondelete="SET NULL"))
    blocklist_entry = relationship("BlocklistEntry")
    requested_by_id = Column(Integer, ForeignKey("ab_user.id"))
    requested_by = relationship("HouqinUser", foreign_keys=[requested_by_id])
    requested_at = Column(UTCDateTime, nullable=False, default=utcnow)
    request_note = Column(String(500))
    status = Column(String(10), nullable=False, default=WAITING)
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"))
    decided_by = relationship("HouqinUser", foreign_keys=[decided_by_id])
    decided_at = Column(UTCDateTime)
    decision_reason = Column(String(500))

    flow = Workflow("status", states=OVERRIDE_LABELS, transitions=[
        Transition("approve", WAITING, APPROVED, permission=("can_decide", "GateDeskView"), reason=True,
                   writes=DECISION),
        Transition("decline", WAITING, REFUSED, permission=("can_decide", "GateDeskView"), reason=True,
                   writes=DECISION),
        Transition("admit", APPROVED, USED, permission=("can_desk", "GateDeskView")),
    ])

    def __str__(self):
        return f"#{self.id}"


class DutyLog(Audited, CampusScoped, Model):
    """值班日志: one shift at the gatehouse, its patrol rounds and the handover note."""

    __tablename__ = "gate_duty_log"
    __table_args__ = (Index("ix_gate_duty_log_campus_day", "campus_id", "day"),)
    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    shift = Column(String(10), nullable=False, default="day")
    gatekeeper_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    gatekeeper = relationship("HouqinUser", foreign_keys=[gatekeeper_id])
    handover_note = Column(Text)
    # selectin: the duty-log list shows every log's rounds in one extra query, not one per row.
    rounds = relationship("PatrolRound", back_populates="duty_log", order_by="PatrolRound.at",
                          cascade="all, delete-orphan", lazy="selectin")

    def __str__(self):
        from app.i18n import format_date

        from .labels import SHIFT_LABELS

        return f"{format_date(self.day)} {SHIFT_LABELS.get(self.shift, self.shift)}"


class PatrolRound(Audited, Model):
    """One patrol round (巡查): "一日5巡"."""

    __tablename__ = "gate_patrol_round"
    id = Column(Integer, primary_key=True)
    duty_log_id = Column(Integer, ForeignKey("gate_duty_log.id", ondelete="CASCADE"), nullable=False, index=True)
    duty_log = relationship("DutyLog", back_populates="rounds")
    at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    findings = Column(String(500))

    def __str__(self):
        return f"{self.at:%H:%M}"

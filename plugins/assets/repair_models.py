"""The repair request (报修, issue 16): a fault in a room (core locations), optionally on one of the
room's asset cards, reported by anyone from a phone; dispatched by the asset keeper to an in-house
repairer (维修工) or a vendor; fixed (work, materials, cost); signed off by the reporter
(维修完毕,由报修人负责验收签字, 002) or sent back with a note. Every step a core workflow transition,
every step timed; `due_at` is the target it was reported against (the same day's end of work:
不留问题过夜, 001)."""
from __future__ import annotations

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l, lazy_pgettext
from sqlalchemy import Column, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import relationship

from app.models.base import Audited, CampusScoped, UTCDateTime, utcnow
from app.rules import N_
from app.workflow import WHEN, WHO, WHY, Transition, Workflow

from .models import MONEY

REPORTED, DISPATCHED, FIXED, CONFIRMED, CANCELLED = "reported", "dispatched", "fixed", "confirmed", "cancelled"
OPEN_STATES = (REPORTED, DISPATCHED, FIXED)
REPAIR_STATES = {REPORTED: _l("Waiting for dispatch"), DISPATCHED: _l("Dispatched"), FIXED: _l("Fixed: to confirm"),
                 CONFIRMED: lazy_pgettext("repair", "Confirmed"), CANCELLED: _l("Cancelled")}
URGENCIES = {"normal": _l("Normal"), "urgent": _l("Urgent (safety)"), "low": _l("Can wait")}
# the open rows, in a form the planners match against the queries' constants
OPEN_SQL = "status IN ('reported', 'dispatched', 'fixed')"


def _perm(name, api_name=None):
    return [(f"can_{name}", "RepairView"), (f"can_{api_name or name}", "RepairApi")]


DISPATCHERS = _perm("dispatch")


class RepairRequest(Audited, CampusScoped, Model):
    __tablename__ = "assets_repair"
    __table_args__ = (
        # the keeper's open list, the overnight flag: the open rows of a campus by report time
        Index("ix_assets_repair_open", "campus_id", "reported_at", sqlite_where=text(OPEN_SQL),
              postgresql_where=text(OPEN_SQL)),
        Index("ix_assets_repair_open_due", "due_at", sqlite_where=text(OPEN_SQL), postgresql_where=text(OPEN_SQL)),
        # the keeper's "to dispatch" count and items: the reported ones, of a campus or of all
        Index("ix_assets_repair_status_campus", "status", "campus_id"),
        # a repairer's queue; a reporter's own requests
        Index("ix_assets_repair_repairer", "repairer_id", "status", "id"),
        Index("ix_assets_repair_reporter", "reported_by_id", "status", "id"),
        # the monthly log and the statistics: a campus's months, a room's
        Index("ix_assets_repair_campus_reported", "campus_id", "reported_at"),
        Index("ix_assets_repair_room_reported", "room_id", "reported_at"),
        Index("ix_assets_repair_reported", "reported_at"),
    )
    id = Column(Integer, primary_key=True)
    number = Column(String(30), nullable=False, unique=True)
    room_id = Column(Integer, ForeignKey("room.id"), nullable=False)
    room = relationship("Room")
    asset_id = Column(Integer, ForeignKey("assets_asset.id"), index=True)
    asset = relationship("Asset")
    description = Column(String(500), nullable=False)
    urgency = Column(String(10), nullable=False, default="normal")
    reported_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    reported_by = relationship("HouqinUser", foreign_keys=[reported_by_id])
    reported_at = Column(UTCDateTime, nullable=False, default=utcnow)
    due_at = Column(UTCDateTime, nullable=False)  # fixed by then, or it stays overnight
    status = Column(String(12), nullable=False, default=REPORTED)
    dispatched_at = Column(UTCDateTime)
    dispatched_by_id = Column(Integer, ForeignKey("ab_user.id"))
    dispatched_by = relationship("HouqinUser", foreign_keys=[dispatched_by_id])
    repairer_id = Column(Integer, ForeignKey("ab_user.id"))  # in-house (维修工)
    repairer = relationship("HouqinUser", foreign_keys=[repairer_id])
    vendor = Column(String(100))  # or an outside firm
    work = Column(String(500))
    materials = Column(String(500))
    cost = Column(MONEY)
    fixed_at = Column(UTCDateTime)
    fixed_by_id = Column(Integer, ForeignKey("ab_user.id"))
    fixed_by = relationship("HouqinUser", foreign_keys=[fixed_by_id])
    confirmed_at = Column(UTCDateTime)
    sent_back = Column(Integer, nullable=False, default=0)  # times the reporter sent it back
    note = Column(String(500))  # the reporter's note when sending back; the keeper's when cancelling

    flow = Workflow("status", states=REPAIR_STATES, locked=(CONFIRMED, CANCELLED), transitions=[
        # dispatch again while dispatched: to another repairer or a vendor
        Transition("dispatch", (REPORTED, DISPATCHED), DISPATCHED, permission=DISPATCHERS, label=_l("Dispatch"),
                   style="primary", writes={"dispatched_at": WHEN, "dispatched_by_id": WHO},
                   moved=N_("Not dispatched: this request is already %(state)s.")),
        Transition("fix", DISPATCHED, FIXED, permission=_perm("fix"), label=_l("Record the repair"),
                   style="success", guard="plugins.assets.repairs:may_fix",
                   writes={"fixed_at": WHEN, "fixed_by_id": WHO},
                   moved=N_("Not recorded: this request is %(state)s, not dispatched.")),
        Transition("confirm", FIXED, CONFIRMED, permission=_perm("confirm"), label=_l("Confirm the repair (验收)"),
                   style="success", guard="plugins.assets.repairs:may_confirm", writes={"confirmed_at": WHEN},
                   moved=N_("Not confirmed: this request is %(state)s.")),
        Transition("send_back", FIXED, DISPATCHED, permission=_perm("send_back"), label=_l("Not fixed: send back"),
                   style="warning", reason=True, guard="plugins.assets.repairs:may_confirm",
                   writes={"note": WHY, "fixed_at": None, "fixed_by_id": None,
                           "sent_back": lambda ctx: (ctx.record.sent_back or 0) + 1}),
        Transition("cancel", (REPORTED, DISPATCHED), CANCELLED, permission=_perm("cancel"), label=_l("Cancel"),
                   style="danger", reason=True, writes={"note": WHY}),
    ])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    def __str__(self):
        return f"{self.number} {self.description[:30]}"

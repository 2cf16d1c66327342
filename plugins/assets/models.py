"""Tables of the fixed-assets register (固定资产/校产).

- `AssetCategory`: the GB/T 14885-2022 class tree (categories.csv, stored by the migration) and
  the office's own classes below it.
- `Asset`: the card. A batch card (40 套 课桌椅) has a quantity. Its depreciation is the stored
  monthly rows (`DepreciationRow`); the card keeps the plan's parameters (base, months, first
  month, opening accumulated) so one closed-form rule (rules.Plan) serves a new card, an imported
  opening balance and a life changed by the Director alike, and `accumulated_depreciation`, the
  sum of its stored rows plus the opening figure, kept by the month-end run in the same
  transaction that stores the rows (the ledger's page and search read it without summing 2.4
  million rows).
- `AssetEvent`: the card's history (registered, imported, edited, life changed, caught up ...);
  the lifecycle of the next asset issues (assign, lend, transfer, dispose) adds its kinds here.
- `DepreciationRun`, `ClosedMonth`: one row per month run; months up to the last closed one
  are locked.
- `Reconciliation` and its lines: finance's figures per financial class for a month against the
  ledger's, signed by the keeper and confirmed by the accountant (two people, core workflow).
"""
from __future__ import annotations

from decimal import Decimal

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import relationship

from app.models.base import Audited, CampusScoped, UTCDateTime, utcnow
from app.rules import N_
from app.workflow import WHEN, WHO, WHY, Approval, Transition, Workflow

MONEY = Numeric(14, 2)

# Asset.status (the lifecycle of the next issue moves lent and disposed through core workflow)
IN_USE, IDLE, LENT, REPAIR, TO_SCRAP, DISPOSED = "in_use", "idle", "lent", "repair", "to_scrap", "disposed"
STATUS_LABELS = {IN_USE: _l("In use"), IDLE: _l("Idle"), LENT: _l("Lent out"), REPAIR: _l("Under repair"),
                 TO_SCRAP: _l("Awaiting disposal"), DISPOSED: _l("Disposed")}
# What a card form may set; lent and disposed are events of the lifecycle (issue 15).
EDITABLE_STATUSES = (IN_USE, IDLE, REPAIR, TO_SCRAP)
METHODS = {"purchase": _l("Purchase"), "transfer_in": _l("Transferred in"), "donation": _l("Donation"),
           "self_built": _l("Self-built"), "surplus": _l("Stocktake surplus")}
FUNDING = {"budget": _l("Budget funds"), "special": _l("Special funds"), "own": _l("Own funds"),
           "donation": _l("Donated"), "other": _l("Other")}

# AssetEvent.kind
EVENT_LABELS = {"registered": _l("Registered"), "imported": _l("Imported"), "edited": _l("Edited"),
                "life_changed": _l("Useful life changed"), "caught_up": _l("Depreciation caught up"),
                "fully_depreciated": _l("Fully depreciated"),
                # the lifecycle (issue 15)
                "received": _l("Received"), "assigned": _l("Assigned"), "lent": _l("Lent"),
                "returned": _l("Returned"), "transfer_requested": _l("Transfer requested"),
                "transferred": _l("Transferred"), "transfer_refused": _l("Transfer refused"),
                "damaged": _l("Damaged"), "compensated": _l("Compensation paid"),
                "disposal_requested": _l("Disposal requested"), "disposal_rejected": _l("Disposal rejected"),
                "disposed": _l("Disposed"), "split": _l("Split"), "status_changed": _l("Status changed"),
                # repairs (issue 16)
                "repair_reported": _l("Repair reported"), "repair_fixed": _l("Repaired"),
                "repair_sent_back": _l("Repair sent back"), "repair_confirmed": _l("Repair confirmed"),
                "repair_cancelled": _l("Repair cancelled")}

# The card's status moves only through these (core workflow); a disposed card is locked.


def _keeper(name):
    return [(f"can_{name}", "AssetView"), (f"can_{name}", "AssetApi")]


LENDERS = [("can_add", "LoanView"), ("can_post", "LoanApi")]
RETURNERS = [("can_give_back", "LoanView"), ("can_give_back", "LoanApi")]
DISPOSAL_REQUESTERS = [("can_add", "DisposalView"), ("can_post", "DisposalApi")]
DISPOSAL_DECIDERS = [("can_approve", "DisposalView"), ("can_approve", "DisposalApi")]
REPAIR_REPORTERS = [("can_add", "RepairView"), ("can_post", "RepairApi")]
REPAIR_CLOSERS = [("can_confirm", "RepairView"), ("can_confirm", "RepairApi"), ("can_cancel", "RepairView"),
                  ("can_cancel", "RepairApi")]
ASSET_FLOW = Workflow("status", states=STATUS_LABELS, locked=(DISPOSED,), transitions=[
    Transition("set_idle", IN_USE, IDLE, permission=_keeper("set_idle"), label=_l("Mark idle")),
    Transition("set_repair", (IN_USE, IDLE), REPAIR, permission=_keeper("set_repair"), label=_l("Mark under repair")),
    Transition("back_in_use", (IDLE, REPAIR), IN_USE, permission=_keeper("back_in_use"), label=_l("Back in use"),
               style="success"),
    Transition("lend", (IN_USE, IDLE), LENT, permission=LENDERS, label=_l("Lend"),
               moved=N_("Not lent: this asset is %(state)s.")),
    Transition("give_back", LENT, IN_USE, permission=RETURNERS, label=_l("Return"),
               moved=N_("Not returned: this asset is %(state)s, not lent.")),
    Transition("mark_to_scrap", (IN_USE, IDLE, REPAIR), TO_SCRAP, permission=DISPOSAL_REQUESTERS,
               label=_l("Request disposal"), moved=N_("No disposal can be requested: this asset is %(state)s.")),
    Transition("keep", TO_SCRAP, IN_USE, permission=DISPOSAL_DECIDERS, label=_l("Keep in use")),
    Transition("dispose", TO_SCRAP, DISPOSED, permission=DISPOSAL_DECIDERS, label=_l("Dispose"),
               moved=N_("Not disposed: this asset is %(state)s.")),
    # a repair request on the card (issue 16): 维修中 while it is open
    Transition("repair_open", (IN_USE, IDLE), REPAIR, permission=REPAIR_REPORTERS, label=_l("Mark under repair")),
    Transition("repair_close", REPAIR, IN_USE, permission=REPAIR_CLOSERS, label=_l("Back in use")),
])

# Reconciliation.status
DRAFT, SUBMITTED, RECONCILED = "draft", "submitted", "reconciled"
RECONCILIATION_STATES = {DRAFT: _l("Being entered"), SUBMITTED: _l("Signed by the keeper"),
                         RECONCILED: _l("Reconciled")}
KEEPERS = [("can_sign", "ReconciliationView"), ("can_sign", "ReconciliationApi")]
ACCOUNTANTS = [("can_confirm", "ReconciliationView"), ("can_confirm", "ReconciliationApi")]
REOPENERS = [("can_reopen", "ReconciliationView")]


class AssetCategory(Audited, Model):
    """A class of the tree: shipped (categories.csv) or the office's own below a shipped one."""

    __tablename__ = "assets_category"
    id = Column(Integer, primary_key=True)
    code = Column(String(12), nullable=False, unique=True)
    parent_code = Column(String(12), index=True)
    name_zh = Column(String(60), nullable=False)
    name_en = Column(String(100), nullable=False)
    financial_class = Column(String(30), nullable=False, default="", index=True)
    depreciable = Column(Boolean, nullable=False, default=True)
    min_life_years = Column(Integer)
    life_by_structure = Column(Boolean, nullable=False, default=False)
    life_source = Column(String(200), nullable=False, default="")
    aliases = Column(String(200), nullable=False, default="")
    code_source = Column(String(20), nullable=False, default="office")
    note = Column(String(300), nullable=False, default="")
    shipped = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    __label_columns__ = ("code", "name_zh", "name_en")

    def __str__(self):
        from app.i18n import current_language

        return f"{self.code} {self.name_en if current_language() == 'en' else self.name_zh}"


class Asset(Audited, CampusScoped, Model):
    """资产卡片. Money in Numeric(14, 2); dates are local dates; months are their first day."""

    __tablename__ = "assets_asset"
    __table_args__ = (
        # the ledger's default order per campus, and "starts with" searches by code and label number
        Index("ix_assets_asset_campus_code", "campus_id", "code"),
        Index("ix_assets_asset_legacy", "legacy_no", postgresql_ops={"legacy_no": "varchar_pattern_ops"}),
        Index("ix_assets_asset_code_prefix", "code", postgresql_ops={"code": "varchar_pattern_ops"}),
        Index("ix_assets_asset_custodian", "custodian_id", "code"),
        Index("ix_assets_asset_room", "room_id", "code"),
        # "any part of the name" (search.py): distinct names skipped through, then the cards of
        # the matching names already in the ledger's code order
        Index("ix_assets_asset_campus_name_code", "campus_id", "name", "code"),
        Index("ix_assets_asset_name_code", "name", "code"),
        # PostgreSQL: the month-end run updates every card's accumulated depreciation in one
        # statement; with half of each page free the new row versions stay on their page and no
        # index is touched (neither column is indexed): 100,000 cards 4.3-5.8 s -> 0.43 s
        {"postgresql_with": {"fillfactor": 50}},
    )
    id = Column(Integer, primary_key=True)
    code = Column(String(40), nullable=False, unique=True)
    legacy_no = Column(String(40))
    name = Column(String(100), nullable=False)
    category_id = Column(Integer, ForeignKey("assets_category.id"), nullable=False, index=True)
    category = relationship("AssetCategory", lazy="joined", innerjoin=True)
    brand = Column(String(60))
    model = Column(String(100))
    specification = Column(String(200))
    serial_no = Column(String(80))
    quantity = Column(Integer, nullable=False, default=1)
    unit = Column(String(10), nullable=False, default="台")
    unit_price = Column(MONEY, nullable=False)
    original_value = Column(MONEY, nullable=False)
    acquired_on = Column(Date, nullable=False, index=True)
    acquisition_method = Column(String(20), nullable=False, default="purchase")
    funding_source = Column(String(20))
    supplier = Column(String(100))
    invoice_no = Column(String(60))
    room_id = Column(Integer, ForeignKey("room.id"))
    room = relationship("Room")
    department_id = Column(Integer, ForeignKey("department.id"), index=True)
    department = relationship("Department")
    custodian_id = Column(Integer, ForeignKey("staff.id"))
    custodian = relationship("Staff")
    status = Column(String(12), nullable=False, default=IN_USE, index=True)
    warranty_end = Column(Date, index=True)
    life_months = Column(Integer, nullable=False)
    structure = Column(String(30))  # a building's structure (building_structures.csv)
    # 名义金额 and separately valued land: not depreciated whatever the class says
    nominal = Column(Boolean, nullable=False, default=False)
    # an imported life below the class minimum (in years), kept as the books have it and flagged
    short_life_minimum = Column(Integer)
    disposed_on = Column(Date)
    # The plan (rules.Plan): `dep_base` spread over `dep_months` from `dep_first`, after `opening_accumulated`.
    dep_base = Column(MONEY, nullable=False, default=Decimal("0.00"))
    dep_months = Column(Integer, nullable=False, default=1)
    dep_first = Column(Date, nullable=False)
    opening_accumulated = Column(MONEY, nullable=False, default=Decimal("0.00"))
    opening_counted_to = Column(Date)
    accumulated_depreciation = Column(MONEY, nullable=False, default=Decimal("0.00"))
    depreciated_through = Column(Date)  # the last month whose run included this card
    caught_up_in = Column(Date)  # dated in a closed month: caught up in this open month
    purchase_id = Column(Integer, ForeignKey("assets_purchase.id", ondelete="SET NULL", name="fk_assets_asset_purchase"),
                         index=True)
    split_from_id = Column(Integer, ForeignKey("assets_asset.id", ondelete="SET NULL", name="fk_assets_asset_split_from"))
    note = Column(Text)
    flow = ASSET_FLOW
    events = relationship("AssetEvent", back_populates="asset", order_by="AssetEvent.id",
                          cascade="all, delete-orphan", lazy="noload")

    @property
    def net_value(self) -> Decimal:
        return (self.original_value or Decimal("0.00")) - (self.accumulated_depreciation or Decimal("0.00"))

    def __str__(self):
        return f"{self.code} {self.name}"


class AssetEvent(Model):
    """One line of a card's history. Not Audited itself: it is the history (the card's own
    changes are in the audit log too)."""

    __tablename__ = "assets_event"
    __table_args__ = (Index("ix_assets_event_asset", "asset_id", "id"),)
    id = Column(Integer, primary_key=True)
    asset_id = Column(Integer, ForeignKey("assets_asset.id", ondelete="CASCADE"), nullable=False)
    asset = relationship("Asset", back_populates="events")
    kind = Column(String(30), nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    on = Column(Date)  # the date the event took effect (acquisition, the month of a change)
    user_id = Column(Integer, ForeignKey("ab_user.id"))
    user = relationship("HouqinUser")
    detail = Column(JSON, nullable=False, default=dict)
    note = Column(String(500))


class DepreciationRow(Model):
    """What a month-end run stored for one card: the month's amount, the accumulated total at the
    month's end (opening figure included) and the net value. One per card and month. The
    campus and financial class are copied from the card at the run so a campus schedule and a
    class summary read one indexed table. Not audited row by row: each run is one audit entry."""

    __tablename__ = "assets_depreciation"
    __table_args__ = (UniqueConstraint("asset_id", "month", name="uq_assets_depreciation_asset_month"),
                      Index("ix_assets_depreciation_campus_month", "campus_id", "month"),
                      Index("ix_assets_depreciation_month", "month"))
    id = Column(Integer, primary_key=True)
    asset_id = Column(Integer, ForeignKey("assets_asset.id", ondelete="CASCADE"), nullable=False)
    month = Column(Date, nullable=False)
    amount = Column(MONEY, nullable=False)
    accumulated = Column(MONEY, nullable=False)
    net = Column(MONEY, nullable=False)
    campus_id = Column(Integer, ForeignKey("campus.id"), nullable=False)
    category_id = Column(Integer, ForeignKey("assets_category.id"), nullable=False)
    run_id = Column(Integer, ForeignKey("assets_depreciation_run.id", ondelete="SET NULL"), index=True)


class DepreciationRun(Model):
    __tablename__ = "assets_depreciation_run"
    id = Column(Integer, primary_key=True)
    month = Column(Date, nullable=False, unique=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    user_id = Column(Integer, ForeignKey("ab_user.id"))
    user = relationship("HouqinUser")
    trigger = Column(String(20), nullable=False, default="manual")  # manual | job | cli | demo
    cards = Column(Integer, nullable=False, default=0)
    total = Column(MONEY, nullable=False, default=Decimal("0.00"))
    seconds = Column(Numeric(10, 3))


class ClosedMonth(Audited, Model):
    """A month the Director closed: its rows are final; a card dated in it is caught up later."""

    __tablename__ = "assets_closed_month"
    id = Column(Integer, primary_key=True)
    month = Column(Date, nullable=False, unique=True)
    closed_at = Column(UTCDateTime, nullable=False, default=utcnow)
    closed_by_id = Column(Integer, ForeignKey("ab_user.id"))
    closed_by = relationship("HouqinUser")


class Reconciliation(Audited, Model):
    """对帐 of one month: the ledger against finance's account 1601 per financial class."""

    __tablename__ = "assets_reconciliation"
    id = Column(Integer, primary_key=True)
    month = Column(Date, nullable=False, unique=True)
    status = Column(String(12), nullable=False, default=DRAFT)
    note = Column(String(500))
    keeper_id = Column(Integer, ForeignKey("ab_user.id"))
    keeper = relationship("HouqinUser", foreign_keys=[keeper_id])
    keeper_at = Column(UTCDateTime)
    accountant_id = Column(Integer, ForeignKey("ab_user.id"))
    accountant = relationship("HouqinUser", foreign_keys=[accountant_id])
    accountant_at = Column(UTCDateTime)
    reopen_reason = Column(String(500))
    lines = relationship("ReconciliationLine", back_populates="reconciliation", cascade="all, delete-orphan",
                         order_by="ReconciliationLine.financial_class", lazy="selectin")

    flow = Workflow("status", states=RECONCILIATION_STATES, locked=(RECONCILED,), transitions=[
        Transition("sign", DRAFT, SUBMITTED, permission=KEEPERS, label=_l("Sign as asset keeper"), style="primary",
                   guard="plugins.assets.reconcile:may_sign", writes={"keeper_id": WHO, "keeper_at": WHEN}),
        # 账账相符: the accountant, never the keeper who signed, agrees the month
        Transition("confirm", SUBMITTED, RECONCILED, permission=ACCOUNTANTS, label=_l("Confirm as accountant"),
                   style="success", approval=Approval(requester="keeper_id"),
                   writes={"accountant_id": WHO, "accountant_at": WHEN}),
        Transition("reopen", (SUBMITTED, RECONCILED), DRAFT, permission=REOPENERS, reopen=True,
                   label=_l("Reopen"), writes={"reopen_reason": WHY, "keeper_id": None, "keeper_at": None,
                                               "accountant_id": None, "accountant_at": None}),
    ])

    def __str__(self):
        return self.month.strftime("%Y-%m") if self.month else ""


class ReconciliationLine(Audited, Model):
    __tablename__ = "assets_reconciliation_line"
    __table_args__ = (UniqueConstraint("reconciliation_id", "financial_class"),)
    __locked_with__ = "reconciliation"
    id = Column(Integer, primary_key=True)
    reconciliation_id = Column(Integer, ForeignKey("assets_reconciliation.id", ondelete="CASCADE"), nullable=False)
    reconciliation = relationship("Reconciliation", back_populates="lines")
    financial_class = Column(String(30), nullable=False)
    finance_original = Column(MONEY, nullable=False, default=Decimal("0.00"))
    finance_accumulated = Column(MONEY, nullable=False, default=Decimal("0.00"))
    ledger_original = Column(MONEY, nullable=False, default=Decimal("0.00"))
    ledger_accumulated = Column(MONEY, nullable=False, default=Decimal("0.00"))

    @property
    def original_difference(self) -> Decimal:
        return (self.ledger_original or 0) - (self.finance_original or 0)

    @property
    def accumulated_difference(self) -> Decimal:
        return (self.ledger_accumulated or 0) - (self.finance_accumulated or 0)

    def __str__(self):
        return self.financial_class

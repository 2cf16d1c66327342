"""Tables of purchases and the lifecycle (issue 15), each state change a core workflow
transition (app.workflow): purchase requests (申购) with their approval tier, receipts (验收)
confirmed by three people, loans (借用/归还), transfers (调拨, to another campus confirmed there),
damage (损坏) with compensation, and disposals (报废, 报损 ...) approved by the Director."""
from __future__ import annotations

from decimal import Decimal

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import relationship

from app.models.base import Audited, CampusScoped, UTCDateTime, utcnow
from app.rules import N_
from app.workflow import SOLE_HOLDER, WHEN, WHO, WHY, Approval, Transition, Workflow

from .models import MONEY


def _perm(name, view, api):
    return [(f"can_{name}", view), (f"can_{name}", api)]


# -- purchase requests (申购) ----------------------------------------------------------------------
P_DRAFT, P_SUBMITTED, P_APPROVED, P_REJECTED, P_RECEIVING, P_RECEIVED = (
    "draft", "submitted", "approved", "rejected", "receiving", "received")
PURCHASE_STATES = {P_DRAFT: _l("Draft"), P_SUBMITTED: _l("Waiting for approval"), P_APPROVED: _l("Approved"),
                   P_REJECTED: _l("Rejected"), P_RECEIVING: _l("Being received"), P_RECEIVED: _l("Received")}
PURCHASE_APPROVERS = _perm("approve", "PurchaseView", "PurchaseApi")


class PurchaseRequest(Audited, CampusScoped, Model):
    """请购: what is asked for and why; approved by the Director in the tier of its total
    (园委会 below the setting, the external approval from it, 001); never by its requester."""

    __tablename__ = "assets_purchase"
    __table_args__ = (Index("ix_assets_purchase_campus_status", "campus_id", "status", "id"),)
    id = Column(Integer, primary_key=True)
    number = Column(String(30), nullable=False, unique=True)
    description = Column(String(200), nullable=False)
    quantity = Column(Integer, nullable=False, default=1)
    unit = Column(String(10), nullable=False, default="台")
    estimated_unit_price = Column(MONEY, nullable=False)
    estimated_total = Column(MONEY, nullable=False)
    # what the approval is for: the estimate, or the actual total when it went back
    approval_amount = Column(MONEY, nullable=False)
    reason = Column(String(500), nullable=False)
    budget_line = Column(String(100))
    department_id = Column(Integer, ForeignKey("department.id"), index=True)
    department = relationship("Department")
    requested_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    requested_by = relationship("HouqinUser", foreign_keys=[requested_by_id])
    requested_at = Column(UTCDateTime, nullable=False, default=utcnow)
    status = Column(String(12), nullable=False, default=P_DRAFT)
    committee_date = Column(Date)  # 园委会 meeting that decided it (below the threshold)
    committee_note = Column(String(500))
    self_approved = Column(Boolean, nullable=False, default=False)
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"))
    decided_by = relationship("HouqinUser", foreign_keys=[decided_by_id])
    decided_at = Column(UTCDateTime)
    decision_reason = Column(String(500))
    reapproval = Column(Boolean, nullable=False, default=False)  # back for approval: the actual total

    flow = Workflow("status", states=PURCHASE_STATES, locked=(P_RECEIVED, P_REJECTED), transitions=[
        Transition("submit", (P_DRAFT,), P_SUBMITTED, permission=_perm("submit", "PurchaseView", "PurchaseApi"),
                   label=_l("Submit for approval"), style="primary"),
        Transition("approve", P_SUBMITTED, P_APPROVED, permission=PURCHASE_APPROVERS, label=_l("Approve"),
                   style="success",
                   approval=Approval(requester="requested_by_id", self_approval=SOLE_HOLDER, flag="self_approved",
                                     amount="approval_amount", external_from="assets_purchase_external_from"),
                   writes={"decided_by_id": WHO, "decided_at": WHEN}),
        Transition("reject", P_SUBMITTED, P_REJECTED, permission=PURCHASE_APPROVERS, label=_l("Reject"),
                   style="danger", reason=True,
                   approval=Approval(requester="requested_by_id", self_approval=SOLE_HOLDER),
                   writes={"decided_by_id": WHO, "decided_at": WHEN, "decision_reason": WHY}),
        Transition("start_receipt", P_APPROVED, P_RECEIVING, permission=_perm("add", "ReceiptView", "ReceiptApi")),
        Transition("back_for_approval", P_RECEIVING, P_SUBMITTED,
                   permission=_perm("add", "ReceiptView", "ReceiptApi"),
                   writes={"decided_by_id": None, "decided_at": None, "reapproval": True}),
        Transition("complete", P_RECEIVING, P_RECEIVED, permission=_perm("confirm", "ReceiptView", "ReceiptApi")),
    ])

    def __str__(self):
        return f"{self.number} {self.description}"


# -- receipts (验收) -------------------------------------------------------------------------------
R_OPEN, R_ACCEPTED = "open", "accepted"
RECEIPT_STATES = {R_OPEN: _l("Waiting for signatures"), R_ACCEPTED: _l("Accepted")}
SIGN_PENDING, SIGN_DONE = "pending", "signed"
SIGN_STATES = {SIGN_PENDING: _l("Not signed"), SIGN_DONE: _l("Signed")}
SIGNERS = ("handler", "witness", "reviewer")  # 经办人、证明人和审核人
ALREADY_SIGNED = N_("You have already confirmed this receipt.")


def _sign_flow(role):
    return Workflow(f"{role}_state", states=SIGN_STATES, transitions=[
        Transition(f"sign_{role}", SIGN_PENDING, SIGN_DONE, permission=_perm("confirm", "ReceiptView", "ReceiptApi"),
                   moved=ALREADY_SIGNED, writes={f"{role}_at": WHEN})])


class Receipt(Audited, CampusScoped, Model):
    """验收 of a purchase: what came, at what price, from whom; signed by the handler, a witness and
    the reviewer, each from their own to-do list; the cards are made when the third signs."""

    __tablename__ = "assets_receipt"
    id = Column(Integer, primary_key=True)
    purchase_id = Column(Integer, ForeignKey("assets_purchase.id"), nullable=False, unique=True)
    purchase = relationship("PurchaseRequest")
    received_on = Column(Date, nullable=False)
    delivered_quantity = Column(Integer, nullable=False)
    actual_unit_price = Column(MONEY, nullable=False)
    actual_total = Column(MONEY, nullable=False)
    supplier = Column(String(100), nullable=False)
    invoice_no = Column(String(60))
    category_id = Column(Integer, ForeignKey("assets_category.id"), nullable=False)
    category = relationship("AssetCategory")
    life_months = Column(Integer, nullable=False)
    as_batch = Column(Boolean, nullable=False, default=True)  # one card of n, or n cards of one
    room_id = Column(Integer, ForeignKey("room.id"))
    room = relationship("Room")
    custodian_id = Column(Integer, ForeignKey("staff.id"))
    custodian = relationship("Staff")
    handler_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    handler = relationship("HouqinUser", foreign_keys=[handler_id])
    witness_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    witness = relationship("HouqinUser", foreign_keys=[witness_id])
    reviewer_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    reviewer = relationship("HouqinUser", foreign_keys=[reviewer_id])
    handler_state = Column(String(10), nullable=False, default=SIGN_PENDING)
    witness_state = Column(String(10), nullable=False, default=SIGN_PENDING)
    reviewer_state = Column(String(10), nullable=False, default=SIGN_PENDING)
    handler_at = Column(UTCDateTime)
    witness_at = Column(UTCDateTime)
    reviewer_at = Column(UTCDateTime)
    status = Column(String(10), nullable=False, default=R_OPEN)
    note = Column(String(500))

    flow = Workflow("status", states=RECEIPT_STATES, locked=(R_ACCEPTED,), transitions=[
        # the third signature: one conditional UPDATE that sees all three, so two last signers at
        # once cannot both miss it (each signature's UPDATE waits for the other's row lock)
        Transition("accept", R_OPEN, R_ACCEPTED, permission=_perm("confirm", "ReceiptView", "ReceiptApi"),
                   where=lambda m: (m.handler_state == SIGN_DONE) & (m.witness_state == SIGN_DONE)
                   & (m.reviewer_state == SIGN_DONE))])
    handler_flow = _sign_flow("handler")
    witness_flow = _sign_flow("witness")
    reviewer_flow = _sign_flow("reviewer")

    def __str__(self):
        return f"{self.purchase.number if self.purchase else ''} {self.supplier}"


# -- loans (借用/归还) -------------------------------------------------------------------------------
L_OPEN, L_RETURNED = "open", "returned"
LOAN_STATES = {L_OPEN: _l("Lent out"), L_RETURNED: _l("Returned")}


class Loan(Audited, CampusScoped, Model):
    __tablename__ = "assets_loan"
    __table_args__ = (
        # one open loan per card, whatever two requests try at once
        Index("uq_assets_loan_open", "asset_id", unique=True, sqlite_where=text("status = 'open'"),
              postgresql_where=text("status = 'open'")),
        Index("ix_assets_loan_open_due", "campus_id", "due_on", sqlite_where=text("status = 'open'"),
              postgresql_where=text("status = 'open'")),
        Index("ix_assets_loan_campus", "campus_id", "id"),
    )
    id = Column(Integer, primary_key=True)
    asset_id = Column(Integer, ForeignKey("assets_asset.id"), nullable=False, index=True)
    asset = relationship("Asset")
    borrower_id = Column(Integer, ForeignKey("staff.id"), index=True)
    borrower = relationship("Staff")
    pupil_name = Column(String(60))
    class_name = Column(String(60))
    lent_on = Column(Date, nullable=False)
    due_on = Column(Date, nullable=False)
    purpose = Column(String(200))
    returned_on = Column(Date)
    return_condition = Column(String(200))
    lent_by_id = Column(Integer, ForeignKey("ab_user.id"))
    status = Column(String(10), nullable=False, default=L_OPEN)

    flow = Workflow("status", states=LOAN_STATES, transitions=[
        Transition("give_back", L_OPEN, L_RETURNED, permission=_perm("give_back", "LoanView", "LoanApi"),
                   label=_l("Return"), moved=N_("Not returned: this loan is already %(state)s."))])

    def borrower_label(self) -> str:
        return (self.borrower.name if self.borrower else "") or self.pupil_name or self.class_name or ""

    def __str__(self):
        return f"{self.asset.code if self.asset else ''} → {self.borrower_label()}"


# -- transfers (调拨) ------------------------------------------------------------------------------
T_WAITING, T_DONE, T_REFUSED = "waiting", "done", "refused"
TRANSFER_STATES = {T_WAITING: _l("Waiting for the receiving campus"), T_DONE: _l("Done"), T_REFUSED: _l("Refused")}


class Transfer(Audited, Model):
    __tablename__ = "assets_transfer"
    __table_args__ = (Index("ix_assets_transfer_to_status", "to_campus_id", "status"),)
    id = Column(Integer, primary_key=True)
    asset_id = Column(Integer, ForeignKey("assets_asset.id"), nullable=False, index=True)
    asset = relationship("Asset")
    from_campus_id = Column(Integer, ForeignKey("campus.id"), nullable=False, index=True)
    from_campus = relationship("Campus", foreign_keys=[from_campus_id])
    from_room_id = Column(Integer, ForeignKey("room.id"))
    from_department_id = Column(Integer, ForeignKey("department.id"))
    to_campus_id = Column(Integer, ForeignKey("campus.id"), nullable=False)
    to_campus = relationship("Campus", foreign_keys=[to_campus_id])
    to_room_id = Column(Integer, ForeignKey("room.id"))
    to_room = relationship("Room", foreign_keys=[to_room_id])
    to_department_id = Column(Integer, ForeignKey("department.id"))
    to_department = relationship("Department", foreign_keys=[to_department_id])
    to_custodian_id = Column(Integer, ForeignKey("staff.id"))
    to_custodian = relationship("Staff", foreign_keys=[to_custodian_id])
    transfer_on = Column(Date, nullable=False)
    reason = Column(String(300))
    requested_by_id = Column(Integer, ForeignKey("ab_user.id"))
    confirmed_by_id = Column(Integer, ForeignKey("ab_user.id"))
    confirmed_at = Column(UTCDateTime)
    status = Column(String(10), nullable=False, default=T_WAITING)

    flow = Workflow("status", states=TRANSFER_STATES, transitions=[
        Transition("receive", T_WAITING, T_DONE, permission=_perm("receive", "TransferView", "TransferApi"),
                   label=_l("Confirm receipt"), style="success",
                   guard="plugins.assets.lifecycle:may_receive_transfer",
                   writes={"confirmed_by_id": WHO, "confirmed_at": WHEN}),
        Transition("refuse", T_WAITING, T_REFUSED, permission=_perm("receive", "TransferView", "TransferApi"),
                   label=_l("Refuse"), style="danger", reason=True,
                   guard="plugins.assets.lifecycle:may_receive_transfer",
                   writes={"confirmed_by_id": WHO, "confirmed_at": WHEN}),
    ])


# -- damage (损坏) ---------------------------------------------------------------------------------
D_UNPAID, D_PAID, D_NONE = "unpaid", "paid", "none"
DAMAGE_STATES = {D_NONE: _l("No compensation"), D_UNPAID: _l("Compensation unpaid"), D_PAID: _l("Compensation paid")}
CAUSES = {"human": _l("Human (人为)"), "natural": _l("Natural (自然)")}


class Damage(Audited, CampusScoped, Model):
    """谁损坏谁赔偿 (002): who, why, how much, paid or not; photos as core attachments."""

    __tablename__ = "assets_damage"
    id = Column(Integer, primary_key=True)
    asset_id = Column(Integer, ForeignKey("assets_asset.id"), nullable=False, index=True)
    asset = relationship("Asset")
    occurred_on = Column(Date, nullable=False)
    cause = Column(String(10), nullable=False, default="human")
    responsible = Column(String(60))  # a staff member, a pupil, a class, an outsider
    description = Column(String(500), nullable=False)
    compensation = Column(MONEY, nullable=False, default=Decimal("0.00"))
    paid_on = Column(Date)
    status = Column(String(10), nullable=False, default=D_NONE)
    recorded_by_id = Column(Integer, ForeignKey("ab_user.id"))

    flow = Workflow("status", states=DAMAGE_STATES, locked=(D_PAID,), transitions=[
        Transition("mark_paid", D_UNPAID, D_PAID, permission=_perm("mark_paid", "DamageView", "DamageApi"),
                   label=_l("Compensation paid"), style="success",
                   writes={"paid_on": lambda ctx: ctx.now.date()})])


# -- disposals (报废/报损 …) --------------------------------------------------------------------------
DISPOSAL_KINDS = {"scrap": _l("Scrapping (报废)"), "loss": _l("Loss (报损)"), "sale": _l("Sale or transfer (出售/转让)"),
                  "donation": _l("Donation (对外捐赠)"), "free_transfer": _l("Free transfer (无偿划转)"),
                  "write_off": _l("Loss write-off (损失核销)")}
X_REQUESTED, X_APPROVED, X_REJECTED = "requested", "approved", "rejected"
DISPOSAL_STATES = {X_REQUESTED: _l("Waiting for the Director"), X_APPROVED: _l("Approved"), X_REJECTED: _l("Rejected")}
DISPOSAL_APPROVERS = _perm("approve", "DisposalView", "DisposalApi")


class Disposal(Audited, CampusScoped, Model):
    """The keeper requests with a reason; the Director approves (above the setting, with the
    external approval) or rejects; the 报损/报废 form prints from it (填报固定资产报损表, 002)."""

    __tablename__ = "assets_disposal"
    __table_args__ = (Index("ix_assets_disposal_status", "status", "campus_id"),)
    id = Column(Integer, primary_key=True)
    number = Column(String(30), nullable=False, unique=True)
    asset_id = Column(Integer, ForeignKey("assets_asset.id"), nullable=False, index=True)
    asset = relationship("Asset")
    kind = Column(String(20), nullable=False, default="scrap")
    quantity = Column(Integer, nullable=False, default=1)
    disposed_on = Column(Date, nullable=False)
    reason = Column(String(500), nullable=False)
    justification = Column(Text)  # inside the useful life: the written reason
    original_value = Column(MONEY, nullable=False)
    accumulated = Column(MONEY, nullable=False)
    proceeds = Column(MONEY)
    requested_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    requested_by = relationship("HouqinUser", foreign_keys=[requested_by_id])
    requested_at = Column(UTCDateTime, nullable=False, default=utcnow)
    status = Column(String(10), nullable=False, default=X_REQUESTED)
    self_approved = Column(Boolean, nullable=False, default=False)
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"))
    decided_by = relationship("HouqinUser", foreign_keys=[decided_by_id])
    decided_at = Column(UTCDateTime)
    decision_reason = Column(String(500))

    flow = Workflow("status", states=DISPOSAL_STATES, locked=(X_APPROVED,), transitions=[
        Transition("approve", X_REQUESTED, X_APPROVED, permission=DISPOSAL_APPROVERS, label=_l("Approve"),
                   style="success",
                   approval=Approval(requester="requested_by_id", self_approval=SOLE_HOLDER, flag="self_approved",
                                     amount="original_value", external_from="assets_disposal_external_from"),
                   writes={"decided_by_id": WHO, "decided_at": WHEN}),
        Transition("reject", X_REQUESTED, X_REJECTED, permission=DISPOSAL_APPROVERS, label=_l("Reject"),
                   style="danger", reason=True,
                   writes={"decided_by_id": WHO, "decided_at": WHEN, "decision_reason": WHY}),
    ])

    @property
    def net_value(self) -> Decimal:
        return (self.original_value or Decimal("0")) - (self.accumulated or Decimal("0"))

    def __str__(self):
        return self.number

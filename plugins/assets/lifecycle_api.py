"""REST API of purchases and the lifecycle, with the screens' rules and messages (the same
services): /api/v1/assetpurchase/ (POST a request; approve, reject), /api/v1/assetreceipt/
(POST a receipt; /<pk>/confirm), /api/v1/assetloan/ (POST lends; give_back), /api/v1/assettransfer/
(POST; receive, refuse), /api/v1/assetdamage/ (POST; mark_paid), /api/v1/assetdisposal/ (POST;
approve, reject). Refusals: 403, 404, 409 {"message"}, 422 {"message": {field: [...]}}; never 500."""
from __future__ import annotations

from flask import g, request
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name

from app.api import HouqinModelRestApi
from app.extensions import db
from app.rules import N_, RuleError
from app.views.workflow import TransitionsApiMixin
from app.workflow import InputErrors, Outcome, refusal_response

from . import lifecycle, purchases, rules
from .access import loan_access_clause, purchase_access_clause, receipt_access_clause, transfer_access_clause
from .lifecycle_models import Damage, Disposal, Loan, PurchaseRequest, Receipt, Transfer
from .models import Asset, AssetCategory

ERR_REQUIRED = N_("This field is required.")
ERR_NOT_FOUND = N_("Not found")

ACTION_DOC = """{what}
---
post:
  requestBody:
    required: true
    content:
      application/json:
        schema:
          type: object
  responses:
    201:
      description: Done; the new record's id and state
    403:
      $ref: '#/components/responses/403'
    404:
      $ref: '#/components/responses/404'
    409:
      description: The asset or record has moved on, or is locked
    422:
      $ref: '#/components/responses/422'
"""


def _doc(what):
    def wrap(fn):
        fn.__doc__ = ACTION_DOC.format(what=what)
        return fn
    return wrap


class Body:
    """The JSON body, read with the plugin's rules (each error on its field)."""

    def __init__(self):
        data = request.get_json(silent=True)
        self.data = data if isinstance(data, dict) else {}

    def text(self, key, required=False, limit=500):
        value = self.data.get(key)
        value = "" if value is None else str(value).strip()
        if required and not value:
            raise RuleError(ERR_REQUIRED, field=key)
        return value[:limit] or None

    def date(self, key, required=True):
        value = self.data.get(key)
        if value in (None, ""):
            if required:
                raise RuleError(ERR_REQUIRED, field=key)
            return None
        return rules.as_date(str(value), key)

    def id(self, key, required=False):
        value = self.data.get(key)
        if value in (None, "") and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2 ** 31:
            raise RuleError(N_("Not a valid choice"), field=key)
        return value


def visible_asset(pk):
    from sqlalchemy import select

    from .queries import scoped

    if not isinstance(pk, int):
        return None
    return db.session.execute(scoped(select(Asset).where(Asset.id == pk))).scalar_one_or_none()


class ActionApi(TransitionsApiMixin, HouqinModelRestApi):
    """A model API whose POST runs the plugin's service."""

    def act(self, build):
        try:
            record = build(Body())
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            if err.message == ERR_NOT_FOUND:
                return self.response_404()
            return refusal_response(self, err)
        return self.response(201, id=record.id if record is not None else None,
                             state=getattr(record, "status", None))


def done(record) -> Outcome:
    """What TransitionsApiMixin answers: the record's new state."""
    return Outcome(record.id, "", record.status, self_approved=bool(getattr(record, "self_approved", False)))


def _asset(body):
    asset = visible_asset(body.data.get("asset_id"))
    if asset is None:
        raise RuleError(ERR_NOT_FOUND)
    return asset


class PurchaseApi(ActionApi):
    resource_name = "assetpurchase"
    datamodel = SQLAInterface(PurchaseRequest)
    campus_column = "campus_id"
    transition_routes = ("approve", "reject")
    list_columns = show_columns = ["id", "number", "description", "quantity", "unit", "estimated_unit_price",
                                   "estimated_total", "approval_amount", "reason", "budget_line", "department_id",
                                   "campus_id", "requested_by_id", "status", "committee_date", "committee_note",
                                   "self_approved", "decided_by_id", "decided_at", "reapproval"]
    base_permissions = ["can_get", "can_info", "can_create", "can_submit"]
    row_access = staticmethod(purchase_access_clause)

    @expose("/request", methods=["POST"])
    @protect()
    @safe
    @permission_name("create")
    @_doc("Request a purchase (description, quantity, estimated_unit_price, reason, budget_line, department_id, campus_id).")
    def create(self):
        from app.scoping import can_use_campus, user_campus_ids

        def build(b):
            campus = b.id("campus_id") or next(iter(user_campus_ids() or []), None)
            if campus is None:  # a user of every campus (the Director) says which
                raise RuleError(N_("This field is required."), field="campus_id")
            if not can_use_campus(campus):
                raise RuleError(N_("Not a valid choice"), field="campus_id")
            req = PurchaseRequest(description=b.text("description", True, 200), quantity=b.data.get("quantity", 1),
                                  unit=b.text("unit", limit=10) or "台",
                                  estimated_unit_price=b.data.get("estimated_unit_price"),
                                  reason=b.text("reason", True), budget_line=b.text("budget_line", limit=100),
                                  department_id=purchases.requester_department(
                                      db.session, g.user, b.id("department_id"), field="department_id"),
                                  campus_id=campus)
            return purchases.new_request(db.session, req, user_id=g.user.id)
        return self.act(build)

    def perform_transition(self, name, item, *, reason, external):
        if name == "approve":
            body = Body()
            try:
                meeting = body.date("committee_date", required=False)
            except RuleError as err:
                raise InputErrors([err]) from None
            return purchases.approve(db.session, item.id, committee_date=meeting,
                                     committee_note=body.text("committee_note") or "", external=external)
        return super().perform_transition(name, item, reason=reason, external=external)


class ReceiptApi(ActionApi):
    resource_name = "assetreceipt"
    datamodel = SQLAInterface(Receipt)
    campus_column = "campus_id"
    list_columns = show_columns = ["id", "purchase_id", "received_on", "delivered_quantity", "actual_unit_price",
                                   "actual_total", "supplier", "invoice_no", "category_id", "life_months", "as_batch",
                                   "handler_id", "handler_state", "witness_id", "witness_state", "reviewer_id",
                                   "reviewer_state", "status"]
    base_permissions = ["can_get", "can_info", "can_add", "can_confirm"]
    row_access = staticmethod(receipt_access_clause)

    @expose("/record", methods=["POST"])
    @protect()
    @safe
    @permission_name("add")
    @_doc("Record the receipt of an approved purchase (purchase_id, received_on, delivered_quantity, "
          "actual_unit_price, supplier, invoice_no, category_id, life_months, as_batch, handler_id, witness_id, reviewer_id).")
    def record(self):
        def build(b):
            from app.scoping import can_use_campus

            req = db.session.get(PurchaseRequest, b.id("purchase_id", True))
            if req is None or not can_use_campus(req.campus_id):
                raise RuleError(ERR_NOT_FOUND)
            category = db.session.get(AssetCategory, b.id("category_id", True))
            if category is None:
                raise RuleError(N_("Not a valid choice"), field="category_id")
            receipt = Receipt(purchase_id=req.id, received_on=b.date("received_on"),
                              delivered_quantity=b.data.get("delivered_quantity"),
                              actual_unit_price=b.data.get("actual_unit_price"), supplier=b.text("supplier", True, 100),
                              invoice_no=b.text("invoice_no", limit=60), category=category, category_id=category.id,
                              life_months=rules.check_life_months(b.data.get("life_months")
                                                                  or (category.min_life_years or 0) * 12),
                              as_batch=b.data.get("as_batch", True) is not False,
                              handler_id=b.id("handler_id", True), witness_id=b.id("witness_id", True),
                              reviewer_id=b.id("reviewer_id", True))
            return purchases.record_receipt(db.session, receipt) or req
        return self.act(build)

    @expose("/<int:pk>/confirm", methods=["POST"])
    @protect()
    @safe
    @permission_name("confirm")
    @_doc("Confirm the receipt as the handler, witness or reviewer named in it; the third creates the cards.")
    def confirm(self, pk):
        if self.datamodel.get(pk, self._base_filters) is None:
            return self.response_404()
        try:
            cards = purchases.sign(db.session, pk)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return refusal_response(self, err)
        return self.response(200, id=pk, state=db.session.get(Receipt, pk).status, cards=[c.id for c in cards])


class LoanApi(ActionApi):
    resource_name = "assetloan"
    datamodel = SQLAInterface(Loan)
    campus_column = "campus_id"
    transition_routes = ("give_back",)
    list_columns = show_columns = ["id", "asset_id", "borrower_id", "pupil_name", "class_name", "lent_on", "due_on",
                                   "returned_on", "return_condition", "status", "campus_id"]
    base_permissions = ["can_get", "can_info", "can_post"]
    row_access = staticmethod(loan_access_clause)

    @expose("/lend", methods=["POST"])
    @protect()
    @safe
    @permission_name("post")
    @_doc("Lend an asset (asset_id, quantity: part of a batch is split off, borrower_id or pupil_name or class_name, "
          "lent_on, due_on, purpose).")
    def lend(self):
        def build(b):
            asset = _asset(b)
            loan = Loan(asset_id=asset.id, borrower_id=b.id("borrower_id"), pupil_name=b.text("pupil_name", limit=60),
                        class_name=b.text("class_name", limit=60), lent_on=b.date("lent_on"), due_on=b.date("due_on"),
                        purpose=b.text("purpose", limit=200))
            return lifecycle.lend(db.session, loan, quantity=b.data.get("quantity"))
        return self.act(build)

    def perform_transition(self, name, item, *, reason, external):
        return done(lifecycle.give_back(db.session, item.id, condition=reason or ""))


class TransferApi(ActionApi):
    resource_name = "assettransfer"
    datamodel = SQLAInterface(Transfer)
    transition_routes = ("receive", "refuse")
    list_columns = show_columns = ["id", "asset_id", "from_campus_id", "to_campus_id", "to_room_id",
                                   "to_department_id", "to_custodian_id", "transfer_on", "reason", "status"]
    base_permissions = ["can_get", "can_info", "can_post"]
    row_access = staticmethod(transfer_access_clause)

    @expose("/start", methods=["POST"])
    @protect()
    @safe
    @permission_name("post")
    @_doc("Transfer an asset (asset_id, quantity: part of a batch is split off, to_campus_id, to_room_id, "
          "to_department_id, to_custodian_id, transfer_on, reason).")
    def start(self):
        def build(b):
            asset = _asset(b)
            t = Transfer(asset_id=asset.id, to_campus_id=b.id("to_campus_id") or asset.campus_id,
                         to_room_id=b.id("to_room_id"), to_department_id=b.id("to_department_id"),
                         to_custodian_id=b.id("to_custodian_id"), transfer_on=b.date("transfer_on"),
                         reason=b.text("reason", limit=300))
            return lifecycle.request_transfer(db.session, t, quantity=b.data.get("quantity"))
        return self.act(build)

    def perform_transition(self, name, item, *, reason, external):
        if name == "receive":
            return done(lifecycle.receive_transfer(db.session, item.id))
        return done(lifecycle.refuse_transfer(db.session, item.id, reason or ""))


class DamageApi(ActionApi):
    resource_name = "assetdamage"
    datamodel = SQLAInterface(Damage)
    campus_column = "campus_id"
    transition_routes = ("mark_paid",)
    list_columns = show_columns = ["id", "asset_id", "occurred_on", "cause", "responsible", "description",
                                   "compensation", "status", "paid_on"]
    base_permissions = ["can_get", "can_info", "can_post"]

    @expose("/record", methods=["POST"])
    @protect()
    @safe
    @permission_name("post")
    @_doc("Record damage (asset_id, occurred_on, cause human|natural, responsible, description, compensation).")
    def record(self):
        def build(b):
            asset = _asset(b)
            cause = b.text("cause") or "human"
            if cause not in ("human", "natural"):
                raise RuleError(N_("Not a valid choice"), field="cause")
            d = Damage(asset_id=asset.id, occurred_on=b.date("occurred_on"), cause=cause,
                       responsible=b.text("responsible", limit=60), description=b.text("description", True),
                       compensation=b.data.get("compensation"))
            return lifecycle.record_damage(db.session, d)
        return self.act(build)


class DisposalApi(ActionApi):
    resource_name = "assetdisposal"
    datamodel = SQLAInterface(Disposal)
    campus_column = "campus_id"
    transition_routes = ("approve", "reject")
    list_columns = show_columns = ["id", "number", "asset_id", "kind", "quantity", "disposed_on", "reason",
                                   "justification", "original_value", "accumulated", "status", "self_approved"]
    base_permissions = ["can_get", "can_info", "can_post"]

    @expose("/request", methods=["POST"])
    @protect()
    @safe
    @permission_name("post")
    @_doc("Request a disposal (asset_id, kind, quantity, disposed_on, reason, justification, proceeds).")
    def create(self):
        from decimal import Decimal

        from .lifecycle_models import DISPOSAL_KINDS

        def build(b):
            asset = _asset(b)
            kind = b.text("kind") or "scrap"
            if kind not in DISPOSAL_KINDS:
                raise RuleError(N_("Not a valid choice"), field="kind")
            d = Disposal(asset_id=asset.id, kind=kind, quantity=rules.check_quantity(b.data.get("quantity") or
                                                                                     asset.quantity),
                         disposed_on=b.date("disposed_on"), reason=b.text("reason", True),
                         justification=b.text("justification", limit=5000),
                         proceeds=rules.parse_money(b.data["proceeds"], "proceeds") if b.data.get("proceeds") else None,
                         original_value=Decimal("0"), accumulated=Decimal("0"))
            return lifecycle.request_disposal(db.session, d)
        return self.act(build)

    def perform_transition(self, name, item, *, reason, external):
        if name == "approve":
            return done(lifecycle.approve_disposal(db.session, item.id, external=external))
        return done(lifecycle.reject_disposal(db.session, item.id, reason or ""))

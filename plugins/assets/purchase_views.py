"""Screens of purchases: the requests (a teacher or the keeper asks; the Director approves in the
request's tier: the 园委会 decision below the setting, the external approval from it) and the
receipts (验收: recorded by the keeper, confirmed by the three people named, each from their own
to-do list; the third confirmation creates the cards)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l

from app.extensions import db
from app.i18n import format_money
from app.rules import RuleError
from app.views.base import HouqinModelView, choice_label
from app.views.filters import COUNT_CAP
from app.views.validators import Rule, rule_message
from app.views.workflow import TransitionsMixin

from . import actions, lifecycle_rules as lr, purchases, rules
from .access import purchase_access_clause, receipt_access_clause
from .models import AssetCategory
from .lifecycle_models import (P_APPROVED, P_SUBMITTED, PURCHASE_STATES, RECEIPT_STATES, SIGN_STATES, SIGNERS,
                               PurchaseRequest, Receipt)

LABELS = {"number": _l("Number"), "description": _l("Items"), "quantity": _l("Quantity"), "unit": _l("Unit"),
          "estimated_unit_price": _l("Estimated unit price"), "estimated_total": _l("Estimated total"),
          "approval_amount": _l("Amount to approve"), "reason": _l("Reason"), "budget_line": _l("Budget line"),
          "department": _l("Department"), "campus": _l("Campus"), "requested_by": _l("Requested by"),
          "requested_at": _l("Requested at"), "status": _l("Status"), "committee_date": _l("园委会 meeting date"),
          "committee_note": _l("园委会 decision"), "self_approved": _l("Self-approved"), "decided_by": _l("Decided by"),
          "decided_at": _l("Decided at"), "decision_reason": _l("Reason for the decision"),
          "reapproval": _l("Back for approval (actual total)"), "purchase": _l("Purchase request"),
          "received_on": _l("Received on"), "delivered_quantity": _l("Delivered quantity"),
          "actual_unit_price": _l("Actual unit price"), "actual_total": _l("Actual total"), "supplier": _l("Supplier"),
          "invoice_no": _l("Invoice number"), "category": _l("Class"), "life_months": _l("Useful life (months)"),
          "handler": _l("Handler (经办人)"), "witness": _l("Witness (证明人)"), "reviewer": _l("Reviewer (审核人)"),
          "handler_state": _l("Handler (经办人)"), "witness_state": _l("Witness (证明人)"),
          "reviewer_state": _l("Reviewer (审核人)"), "note": _l("Note"), "room": _l("Location"),
          "custodian": _l("Custodian"), "as_batch": _l("One batch card")}


def _money(value):
    return "" if value is None else format_money(value)


def _quantity(value):
    return lr.check_request(value, "1")[0]


def _price(value):
    return lr.check_request(1, value)[1]


class OwnDepartment:
    """The department field: a staff member requests for their own department only (the message
    on the field; an empty choice is their own, filled in when saved)."""

    def __call__(self, form, field):
        from wtforms.validators import ValidationError

        chosen = getattr(field.data, "id", None)
        try:
            purchases.requester_department(db.session, g.user, chosen)
        except RuleError as err:
            raise ValidationError(rule_message(err)) from None


class PurchaseView(TransitionsMixin, HouqinModelView):
    datamodel = SQLAInterface(PurchaseRequest)
    campus_column = "campus_id"
    list_joins = ("department", "requested_by")
    count_cap = COUNT_CAP
    attachment_owner = "assets.purchase"
    show_template = "assets/purchase_show.html"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.show_template = "assets/purchase_show.html"  # core sets its own when the view takes attachments
    list_title = _l("Purchase requests")
    show_title = _l("Purchase request")
    add_title = _l("New purchase request")
    transition_routes = ("approve", "reject")
    list_columns = ["number", "description", "quantity", "estimated_total", "department", "requested_by", "status"]
    show_columns = ["number", "description", "quantity", "unit", "estimated_unit_price", "estimated_total",
                    "approval_amount", "reason", "budget_line", "department", "campus", "requested_by", "requested_at",
                    "status", "reapproval", "committee_date", "committee_note", "self_approved", "decided_by",
                    "decided_at", "decision_reason"]
    # the campus is the requester's (their staff record's, else their login's first campus)
    add_columns = ["description", "quantity", "unit", "estimated_unit_price", "reason", "budget_line", "department"]
    search_columns = ["number", "description", "status", "department"]
    order_columns = ["number", "estimated_total"]
    base_order = ("id", "desc")
    # can_for_any_department: the office requests for any department, a staff member for their own
    base_permissions = ["can_list", "can_show", "can_export", "can_add", "can_approve", "can_reject", "can_submit",
                        "can_for_any_department"]
    label_columns = LABELS
    formatters_columns = {"status": choice_label(PURCHASE_STATES), "estimated_unit_price": _money,
                          "estimated_total": _money, "approval_amount": _money}
    validators_columns = {"quantity": [Rule(_quantity)], "estimated_unit_price": [Rule(_price)],
                          "department": [OwnDepartment()]}
    row_access = staticmethod(purchase_access_clause)

    def pre_add(self, item):
        from app.models import Department

        try:
            wanted = purchases.requester_department(db.session, g.user, getattr(item.department, "id", None)
                                                    or item.department_id)
        except RuleError as err:
            raise ValueError(rule_message(err)) from None
        item.department = db.session.get(Department, wanted) if wanted else None
        if item.campus_id is None:
            item.campus_id = requester_campus(g.user)
        if item.campus_id is None:
            raise ValueError(gettext("Your login is bound to no campus: ask the office to request it."))
        super().pre_add(item)
        try:
            purchases.new_request(db.session, item, user_id=g.user.id, submit=False)
        except RuleError as err:
            raise ValueError(rule_message(err)) from None

    def post_add(self, item):
        from app.workflow import transition

        transition(db.session, PurchaseRequest, item.id, "submit")
        db.session.commit()

    def perform_transition(self, name, item, *, reason, external):
        if name == "approve":
            raw = (request.form.get("committee_date") or "").strip()
            try:
                meeting = rules.as_date(raw, "committee_date") if raw else None
            except RuleError as err:
                from app.workflow import InputErrors

                raise InputErrors([err]) from None
            return purchases.approve(db.session, item.id, committee_date=meeting,
                                     committee_note=request.form.get("committee_note", ""), external=external)
        return super().perform_transition(name, item, reason=reason, external=external)

    def workflow_panel(self, item):
        panel = super().workflow_panel(item)
        # below the threshold the approval records the 园委会's decision (this page's own form)
        if lr.tier(item.approval_amount, purchases.external_from()) == lr.COMMITTEE:
            panel["committee"] = next((b for b in panel["buttons"] if b["name"] == "approve"), None)
            panel["buttons"] = [b for b in panel["buttons"] if b["name"] != "approve"]
        return panel

    def render_template(self, template, **kwargs):
        if template == self.show_template and "pk" in kwargs:
            kwargs["may_receive"] = self.appbuilder.sm.has_access("can_add", "ReceiptView")
            kwargs["approved_state"] = P_APPROVED
            kwargs["purchase"] = db.session.get(PurchaseRequest, kwargs["pk"])
        return super().render_template(template, **kwargs)


def requester_campus(user):
    from sqlalchemy import select

    from app.models import Staff
    from app.scoping import user_campus_ids

    from app.models import Campus

    own = db.session.execute(select(Staff.campus_id).where(Staff.user_id == user.id)).scalar()
    ids = user_campus_ids(user)
    if own is not None and (ids is None or own in ids):
        return own
    if ids is None:  # the office, with no staff record: the first campus (the main one)
        return db.session.execute(select(Campus.id).where(Campus.active.is_(True)).order_by(Campus.id)).scalar()
    return ids[0] if ids else None


class ReceiptView(HouqinModelView):
    datamodel = SQLAInterface(Receipt)
    campus_column = "campus_id"
    list_joins = ("purchase", "handler", "witness", "reviewer")
    attachment_owner = "assets.receipt"
    show_template = "assets/receipt_show.html"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.show_template = "assets/receipt_show.html"  # core sets its own when the view takes attachments
    list_title = _l("Receipts")
    show_title = _l("Receipt")
    list_columns = ["purchase", "received_on", "supplier", "actual_total", "handler_state", "witness_state",
                    "reviewer_state", "status"]
    show_columns = ["purchase", "received_on", "delivered_quantity", "actual_unit_price", "actual_total", "supplier",
                    "invoice_no", "category", "life_months", "as_batch", "room", "custodian", "handler",
                    "handler_state", "witness", "witness_state", "reviewer", "reviewer_state", "status", "note"]
    search_columns = ["supplier", "invoice_no", "status", "received_on"]
    base_order = ("id", "desc")
    base_permissions = ["can_list", "can_show", "can_export", "can_add", "can_confirm"]
    label_columns = LABELS
    formatters_columns = {"status": choice_label(RECEIPT_STATES), "actual_total": _money, "actual_unit_price": _money,
                          **{f"{r}_state": choice_label(SIGN_STATES) for r in SIGNERS}}
    row_access = staticmethod(receipt_access_clause)

    @expose("/start/<int:purchase_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def start(self, purchase_id):
        from sqlalchemy import select

        from app.scoping import scope_clause

        q = select(PurchaseRequest).where(PurchaseRequest.id == purchase_id)
        clause = scope_clause(PurchaseRequest.campus_id)
        req = db.session.execute(q.where(clause) if clause is not None else q).scalar_one_or_none()
        if req is None:
            abort(404)
        if req.status != P_APPROVED:
            flash(gettext("Only an approved request is received."), "danger")
            return redirect(url_for("PurchaseView.show", pk=req.id))
        form = actions.ReceiptForm()
        form.category.choices = actions.category_choices()
        form.room.choices = actions.room_choices(req.campus_id)
        form.custodian.choices = actions.staff_choices(req.campus_id)
        for name in SIGNERS:
            getattr(form, name).choices = actions.user_choices()
        if request.method == "GET":
            form.delivered_quantity.data, form.actual_unit_price.data = str(req.quantity), str(req.estimated_unit_price)
            form.handler.data = str(g.user.id)

        def apply(f):
            from app.workflow import InputErrors

            category = db.session.get(AssetCategory, actions.as_id(f.category.data) or 0)
            missing = [RuleError(rules.N_("This field is required."), field=n)
                       for n in ("category", "supplier", *SIGNERS) if not (getattr(f, n).data or "").strip()]
            if missing:
                raise InputErrors(missing)
            life = rules.check_life_months(f.life_months.data or (category.min_life_years or 0) * 12)
            receipt = Receipt(purchase_id=req.id, received_on=actions.date_of(f, "received_on"),
                              delivered_quantity=f.delivered_quantity.data, actual_unit_price=f.actual_unit_price.data,
                              supplier=f.supplier.data.strip(), invoice_no=(f.invoice_no.data or "").strip() or None,
                              category=category, category_id=category.id, life_months=life,
                              as_batch=bool(f.as_batch.data), room_id=actions.as_id(f.room.data),
                              custodian_id=actions.as_id(f.custodian.data), handler_id=actions.as_id(f.handler.data),
                              witness_id=actions.as_id(f.witness.data), reviewer_id=actions.as_id(f.reviewer.data),
                              note=(f.note.data or "").strip() or None)
            return purchases.record_receipt(db.session, receipt)

        def success(receipt):
            if receipt is None:
                flash(gettext("The actual total is above the approved tier: the request went back for approval."),
                      "warning")
                return redirect(url_for("PurchaseView.show", pk=req.id))
            flash(gettext("Receipt recorded: each of the three people confirms it from their to-do list."), "success")
            return redirect(url_for(".show", pk=receipt.id))
        return actions.run_step(self, form, apply, success=success,
                                template_args=dict(asset=None, title=gettext("Receipt of %(number)s", number=req.number),
                                                   intro=str(req), submit_label=gettext("Record the receipt"),
                                                   back=url_for("PurchaseView.show", pk=req.id)))

    @expose("/sign/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("confirm")
    def sign(self, pk):
        from app.todo import next_url

        if self.visible(pk) is None:
            abort(404)
        try:
            cards = purchases.sign(db.session, pk)
            db.session.commit()
            flash(gettext("Confirmed.") + (" " + gettext("%(n)d cards were created.", n=len(cards)) if cards else ""),
                  "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(next_url(url_for(".show", pk=pk)))

    def render_template(self, template, **kwargs):
        if template == self.show_template and "pk" in kwargs:
            receipt = db.session.get(Receipt, kwargs["pk"])
            kwargs["may_sign"] = receipt is not None and g.user.id in purchases.waiting_signers(receipt) \
                and receipt.status == "open"
        return super().render_template(template, **kwargs)


__all__ = ["PurchaseView", "ReceiptView", "P_SUBMITTED"]

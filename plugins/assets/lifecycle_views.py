"""Screens of the lifecycle: the loans, transfers, damage and disposal lists (each record's page
with its workflow buttons from core), and the steps started from a card: lend, return, assign,
transfer, record damage, request disposal (forms in actions.py)."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l

from app.extensions import db
from app.i18n import format_money
from app.views.base import HouqinModelView, choice_label
from app.views.filters import COUNT_CAP
from app.views.workflow import TransitionsMixin

from . import actions, lifecycle, rules
from .access import asset_access_clause, loan_access_clause, transfer_access_clause
from .lifecycle_models import (CAUSES, DAMAGE_STATES, DISPOSAL_KINDS, DISPOSAL_STATES, LOAN_STATES, TRANSFER_STATES,
                               Damage, Disposal, Loan, Transfer)
from .models import Asset

LABELS = {"asset": _l("Asset"), "borrower": _l("Staff member"), "pupil_name": _l("Pupil"), "class_name": _l("Class"),
          "lent_on": _l("Lent on"), "due_on": _l("Due back on"), "returned_on": _l("Returned on"),
          "return_condition": _l("Condition on return"), "status": _l("Status"), "purpose": _l("Purpose"),
          "campus": _l("Campus"), "from_campus": _l("From campus"), "to_campus": _l("To campus"),
          "to_room": _l("To location"), "to_department": _l("To department"), "to_custodian": _l("New custodian"),
          "transfer_on": _l("Transfer date"), "reason": _l("Reason"), "occurred_on": _l("Damaged on"),
          "cause": _l("Cause"), "responsible": _l("Who caused it"), "description": _l("What happened"),
          "compensation": _l("Compensation"), "paid_on": _l("Paid on"), "number": _l("Number"),
          "kind": _l("Kind of disposal"), "quantity": _l("Quantity"), "disposed_on": _l("Disposal date"),
          "justification": _l("Written justification"), "original_value": _l("Original value"),
          "accumulated": _l("Accumulated depreciation"), "net_value": _l("Net value"), "proceeds": _l("Proceeds"),
          "requested_by": _l("Requested by"), "decided_by": _l("Decided by"), "decided_at": _l("Decided at"),
          "decision_reason": _l("Reason for the decision"), "self_approved": _l("Self-approved")}


def _money(value):
    return "" if value is None else format_money(value)


def visible_asset(pk) -> Asset:
    """The card, if the user may see it (campus scope and custody), else 404."""
    from sqlalchemy import select

    from .queries import scoped

    asset = db.session.execute(scoped(select(Asset).where(Asset.id == pk))).scalar_one_or_none()
    if asset is None:
        abort(404)
    return asset


def _card(asset):
    return redirect(url_for("AssetView.show", pk=asset.id))


class LoanView(TransitionsMixin, HouqinModelView):
    datamodel = SQLAInterface(Loan)
    campus_column = "campus_id"
    list_joins = ("asset", "borrower")
    count_cap = COUNT_CAP
    list_title = _l("Loans")
    show_title = _l("Loan")
    list_columns = ["asset", "borrower", "pupil_name", "class_name", "lent_on", "due_on", "returned_on", "status"]
    show_columns = list_columns + ["purpose", "return_condition", "campus"]
    search_columns = ["status", "due_on", "lent_on", "class_name"]
    base_order = ("id", "desc")
    order_columns = ["lent_on", "due_on"]
    base_permissions = ["can_list", "can_show", "can_export", "can_add", "can_give_back"]
    label_columns = LABELS
    formatters_columns = {"status": choice_label(LOAN_STATES)}
    row_access = staticmethod(loan_access_clause)

    @expose("/lend/<int:asset_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def lend(self, asset_id):
        asset = visible_asset(asset_id)
        form = actions.LendForm()
        form.borrower.choices = actions.staff_choices(asset.campus_id)
        if request.method == "GET":
            form.quantity.data = str(asset.quantity)

        def apply(f):
            loan = Loan(asset_id=asset.id, borrower_id=actions.as_id(f.borrower.data),
                        pupil_name=(f.pupil_name.data or "").strip() or None,
                        class_name=(f.class_name.data or "").strip() or None,
                        lent_on=actions.date_of(f, "lent_on"), due_on=actions.date_of(f, "due_on"),
                        purpose=(f.purpose.data or "").strip() or None)
            return lifecycle.lend(db.session, loan, quantity=f.quantity.data)
        return actions.run_step(self, form, apply, success=lambda loan: _done(gettext("Lent."), asset),
                                template_args=dict(asset=asset, title=gettext("Lend"), submit_label=gettext("Lend"),
                                                   back=url_for("AssetView.show", pk=asset.id)))

    @expose("/return/<int:pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("give_back")
    def give_back_form(self, pk):
        loan = self.visible(pk)
        if loan is None:
            abort(404)
        form = actions.ReturnForm()

        def apply(f):
            return lifecycle.give_back(db.session, loan.id, returned_on=actions.date_of(f, "returned_on"),
                                       condition=f.return_condition.data or "")
        return actions.run_step(self, form, apply, success=lambda _l_: _done(gettext("Returned."), loan.asset),
                                template_args=dict(asset=loan.asset, title=gettext("Return"),
                                                   submit_label=gettext("Return"),
                                                   back=url_for(".show", pk=pk)))

    def perform_transition(self, name, item, *, reason, external):
        return lifecycle.give_back(db.session, item.id, condition=reason or "")


def _done(message, asset):
    flash(message, "success")
    return _card(asset)


class TransferView(TransitionsMixin, HouqinModelView):
    datamodel = SQLAInterface(Transfer)
    list_joins = ("asset", "from_campus", "to_campus")
    count_cap = COUNT_CAP
    list_title = _l("Transfers")
    show_title = _l("Transfer")
    transition_routes = ("receive", "refuse")
    list_columns = ["asset", "from_campus", "to_campus", "to_room", "transfer_on", "status"]
    show_columns = list_columns + ["to_department", "to_custodian", "reason"]
    search_columns = ["status", "transfer_on"]
    base_order = ("id", "desc")
    base_permissions = ["can_list", "can_show", "can_export", "can_add", "can_receive", "can_refuse"]
    label_columns = LABELS
    formatters_columns = {"status": choice_label(TRANSFER_STATES)}
    row_access = staticmethod(transfer_access_clause)

    def perform_transition(self, name, item, *, reason, external):
        if name == "receive":
            return lifecycle.receive_transfer(db.session, item.id)
        return lifecycle.refuse_transfer(db.session, item.id, reason or "")

    @expose("/start/<int:asset_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def start(self, asset_id):
        asset = visible_asset(asset_id)
        form = actions.TransferForm()
        wanted = actions.as_id(form.to_campus.data) or asset.campus_id
        form.to_campus.choices = actions.campus_choices()
        if request.method == "GET":
            form.to_campus.data, form.quantity.data = str(asset.campus_id), str(asset.quantity)
        form.to_room.choices = actions.room_choices(wanted)
        form.to_department.choices = actions.department_choices()
        form.to_custodian.choices = actions.staff_choices(wanted)

        def apply(f):
            t = Transfer(asset_id=asset.id, to_campus_id=actions.as_id(f.to_campus.data) or asset.campus_id,
                         to_room_id=actions.as_id(f.to_room.data), to_department_id=actions.as_id(f.to_department.data),
                         to_custodian_id=actions.as_id(f.to_custodian.data),
                         transfer_on=actions.date_of(f, "transfer_on"), reason=(f.reason.data or "").strip() or None)
            return lifecycle.request_transfer(db.session, t, quantity=f.quantity.data)
        return actions.run_step(self, form, apply,
                                success=lambda t: _done(gettext("Transferred.") if t.status == "done" else gettext(
                                    "Transfer requested: it waits for the receiving campus."), asset),
                                template_args=dict(asset=asset, title=gettext("Transfer"),
                                                   intro=gettext("To another campus the transfer waits until someone "
                                                                 "of the receiving campus confirms it."),
                                                   submit_label=gettext("Transfer"),
                                                   back=url_for("AssetView.show", pk=asset.id)))


class DamageView(TransitionsMixin, HouqinModelView):
    datamodel = SQLAInterface(Damage)
    campus_column = "campus_id"
    list_joins = ("asset",)
    attachment_owner = "assets.damage"
    list_title = _l("Damage and compensation")
    show_title = _l("Damage")
    transition_routes = ("mark_paid",)
    list_columns = ["asset", "occurred_on", "cause", "responsible", "compensation", "status", "paid_on"]
    show_columns = list_columns + ["description"]
    search_columns = ["status", "cause", "occurred_on"]
    base_order = ("id", "desc")
    base_permissions = ["can_list", "can_show", "can_export", "can_add", "can_mark_paid"]
    label_columns = LABELS
    formatters_columns = {"status": choice_label(DAMAGE_STATES), "cause": choice_label(CAUSES),
                          "compensation": _money}

    @expose("/start/<int:asset_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def start(self, asset_id):
        asset = visible_asset(asset_id)
        form = actions.DamageForm()

        def apply(f):
            d = Damage(asset_id=asset.id, occurred_on=actions.date_of(f, "occurred_on"), cause=f.cause.data or "human",
                       responsible=(f.responsible.data or "").strip() or None,
                       description=(f.description.data or "").strip()[:500] or gettext("Damaged"),
                       compensation=f.compensation.data)
            return lifecycle.record_damage(db.session, d)
        return actions.run_step(self, form, apply,
                                success=lambda d: redirect(url_for(".show", pk=d.id)),
                                template_args=dict(asset=asset, title=gettext("Record damage"),
                                                   intro=gettext("谁损坏谁赔偿: photos can be added on the next page."),
                                                   submit_label=gettext("Save"),
                                                   back=url_for("AssetView.show", pk=asset.id)))


class DisposalView(TransitionsMixin, HouqinModelView):
    datamodel = SQLAInterface(Disposal)
    campus_column = "campus_id"
    list_joins = ("asset",)
    attachment_owner = "assets.disposal"
    show_template = "assets/disposal_show.html"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.show_template = "assets/disposal_show.html"  # core sets its own when the view takes attachments
    list_title = _l("Disposals")
    show_title = _l("Disposal")
    transition_routes = ("approve", "reject")
    list_columns = ["number", "asset", "kind", "quantity", "disposed_on", "original_value", "status"]
    show_columns = ["number", "asset", "kind", "quantity", "disposed_on", "reason", "justification", "original_value",
                    "accumulated", "net_value", "proceeds", "requested_by", "status", "self_approved", "decided_by",
                    "decided_at", "decision_reason"]
    search_columns = ["number", "status", "kind", "disposed_on"]
    base_order = ("id", "desc")
    base_permissions = ["can_list", "can_show", "can_export", "can_add", "can_approve", "can_reject", "can_form"]
    label_columns = LABELS
    formatters_columns = {"status": choice_label(DISPOSAL_STATES), "kind": choice_label(DISPOSAL_KINDS),
                          "original_value": _money, "accumulated": _money, "net_value": _money, "proceeds": _money}

    def perform_transition(self, name, item, *, reason, external):
        if name == "approve":
            return lifecycle.approve_disposal(db.session, item.id, external=external)
        return lifecycle.reject_disposal(db.session, item.id, reason or "")

    @expose("/start/<int:asset_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def start(self, asset_id):
        asset = visible_asset(asset_id)
        form = actions.DisposalForm()
        if request.method == "GET":
            form.quantity.data = str(asset.quantity)

        def apply(f):
            quantity = rules.check_quantity(f.quantity.data or asset.quantity, "quantity")
            proceeds = rules.parse_money(f.proceeds.data, "proceeds") if (f.proceeds.data or "").strip() else None
            reason = (f.reason.data or "").strip()
            if not reason:
                raise rules.RuleError(rules.N_("This field is required."), field="reason")
            d = Disposal(asset_id=asset.id, kind=f.kind.data or "scrap", quantity=quantity,
                         disposed_on=actions.date_of(f, "disposed_on"), reason=reason[:500],
                         justification=(f.justification.data or "").strip() or None, proceeds=proceeds,
                         original_value=Decimal("0"), accumulated=Decimal("0"))
            return lifecycle.request_disposal(db.session, d)
        return actions.run_step(self, form, apply, success=lambda d: redirect(url_for(".show", pk=d.id)),
                                template_args=dict(asset=asset, title=gettext("Request disposal"),
                                                   intro=gettext("The Director approves or rejects; the 报损/报废 form "
                                                                 "prints from the request."),
                                                   submit_label=gettext("Request disposal"),
                                                   back=url_for("AssetView.show", pk=asset.id)))

    @expose("/form/<int:pk>")
    @has_access
    @permission_name("form")
    def form(self, pk):
        """固定资产报损/报废表: A4 with signature lines, from the request."""
        from app.periods import local_today

        item = self.visible(pk)
        if item is None:
            abort(404)
        return self.render_template("assets/disposal_form.html", d=item, asset=item.asset, today=local_today(),
                                    kinds={k: str(v) for k, v in DISPOSAL_KINDS.items()},
                                    states={k: str(v) for k, v in DISPOSAL_STATES.items()},
                                    title=gettext("Fixed asset disposal form"))


__all__ = ["DamageView", "DisposalView", "LoanView", "TransferView", "asset_access_clause", "g"]

"""Screens of the committee: committees, members, the action-item tracker, the meal-fee accounts
and the settlements. The meeting and its minutes are in minutes.py; prints and the ledger in
reports.py."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext, lazy_gettext as _l
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, Select2Widget
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from app.extensions import db
from app.i18n import format_money
from app.rules import RuleError
from app.todo import next_url
from app.scoping import FilterOwnCampuses, can_use_campus
from app.views.base import HouqinModelView, choice_label
from app.views.filters import FilterClause
from app.views.validators import rule_message

from . import accounts, committee_rules as cr, rules, services
from .forms import parse_day
from .models import LABELLED, ActionItem, Committee, FeeAccount, Member, Settlement

MONEY_LABELS = {"fees_collected": _l("Fees collected"), "absence_refunds": _l("Refunds for absence"),
                "other_income": _l("Other income"), "spending_total": _l("Total spending"),
                **{code: _l(label) for code, label in rules.FOOD_KINDS}}


def checked_form(form_class, check):
    """The form runs a check across its fields after its own validators: each RuleError lands on
    the field it names (or the first field), the form keeps what was typed, nothing is saved."""

    class Checked(form_class):
        def validate(self, extra_validators=None):
            ok = super().validate(extra_validators=extra_validators)
            if not ok:
                return False
            try:
                check(self)
            except RuleError as err:
                for e in getattr(err, "errors", [err]):
                    target = self[e.field] if e.field in self else next(iter(self))
                    target.errors = list(target.errors) + [rule_message(e)]
                return False
            return True

    Checked.__name__ = form_class.__name__
    return Checked


class CheckedFormsMixin:
    def form_check(self, form):  # pragma: no cover - every subclass gives its own
        raise NotImplementedError

    def _init_forms(self):
        super()._init_forms()
        self.add_form = checked_form(self.add_form, self.form_check)
        self.edit_form = checked_form(self.edit_form, self.form_check)


def select(label, key):
    """A drop-down of a stored code's choices, labelled in the user's language."""
    return SelectField(label, choices=LABELLED[key], widget=Select2Widget())


def refuse(err: RuleError):
    db.session.rollback()
    raise ValueError(rule_message(err))


class CommitteeView(HouqinModelView):
    datamodel = SQLAInterface(Committee)
    row_access = services.committee_access
    list_title = _l("Meal committees")
    show_title = add_title = edit_title = _l("Meal committee")
    list_columns = ["name", "campus", "campuses", "active"]
    add_columns = edit_columns = show_columns = ["name", "campus", "campuses", "active"]
    search_columns = ["name", "active"]
    label_columns = {"name": _l("Name"), "campus": _l("Home campus"), "campuses": _l("Campuses served"),
                     "active": _l("Active")}
    add_form_query_rel_fields = edit_form_query_rel_fields = {"campus": [["id", FilterOwnCampuses, None]],
                                                              "campuses": [["id", FilterOwnCampuses, None]]}
    base_order = ("name", "asc")

    def _check(self, item):
        if item.campus is not None and item.campus not in item.campuses:
            item.campuses.append(item.campus)
        if not all(can_use_campus(c.id) for c in item.campuses):
            refuse(RuleError(services.ERR_CAMPUS_NOT_SERVED, field="campuses"))

    def pre_add(self, item):
        self._check(item)

    def pre_update(self, item):
        super().pre_update(item)
        self._check(item)


def member_choice_clause():
    return services.committee_clause(Member.committee_id)


class MemberView(CheckedFormsMixin, HouqinModelView):
    datamodel = SQLAInterface(Member)
    row_access = services.member_access
    list_joins = ("committee", "staff")
    list_title = _l("Committee members")
    show_title = add_title = edit_title = _l("Committee member")
    list_columns = ["committee", "display_name", "role", "secretary", "phone_shown", "child_class", "term_from",
                    "term_to"]
    show_columns = list_columns + ["anonymised_at"]
    export_columns = list_columns
    add_columns = edit_columns = ["committee", "staff", "name", "phone", "child_class", "role", "secretary",
                                  "term_from", "term_to"]
    search_columns = ["committee", "name", "role", "term_from", "term_to"]
    name_search_relations = ("staff",)
    masked_columns = {"phone": "phone"}  # forms: a masked value is never written back
    label_columns = {"committee": _l("Committee"), "display_name": _l("Name"), "staff": _l("Staff member"),
                     "name": _l("Name (external member)"), "phone": _l("Phone"), "phone_shown": _l("Phone"),
                     "child_class": _l("Child's class"), "role": _l("Role in the committee"),
                     "secretary": _l("Secretary (writes the minutes)"), "term_from": _l("Term from"),
                     "term_to": _l("Term to"), "anonymised_at": _l("Anonymised at")}
    description_columns = {"staff": _l("Staff members: choose them here and leave the name empty."),
                           "phone": _l("External members only; shown only to Director, Admin and the secretary.")}
    formatters_columns = {"role": choice_label(LABELLED["role"])}
    add_form_extra_fields = edit_form_extra_fields = {"role": select(_l("Role in the committee"), "role")}
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "committee": [["id", FilterClause, services.committee_access]]}
    base_order = ("term_from", "desc")

    def form_check(self, form):
        staff = form.staff.data
        form.name.data = cr.check_member(staff.id if staff else None, form.name.data, form.term_from.data,
                                         form.term_to.data) or None
        for name in ("phone", "child_class"):  # optional: blank is none, not an empty text
            form[name].data = (form[name].data or "").strip() or None
        if form.role.data not in dict(LABELLED["role"]):
            raise RuleError(rules.ERR_CHOOSE, field="role")


class ActionItemView(CheckedFormsMixin, HouqinModelView):
    """The tracker: every item of the user's committees, with filters (state, due date, committee)."""

    datamodel = SQLAInterface(ActionItem)
    row_access = services.item_access
    # The committee's name, the meeting's number and the owner's name come with the rows (columns of
    # ActionItem): no relation joined, no committee, meeting, member or staff record built.
    count_cap = 10000
    list_title = _l("Action items")
    show_title = edit_title = _l("Action item")
    list_columns = ["committee_name", "meeting_number", "description", "owner_name", "due_on", "status_label",
                    "done_on"]
    show_columns = list_columns + ["done_note"]
    export_columns = show_columns
    add_columns = edit_columns = ["description", "due_on"]  # items are raised on the minutes (no add here)
    search_columns = ["committee", "state", "due_on", "done_on", "description"]
    order_columns = ["due_on", "done_on"]
    base_order = ("due_on", "asc")
    base_permissions = ["can_list", "can_show", "can_edit", "can_export", "can_complete"]
    label_columns = {"committee": _l("Committee"), "meeting": _l("Raised at"), "committee_name": _l("Committee"),
                     "meeting_number": _l("Raised at"), "description": _l("Action item"),
                     "owner_name": _l("Owner"), "due_on": _l("Due"), "status_label": _l("Status"),
                     "state": _l("Status"), "done_on": _l("Done on"), "done_note": _l("How it was handled")}
    formatters_columns = {"state": choice_label({"open": _l("Open"), "done": _l("Done")})}
    method_permission_name = {"done": "complete"}

    @expose("/done/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("done")
    def done(self, pk):
        """Mark an item done (date and how it was handled), once: a conditional UPDATE by row count.
        From the minutes page, a refusal shows there with the messages on their fields."""
        if self.visible(pk) is None:
            abort(404)
        back = next_url(url_for(".show", pk=pk))
        try:
            done_on = parse_day(request.form.get("done_on"), "done_on")
            services.complete_item(db.session, pk, done_on, request.form.get("done_note"))
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            if getattr(err, "http_status", 422) == 422 and back.startswith("/meetingview/show/"):
                g._meals_form = {"form": "done", "errors": {err.field or "message": [rule_message(err)]},
                                 "values": request.form.to_dict()}
                view = next(v for v in self.appbuilder.baseviews if type(v).__name__ == "MeetingView")
                return view.show_again(int(back.rsplit("/", 1)[1])), 422
            flash(rule_message(err), "danger")
            return redirect(back)
        flash(gettext(ITEM_DONE), "success")
        return redirect(back)

    def form_check(self, form):
        """Correcting an open item: its description and due date, each refusal on its field."""
        pk = request.view_args.get("pk") if request.view_args else None
        item = self.visible(pk) if pk is not None else None
        if item is None:
            abort(404)
        if item.state == "done":
            raise RuleError(ERR_ITEM_DONE, field="description")
        form.description.data = services.check_item_edit(form.description.data, form.due_on.data, item.raised_on)

    def pre_update(self, item):
        super().pre_update(item)
        if item.state == "done":  # done meanwhile (the form was checked before)
            refuse(RuleError(ERR_ITEM_DONE, field="description"))


ERR_ITEM_DONE = cr.N_("This item is done: it can no longer be changed")
ITEM_DONE = cr.N_("The action item is marked done.")


def account_form_values(form, pk=None) -> dict:
    values = {name: form[name].data for name in accounts.FIELDS if name in form}
    values.update(year=form.year.data, month=form.month.data, kind=form.kind.data,
                  campus_id=form.campus.data.id if form.campus.data is not None else None)
    return values


ACCOUNT_COLUMNS = ["campus", "year", "month", "kind", *rules.INCOME_FIELDS, *(c for c, _ in rules.FOOD_KINDS),
                   "spending_total", "note"]


class FeeAccountView(CheckedFormsMixin, HouqinModelView):
    datamodel = SQLAInterface(FeeAccount)
    campus_column = "campus_id"
    list_joins = ("campus",)
    list_title = _l("Meal-fee accounts")
    show_title = add_title = edit_title = _l("Meal-fee account")
    list_columns = ["campus", "month_key", "kind", "income", "spending_total", "balance", "rate_shown"]
    show_columns = ACCOUNT_COLUMNS + ["income", "balance", "rate_shown"]
    add_columns = edit_columns = ACCOUNT_COLUMNS
    export_columns = ACCOUNT_COLUMNS
    search_columns = ["campus", "year", "month", "kind"]
    order_columns = ["year", "month"]
    base_order = ("year", "desc")
    money_columns = (*rules.INCOME_FIELDS, *(c for c, _ in rules.FOOD_KINDS), "spending_total", "income", "balance")
    label_columns = {"campus": _l("Campus"), "year": _l("Year"), "month": _l("Month"), "month_key": _l("Month"),
                     "kind": _l("Account"), "income": _l("Income"), "balance": _l("Balance"),
                     "rate_shown": _l("Rate (balance ÷ income)"), "note": _l("Note"), **MONEY_LABELS}
    description_columns = {"spending_total": _l("Leave empty: the sum of the food kinds."),
                           "absence_refunds": _l("Reduces the month's income.")}
    formatters_columns = {"kind": choice_label(LABELLED["kind"]), "income": format_money,
                          "balance": format_money, "spending_total": format_money}
    # Amounts as typed ("1,234.50", "￥800", full-width digits; blank is 0): the rules read them.
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": select(_l("Account"), "kind"),
        **{name: StringField(MONEY_LABELS[name], validators=[Optional()], widget=BS3TextFieldWidget())
           for name in accounts.FIELDS}}

    def form_check(self, form):
        pk = request.view_args.get("pk") if request.view_args else None
        values = account_form_values(form)
        services.check_finance(g.user, values["campus_id"])
        account = accounts.check_account(db.session, values, pk)
        amounts = {"fees_collected": account.fees_collected, "absence_refunds": account.absence_refunds,
                   "other_income": account.other_income, "spending_total": account.spending,
                   **account.spending_by_kind}
        for name, value in amounts.items():
            form[name].data = value


class SettlementView(CheckedFormsMixin, HouqinModelView):
    datamodel = SQLAInterface(Settlement)
    campus_column = "campus_id"
    list_title = _l("Term-end settlements")
    show_title = add_title = edit_title = _l("Term-end settlement")
    list_columns = show_columns = add_columns = edit_columns = ["campus", "year", "month", "kind", "refunded",
                                                                "covered", "note"]
    search_columns = ["campus", "year", "kind"]
    label_columns = {"campus": _l("Campus"), "year": _l("Year"), "month": _l("Month"), "kind": _l("Account"),
                     "refunded": _l("Surplus refunded to families"), "covered": _l("Deficit covered"),
                     "note": _l("Note")}
    formatters_columns = {"kind": choice_label(LABELLED["kind"]), "refunded": format_money, "covered": format_money}
    add_form_extra_fields = edit_form_extra_fields = {"kind": select(_l("Account"), "kind")}

    def form_check(self, form):
        campus = form.campus.data
        if campus is None:
            return
        services.check_finance(g.user, campus.id)
        accounts.check_settlement(db.session, campus.id, form.kind.data, form.year.data, form.month.data,
                                  form.refunded.data, form.covered.data)

"""Screens of the gate: visits, visitors, override history, and the plugin's
registration (menu, views, API, dashboard tiles). Appointments, blocklist,
purposes and duty logs are in lists.py."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterStartsWith, SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from app.extensions import db
from app.i18n import format_datetime
from app.rules import RuleError
from app.scoping import FilterCampusScope
from app.views.base import HouqinModelView
from app.views.validators import Rule, rule_message

from . import rules, services
from .intake import hashes, phone_last4
from .models import (BY_PHONE, IN_APP, IN_PERSON, LEFT, ON_SITE, PENDING, TURNED_AWAY, OverrideRequest, Visit,
                     Visitor)
from .queries import visit_access_clause

STATUS_LABELS = {ON_SITE: _l("On site"), LEFT: _l("Left"), TURNED_AWAY: _l("Turned away")}
HOST_RESPONSES = {PENDING: _l("Waiting for host"), "confirmed": _l("Confirmed"), "declined": _l("Declined")}
CONFIRMATION_LABELS = {BY_PHONE: _l("by phone"), IN_PERSON: _l("in person"), IN_APP: _l("in the app")}
OVERRIDE_LABELS = {"waiting": _l("Waiting"), "approved": _l("Approved"), "declined": _l("Declined"),
                   "used": _l("Used")}


def labelled(table):
    return lambda value: str(table.get(value, value or ""))


def doc_type_label(value):
    return gettext(dict(rules.DOCUMENT_TYPES).get(value, value or "")) if value else ""


VISIT_LABELS = {
    "time_in": _l("Time in"), "time_out": _l("Time out"), "visitor_name": _l("Name"), "visitor": _l("Visitor"),
    "visitor.doc_type": _l("ID document"), "visitor.id_number": _l("Document number"),
    "visitor.phone": _l("Phone"), "visitor.organisation": _l("Organisation / address"),
    "purpose": _l("Purpose"), "reason": _l("Details"), "host": _l("Host"), "host_response": _l("Host's answer"),
    "host_confirmation": _l("Confirmed how"), "host_confirmed_by": _l("Confirmed by"),
    "host_confirmed_at": _l("Confirmed at"), "party_size": _l("Party size"), "plate": _l("Vehicle plate"),
    "badge": _l("Badge no."), "gatekeeper": _l("Gatekeeper on duty"), "status": _l("Status"), "note": _l("Note"),
    "campus": _l("Campus"), "blocklist_entry": _l("Blocklist entry"), "name_match_checked": _l("ID checked (name match)"),
    "answer": _l("Your answer"),
}


def prefix_clause(column, text: str):
    """column starts with text, in a form the column's index can serve: GLOB 'x*' on SQLite
    (LIKE there is case-insensitive and skips the index), LIKE 'x%' elsewhere."""
    text = str(text or "")
    length = getattr(getattr(column, "type", None), "length", None)
    if length and len(text) >= length:
        # As long as the column: an equality, which any index serves (phone_last4 on
        # PostgreSQL has no pattern-ops index, so LIKE '4825%' would scan every visitor).
        return column == text
    if db.session.get_bind().dialect.name == "sqlite":
        return column.op("GLOB")(re.sub(r"([*?\[])", r"[\1]", text) + "*")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(escaped + "%", escape="\\")


class FilterPrefix(BaseFilter):
    """"Starts with" as LIKE 'x%' (GLOB 'x*' on SQLite), which can use the name indexes;
    FAB's own filter uses ILIKE, which cannot. Chinese names have no case to fold."""

    name = _l("Starts with")
    arg_name = "sw"

    def apply(self, query, value):
        return query.filter(prefix_clause(getattr(self.model, self.column_name), value))


class FilterRelationNamePrefix(BaseFilter):
    """A person relation (host) searched by typing the start of the name, not by picking one of
    2,000 staff in a drop-down: rows whose key is among the matching people's keys."""

    name = _l("Starts with")
    arg_name = "rsw"

    def apply(self, query, value):
        prop = getattr(self.model, self.column_name).property
        related = prop.mapper.class_
        (local,) = prop.local_columns
        people = select(related.id).where(prefix_clause(related.name, value))
        return query.filter(local.in_(people))


class PrefixFilterConverter(SQLAFilterConverter):
    conversion_table = tuple(
        (test, [FilterPrefix if f is FilterStartsWith else f for f in flts])
        for test, flts in SQLAFilterConverter.conversion_table)

    def convert(self, col_name):
        if col_name in getattr(self.datamodel, "named_relations", ()):
            return [FilterRelationNamePrefix(col_name, self.datamodel)]
        return super().convert(col_name)


# The search box of a person relation listed in GateInterface(named_relations=...).
HOST_SEARCH_FIELD = StringField(_l("Host"), widget=BS3TextFieldWidget())

COUNT_CAP = 10_000


class CappedCount(int):
    """A list's record count that stopped at the cap (the int is cap + 1): the pages up to it work
    as usual and the count reads "10,000+". An exact COUNT over a million visits costs more than
    the whole page."""

    def __str__(self):
        return f"{int(self) - 1:,}+"

    __html__ = __str__


class GateInterface(SQLAInterface):
    """Prefix search on names, the list's relations loaded in the same query (FAB's list would
    otherwise load each row's visitor, host ... one by one), person relations searched by name
    (`named_relations`) and, with `count_cap` (e.g. COUNT_CAP), a record count that stops there."""

    filter_converter_class = PrefixFilterConverter

    def __init__(self, obj, session=None, eager: tuple[str, ...] = (), named_relations: tuple[str, ...] = (),
                 count_cap: int = 0):
        super().__init__(obj, session)
        self.eager = eager
        self.named_relations = named_relations
        self.count_cap = count_cap

    def apply_all(self, query, *args, **kwargs):
        # Each listed relation joined, but not the relations it joins by default (a host's
        # position, department and campus): each extra join costs PostgreSQL planning time
        # (~10 ms for the visit list's eight tables) and the list shows none of them.
        query = super().apply_all(query, *args, **kwargs)
        return query.options(*[joinedload(getattr(self.obj, name)).lazyload("*") for name in self.eager])

    def query_count(self, query, filters=None, select_columns=None):
        if not self.count_cap:
            return super().query_count(query, filters, select_columns)
        inner = self._apply_inner_all(query, filters, select_columns=select_columns, aliases_mapping={})
        capped = inner.with_entities(self.obj.id).order_by(None).limit(self.count_cap + 1).subquery()
        n = self.session.query(func.count()).select_from(capped).scalar()
        return CappedCount(n) if n > self.count_cap else n


class FilterVisitAccess(BaseFilter):
    """Gatekeepers: today's and on-site visits; Staff: visits to themselves (queries.visit_access_clause)."""

    name = "visit access"
    arg_name = "visit_access"

    def apply(self, query, value):
        clause = visit_access_clause()
        return query if clause is None else query.filter(clause)


def answer_buttons(visit):
    """The host's Confirm/Decline for a visitor waiting at the gate."""
    if visit is None or visit.host is None or visit.host.user_id != getattr(g.user, "id", None):
        return ""
    url = url_for("VisitView.respond", pk=visit.id)
    token = generate_csrf()
    return Markup(
        '<form method="post" action="{url}" class="form-inline">'
        '<input type="hidden" name="csrf_token" value="{token}">'
        '<button name="answer" value="confirm" class="btn btn-xs btn-success">{yes}</button> '
        '<button name="answer" value="decline" class="btn btn-xs btn-danger">{no}</button></form>'
    ).format(url=url, token=token, yes=gettext("Let in"), no=gettext("Decline"))


class VisitView(HouqinModelView):
    datamodel = GateInterface(Visit, eager=("visitor", "purpose", "host", "campus"), named_relations=("host",),
                              count_cap=COUNT_CAP)
    list_title = _l("Visits")
    show_title = _l("Visit")
    edit_title = _l("Edit visit")
    list_columns = ["time_in", "visitor_name", "visitor.id_number", "visitor.phone", "purpose", "host",
                    "party_size", "plate", "badge", "time_out", "status", "campus", "answer"]
    show_columns = ["visitor_name", "visitor.doc_type", "visitor.id_number", "visitor.phone", "visitor.organisation",
                    "purpose", "reason", "host", "host_response", "host_confirmation", "host_confirmed_by",
                    "host_confirmed_at", "party_size", "plate", "badge", "time_in", "time_out", "gatekeeper",
                    "status", "blocklist_entry", "name_match_checked", "note", "campus"]
    export_columns = ["time_in", "time_out", "visitor_name", "visitor.doc_type", "visitor.id_number", "visitor.phone",
                      "visitor.organisation", "purpose", "reason", "host", "host_response", "party_size", "plate",
                      "badge", "gatekeeper", "status", "note", "campus"]
    edit_columns = ["purpose", "host", "reason", "party_size", "plate", "note"]
    search_columns = ["visitor_name", "time_in", "status", "purpose", "host", "badge", "plate", "campus"]
    order_columns = ["time_in", "visitor_name", "time_out", "status"]
    base_order = ("time_in", "desc")
    base_permissions = ["can_list", "can_show", "can_edit", "can_export", "can_respond"]
    label_columns = VISIT_LABELS
    masked_columns = {"visitor.id_number": "id", "visitor.phone": "phone"}
    campus_column = "campus_id"
    formatters_columns = {
        "time_in": format_datetime, "time_out": format_datetime, "host_confirmed_at": format_datetime,
        "status": labelled(STATUS_LABELS), "host_response": labelled(HOST_RESPONSES),
        "host_confirmation": labelled(CONFIRMATION_LABELS), "visitor.doc_type": doc_type_label,
        "answer": answer_buttons,
    }
    validators_columns = {"plate": [Rule(rules.normalize_plate)],
                          "party_size": [Rule(rules.validate_party_size)]}

    def __init__(self, **kw):
        self.base_filters = [["id", FilterVisitAccess, None]]
        self.edit_form_query_rel_fields = {"host": [["campus_id", FilterCampusScope, False]]}
        self.search_form_extra_fields = {"host": HOST_SEARCH_FIELD}
        super().__init__(**kw)

    @expose("/respond/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("respond")
    def respond(self, pk):
        visit = self.datamodel.get(pk, self._base_filters)
        if visit is None or visit.host is None or visit.host.user_id != g.user.id:
            abort(404)
        confirm = request.form.get("answer") == "confirm"
        try:
            services.host_respond(db.session, visit.id, g.user, confirm)
            db.session.commit()
            flash(gettext("You let %(name)s in.", name=visit.visitor_name) if confirm
                  else gettext("You declined %(name)s.", name=visit.visitor_name), "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(url_for(".list"))


class DocNumber:
    """The document number checked against the chosen document type (rules.normalize_document)."""

    def __init__(self, type_field: str = "doc_type"):
        self.type_field = type_field

    def __call__(self, form, field):
        from app.privacy import is_masked

        if not field.data or is_masked(field.data):
            return
        try:
            field.data = rules.normalize_document(form[self.type_field].data, field.data)
        except RuleError as err:
            raise ValidationError(rule_message(err))


DOC_TYPE_FIELD = SelectField(_l("ID document"), choices=[(c, _l(label)) for c, label in rules.DOCUMENT_TYPES])


class VisitorView(HouqinModelView):
    datamodel = GateInterface(Visitor, eager=("campus",))
    list_title = _l("Visitors")
    show_title = edit_title = _l("Visitor")
    list_columns = ["name", "doc_type", "id_number", "phone", "organisation", "last_visit_at", "campus"]
    show_columns = list_columns + ["anonymised_at"]
    edit_columns = ["name", "doc_type", "id_number", "phone", "organisation"]
    search_columns = ["name", "phone_last4", "campus"]
    order_columns = ["name", "last_visit_at"]
    base_order = ("last_visit_at", "desc")
    base_permissions = ["can_list", "can_show", "can_edit", "can_export"]
    label_columns = {"name": _l("Name"), "doc_type": _l("ID document"), "id_number": _l("Document number"),
                     "phone": _l("Phone"), "phone_last4": _l("Last 4 digits of phone"),
                     "organisation": _l("Organisation / address"), "last_visit_at": _l("Last visit"),
                     "campus": _l("Campus"), "anonymised_at": _l("Anonymised at")}
    masked_columns = {"id_number": "id", "phone": "phone"}
    campus_column = "campus_id"
    formatters_columns = {"doc_type": doc_type_label, "last_visit_at": format_datetime,
                          "anonymised_at": format_datetime}
    edit_form_extra_fields = {"doc_type": DOC_TYPE_FIELD}
    validators_columns = {"id_number": [DocNumber()], "phone": [Rule(rules.normalize_phone)]}

    def pre_update(self, item):
        super().pre_update(item)  # restores masked values, checks the campus
        from flask import current_app

        item.id_hash, item.phone_hash = hashes(current_app.config["SECRET_KEY"], item.id_number, item.phone)
        item.phone_last4 = phone_last4(item.phone)


class OverrideView(HouqinModelView):
    datamodel = GateInterface(OverrideRequest, eager=("refused_visit", "campus", "requested_by", "decided_by"))
    list_title = _l("Blocklist overrides")
    show_title = _l("Blocklist override")
    list_columns = ["requested_at", "refused_visit.visitor_name", "campus", "status", "requested_by",
                    "decided_by", "decided_at", "decision_reason"]
    show_columns = list_columns + ["request_note", "blocklist_entry", "admitted_visit"]
    search_columns = ["status", "campus"]
    base_order = ("requested_at", "desc")
    base_permissions = ["can_list", "can_show", "can_export"]
    campus_column = "campus_id"
    label_columns = {"requested_at": _l("Requested at"), "refused_visit.visitor_name": _l("Visitor"),
                     "campus": _l("Campus"), "status": _l("Status"), "requested_by": _l("Requested by"),
                     "decided_by": _l("Decided by"), "decided_at": _l("Decided at"),
                     "decision_reason": _l("Reason"), "request_note": _l("Gate's note"),
                     "blocklist_entry": _l("Blocklist entry"), "admitted_visit": _l("Admitted visit")}
    formatters_columns = {"requested_at": format_datetime, "decided_at": format_datetime,
                          "status": labelled(OVERRIDE_LABELS)}


def register_views(appbuilder) -> None:
    from .api import VisitApi
    from .desk import GateDeskView
    from .lists import AppointmentView, BlocklistView, DutyLogView, PatrolRoundView, PurposeView
    from .reports import GateReportsView
    from .widgets import WIDGETS

    current_app.register_blueprint(Blueprint(
        "visitors", __name__, template_folder="templates", static_folder="static", url_prefix="/gate/assets"))
    gate = dict(category="Gate", category_label=_l("Gate"), category_icon="fa-door-open")
    appbuilder.add_view(GateDeskView, "Desk", label=_l("Desk"), icon="fa-id-card", **gate)
    appbuilder.add_view(VisitView, "Visits", label=_l("Visits"), icon="fa-list", **gate)
    appbuilder.add_view(AppointmentView, "Appointments", label=_l("Appointments"), icon="fa-calendar-check", **gate)
    appbuilder.add_view(BlocklistView, "Blocklist", label=_l("Blocklist"), icon="fa-ban", **gate)
    appbuilder.add_view(PurposeView, "Purposes", label=_l("Purposes"), icon="fa-tags", **gate)
    appbuilder.add_view(DutyLogView, "Duty log", label=_l("Duty log"), icon="fa-clipboard-list", **gate)
    appbuilder.add_view_no_menu(PatrolRoundView)
    appbuilder.add_view(GateReportsView, "Register", label=_l("Register"), icon="fa-book",
                        href="/gate/reports/register", **gate)
    appbuilder.add_link("Statistics", label=_l("Statistics"), icon="fa-chart-bar", href="/gate/reports/statistics",
                        **gate)
    appbuilder.add_link("Evacuation list", label=_l("Evacuation list"), icon="fa-running",
                        href="/gate/reports/evacuation", **gate)
    appbuilder.add_view(VisitorView, "Visitors", label=_l("Visitors"), icon="fa-address-book", **gate)
    appbuilder.add_view(OverrideView, "Overrides", label=_l("Blocklist overrides"), icon="fa-user-shield", **gate)
    appbuilder.add_api(VisitApi)
    registry = current_app.extensions["houqin"]
    for widget in WIDGETS:
        registry.add_widget(widget)

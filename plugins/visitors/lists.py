"""Screens the office keeps up: appointments (hosts), blocklist and purposes
(Director), duty logs and patrol rounds (gate)."""
from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, DateTimePickerWidget, Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateTimeField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Optional as OptionalValidator

from app.extensions import db
from app.i18n import format_datetime, institution_tz, local_now, to_local
from app.models import utcnow
from app.privacy import mask_id, mask_phone
from app.rules import RuleError
from app.scoping import FilterCampusScope
from app.views.base import HouqinModelView, choice_label
from app.views.filters import FilterActive, FilterClause
from app.views.validators import Rule, rule_message

from . import rules, services
from .forms import DOC_TYPE_FIELD, DocNumber, TimeWindow, not_in_past
from .intake import hashes
from .labels import APPOINTMENT_STATUS, SHIFT_LABELS
from .models import EXPECTED, Appointment, BlocklistEntry, DutyLog, PatrolRound, Purpose
from .queries import appointment_access_clause, host_choice_clause, patrol_access_clause

ERR_NO_STAFF_RECORD = rules.N_("Your login is not linked to a staff record: ask the administrator.")
ERR_NOT_EXPECTED = rules.N_("Only an expected appointment can be changed")


def _refuse(message: str, **params):
    """Stop a save from pre_add/pre_update: FAB flashes the text; nothing stays in the session."""
    db.session.rollback()
    raise ValueError(gettext(message, **params))


class AppointmentView(HouqinModelView):
    datamodel = SQLAInterface(Appointment)
    list_joins = ("purpose", "host", "campus")
    name_search_relations = ("host",)
    indexed_prefix_search = True
    row_access = appointment_access_clause
    list_title = _l("Appointments")
    show_title = _l("Appointment")
    add_title = _l("Pre-register a visitor")
    edit_title = _l("Edit appointment")
    # Organisation and party size fold into the show page (the list fits its panel at 1366 px).
    list_columns = ["expected_date", "time_from", "reference_code", "visitor_name", "visitor_phone", "purpose", "host",
                    "status", "campus"]
    show_columns = ["reference_code", "visitor_name", "visitor_phone", "organisation", "purpose", "reason", "host",
                    "expected_date", "time_from", "time_to", "party_size", "plate", "status", "converted_at",
                    "created_by", "created_at", "campus"]
    add_columns = ["host", "visitor_name", "visitor_phone", "organisation", "purpose", "reason", "expected_date",
                   "time_from", "time_to", "party_size", "plate"]
    edit_columns = [c for c in add_columns if c != "host"]
    export_columns = show_columns
    search_columns = ["expected_date", "reference_code", "visitor_name", "status", "host", "campus"]
    order_columns = ["expected_date", "visitor_name", "reference_code"]
    base_order = ("expected_date", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]
    method_permission_name = {"cancel": "cancel"}
    campus_column = "campus_id"
    masked_columns = {"visitor_phone": "phone"}
    label_columns = {
        "reference_code": _l("Reference"), "visitor_name": _l("Visitor's name"), "visitor_phone": _l("Visitor's phone"),
        "organisation": _l("Organisation / address"), "purpose": _l("Purpose"), "reason": _l("Details"),
        "host": _l("Host"), "expected_date": _l("Date"), "time_from": _l("From"), "time_to": _l("Until"),
        "party_size": _l("Party size"), "plate": _l("Vehicle plate"), "status": _l("Status"),
        "converted_at": _l("Arrived at"), "created_by": _l("Registered by"), "created_at": _l("Registered at"),
        "campus": _l("Campus"),
    }
    formatters_columns = {"status": choice_label(APPOINTMENT_STATUS), "converted_at": format_datetime,
                          "created_at": format_datetime,
                          "time_from": lambda t: t.strftime("%H:%M") if t else "",
                          "time_to": lambda t: t.strftime("%H:%M") if t else ""}
    validators_columns = {"visitor_phone": [Rule(rules.normalize_phone)], "plate": [Rule(rules.normalize_plate)],
                          "party_size": [Rule(rules.validate_party_size)], "expected_date": [not_in_past]}
    add_form_extra_fields = edit_form_extra_fields = {
        "time_from": TimeField(_l("From"), validators=[OptionalValidator()], format="%H:%M"),
        "time_to": TimeField(_l("Until"), validators=[OptionalValidator(), TimeWindow()], format="%H:%M"),
    }

    add_form_query_rel_fields = {"host": [["id", FilterClause, host_choice_clause]],
                                 "purpose": [["active", FilterActive, None]]}
    edit_form_query_rel_fields = {"purpose": [["active", FilterActive, None]]}

    def pre_add(self, item):
        host = item.host
        if host is None:
            _refuse(ERR_NO_STAFF_RECORD)
        services.open_appointment(db.session, item, g.user)
        super().pre_add(item)

    def pre_update(self, item):
        if item.status != EXPECTED:
            _refuse(ERR_NOT_EXPECTED)
        super().pre_update(item)

    @action("cancel", _l("Cancel appointment"), _l("Cancel the selected appointments?"), icon="fa-times",
            single=True)
    def cancel(self, items):
        if request.method != "POST":
            abort(405)  # a GET must never change anything
        items = items if isinstance(items, list) else [items]
        allowed = set(db.session.execute(select(Appointment.id).where(
            Appointment.id.in_([i.id for i in items if i is not None]),
            *[c for c in [appointment_access_clause()] if c is not None])).scalars())
        done = 0
        for item_id in sorted(allowed):
            try:
                services.cancel_appointment(db.session, item_id)
                done += 1
            except RuleError as err:
                flash(rule_message(err), "warning")
        db.session.commit()
        flash(gettext("%(count)d appointments cancelled.", count=done), "success")
        return redirect(url_for("AppointmentView.list"))


class BlocklistView(HouqinModelView):
    """Only a hash and a masked copy of each number are kept: the raw number is typed, hashed and dropped."""

    datamodel = SQLAInterface(BlocklistEntry)
    list_joins = ("campus", "added_by")
    indexed_prefix_search = True
    list_title = _l("Blocklist")
    show_title = _l("Blocklist entry")
    add_title = _l("Add to the blocklist")
    edit_title = _l("Edit blocklist entry")
    list_columns = ["name", "id_masked", "phone_masked", "reason", "campus", "valid_until", "added_by", "added_at"]
    show_columns = list_columns
    add_columns = ["name", "doc_type", "id_number", "phone", "reason", "campus", "valid_until"]
    edit_columns = add_columns
    search_columns = ["name", "campus", "valid_until"]
    base_order = ("added_at", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_export"]
    campus_column = "campus_id"
    campus_nullable = True
    label_columns = {"name": _l("Name"), "doc_type": _l("ID document"), "id_number": _l("Document number"),
                     "id_masked": _l("Document number"), "phone": _l("Phone"), "phone_masked": _l("Phone"),
                     "reason": _l("Reason"), "campus": _l("Campus"), "valid_until": _l("Valid until"),
                     "added_by": _l("Added by"), "added_at": _l("Added at")}
    description_columns = {
        "campus": _l("Leave empty to refuse the person at every campus."),
        "id_number": _l("Only a keyed hash and a masked copy are stored. Leave empty to keep the stored number."),
        "valid_until": _l("Leave empty for no end date."),
    }
    formatters_columns = {"added_at": format_datetime}
    add_form_extra_fields = edit_form_extra_fields = {
        "doc_type": DOC_TYPE_FIELD,
        "id_number": StringField(_l("Document number"), validators=[DocNumber()], widget=BS3TextFieldWidget()),
        "phone": StringField(_l("Phone"), validators=[Rule(rules.normalize_phone)], widget=BS3TextFieldWidget()),
    }
    validators_columns = {"valid_until": [not_in_past]}

    def prefill_form(self, form, pk):
        form.id_number.data = ""
        form.phone.data = ""

    def _hash_numbers(self, item):
        number, phone = getattr(item, "id_number", None) or None, getattr(item, "phone", None) or None
        id_hash, phone_hash = hashes(current_app.config["SECRET_KEY"], number, phone)
        if number:
            item.id_hash, item.id_masked = id_hash, mask_id(number)
        if phone:
            item.phone_hash, item.phone_masked = phone_hash, mask_phone(phone)

    def pre_add(self, item):
        self._hash_numbers(item)
        item.added_by_id = g.user.id
        item.added_at = utcnow()
        super().pre_add(item)

    def pre_update(self, item):
        self._hash_numbers(item)
        super().pre_update(item)


class PurposeView(HouqinModelView):
    datamodel = SQLAInterface(Purpose)
    list_title = _l("Purposes")
    show_title = add_title = edit_title = _l("Purpose")
    list_columns = ["name_zh", "name_en", "sort_order", "active"]
    add_columns = edit_columns = show_columns = list_columns
    base_order = ("sort_order", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]
    label_columns = {"name_zh": _l("Name (Chinese)"), "name_en": _l("Name (English)"), "sort_order": _l("Order"),
                     "active": _l("Active")}


def _localise(value):
    """Form date-times are typed in local time; the column stores aware UTC."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=institution_tz())
    return value


class PatrolRoundView(HouqinModelView):
    datamodel = SQLAInterface(PatrolRound)
    list_joins = ("duty_log",)
    indexed_prefix_search = True
    row_access = patrol_access_clause
    list_title = _l("Patrol rounds")
    show_title = add_title = edit_title = _l("Patrol round")
    list_columns = ["at", "findings", "duty_log"]
    search_columns = ["findings"]
    add_columns = edit_columns = show_columns = ["duty_log", "at", "findings"]
    base_order = ("at", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]
    label_columns = {"at": _l("Time"), "findings": _l("Findings"), "duty_log": _l("Duty log")}
    formatters_columns = {"at": format_datetime}

    add_form_query_rel_fields = edit_form_query_rel_fields = {"duty_log": [["campus_id", FilterCampusScope, False]]}
    # Opens on the local time it can save (the column's default, an aware UTC time with
    # microseconds, did not parse back in the form's format).
    add_form_extra_fields = edit_form_extra_fields = {
        "at": DateTimeField(_l("Time"), format="%Y-%m-%d %H:%M:%S", widget=DateTimePickerWidget(),
                            default=lambda: local_now().replace(tzinfo=None, microsecond=0),
                            validators=[DataRequired()]),
    }

    def prefill_form(self, form, pk):
        if form.at.data is not None:  # shown, and typed back, in local time
            form.at.data = to_local(form.at.data).replace(tzinfo=None)

    def pre_add(self, item):
        item.at = _localise(item.at) or utcnow()

    def pre_update(self, item):
        item.at = _localise(item.at)


def patrol_text(rounds):
    done, missing = rules.patrol_status(len(rounds or []))
    return gettext("%(done)d done, %(missing)d missing", done=done, missing=missing)


class DutyLogView(HouqinModelView):
    datamodel = SQLAInterface(DutyLog)
    list_joins = ("gatekeeper", "campus")
    indexed_prefix_search = True
    list_title = _l("Duty log")
    show_title = _l("Duty log")
    add_title = _l("Open a duty log")
    edit_title = _l("Edit duty log")
    list_columns = ["day", "shift", "gatekeeper", "rounds", "campus"]
    show_columns = ["day", "shift", "gatekeeper", "rounds", "handover_note", "campus"]
    add_columns = ["campus", "day", "shift", "handover_note"]
    edit_columns = ["shift", "handover_note"]
    export_columns = ["day", "shift", "gatekeeper", "handover_note", "campus"]
    search_columns = ["day", "shift", "campus"]
    base_order = ("day", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]
    campus_column = "campus_id"
    related_views = [PatrolRoundView]
    label_columns = {"day": _l("Date"), "shift": _l("Shift"), "gatekeeper": _l("Gatekeeper on duty"),
                     "rounds": _l("Patrol rounds (5 a day)"), "handover_note": _l("Handover note"),
                     "campus": _l("Campus")}
    formatters_columns = {"shift": choice_label(SHIFT_LABELS), "rounds": patrol_text}
    add_form_extra_fields = edit_form_extra_fields = {
        "shift": SelectField(_l("Shift"), choices=list(SHIFT_LABELS.items()), widget=Select2Widget()),
    }

    def pre_add(self, item):
        item.gatekeeper_id = g.user.id
        super().pre_add(item)

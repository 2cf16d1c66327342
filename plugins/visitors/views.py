"""Screens of the gate: visits (with the host's answer), visitors and the override history.
Appointments, blocklist, purposes and duty logs are in lists.py."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import select

from app.extensions import db
from app.i18n import format_datetime
from app.rules import RuleError
from app.scoping import FilterCampusScope
from app.todo import next_url
from app.views.base import HouqinModelView, choice_label
from app.views.filters import COUNT_CAP
from app.views.validators import Rule, rule_message

from . import rules, services
from .forms import DOC_TYPE_FIELD, DocNumber
from .intake import hashes, phone_last4
from .labels import (CONFIRMATION_LABELS, DOCUMENT_LABELS, HOST_RESPONSES, OVERRIDE_LABELS, STATUS_LABELS,
                     VISIT_LABELS)
from .models import OverrideRequest, Visit, Visitor
from .queries import visit_access_clause, visitor_access_clause

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
    datamodel = SQLAInterface(Visit)
    list_joins = ("visitor", "purpose", "host", "campus")
    name_search_relations = ("host",)
    count_cap = COUNT_CAP
    indexed_prefix_search = True
    row_access = visit_access_clause
    list_title = _l("Visits")
    show_title = _l("Visit")
    edit_title = _l("Edit visit")
    # The host's 同意入内/拒绝 right after the name: in view without scrolling, on a PC or a phone.
    # The document number, party size, plate and badge fold into the show page: with them the list
    # was wider than its panel at 1366 px (issue 13); the desk shows badges of the visitors on site.
    list_columns = ["time_in", "visitor_name", "answer", "visitor.phone", "purpose", "host", "time_out", "status",
                    "campus"]
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
        "status": choice_label(STATUS_LABELS), "host_response": choice_label(HOST_RESPONSES),
        "host_confirmation": choice_label(CONFIRMATION_LABELS), "visitor.doc_type": choice_label(DOCUMENT_LABELS),
        "answer": answer_buttons,
    }
    validators_columns = {"plate": [Rule(rules.normalize_plate)],
                          "party_size": [Rule(rules.validate_party_size)]}

    edit_form_query_rel_fields = {"host": [["campus_id", FilterCampusScope, False]]}

    @expose("/respond/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("respond")
    def respond(self, pk):
        visit = self.visible(pk)
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
        return redirect(next_url(url_for(".list")))  # back to the to-do page or dashboard it came from


class VisitorView(HouqinModelView):
    datamodel = SQLAInterface(Visitor)
    list_joins = ("campus",)
    indexed_prefix_search = True
    list_title = _l("Visitors")
    show_title = edit_title = _l("Visitor")
    row_access = visitor_access_clause
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
                     "campus": _l("First registered at"), "anonymised_at": _l("Anonymised at")}
    masked_columns = {"id_number": "id", "phone": "phone"}
    formatters_columns = {"doc_type": choice_label(DOCUMENT_LABELS), "last_visit_at": format_datetime,
                          "anonymised_at": format_datetime}
    edit_form_extra_fields = {"doc_type": DOC_TYPE_FIELD}
    validators_columns = {"id_number": [DocNumber()], "phone": [Rule(rules.normalize_phone)]}

    def pre_update(self, item):
        super().pre_update(item)  # restores masked values, checks the campus
        item.id_hash, item.phone_hash = hashes(current_app.config["SECRET_KEY"], item.id_number, item.phone)
        item.phone_last4 = phone_last4(item.phone)
        with db.session.no_autoflush:
            taken = item.id_hash and db.session.execute(select(Visitor.id).where(
                Visitor.id_hash == item.id_hash, Visitor.id != item.id)).first()
        if taken:
            raise ValueError(gettext("Another visitor record already has this document number."))


class OverrideView(HouqinModelView):
    datamodel = SQLAInterface(OverrideRequest)
    list_joins = ("refused_visit", "campus", "requested_by", "decided_by")
    indexed_prefix_search = True
    list_title = _l("Blocklist overrides")
    show_title = _l("Blocklist override")
    list_columns = ["requested_at", "refused_visit.visitor_name", "campus", "status", "requested_by",
                    "decided_by", "decided_at", "decision_reason"]
    show_columns = list_columns + ["request_note", "blocklist_entry", "admitted_visit"]
    export_columns = list_columns + ["request_note"]
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
                          "status": choice_label(OVERRIDE_LABELS)}

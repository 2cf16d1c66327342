"""The words the gate's screens show for stored codes and columns, in one place (lists, shows,
exports, the register and the API's spec read them)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import rules
# The state words live with the workflows that declare the states (models.py).
from .models import (APPOINTMENT_STATUS, BY_PHONE, HOST_RESPONSES, IN_APP, IN_PERSON,  # noqa: F401
                     OVERRIDE_LABELS, STATUS_LABELS)

CONFIRMATION_LABELS = {BY_PHONE: _l("by phone"), IN_PERSON: _l("in person"), IN_APP: _l("in the app")}
SHIFT_LABELS = {"day": _l("Day shift"), "night": _l("Night shift"), "full": _l("24-hour shift")}
DOCUMENT_LABELS = {code: _l(label) for code, label in rules.DOCUMENT_TYPES}

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

"""The audit log screen: read and filter only. No add, edit or delete exists, in UI or API.
Director and Auditor (who see every campus) and Admin read it; the entries read in words
(app.views.audit_text): the record's kind and name, field labels, choice labels and related
names instead of codes and ids, local times, a job's rows folded away."""
from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from ..i18n import format_datetime
from ..models import AuditLog
from ..models.audit import DESCRIBE
from . import audit_text
from .base import HouqinModelView, choice_label

DESCRIBE.update(record=audit_text.record_name, changes=audit_text.changes_html)

ACTIONS = {"create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"), "job": _l("Job"),
           "transition": _l("State change"), "bulk-update": _l("Changed (several)"),
           "bulk-delete": _l("Deleted (several)")}
SOURCES = {"web": _l("Web page"), "api": _l("API"), "cli": _l("Command line"), "import": _l("Import")}


class AuditLogView(HouqinModelView):
    datamodel = SQLAInterface(AuditLog)
    list_title = show_title = _l("Audit log")
    base_permissions = ["can_list", "can_show", "can_export"]
    list_columns = ["at", "actor", "source", "action", "record", "readable"]
    show_columns = list_columns + ["table_name", "record_id", "job"]
    search_columns = ["at", "actor", "action", "table_name", "record_id", "source", "job"]
    base_order = ("at", "desc")
    order_columns = ["at", "actor", "table_name"]
    label_columns = {
        "at": _l("Time"), "actor": _l("User"), "source": _l("Source"), "action": _l("Action"),
        "table_name": _l("Record type"), "record_id": _l("Record"), "changes": _l("Changes"), "job": _l("Job"),
        "record": _l("Record"), "readable": _l("Changes"),
    }
    formatters_columns = {"at": format_datetime, "action": choice_label(ACTIONS), "source": choice_label(SOURCES)}

"""The audit log screen: read and filter only. No add, edit or delete exists, in UI or API."""
from __future__ import annotations

import json

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..i18n import format_datetime
from ..models import AuditLog
from .base import HouqinModelView


def _changes(value):
    if not value:
        return ""
    if not isinstance(value, dict):
        return escape(str(value))
    parts = []
    for key, change in value.items():
        if isinstance(change, list) and len(change) == 2:
            old, new = change
            parts.append(f"<b>{escape(key)}</b>: {escape(json.dumps(old, ensure_ascii=False))} → "
                         f"{escape(json.dumps(new, ensure_ascii=False))}")
        else:
            parts.append(f"<b>{escape(key)}</b>: {escape(json.dumps(change, ensure_ascii=False))}")
    return Markup("<br>".join(parts))


class AuditLogView(HouqinModelView):
    datamodel = SQLAInterface(AuditLog)
    list_title = show_title = _l("Audit log")
    base_permissions = ["can_list", "can_show", "can_export"]
    list_columns = ["at", "actor", "source", "action", "table_name", "record_id", "changes"]
    show_columns = list_columns + ["job"]
    search_columns = ["at", "actor", "action", "table_name", "record_id", "source", "job"]
    base_order = ("at", "desc")
    order_columns = ["at", "actor", "table_name"]
    label_columns = {
        "at": _l("Time"), "actor": _l("User"), "source": _l("Source"), "action": _l("Action"),
        "table_name": _l("Record type"), "record_id": _l("Record"), "changes": _l("Changes"), "job": _l("Job"),
    }
    formatters_columns = {"at": format_datetime, "changes": _changes}

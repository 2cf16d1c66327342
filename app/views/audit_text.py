"""The audit log in words: which record (its kind and name in the user's language), and one line
per change with the screens' field labels, choice labels instead of codes, related records'
names instead of ids, and local times. Read from the screens the app registered (each model's
list screen knows its labels and choice formatters), so a plugin's records read like core's."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask import current_app, g
from flask_appbuilder import Model
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup, escape

from ..extensions import db
from ..i18n import format_date, format_datetime
from .base import PerRequest

_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ROWS_SHOWN = 5  # a job's rows listed before the rest folds away


class Kind:
    """What the screens say about one table: its name, field labels, choice formatters, model."""

    def __init__(self, model, title=None, labels=None, formatters=None):
        self.model, self.title = model, title
        self.labels = dict(labels or {})
        self.formatters = {k: f for k, f in (formatters or {}).items() if isinstance(f, PerRequest)}


def _kinds() -> dict[str, Kind]:
    kinds = current_app.extensions.get("houqin_audit_kinds")
    if kinds is not None:
        return kinds
    kinds = {}
    for mapper in Model.registry.mappers:
        table = getattr(mapper.class_, "__tablename__", None)
        if table:
            kinds.setdefault(table, Kind(mapper.class_))
    for view in current_app.appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        model = getattr(datamodel, "obj", None)
        table = getattr(model, "__tablename__", None)
        if table is None or kinds.get(table, Kind(None)).title is not None:
            continue
        title = getattr(view, "show_title", None) or getattr(view, "list_title", None)
        kinds[table] = Kind(model, title, getattr(view, "label_columns", None),
                            getattr(view, "formatters_columns", None))
    current_app.extensions["houqin_audit_kinds"] = kinds
    return kinds


def kind_label(table: str) -> str:
    kind = _kinds().get(table)
    if kind is None or kind.title is None:
        return table
    title = str(kind.title)
    # Flask-AppBuilder's own screens are titled "Show User": the kind is what follows.
    return title[len("Show "):] if title.startswith("Show ") else title


def field_label(table: str, key: str) -> str:
    kind = _kinds().get(table)
    labels = kind.labels if kind is not None else {}
    # campus_id reads as its relation's label ("Campus"; FAB's own guess for the column: "Campus Id").
    for name in (key[:-3] if key.endswith("_id") else None, key):
        if name and name in labels:
            return str(labels[name])
    return key


def _related_name(table: str, key: str, value) -> str | None:
    kind = _kinds().get(table)
    if kind is None or kind.model is None or not key.endswith("_id") or not isinstance(value, int):
        return None
    column = kind.model.__table__.c.get(key)
    if column is None or not column.foreign_keys:
        return None
    target = _kinds().get(next(iter(column.foreign_keys)).column.table.name)
    if target is None or target.model is None:
        return None
    row = db.session.get(target.model, value)
    return str(row) if row is not None else f"#{value}"


def value_text(table: str, key: str, value: Any) -> str:
    """One stored value as the screens would show it."""
    if value is None or value == "":
        return "—"
    kind = _kinds().get(table)
    if kind is not None and key in kind.formatters:
        shown = kind.formatters[key](value)
        if shown:
            return str(shown)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    related = _related_name(table, key, value)
    if related is not None:
        return related
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return format_date(date.fromisoformat(value))
    if isinstance(value, (list, dict)):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


JOBS = {"settings": _l("Settings saved")}


def record_name(entry) -> str:
    """"Visit 王建国 #12": the record's kind and name (the name from the log when it is gone)."""
    if entry.action == "job":
        return str(JOBS.get(entry.job, entry.job or entry.table_name))
    kind = _kinds().get(entry.table_name)
    name = None
    if kind is not None and kind.model is not None and entry.record_id and entry.record_id.isdigit():
        cache = g.setdefault("_hq_audit_names", {})
        key = (entry.table_name, entry.record_id)
        if key not in cache:
            row = db.session.get(kind.model, int(entry.record_id))
            cache[key] = str(row) if row is not None else None
        name = cache[key]
    if name is None and isinstance(entry.changes, dict):
        for field in ("name", "visitor_name", "name_zh", "username", "key"):
            change = entry.changes.get(field)
            if isinstance(change, list) and len(change) == 2:
                name = change[1] or change[0]
                break
    text = kind_label(entry.table_name)
    if name:
        text += f" {name}"
    if entry.record_id and f"#{entry.record_id}" not in text:
        text += f" #{entry.record_id}"
    return text


def change_lines(entry) -> list[str]:
    """One line per changed field; a job: its parameters and how many records it touched."""
    changes = entry.changes
    if not changes:
        return []
    if not isinstance(changes, dict):
        return [str(changes)]
    if "rows" in changes and "params" in changes:
        params = changes.get("params") or {}
        lines = [f"{field_label(entry.table_name, k)}: {value_text(entry.table_name, k, v)}" for k, v in
                 params.items() if not isinstance(v, dict)]
        for key, inner in params.items():
            if isinstance(inner, dict):  # e.g. a settings save: {key: [old, new]}
                lines += [f"{k}: {_pair(entry.table_name, k, v)}" for k, v in inner.items()]
        return lines
    lines = []
    for key, change in changes.items():
        if key == "id":  # the record's key is named with the record
            continue
        label = field_label(entry.table_name, key)
        if isinstance(change, list) and len(change) == 2:
            lines.append(f"{label}: {_pair(entry.table_name, key, change)}")
        else:
            lines.append(f"{label}: {value_text(entry.table_name, key, change)}")
    return lines


def _pair(table, key, change) -> str:
    if isinstance(change, list) and len(change) == 2:
        return f"{value_text(table, key, change[0])} → {value_text(table, key, change[1])}"
    return value_text(table, key, change)


def job_rows(entry) -> list[str]:
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    rows = changes.get("rows") if "params" in changes else None
    return list(rows) if isinstance(rows, list) else []


def changes_html(entry) -> Markup:
    lines = [escape(line) for line in change_lines(entry)]
    rows = job_rows(entry)
    if rows:
        lines.append(escape(gettext("%(count)d records", count=len(rows))))
        shown, rest = rows[:ROWS_SHOWN], rows[ROWS_SHOWN:]
        lines.append(escape(", ".join(shown)))
        if rest:
            lines.append(Markup("<details><summary>{}</summary>{}</details>").format(
                gettext("%(count)d more", count=len(rest)), ", ".join(rest)))
    return Markup("<br>").join(lines)


def changes_text(entry) -> str:
    rows = job_rows(entry)
    lines = change_lines(entry) + ([gettext("%(count)d records", count=len(rows)), ", ".join(rows)] if rows else [])
    return "\n".join(lines)

"""Reading the minutes page's small forms: dates, ids and text, each refusal on its field."""
from __future__ import annotations

from datetime import date

from app.rules import N_, RuleError

from . import committee_rules as cr

ERR_DATE = N_("Enter a date as YYYY-MM-DD")
ERR_REQUIRED = N_("This field is required.")
ERR_CHOICE = cr.ERR_CHOOSE
SAVED = N_("Saved.")


def parse_day(raw, field):
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise RuleError(ERR_DATE, field=field)


def parse_id(raw, field):
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise RuleError(ERR_CHOICE, field=field)
    return int(raw)


def text(raw, field, maximum, required=True):
    value = " ".join((raw or "").split())
    if required and not value:
        raise RuleError(ERR_REQUIRED, field=field)
    if len(value) > maximum:
        raise RuleError(cr.ERR_TEXT_LENGTH, field=field, max=maximum)
    return value or None

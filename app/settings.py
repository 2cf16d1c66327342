"""Settings stored in the database, declared by core and plugins (SettingSpec),
validated on save, audited (Setting is an Audited model) and cached per process until they
change: every change moves the "settings" counter (app/freshness.py) in its own transaction, and
every request reads that number with the signed-in user (HouqinSecurityManager.load_user, no
statement of its own), so every worker and host sees a change on its next request."""
from __future__ import annotations

import json
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .extensions import FRAME
from .filetypes import GROUP_LABELS as _ATTACHMENT_LABELS, GROUPS as _ATTACHMENT_GROUPS
from .plugin import SettingSpec
from .rules import RuleError, parse_hhmm, parse_yes_no

CORE_SETTINGS = [
    SettingSpec("institution_name", _l("Institution name"), "示例幼儿园", "str",
                description=_l("Shown on every page, print and export.")),
    SettingSpec("timezone", _l("Time zone"), "Asia/Shanghai", "timezone"),
    SettingSpec("idle_timeout_minutes", _l("Sign out after inactivity (minutes)"), 30, "int",
                minimum=5, maximum=480, description=_l("The gate PC is shared: idle sessions end.")),
    SettingSpec("health_cert_warning_days", _l("Warn of health certificates expiring within (days)"), 30,
                "int", minimum=1, maximum=365),
    # Attachments (app/attachments.py): what may be uploaded and how much.
    SettingSpec("attachment_kinds", _l("Files that may be attached"), list(_ATTACHMENT_GROUPS), "multi",
                choices=[(code, _l(label)) for code, label in _ATTACHMENT_LABELS.items()],
                description=_l("SVG, HTML and Office files with macros are always refused.")),
    SettingSpec("attachment_max_mb", _l("Largest attachment (MB per file)"), 10, "int", minimum=1, maximum=100),
    SettingSpec("attachment_request_max_mb", _l("Largest upload (MB per request, all files together)"), 40,
                "int", minimum=1, maximum=500),
]

class SettingError(ValueError):
    pass


def parse(spec: SettingSpec, raw):
    """Turn a submitted value into the stored one, or raise SettingError with a translated message."""
    text = "" if raw is None else str(raw).strip()
    if spec.kind == "bool":
        return parse_yes_no(text)
    if spec.kind == "multi":  # several of the choices (a list of checkboxes; none is allowed)
        values = raw if isinstance(raw, (list, tuple)) else text.split(",")
        values = [v for v in values if str(v).strip()]  # the form's hidden "" says "none ticked"
        codes = [c for c, _ in spec.choices or []]
        if any(str(v).strip() not in codes for v in values):
            raise SettingError(_l("Choose one of the offered values."))
        return [c for c in codes if c in {str(v).strip() for v in values}]
    if text == "":
        raise SettingError(_l("This field is required."))
    if spec.kind == "int":
        try:
            value = int(text)
        except ValueError:
            raise SettingError(_l("Enter a whole number."))
        _check_bounds(spec, value)
        return value
    if spec.kind == "decimal":
        # Typed with a Chinese input method now and then: full-width digits and points, "。".
        # A comma is refused, not guessed: "1,000" (thousands) and "2,5" (decimal) both occur.
        cleaned = unicodedata.normalize("NFKC", text).replace("。", ".").replace(" ", "")
        try:
            value = Decimal(cleaned) if "," not in cleaned else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise SettingError(_l("Enter a number, e.g. 2.5."))
        if -value.as_tuple().exponent > spec.places:
            raise SettingError(_l("At most %(places)d digits after the decimal point.", places=spec.places))
        _check_bounds(spec, value)
        return str(value.quantize(Decimal(1).scaleb(-spec.places)))
    if spec.kind == "date":
        try:
            value = date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise SettingError(_l("Enter a date as YYYY-MM-DD."))
        if spec.minimum is not None and value < _as_date(spec.minimum) or \
                spec.maximum is not None and value > _as_date(spec.maximum):
            raise SettingError(_l("Enter a date from %(min)s to %(max)s.",
                                  min=_as_date(spec.minimum or date.min).isoformat(),
                                  max=_as_date(spec.maximum or date.max).isoformat()))
        return value.isoformat()
    if spec.kind == "time":
        try:
            return parse_hhmm(text).strftime("%H:%M")
        except RuleError as err:
            raise SettingError(_l(err.message)) from None
    if spec.kind == "timezone":
        if text not in available_timezones():
            raise SettingError(_l("Unknown time zone (e.g. Asia/Shanghai)."))
        return text
    if spec.kind == "choice":
        if text not in {c for c, _ in spec.choices or []}:
            raise SettingError(_l("Choose one of the offered values."))
        return text
    if len(text) > 200:
        raise SettingError(_l("At most 200 characters."))
    return text


def _check_bounds(spec: SettingSpec, value) -> None:
    if isinstance(value, Decimal):
        low = None if spec.minimum is None else Decimal(str(spec.minimum))
        high = None if spec.maximum is None else Decimal(str(spec.maximum))
        if low is not None and value < low or high is not None and value > high:
            raise SettingError(_l("Enter a number from %(min)s to %(max)s.", min=low, max=high))
        return
    if spec.minimum is not None and value < spec.minimum or spec.maximum is not None and value > spec.maximum:
        raise SettingError(_l("Enter a number from %(min)s to %(max)s.", min=spec.minimum, max=spec.maximum))


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def typed(spec: SettingSpec, stored):
    """A stored (JSON) value as the kind's Python value: Decimal for decimal, date for date."""
    if stored is None:
        return None
    if spec.kind == "decimal":
        return stored if isinstance(stored, Decimal) else Decimal(str(stored))
    if spec.kind == "date":
        return stored if isinstance(stored, date) else date.fromisoformat(str(stored))
    return stored


class Settings:
    """Values by (key, campus): one load per process, again only when the version changed."""

    def __init__(self, app, registry):
        self.app = app
        self.registry = registry
        self._cache: dict | None = None
        self._version = None

    def _seen_version(self):
        """The settings counter as this request read it (with the user: app/freshness.py), or
        reads it now: once per request or app context (a CLI command, a job), never more."""
        from . import freshness

        return freshness.stamp("settings")[0]

    def _load(self) -> dict:
        version = self._seen_version()
        cache = self._cache
        if cache is not None and self._version == version:
            return cache
        from .extensions import db
        from .models import Setting

        rows = db.session.execute(select(Setting.key, Setting.campus_id, Setting.value)
                                  .execution_options(**{FRAME: "settings"})).all()
        specs = {s.key: s for s in self.registry.settings}
        cache = {}
        for key, campus_id, value in rows:
            spec = specs.get(key)
            cache[(key, campus_id)] = typed(spec, json.loads(value)) if spec else json.loads(value)
        # Version read before the rows: a change committed in between is read again next time.
        self._cache, self._version = cache, version
        return cache

    def invalidate(self) -> None:
        self._cache = None

    def get(self, key: str, campus_id: int | None = None):
        spec = self.registry.setting_spec(key)
        values = self._load()
        if campus_id is not None and (key, campus_id) in values:
            return values[(key, campus_id)]
        return values.get((key, None), typed(spec, spec.default))

    def set(self, session, key: str, value, campus_id: int | None = None) -> None:
        """Store a value; None removes a per-campus override (the campus inherits again)."""
        from .models import Setting

        row = session.execute(
            select(Setting).where(Setting.key == key, Setting.campus_id.is_(campus_id) if campus_id is None
                                  else Setting.campus_id == campus_id)
        ).scalar_one_or_none()
        if value is None:
            if row is not None:
                session.delete(row)
            self.invalidate()
            return
        if isinstance(value, (Decimal, date)):
            value = str(value) if isinstance(value, Decimal) else value.isoformat()
        encoded = json.dumps(value, ensure_ascii=False)
        if row is None:
            session.add(Setting(key=key, campus_id=campus_id, value=encoded))
        elif row.value != encoded:
            row.value = encoded
        # The change moves the "settings" counter when it is flushed (app/freshness.py), in its
        # own transaction: committed together, or not at all.
        self.invalidate()

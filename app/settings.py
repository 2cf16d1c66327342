"""Settings stored in the database, declared by core and plugins (SettingSpec),
validated on save, audited (Setting is an Audited model) and cached briefly."""
from __future__ import annotations

import json
import time as _time
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

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

# Short cache: every worker re-reads within this many seconds of a change.
CACHE_SECONDS = 10


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
        if spec.minimum is not None and value < spec.minimum or spec.maximum is not None and value > spec.maximum:
            raise SettingError(_l("Enter a number from %(min)s to %(max)s.", min=spec.minimum, max=spec.maximum))
        return value
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


class Settings:
    def __init__(self, app, registry):
        self.app = app
        self.registry = registry
        self._cache: dict | None = None
        self._at = 0.0

    def _load(self) -> dict:
        ttl = self.app.config.get("HOUQIN_SETTINGS_CACHE_SECONDS", CACHE_SECONDS)
        if self._cache is not None and _time.monotonic() - self._at < ttl:
            return self._cache
        from .extensions import db
        from .models import Setting

        rows = db.session.execute(select(Setting.key, Setting.campus_id, Setting.value)).all()
        self._cache = {(k, c): json.loads(v) for k, c, v in rows}
        self._at = _time.monotonic()
        return self._cache

    def invalidate(self) -> None:
        self._cache = None

    def get(self, key: str, campus_id: int | None = None):
        spec = self.registry.setting_spec(key)
        values = self._load()
        if campus_id is not None and (key, campus_id) in values:
            return values[(key, campus_id)]
        return values.get((key, None), spec.default)

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
        encoded = json.dumps(value, ensure_ascii=False)
        if row is None:
            session.add(Setting(key=key, campus_id=campus_id, value=encoded))
        elif row.value != encoded:
            row.value = encoded
        self.invalidate()

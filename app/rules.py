"""Core pure rules: the message/error convention, text folding, phone numbers
and date order. Free of Flask and the database, shared by core and plugins;
messages are msgids marked with N_ and translated where they are shown."""
from __future__ import annotations

import re
from datetime import date, time
from typing import Any, Callable, Optional


def N_(s: str) -> str:
    """No-op marker: tells Babel to extract ``s``; translation happens later."""
    return s


class RuleError(ValueError):
    """A broken domain rule. ``message`` is an untranslated msgid and
    ``params`` the values for its ``%(name)s`` placeholders. ``field`` names the
    form field or JSON key the message belongs on (None: the record as a whole),
    so forms and APIs place it without a mapping of their own."""

    def __init__(self, message: str, *, field: Optional[str] = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params
        self.field = field

    def on(self, field: str) -> "RuleError":
        """The same error placed on `field` (when the rule itself did not know the field's name)."""
        self.field = self.field or field
        return self

    def format(self, gettext: Optional[Callable[[str], str]] = None) -> str:
        text = gettext(self.message) if gettext else self.message
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.format()


# --- Small text helpers ------------------------------------------------------

# Chinese input methods often type full-width forms ("１３８", "Ａ") and the
# ideographic space; fold them to ASCII before checking numbers and codes.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20


def folded(raw: Any) -> str:
    """The text with full-width forms and the ideographic space folded to ASCII."""
    return "" if raw is None else str(raw).translate(_FULLWIDTH)


def squeeze(raw: Any, extra: str = "") -> str:
    """Fold full-width forms and drop all whitespace (and ``extra`` chars)."""
    return "".join(c for c in folded(raw) if not c.isspace() and c not in extra)


def ascii_upper(s: str) -> str:
    # str.upper() would turn "ı" into "I" and "ß" into "SS"; only a-z may change.
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in s)


# --- Phone numbers -----------------------------------------------------------

ERR_PHONE_CHARS = N_("A phone number may contain only digits")
ERR_PHONE_SHAPE = N_("Enter an 11-digit mobile number or a landline with area code")

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# +86 / 0086 / 86 is a country prefix only when a mainland mobile follows it.
_COUNTRY_PREFIX = re.compile(r"(?:\+86|0086|86)(1[0-9]{10})")
# Beijing (010) and 02X are the only 3-digit area codes; the rest are 4 digits.
_LANDLINE = re.compile(r"(010|02[0-9]|0[3-9][0-9]{2})([0-9]{7,8})")


def normalize_phone(raw: Any) -> str:
    """Return "13812345678" for mobiles and "010-12345678" for landlines."""
    value = squeeze(raw, extra="-")
    if not re.fullmatch(r"\+?[0-9]*", value):
        raise RuleError(ERR_PHONE_CHARS)
    prefixed = _COUNTRY_PREFIX.fullmatch(value)
    if prefixed:
        value = prefixed.group(1)
    if _MOBILE.fullmatch(value):
        return value
    landline = _LANDLINE.fullmatch(value)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    raise RuleError(ERR_PHONE_SHAPE)


ERR_EXPIRY_BEFORE_ISSUE = N_("The expiry date cannot be before the issue date")


def check_date_order(issued: date | None, expiry: date | None) -> None:
    if issued and expiry and expiry < issued:
        raise RuleError(ERR_EXPIRY_BEFORE_ISSUE)


# --- Yes/no and times of day typed as text ------------------------------------

YES_WORDS = frozenset({"1", "y", "yes", "on", "true", "是", "√"})
ERR_TIME_OF_DAY = N_("Enter a time as HH:MM, e.g. 18:00.")


def parse_yes_no(raw: Any) -> bool:
    """A checkbox, a JSON boolean or a spreadsheet cell ("是", "yes", "1") as True/False."""
    if isinstance(raw, bool):
        return raw
    return folded(raw).strip().lower() in YES_WORDS


def parse_hhmm(raw: Any) -> time:
    """"18:00", "8:05" or the full-width "１８：００" as a time of day."""
    text = squeeze(raw).replace("：", ":")
    match = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise RuleError(ERR_TIME_OF_DAY)
    return time(int(match.group(1)), int(match.group(2)))

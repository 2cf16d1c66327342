"""Core pure rules: phone numbers and date order. Free of Flask and the database;
messages are msgids marked with N_ and translated where they are shown."""
from __future__ import annotations

import re
from datetime import date


def N_(s: str) -> str:
    return s


class RuleError(ValueError):
    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self):
        return self.message % self.params if self.params else self.message


ERR_PHONE_CHARS = N_("A phone number may contain only digits")
ERR_PHONE_SHAPE = N_("Enter an 11-digit mobile number or a landline with area code")
ERR_EXPIRY_BEFORE_ISSUE = N_("The expiry date cannot be before the issue date")

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 010 and 02X are the three-digit area codes; all others have four digits.
_LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))-?(\d{7,8})$")


def normalize_phone(raw: str) -> str:
    """Mainland mobile `1[3-9]` + 9 digits (+86/0086 stripped) or a landline with
    area code, stored as `010-12345678`."""
    text = re.sub(r"[\s\-()]", "", raw or "")
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("86"):
            raise RuleError(ERR_PHONE_SHAPE)
    if not text.isdigit():
        raise RuleError(ERR_PHONE_CHARS)
    for prefix in ("0086", "86"):
        if text.startswith(prefix) and len(text) == len(prefix) + 11 and text[len(prefix)] == "1":
            text = text[len(prefix):]
            break
    if _MOBILE.match(text):
        return text
    m = _LANDLINE.match(text)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    raise RuleError(ERR_PHONE_SHAPE)


def check_date_order(issued: date | None, expiry: date | None) -> None:
    if issued and expiry and expiry < issued:
        raise RuleError(ERR_EXPIRY_BEFORE_ISSUE)

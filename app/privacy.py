"""Masking and keyed lookup of personal numbers (PIPL arts. 6, 17, 19).

Pure functions: used by core (staff personal phones), by plugins and by the
audit log, so masked values look the same on every screen and in every file.
"""
from __future__ import annotations

import hashlib
import hmac


def mask_id(number: str | None) -> str:
    """First 3 + last 4 visible, length kept: 110***********1234."""
    if not number:
        return ""
    if len(number) < 8:
        return "*" * (len(number) - 2) + number[-2:]
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """138****5678 for mobiles; landlines keep the area code and the last 2 digits."""
    if not phone:
        return ""
    if "-" in phone:
        area, _, rest = phone.partition("-")
        return f"{area}-{'*' * max(len(rest) - 2, 0)}{rest[-2:]}"
    if len(phone) == 11:
        return phone[:3] + "****" + phone[-4:]
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:2] + "*" * (len(phone) - 4) + phone[-2:]


MASKERS = {"phone": mask_phone, "id": mask_id}


def is_masked(value: str | None) -> bool:
    """A value shown masked must never be written back by an edit form or PUT."""
    return bool(value) and "*" in value


def lookup_hash(secret: bytes | str, kind: str, normalized_value: str) -> str:
    """Indexed keyed hash (HMAC-SHA256 with the instance secret) of a normalised number,
    so a full number can be matched without storing or scanning it in clear."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, f"{kind}:{normalized_value}".encode(), hashlib.sha256).hexdigest()

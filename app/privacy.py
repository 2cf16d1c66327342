"""Masking and keyed lookup of personal numbers (PIPL arts. 6, 17, 19).

Pure functions used by core (staff personal phones), by plugins and by the
audit log, so a masked value looks the same on every screen and in every file.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Optional


# --- Masking for display -----------------------------------------------------


def _keep_last_two(text: str) -> str:
    # 1-2 character values are fully starred: a mask never shows a whole number.
    return "*" * len(text) if len(text) <= 2 else "*" * (len(text) - 2) + text[-2:]


def mask_id(number: Optional[str]) -> str:
    """Show the first 3 and last 4 characters, e.g. "110***********1234",
    keeping the length; numbers under 8 characters show only their last 2."""
    if not number:
        return ""
    if len(number) >= 8:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    return _keep_last_two(number)


def mask_phone(phone: Optional[str]) -> str:
    """Mobiles become "138****5678"; landlines "010-******78"."""
    if not phone:
        return ""
    area, _, number = phone.partition("-")
    if area and number:  # normalised landline: keep the area code and last 2
        return f"{area}-{_keep_last_two(number)}"
    if len(phone) == 11 and phone.startswith("1"):
        return phone[:3] + "****" + phone[-4:]
    return _keep_last_two(phone)


# --- Keyed lookup hash ---------------------------------------------------------

LOOKUP_KINDS = ("id", "phone")


def lookup_hash(secret: bytes | str, kind: str, normalized_value: str) -> str:
    """Hex HMAC-SHA256 of "kind:value", so returning visitors and blocklist
    entries can be found by index without storing searchable plain numbers."""
    if kind not in LOOKUP_KINDS:
        raise ValueError(f"lookup kind must be one of {LOOKUP_KINDS}, not {kind!r}")
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if not key:
        raise ValueError("lookup_hash needs a non-empty secret")
    message = f"{kind}:{normalized_value}".encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


MASKERS = {"phone": mask_phone, "id": mask_id}


def is_masked(value: str | None) -> bool:
    """A value shown masked must never be written back by an edit form or PUT."""
    return bool(value) and "*" in str(value)

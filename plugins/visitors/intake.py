"""What the desk form and the API send, turned into checked plain values.

One function for both, so the gate PC and an ID-card reader get the same
rules (rules.py) and the same words. Errors are RuleErrors keyed by field;
the caller translates them (app.views.validators.rule_message)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping, Optional

from app.privacy import is_masked, lookup_hash
from app.rules import parse_yes_no

from . import rules
from .models import BY_PHONE, IN_PERSON
from .rules import N_, RuleError

ERR_REQUIRED = N_("This field is required.")
ERR_NAME_LENGTH = N_("A name has at most 50 characters")
ERR_TEXT_LENGTH = N_("At most %(max)d characters")
ERR_CHOOSE = N_("Choose one of the offered values.")
CONFIRMATIONS = ("", BY_PHONE, IN_PERSON)  # "" = ask the host in the app

TEXT_LIMITS = {"organisation": 100, "reason": 200, "note": 500, "override_reason": 500}


@dataclass
class Intake:
    campus_id: Optional[int] = None
    doc_type: str = rules.RESIDENT_ID
    id_number: Optional[str] = None  # normalised; None when a masked value was sent back
    id_masked: Optional[str] = None
    name: str = ""
    phone: Optional[str] = None
    phone_masked: Optional[str] = None
    organisation: Optional[str] = None
    purpose_id: Optional[int] = None
    host_id: Optional[int] = None
    host_confirmation: str = ""
    party_size: int = 1
    plate: Optional[str] = None
    badge: Optional[str] = None
    reason: Optional[str] = None
    note: Optional[str] = None
    confirm_name_match: bool = False
    override_reason: Optional[str] = None
    appointment_id: Optional[int] = None
    appointment_code: Optional[str] = None
    stored_details: str = ""  # a known number typed with another name/phone: "keep" or "change"


def _str(raw: Mapping, key: str) -> str:
    value = raw.get(key)
    return "" if value is None or isinstance(value, (dict, list)) else str(value).strip()


def _int(value: Any) -> Optional[int]:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError
    return int(value)


def clean_sign_in(raw: Mapping, today: Optional[date] = None) -> tuple[Intake, dict[str, RuleError]]:
    """Check every field (all errors at once, so the gatekeeper fixes them in one go)."""
    errors: dict[str, RuleError] = {k: RuleError(ERR_CHOOSE) for k, v in raw.items() if isinstance(v, (dict, list))}
    out = Intake()

    def attempt(field: str, func):
        try:
            return func()
        except RuleError as err:
            errors.setdefault(field, err)
        except (TypeError, ValueError):
            errors.setdefault(field, RuleError(ERR_CHOOSE))
        return None

    out.campus_id = attempt("campus_id", lambda: _int(raw.get("campus_id")))
    doc_type = _str(raw, "doc_type") or rules.RESIDENT_ID
    if doc_type not in {code for code, _ in rules.DOCUMENT_TYPES}:
        errors["doc_type"] = RuleError(ERR_CHOOSE)
    out.doc_type = doc_type

    number = _str(raw, "id_number")
    if not number:
        errors["id_number"] = RuleError(ERR_REQUIRED)
    elif is_masked(number):
        out.id_masked = number  # shown masked by the lookup: keep the stored number
    elif "doc_type" not in errors:
        out.id_number = attempt("id_number", lambda: rules.normalize_document(doc_type, number, today=today))

    out.name = " ".join(_str(raw, "name").split())
    if not out.name:
        errors["name"] = RuleError(ERR_REQUIRED)
    elif len(out.name) > 50:
        errors["name"] = RuleError(ERR_NAME_LENGTH)

    phone = _str(raw, "phone")
    if phone and is_masked(phone):
        out.phone_masked = phone
    elif phone:
        out.phone = attempt("phone", lambda: rules.normalize_phone(phone))

    for key, limit in TEXT_LIMITS.items():
        value = _str(raw, key) or None
        if value and len(value) > limit:
            errors[key] = RuleError(ERR_TEXT_LENGTH, max=limit)
        setattr(out, key, value)

    out.purpose_id = attempt("purpose_id", lambda: _int(raw.get("purpose_id")))
    if out.purpose_id is None and "purpose_id" not in errors:
        errors["purpose_id"] = RuleError(ERR_REQUIRED)
    out.host_id = attempt("host_id", lambda: _int(raw.get("host_id")))
    confirmation = _str(raw, "host_confirmation")
    if confirmation not in CONFIRMATIONS:
        errors["host_confirmation"] = RuleError(ERR_CHOOSE)
    out.host_confirmation = confirmation

    size = raw.get("party_size")
    out.party_size = 1 if size in (None, "") else attempt("party_size", lambda: rules.validate_party_size(size))
    plate = _str(raw, "plate")
    out.plate = attempt("plate", lambda: rules.normalize_plate(plate)) if plate else None
    badge = _str(raw, "badge")
    out.badge = attempt("badge", lambda: rules.normalize_badge(badge)) if badge else None

    out.confirm_name_match = parse_yes_no(raw.get("confirm_name_match"))
    out.appointment_id = attempt("appointment_id", lambda: _int(raw.get("appointment_id")))
    out.appointment_code = _str(raw, "appointment_code").upper() or None
    out.stored_details = _str(raw, "stored_details")
    if out.stored_details not in ("", "keep", "change"):
        errors["stored_details"] = RuleError(ERR_CHOOSE)
    return out, errors


def hashes(secret: str, id_number: Optional[str], phone: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """Keyed lookup hashes of the normalised numbers (app.privacy.lookup_hash)."""
    return (lookup_hash(secret, "id", id_number) if id_number else None,
            lookup_hash(secret, "phone", phone) if phone else None)


def phone_last4(phone: Optional[str]) -> Optional[str]:
    digits = "".join(c for c in phone or "" if c.isdigit())
    return digits[-4:] if len(digits) >= 4 else None

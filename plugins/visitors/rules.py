"""Domain rules for the visitors plugin.

Pure functions only: no Flask, no SQLAlchemy, no database, stdlib only, so the
rules can be tested exhaustively and reused by forms, views, imports and CLI.

Error messages are plain English msgids marked with the no-op ``N_`` so that
Babel (configured with ``-k N_``) extracts them; views translate them with
``gettext(err.message) % err.params`` (or ``err.format(gettext)``).
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Iterable, Optional

# Shared with core (phones, masking and lookup hashes are not the gate's alone).
from app.privacy import LOOKUP_KINDS, lookup_hash, mask_id, mask_phone  # noqa: F401
from app.rules import (  # noqa: F401
    ERR_PHONE_CHARS, ERR_PHONE_SHAPE, N_, RuleError, ascii_upper, folded, normalize_phone, squeeze,
)


# --- Resident ID card (GB 11643-1999) ----------------------------------------

ERR_ID_FORMAT = N_("A resident ID number has 18 characters (or 15 digits for old cards)")
ERR_ID_BIRTH_DATE = N_("The birth date in the ID number is not a real date")
ERR_ID_FUTURE = N_("The birth date in the ID number is in the future")
ERR_ID_CHECKSUM = N_("The ID number's check digit is wrong")

# GB 11643-1999 / ISO 7064 MOD 11-2: weight of position i is 2**(17-i) mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
ID_EARLIEST_BIRTH = date(1900, 1, 1)  # office rule: no visitor born before 1900

_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ID15 = re.compile(r"[0-9]{15}")
_DIGITS17 = re.compile(r"[0-9]{17}")


def resident_id_check_char(first17: str) -> str:
    """Check character for the first 17 digits of a resident ID."""
    if not _DIGITS17.fullmatch(first17 or ""):
        raise RuleError(ERR_ID_FORMAT)
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def resident_id_birth_date(id18: str) -> date:
    """Birth date encoded in positions 7-14 (YYYYMMDD) of an 18-char ID."""
    digits = (id18 or "")[6:14]
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise RuleError(ERR_ID_FORMAT)
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:  # 31 April, 29 February in a common year, month 13 ...
        raise RuleError(ERR_ID_BIRTH_DATE) from None
    if born < ID_EARLIEST_BIRTH:
        raise RuleError(ERR_ID_BIRTH_DATE)
    return born


def resident_id_is_male(id18: str) -> bool:
    """GB 11643-1999: the 17th digit (end of the sequence code) is odd for men."""
    return int(id18[16]) % 2 == 1


def normalize_resident_id(raw: Any, today: Optional[date] = None) -> str:
    """Validate a resident ID and return its canonical 18-char upper-case form.

    Old 15-digit cards (area + YYMMDD + sequence, all 19xx births) are upgraded
    to 18 characters by inserting "19" and computing the check character.
    """
    today = _as_date(today) if today is not None else date.today()
    value = ascii_upper(squeeze(raw))
    if _ID15.fullmatch(value):
        first17 = value[:6] + "19" + value[6:]
        value = first17 + resident_id_check_char(first17)
    elif not _ID18.fullmatch(value):
        raise RuleError(ERR_ID_FORMAT)
    if resident_id_birth_date(value) > today:
        raise RuleError(ERR_ID_FUTURE)
    if resident_id_check_char(value[:17]) != value[17]:
        raise RuleError(ERR_ID_CHECKSUM)
    return value


# --- Other identity documents -----------------------------------------------

RESIDENT_ID = "resident_id"
HK_MACAO = "hk_macao_permit"
TAIWAN = "taiwan_permit"
PASSPORT = "passport"
OTHER = "other"

DOCUMENT_TYPES = [
    (RESIDENT_ID, N_("Resident ID card")),
    (HK_MACAO, N_("HK/Macao travel permit")),
    (TAIWAN, N_("Taiwan travel permit")),
    (PASSPORT, N_("Passport")),
    (OTHER, N_("Other document")),
]

ERR_HK_MACAO = N_("An HK/Macao permit number is H or M followed by 8 or 10 digits")
ERR_TAIWAN = N_("A Taiwan permit number has 8 digits")
ERR_PASSPORT = N_("A passport number has 5 to 20 letters or digits")
ERR_OTHER_DOCUMENT = N_("A document number has 1 to 30 characters")
ERR_DOCUMENT_TYPE = N_("Unknown document type: %(doc_type)s")

_HK_MACAO = re.compile(r"[HM][0-9]{8}([0-9]{2})?")
_TAIWAN = re.compile(r"[0-9]{8}")
_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
OTHER_DOCUMENT_MAX = 30


def _normalize_pattern(raw: Any, pattern: re.Pattern, message: str) -> str:
    value = ascii_upper(squeeze(raw))
    if not pattern.fullmatch(value):
        raise RuleError(message)
    return value


def _normalize_other_document(raw: Any) -> str:
    value = folded(raw).strip()
    if not 1 <= len(value) <= OTHER_DOCUMENT_MAX:
        raise RuleError(ERR_OTHER_DOCUMENT)
    return value


def normalize_document(doc_type: str, raw: Any, today: Optional[date] = None) -> str:
    """Validate a document number of the given type; return its stored form."""
    if doc_type == RESIDENT_ID:
        return normalize_resident_id(raw, today=today)
    if doc_type == HK_MACAO:
        return _normalize_pattern(raw, _HK_MACAO, ERR_HK_MACAO)
    if doc_type == TAIWAN:
        return _normalize_pattern(raw, _TAIWAN, ERR_TAIWAN)
    if doc_type == PASSPORT:
        return _normalize_pattern(raw, _PASSPORT, ERR_PASSPORT)
    if doc_type == OTHER:
        return _normalize_other_document(raw)
    raise RuleError(ERR_DOCUMENT_TYPE, doc_type=doc_type)


# --- Licence plates (GA 36) ----------------------------------------------------

ERR_PLATE = N_("Not a valid licence plate (e.g. 京A12345 or 京AD12345)")

PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_SUFFIXES = "挂学警港澳"  # trailer, learner, police, Hong Kong, Macao
_L = "[A-HJ-NP-Z]"  # I and O are never used: they look like 1 and 0
_A = "[A-HJ-NP-Z0-9]"
_P = f"[{PLATE_PROVINCES}]{_L}"
_PLATE = re.compile(
    f"{_P}{_A}{{4}}(?:{_A}|[{PLATE_SUFFIXES}])"  # ordinary, 7 chars
    f"|{_P}[DF]{_A}[0-9]{{4}}"  # small new-energy, 8 chars: D electric, F hybrid
    f"|{_P}[0-9]{{5}}[DF]"  # large new-energy, 8 chars
)


def normalize_plate(raw: Any) -> str:
    """Validate a Chinese plate; drop spaces and the middle dot, upper-case."""
    value = ascii_upper(squeeze(raw, extra="·・•"))
    if not _PLATE.fullmatch(value):
        raise RuleError(ERR_PLATE)
    return value


# --- Badges and party size ---------------------------------------------------

ERR_BADGE = N_("A badge number has 1 to 10 letters or digits")
ERR_PARTY_SIZE = N_("Party size must be between 1 and 50")
PARTY_SIZE_MIN, PARTY_SIZE_MAX = 1, 50
_BADGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,9}")  # no all-hyphen badges


def normalize_badge(raw: Any) -> str:
    value = folded(raw).strip()
    if not _BADGE.fullmatch(value):
        raise RuleError(ERR_BADGE)
    return ascii_upper(value)


def validate_party_size(n: Any) -> int:
    """Return the party size as an int; whole numbers 1..50 only."""
    if isinstance(n, str) and re.fullmatch(r"[0-9]{1,3}", n.strip()):
        n = int(n.strip())
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuleError(ERR_PARTY_SIZE)
    if not PARTY_SIZE_MIN <= n <= PARTY_SIZE_MAX:
        raise RuleError(ERR_PARTY_SIZE)
    return n


# --- Guard patrols -------------------------------------------------------------

PATROL_ROUNDS_REQUIRED = 5


def patrol_status(rounds_done: int, required: int = PATROL_ROUNDS_REQUIRED) -> tuple[int, int]:
    """(rounds done, rounds still missing); extra rounds never go negative."""
    if rounds_done < 0 or required < 0:
        raise ValueError("round counts cannot be negative")
    return rounds_done, max(required - rounds_done, 0)


# --- Blocklist -----------------------------------------------------------------

BLOCK, WARN, CLEAR = "block", "warn", "clear"


@dataclass(frozen=True)
class Verdict:
    level: str  # BLOCK, WARN or CLEAR
    entry: Any = None  # the matching blocklist entry, None when clear

    @property
    def blocked(self) -> bool:
        return self.level == BLOCK


def _field(entry: Any, name: str) -> Any:
    if isinstance(entry, Mapping):
        return entry.get(name)
    return getattr(entry, name, None)


def _as_date(value: date) -> date:
    # datetime is a date subclass but refuses to compare with a plain date.
    return value.date() if isinstance(value, datetime) else value


def blocklist_verdict(
    entries: Iterable[Any],
    id_hash: Optional[str],
    phone_hash: Optional[str],
    name: Optional[str],
    today: date,
) -> Verdict:
    """Block on a document or phone hash match; only warn on a bare name match
    (namesakes are common). Entries whose valid_until has passed are ignored."""
    today = _as_date(today)
    name = (name or "").strip()
    warning = None
    for entry in entries:
        valid_until = _field(entry, "valid_until")
        if valid_until is not None and _as_date(valid_until) < today:
            continue
        if (id_hash and _field(entry, "id_hash") == id_hash) or (
            phone_hash and _field(entry, "phone_hash") == phone_hash
        ):
            return Verdict(BLOCK, entry)
        if warning is None and name and (_field(entry, "name") or "").strip() == name:
            warning = entry
    return Verdict(WARN, warning) if warning is not None else Verdict(CLEAR)


# --- Visit times -------------------------------------------------------------

ERR_TIME_ORDER = N_("The time out cannot be before the time in")


def check_time_out(time_in: Optional[datetime], time_out: Optional[datetime]) -> None:
    """A visit cannot end before it starts; a missing time means still on site."""
    if time_in is not None and time_out is not None and time_out < time_in:
        raise RuleError(ERR_TIME_ORDER)


def is_overstay(time_in_local: datetime, now_local: datetime, closing: time) -> bool:
    """Still on site after closing time, or the visit began on an earlier day."""
    if time_in_local.date() < now_local.date():
        return True
    return now_local.time() > closing


# --- Appointment reference codes ------------------------------------------------

# No 0/O, 1/I/L: codes are read out over the phone and typed from paper.
REFERENCE_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_CODE_LENGTH = 6


def make_reference_code(rng: Any = None) -> str:
    """Random 6-char code; pass a seeded random.Random for reproducible tests."""
    if rng is None:
        rng = secrets.SystemRandom()
    return "".join(rng.choice(REFERENCE_CODE_ALPHABET) for _ in range(REFERENCE_CODE_LENGTH))

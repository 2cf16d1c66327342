"""Core pure rules: the message/error convention, text folding, phone numbers
and date order. Free of Flask and the database, shared by core and plugins;
messages are msgids marked with N_ and translated where they are shown."""
from __future__ import annotations

import re
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal
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


# --- Money ------------------------------------------------------------------------

FEN = Decimal("0.01")
ERR_MONEY_FORMAT = N_("Enter an amount in yuan, e.g. 1234.50")
ERR_MONEY_FEN = N_("An amount has at most two decimal places (fen)")
ERR_MONEY_NEGATIVE = N_("An amount of money cannot be negative")
ERR_MONEY_TOO_LARGE = N_("An amount cannot be more than %(max)s yuan")

_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_GROUPED_NUMBER = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")  # "1,234.50"; "12,34" is a typo


def cents(value) -> Decimal:
    """Rounded half-up to the fen, as finance rounds (四舍五入, not Python's banker's rounding)."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def parse_decimal(raw: Any, field: Optional[str] = None, message: str = ERR_MONEY_FORMAT) -> Optional[Decimal]:
    """A typed, imported or stored number as Decimal; None when blank. Full-width digits,
    thousands separators, ¥ and 元 are what input methods and spreadsheets give; a spreadsheet's
    float arrives as what was typed (its repr: 83.32, never 83.31999...)."""
    if isinstance(raw, bool) or not isinstance(raw, (type(None), int, float, Decimal, str)):
        raise RuleError(message, field=field)
    if raw is None:
        return None
    if isinstance(raw, float):
        raw = repr(raw)
    if isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
    else:
        text = squeeze(raw).lstrip("¥￥").removesuffix("元")
        if not text:
            return None
        if not (_PLAIN_NUMBER.fullmatch(text) or _GROUPED_NUMBER.fullmatch(text)):
            raise RuleError(message, field=field)
        value = Decimal(text.replace(",", ""))
    if not value.is_finite():
        raise RuleError(message, field=field)
    return value


def parse_money(raw: Any, field: Optional[str] = None, *, maximum: Optional[Decimal] = None,
                negative: bool = False, blank: Optional[Decimal] = None) -> Decimal:
    """An amount in yuan, exact to the fen ("¥5,999.00", "５９９９元", 5999.0): more than two
    decimals is an error, never a silent rounding. `blank`: what an empty value means (else an
    error); `negative`: whether a deficit may be typed; `maximum`: what the column holds."""
    value = parse_decimal(raw, field)
    if value is None:
        if blank is None:
            raise RuleError(ERR_MONEY_FORMAT, field=field)
        return blank
    if value < 0 and not negative:
        raise RuleError(ERR_MONEY_NEGATIVE, field=field)
    if maximum is not None and abs(value) > maximum:
        raise RuleError(ERR_MONEY_TOO_LARGE, field=field, max=f"{maximum:,}")
    if value != value.quantize(FEN):
        raise RuleError(ERR_MONEY_FEN, field=field)
    return value.quantize(FEN)

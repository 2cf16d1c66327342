"""Parsers for import columns: cell (text, number or date as the reader gives it) -> value, or
RuleError with a translatable message. Pure: no Flask, no database."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from ..rules import N_, RuleError, folded, normalize_phone, parse_yes_no
from .readers import cell_text

ERR_DATE = N_("Not a date (use 2026-09-01).")
ERR_INT = N_("Not a whole number.")
ERR_NUMBER = N_("Not a number.")
ERR_NEGATIVE = N_("Must not be negative.")
ERR_UNKNOWN = N_("Unknown value: %(value)s.")
ERR_YES_NO = N_("Write 是 or 否 (yes or no).")


def date_value(value, _row=None) -> date:
    """A date cell, or text as 2026-09-01, 2026/9/1, 2026.9.1 or 2026年9月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = folded(cell_text(value))
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        raise RuleError(ERR_DATE)
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise RuleError(ERR_DATE) from None


def integer(value, _row=None, minimum: int | None = 0) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = folded(cell_text(value)).replace(",", "")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise RuleError(ERR_INT)
        number = int(text)
    if minimum is not None and number < minimum:
        raise RuleError(ERR_NEGATIVE)
    return number


def decimal(value, _row=None, places: int = 2, minimum: Decimal | None = Decimal(0)) -> Decimal:
    """Money and measures as Decimal (a float cell goes through its shortest repr: 0.1 stays 0.1)."""
    text = folded(cell_text(value) if not isinstance(value, float) else repr(value))
    text = text.replace(",", "").replace("¥", "").replace("￥", "").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RuleError(ERR_NUMBER) from None
    if not number.is_finite():
        raise RuleError(ERR_NUMBER)
    if minimum is not None and number < minimum:
        raise RuleError(ERR_NEGATIVE)
    return number.quantize(Decimal(1).scaleb(-places))


def yes_no(value, _row=None) -> bool:
    text = folded(cell_text(value)).strip().lower()
    if text in {"0", "n", "no", "off", "false", "否", "×", "x"}:
        return False
    if not parse_yes_no(text):
        raise RuleError(ERR_YES_NO)
    return True


def phone(value, _row=None) -> str:
    return normalize_phone(cell_text(value))


def choice(words: dict[str, str]) -> Callable[[Any, Any], str]:
    """A parser for a coded column: `words` maps what people write (中文, English, the code;
    compared without case and spaces) to the stored code."""
    table = {"".join(str(k).split()).casefold(): v for k, v in words.items()}

    def parse(value, _row=None) -> str:
        text = cell_text(value)
        code = table.get("".join(folded(text).split()).casefold())
        if code is None:
            raise RuleError(ERR_UNKNOWN, value=text)
        return code
    return parse


def choice_words(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The words of (code, lazy label) pairs in both languages, plus the codes themselves."""
    from flask_babel import force_locale

    words = {code: code for code, _ in choices}
    for lang in ("zh", "en"):
        with force_locale(lang):
            words.update({str(label): code for code, label in choices})
    words.update(extra or {})
    return words


def coded(choices, extra: dict[str, str] | None = None) -> Callable[[Any, Any], str]:
    """A parser for a column of (code, lazy label) choices, read in either language; the table
    of words is made on first use (it needs the app's catalogues), then kept."""
    made: list = []

    def parse(value, row=None) -> str:
        if not made:
            made.append(choice(choice_words(choices, extra)))
        return made[0](value, row)
    return parse

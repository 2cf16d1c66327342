"""Typed values of the asset register, as a form, the API or a spreadsheet cell gives them:
money to the fen, whole counts, dates and months. Pure (no Flask, no database); errors are
RuleErrors placed on the field the caller names."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Optional

from app.rules import (  # noqa: F401  (re-exported: the register's rules speak of them)
    ERR_MONEY_FEN as ERR_MONEY_CENTS, ERR_MONEY_FORMAT, ERR_MONEY_TOO_LARGE, FEN as CENT, N_, RuleError, cents,
    parse_money as core_parse_money, squeeze,
)

ZERO = Decimal("0.00")
# Numeric(14, 2) on the card: a school's whole campus fits with room to spare.
MAX_MONEY = Decimal("999999999999.99")
ERR_DATE_FORMAT = N_("Enter a date as YYYY-MM-DD, e.g. 2024-03-15")
ERR_MONTH_FORMAT = N_("Enter a month as YYYY-MM, e.g. 2024-03")

_DATE = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?")
_MONTH = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})月?")
_WHOLE = re.compile(r"-?[0-9]+(\.0*)?")  # a spreadsheet's 40.0 is 40; 40.5 is not a count


def parse_money(raw: Any, field: Optional[str] = None) -> Decimal:
    """A typed or spreadsheet amount ("¥5,999.00", "５９９９元", 5999.0) as Decimal to the fen
    (app.rules.parse_money: more than two decimals is an error, not a silent rounding); the card's
    own rules refuse zero and negative prices with their own words."""
    return core_parse_money(raw, field, maximum=MAX_MONEY, negative=True)


def parse_whole(raw: Any, field: Optional[str], message: str) -> int:
    """A whole number from an int, a spreadsheet float or typed text; `message` when it is not."""
    if isinstance(raw, bool):
        raise RuleError(message, field=field)
    if isinstance(raw, int):
        return raw
    text = squeeze(raw)
    if not _WHOLE.fullmatch(text):
        raise RuleError(message, field=field)
    return int(text.split(".")[0])


def as_date(raw: Any, field: Optional[str] = None) -> date:
    """A date, datetime or typed date ("2024-03-15", "2024/3/15", "2024年3月15日")."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    match = _DATE.fullmatch(squeeze(raw))
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except (AttributeError, ValueError):
        raise RuleError(ERR_DATE_FORMAT, field=field) from None


def as_month(raw: Any, field: Optional[str] = None) -> date:
    """The first day of a month given as a date or typed ("2024-03", "2024年3月", a full date)."""
    if isinstance(raw, date):
        return date(raw.year, raw.month, 1)
    match = _MONTH.fullmatch(squeeze(raw))
    if match and 1 <= int(match.group(2)) <= 12:
        return date(int(match.group(1)), int(match.group(2)), 1)
    try:
        return as_month(as_date(raw))
    except RuleError:
        raise RuleError(ERR_MONTH_FORMAT, field=field) from None


def month_number(month: Any) -> int:
    """Months since year 0: consecutive months are consecutive numbers."""
    m = as_month(month)
    return m.year * 12 + m.month - 1


def month_at(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def add_months(month: Any, n: int) -> date:
    return month_at(month_number(month) + n)


def months_from_to(first: Any, last: Any) -> int:
    """How many months from the month of `first` through the month of `last`, both counted."""
    return month_number(last) - month_number(first) + 1

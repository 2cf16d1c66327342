"""The meal-fee accounts on the rules of rules.py: checking a month as typed, the ledger across
months with the carried balance and the settlements, and the term's rate from the core calendar."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import select

from app.rules import N_, RuleError
from app.school_calendar import terms as calendar_terms

from . import rules
from .models import FeeAccount, Settlement
from .services import setting

ERR_DUPLICATE = N_("There is already an account of this kind for this campus and month")
ERR_MONTH = N_("Enter a month from 1 to 12")
ERR_YEAR = N_("Enter a year from 2000 to 2100")
FIELDS = (*rules.INCOME_FIELDS, *(code for code, _ in rules.FOOD_KINDS), rules.SPENDING_TOTAL)


def band():
    return Decimal(str(setting("meals_band_pct")))


def check_account(session, values: dict, pk: Optional[int] = None) -> rules.MonthAccount:
    """Every broken rule at once (RuleErrors), the uniqueness of campus, month and kind included."""
    errors = []
    try:
        account = rules.month_account(values, band())
    except rules.RuleErrors as err:
        errors.extend(err.errors)
        account = None
    year, month = values.get("year"), values.get("month")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(RuleError(ERR_YEAR, field="year"))
    if not isinstance(month, int) or not 1 <= month <= 12:
        errors.append(RuleError(ERR_MONTH, field="month"))
    if values.get("kind") not in dict(rules.ACCOUNT_KINDS):
        errors.append(RuleError(rules.ERR_CHOOSE, field="kind"))
    if not errors:
        clash = session.execute(select(FeeAccount.id).where(
            FeeAccount.campus_id == values.get("campus_id"), FeeAccount.year == year, FeeAccount.month == month,
            FeeAccount.kind == values.get("kind"), FeeAccount.id != (pk or -1))).scalar()
        if clash:
            errors.append(RuleError(ERR_DUPLICATE, field="month"))
    if errors:
        raise rules.RuleErrors(errors)
    return account


def account_values(item) -> dict:
    values = {name: getattr(item, name) for name in FIELDS}
    values.update(year=item.year, month=item.month, kind=item.kind, campus_id=item.campus_id)
    return values


def month_result(item) -> rules.FeeBalance:
    return rules.fee_balance(item.income, item.spending, band())


@dataclass
class LedgerRow:
    account: Any
    result: rules.FeeBalance
    carried: Decimal
    refunded: Decimal
    covered: Decimal
    warning: bool
    term: Any


@dataclass
class TermRow:
    term: Any
    account: rules.TermAccount


def ledger(session, campus_id: int, kind: str, first: Optional[tuple] = None, last: Optional[tuple] = None):
    """Month rows (oldest first) with the cumulative balance, and each term's rate from its sums.
    Two queries and the calendar; the rules do the rest."""
    q = select(FeeAccount).where(FeeAccount.campus_id == campus_id, FeeAccount.kind == kind)
    accounts = session.execute(q.order_by(FeeAccount.year, FeeAccount.month)).scalars().all()
    done = {(s.year, s.month): s for s in session.execute(select(Settlement).where(
        Settlement.campus_id == campus_id, Settlement.kind == kind)).scalars()}
    flag_staff = bool(setting("meals_flag_staff"))
    bandpct = band()
    calendar = calendar_terms(session, campus_id)  # once: two statements
    cal = [(t.id, t.start_date, t.end_date) for t in calendar]
    by_id = {t.id: t for t in calendar}
    balances = {(a.year, a.month): rules.fee_balance(a.income, a.spending, bandpct) for a in accounts}
    lines = rules.running_balance(balances, done)
    rows, per_term = [], {}
    for a, line in zip(accounts, lines):
        result = balances[(a.year, a.month)]
        term_key = rules.term_of_month(a.year, a.month, cal) if cal else None
        if term_key is not None:
            per_term.setdefault(term_key, {})[(a.year, a.month)] = result
        rows.append(LedgerRow(a, result, line.carried, line.refunded, line.covered,
                              rules.month_warning(result, kind, flag_staff), by_id.get(term_key)))
    terms = [TermRow(by_id[key], rules.term_account(months, kind, bandpct, flag_staff))
             for key, months in per_term.items()]
    if first or last:
        rows = [r for r in rows if (not first or (r.account.year, r.account.month) >= first)
                and (not last or (r.account.year, r.account.month) <= last)]
    return rows, terms


def term_rate(session, campus_id: int, kind: str = rules.CHILDREN, on=None):
    """This term's account so far (the dashboard tile), or None without a term."""
    from app.school_calendar import this_term

    term = this_term(session, campus_id, today=on)
    if term is None:
        return None
    _rows, terms = ledger(session, campus_id, kind)
    for row in terms:
        if row.term.id == term.id:
            return row
    return None


def check_settlement(session, campus_id: int, kind: str, year: int, month: int, refunded, covered) -> rules.Settlement:
    rows, _terms = ledger(session, campus_id, kind, last=(year, month))
    carried = Decimal("0.00")
    for r in rows:
        carried = r.carried + r.refunded - r.covered if (r.account.year, r.account.month) == (year, month) else r.carried
    return rules.settle(carried, refunded, covered)

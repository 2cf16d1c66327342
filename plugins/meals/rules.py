"""Domain rules of the meal committee (伙委会 / 膳食委员会).

Pure functions of plain values: stdlib only, no Flask, no database, so forms, the API,
imports, jobs and prints all decide the same way and the rules are tested case by case.
Money is Decimal (a float is refused loudly); rates are compared exactly, as fractions.
Messages are msgids marked with ``N_`` next to the rule; each RuleError names the form
field (or JSON key) it belongs on. This module holds money and the meal-fee accounts
(issue 19 point 6); committee_rules.py the members, quorum, action items and nutrition.
Sources and the choices made where issue 19 is silent are in README.md beside this file.
"""
from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field as dc_field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Hashable, Iterable, Optional

from app.rules import (  # noqa: F401  (re-exported: the plugin's rules speak of them)
    ERR_MONEY_FEN, ERR_MONEY_FORMAT, ERR_MONEY_NEGATIVE, ERR_MONEY_TOO_LARGE, FEN, N_, RuleError, folded,
    parse_decimal, parse_money as core_parse_money,
)


class RuleErrors(RuleError):
    """Several broken rules at once, so the clerk fixes a form in one go. Reads (message,
    field, params) as the first one; ``errors`` holds them all (app.api.rule_errors(*errors))."""

    def __init__(self, errors: Iterable[RuleError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.message, field=first.field, **first.params)


def value_of(obj: Any, name: str) -> Any:
    """A value from a Mapping or an attribute (a model row, a dataclass, a namespace)."""
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


ERR_CHOOSE = N_("Choose one of the offered values.")
ERR_TEXT_LENGTH = N_("At most %(max)d characters")

# --- Money and numbers ------------------------------------------------------------
# One money parser for every plugin (app.rules): fen-exact, full-width digits, ¥/元, "1,234.50".

MONEY_MAX = Decimal("9999999999.99")  # the account columns are Numeric(12, 2)


def parse_money(raw: Any, field: Optional[str] = None) -> Decimal:
    """An amount in yuan, exact to the fen; a blank amount is 0.00; never negative."""
    return core_parse_money(raw, field, maximum=MONEY_MAX, blank=Decimal("0.00"))


def _amount(value: Any, field: str) -> Decimal:
    # Sums handed to the rate: no upper limit (a ten-year ledger), but never negative or float.
    number = parse_decimal(value, field, ERR_MONEY_FORMAT)
    number = Decimal(0) if number is None else number
    if number < 0:
        raise RuleError(ERR_MONEY_NEGATIVE, field=field)
    return number


def _signed(value: Any, field: str) -> Decimal:
    # A balance may be negative (a deficit); blank is 0.00.
    number = parse_decimal(value, field, ERR_MONEY_FORMAT)
    return Decimal("0.00") if number is None else number


def round_half_up(exact: Fraction, places: int) -> Decimal:
    """四舍五入 on the exact value (ties away from zero, like ROUND_HALF_UP), no double rounding:
    floor(|x| * 10^places + 1/2) in integers (a ten-year ledger computes a few hundred rates)."""
    p, q = exact.numerator, exact.denominator
    n = (2 * abs(p) * 10 ** places + q) // (2 * q)
    return Decimal(-n if p < 0 else n).scaleb(-places)


# --- The 2 % rule --------------------------------------------------------------------

# 托儿所幼儿园卫生保健工作规范 (2012): 儿童膳食费专款专用, 账目每月公布, 每学期膳食收支盈亏不超过2%.
BAND_PCT = Decimal("2")
ERR_BAND = N_("The band is a percentage from 0 to 100 with at most two decimals")
WITHIN, BEYOND, NO_INCOME = "within", "beyond", "no_income"
MSG_NO_INCOME = N_("No income recorded")
FEE_STATUSES = [(WITHIN, N_("Within the band")), (BEYOND, N_("Beyond the band")), (NO_INCOME, MSG_NO_INCOME)]


def parse_band_pct(raw: Any, field: str = "band_pct") -> Decimal:
    """The ± band in % (the setting): 0-100, at most two decimals, so a rate rounded to
    two places can never look beyond a band it is within."""
    value = parse_decimal(raw, field, ERR_BAND)
    if value is None or not 0 <= value <= 100 or value != value.quantize(FEN):
        raise RuleError(ERR_BAND, field=field)
    return value


@dataclass(frozen=True)
class FeeBalance:
    income: Decimal
    spending: Decimal
    balance: Decimal  # income - spending: > 0 surplus (盈), < 0 deficit (亏)
    rate_pct: Optional[Decimal]  # balance / income in %, half-up to 2 places; None: no income
    beyond: Optional[bool]  # the unrounded rate beyond ±band; None: no income
    band_pct: Decimal
    exact_pct: Optional[Fraction] = dc_field(default=None, repr=False)

    @property
    def status(self) -> str:
        return NO_INCOME if self.beyond is None else BEYOND if self.beyond else WITHIN

    @property
    def shown_pct(self) -> Optional[Decimal]:
        """rate_pct, with as many more places as it takes for a rate beyond the band not to
        read as on it: 2.002 % shows as 2.002, not as a puzzling "2.00 % beyond"."""
        if self.exact_pct is None:
            return None
        places, shown = 2, self.rate_pct
        while self.beyond and abs(shown) <= self.band_pct and places < 30:
            places += 1
            shown = round_half_up(self.exact_pct, places)
        return shown


def fee_balance(income: Any, spending: Any, band_pct: Any = BAND_PCT) -> FeeBalance:
    """Balance = income - spending, rate = balance / income, and whether the rate is beyond
    ±band_pct. Exactly on the band passes; the comparison is exact (2.002 % is beyond even
    though it rounds to 2.00). No income gives rate and verdict None, never a division by 0."""
    income, spending = _amount(income, "income"), _amount(spending, "spending")
    band = parse_band_pct(band_pct)
    balance = income - spending
    if income == 0:
        return FeeBalance(income, spending, balance, None, None, band)
    (bn, bd), (inn, ind), (pn, pd) = balance.as_integer_ratio(), income.as_integer_ratio(), band.as_integer_ratio()
    exact = Fraction(bn * ind * 100, bd * inn)  # balance / income in %, exactly (income > 0)
    beyond = abs(exact.numerator) * pd > pn * exact.denominator  # |exact| > band, in integers
    return FeeBalance(income, spending, balance, round_half_up(exact, 2), beyond, band, exact)


# --- The month's account --------------------------------------------------------------

CHILDREN, STAFF = "children", "staff"
# 师生伙食严格分开, 幼儿伙食费专款专用 (seed 003): one account per campus, month and kind.
ACCOUNT_KINDS = [(CHILDREN, N_("Children's / pupils' meals")), (STAFF, N_("Staff meals"))]
INCOME_FIELDS = ("fees_collected", "absence_refunds", "other_income")
FOOD_KINDS = [
    ("staples", N_("Staples (grain)")),
    ("meat_eggs", N_("Meat, poultry and eggs")),
    ("vegetables", N_("Vegetables")),
    ("oil_seasoning", N_("Oil and seasoning")),
    ("milk_fruit", N_("Milk and fruit")),
    ("other_food", N_("Other food")),
]
SPENDING_TOTAL = "spending_total"
ERR_REFUNDS_EXCEED_FEES = N_("Refunds for absence cannot be more than the fees collected (%(fees)s)")
ERR_TOTAL_NOT_SUM = N_("The total spending must equal the sum of the food kinds, %(sum)s")


@dataclass(frozen=True)
class MonthAccount:
    fees_collected: Decimal
    absence_refunds: Decimal  # 请假退费: reduces the month's income
    other_income: Decimal
    spending_by_kind: Mapping[str, Decimal]  # FOOD_KINDS order
    result: FeeBalance

    income = property(lambda self: self.result.income)  # fees - refunds + other
    spending = property(lambda self: self.result.spending)
    balance = property(lambda self: self.result.balance)
    rate_pct = property(lambda self: self.result.rate_pct)
    beyond = property(lambda self: self.result.beyond)


def month_account(values: Mapping[str, Any], band_pct: Any = BAND_PCT) -> MonthAccount:
    """Check a month's account as typed (form, API or import row, keyed by the field names
    above) and compute it. Blank amounts are 0; a blank total is the sum of the kinds, a
    typed one must equal it. Every broken rule is reported at once (RuleErrors)."""
    errors: list[RuleError] = []
    amounts: dict[str, Decimal] = {}
    kinds = [code for code, _ in FOOD_KINDS]
    for name in (*INCOME_FIELDS, *kinds, SPENDING_TOTAL):
        if name == SPENDING_TOTAL and values.get(name) in (None, ""):
            continue
        try:
            amounts[name] = parse_money(values.get(name), field=name)
        except RuleError as err:
            errors.append(err)
    fees, refunds = amounts.get("fees_collected"), amounts.get("absence_refunds")
    if fees is not None and refunds is not None and refunds > fees:
        errors.append(RuleError(ERR_REFUNDS_EXCEED_FEES, field="absence_refunds", fees=f"{fees:,}"))
    if all(k in amounts for k in kinds):
        kinds_sum = sum((amounts[k] for k in kinds), Decimal("0.00"))
        if amounts.setdefault(SPENDING_TOTAL, kinds_sum) != kinds_sum:
            errors.append(RuleError(ERR_TOTAL_NOT_SUM, field=SPENDING_TOTAL, sum=f"{kinds_sum:,}"))
    if errors:
        raise RuleErrors(errors)
    income = amounts["fees_collected"] - amounts["absence_refunds"] + amounts["other_income"]
    return MonthAccount(amounts["fees_collected"], amounts["absence_refunds"], amounts["other_income"],
                        {k: amounts[k] for k in kinds}, fee_balance(income, amounts[SPENDING_TOTAL], band_pct))


# --- Terms: the rate per term, warnings per month ----------------------------------------

Term = tuple[Hashable, date, date]  # (key, first day, last day) from the core school calendar


def band_applies(kind: str, flag_staff: bool = False) -> bool:
    """The 2 % rule is the children's (规范 2012); the staff account only when the setting says so."""
    if kind not in (CHILDREN, STAFF):
        raise RuleError(ERR_CHOOSE, field="kind")
    return kind == CHILDREN or bool(flag_staff)


def month_warning(account: Any, kind: str, flag_staff: bool = False) -> bool:
    """A single month beyond the band is a warning, not a breach: the rule is per term."""
    return band_applies(kind, flag_staff) and value_of(account, "beyond") is True


@dataclass(frozen=True)
class TermAccount:
    result: FeeBalance  # from the term's sums, never an average of monthly rates
    checked: bool  # whether the band applies to this kind of account
    warnings: tuple  # keys of the months beyond the band (when checked)
    months: tuple

    @property
    def flagged(self) -> Optional[bool]:
        """True beyond the band, False within (or not checked), None: no income this term."""
        return self.result.beyond if self.checked else False


def term_account(months: Mapping[Hashable, Any], kind: str, band_pct: Any = BAND_PCT,
                 flag_staff: bool = False) -> TermAccount:
    """The term's rate from the sums of its months' income and spending (each month a
    MonthAccount, FeeBalance or row with ``income`` and ``spending``)."""
    checked = band_applies(kind, flag_staff)
    band = parse_band_pct(band_pct)
    months_balances = {k: m if isinstance(m, FeeBalance) and m.band_pct == band  # computed already: not again
                       else fee_balance(value_of(m, "income"), value_of(m, "spending"), band) for k, m in months.items()}
    income = sum((b.income for b in months_balances.values()), Decimal("0.00"))
    spending = sum((b.spending for b in months_balances.values()), Decimal("0.00"))
    warnings = tuple(k for k, b in months_balances.items() if checked and b.beyond)
    return TermAccount(fee_balance(income, spending, band_pct), checked, warnings, tuple(months))


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def term_of_month(year: int, month: int, terms: Iterable[Term]) -> Optional[Hashable]:
    """The term a month's account belongs to: the one holding most of the month's days (a tie
    goes to the later term, whose fees are being collected); None for a month in no term."""
    first, last = _month_span(year, month)
    best, best_days = None, 0
    for key, start, end in sorted(terms, key=lambda t: t[1]):
        days = (min(end, last) - max(start, first)).days + 1
        if days > 0 and days >= best_days:
            best, best_days = key, days
    return best


def months_of_term(key: Hashable, terms: Iterable[Term]) -> list[tuple[int, int]]:
    """The (year, month) pairs whose accounts make up the term's sums."""
    terms = list(terms)
    spans = [(s, e) for k, s, e in terms if k == key]
    if not spans:
        raise KeyError(key)
    start, end = spans[0]
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        if term_of_month(y, m, terms) == key:
            out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --- Carried balance and the term-end settlement (结退) -----------------------------------

ERR_NO_SURPLUS = N_("There is no surplus to refund: the carried balance is %(carried)s")
ERR_NO_DEFICIT = N_("There is no deficit to cover: the carried balance is %(carried)s")
ERR_REFUND_TOO_LARGE = N_("The refunds cannot be more than the surplus of %(carried)s")
ERR_COVER_TOO_LARGE = N_("The amount covered cannot be more than the deficit of %(carried)s")


@dataclass(frozen=True)
class Settlement:
    carried_before: Decimal
    refunded: Decimal  # surplus refunded to families (结退幼儿伙食费, seed 003)
    covered: Decimal  # deficit covered (by the institution)

    @property
    def remainder(self) -> Decimal:
        """What opens the next term: 0 for a settlement in full, else the fen left over."""
        return self.carried_before - self.refunded + self.covered


def settle(carried: Any, refunded: Any = None, covered: Any = None) -> Settlement:
    """Check a term-end settlement against the carried balance: a surplus is refunded, a
    deficit covered, never more than there is."""
    carried = _signed(carried, "carried")
    refunded, covered = parse_money(refunded, "refunded"), parse_money(covered, "covered")
    shown = f"{carried:,}"
    if refunded and carried <= 0:
        raise RuleError(ERR_NO_SURPLUS, field="refunded", carried=shown)
    if covered and carried >= 0:
        raise RuleError(ERR_NO_DEFICIT, field="covered", carried=shown)
    if refunded > carried > 0:
        raise RuleError(ERR_REFUND_TOO_LARGE, field="refunded", carried=shown)
    if covered > -carried > 0:
        raise RuleError(ERR_COVER_TOO_LARGE, field="covered", carried=f"{-carried:,}")
    return Settlement(carried, refunded, covered)


@dataclass(frozen=True)
class LedgerLine:
    key: Hashable
    balance: Decimal  # the month's own balance
    refunded: Decimal
    covered: Decimal
    carried: Decimal  # cumulative balance after this month (and its settlement)


def running_balance(balances: Mapping[Hashable, Any], settlements: Optional[Mapping[Hashable, Any]] = None,
                    opening: Any = Decimal("0.00")) -> list[LedgerLine]:
    """The cumulative balance month by month, in the order given; a settlement recorded in a
    month applies after that month's balance. Recomputes what is stored without refusing:
    a month corrected after its settlement shows as a remainder, not as an error."""
    settlements = settlements or {}
    carried, lines = _signed(opening, "opening"), []
    for key, month in balances.items():
        balance = _signed(month if isinstance(month, (int, Decimal, str)) else value_of(month, "balance"), "balance")
        done = settlements.get(key)
        refunded = _signed(None if done is None else value_of(done, "refunded"), "refunded")
        covered = _signed(None if done is None else value_of(done, "covered"), "covered")
        carried = carried + balance - refunded + covered
        lines.append(LedgerLine(key, balance, refunded, covered, carried))
    return lines

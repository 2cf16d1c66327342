"""The meal-fee accounts (伙食费): money, the 2 % rule, the month's account, the term's rate,
the carried balance and the term-end settlement (结退). Worked tables a finance clerk can
check by hand, and invariants over many cases (hypothesis) against independent oracles."""
import ast
import pathlib
import subprocess
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from types import SimpleNamespace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from plugins.meals import committee_rules, rules
from plugins.meals.rules import RuleError, RuleErrors, fee_balance

D = Decimal
money = st.decimals(min_value=0, max_value=D("99999999.99"), places=2, allow_nan=False, allow_infinity=False)
positive_money = money.filter(lambda d: d > 0)
bands = st.decimals(min_value=0, max_value=D("20"), places=2, allow_nan=False, allow_infinity=False)


def raises_rule(message, on, func, *args, **kwargs):
    """The rule is refused with `message`, placed on the form field `on`."""
    with pytest.raises(RuleError) as info:
        func(*args, **kwargs)
    assert (info.value.message, info.value.field) == (message, on)
    return info.value


def oracle_rate(balance: Decimal, income: Decimal) -> Decimal:
    """Independent of the Fraction arithmetic in rules: 60-digit decimal division, then 四舍五入."""
    with localcontext() as ctx:
        ctx.prec = 60
        return (balance * 100 / income).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def oracle_beyond(balance: Decimal, income: Decimal, band: Decimal) -> bool:
    # |balance| / income > band / 100  <=>  |balance| * 100 > band * income: no division at all.
    with localcontext() as ctx:
        ctx.prec = 60
        return abs(balance) * 100 > band * income


def account(**overrides):
    """An October children's account of a kindergarten of about 150 children (yuan)."""
    values = {"fees_collected": "48,600.00", "absence_refunds": "1260", "other_income": "",
              "staples": "6820.50", "meat_eggs": "15430", "vegetables": "9875.30",
              "oil_seasoning": "2106.20", "milk_fruit": "8940.00", "other_food": "3512.00",
              "spending_total": "46684.00"}
    values.update(overrides)
    return rules.month_account(values)


# --- The modules stay pure ----------------------------------------------------------


@pytest.mark.parametrize("module", [rules, committee_rules])
def test_the_rules_import_neither_flask_nor_the_database(module):
    tree = ast.parse(pathlib.Path(module.__file__).read_text(encoding="utf-8"))
    imported = {(node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
                for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in node.names}
    assert not {m.split(".")[0] for m in imported} & {"flask", "flask_babel", "flask_appbuilder", "sqlalchemy"}
    assert {m for m in imported if m.split(".")[0] == "app"} <= {"app.rules"}
    probe = (f"import sys, {module.__name__}; "
             "print(sorted(m for m in ('flask', 'flask_babel', 'sqlalchemy', 'flask_appbuilder') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=pathlib.Path(rules.__file__).parents[2], check=True).stdout.strip()
    assert out == "[]"


def test_every_message_is_a_distinct_constant_next_to_its_rule():
    own = [v for module in (rules, committee_rules) for k, v in vars(module).items()
           if (k.startswith("ERR_") or k.startswith("MSG_")) and (module is rules or not hasattr(rules, k))]
    assert len(own) == len(set(own)) >= 25
    assert all(isinstance(m, str) and m and m[0].isupper() for m in own)


def test_several_errors_read_as_the_first_and_keep_them_all():
    first, second = RuleError(rules.ERR_MONEY_NEGATIVE, field="staples"), RuleError(rules.ERR_MONEY_FEN, field="vegetables")
    both = RuleErrors([first, second])
    assert isinstance(both, RuleError)
    assert (both.message, both.field, both.errors) == (first.message, "staples", [first, second])


# --- Money ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, amount", [
    ("1234.50", D("1234.50")),
    ("1,234.5", D("1234.50")),
    ("12,345,678.90", D("12345678.90")),
    ("１２３４．５", D("1234.50")),  # full-width digits and point from a Chinese input method
    ("１，２３４", D("1234.00")),
    ("¥80", D("80.00")),
    ("￥ 80", D("80.00")),
    ("80元", D("80.00")),
    (" 0 ", D("0.00")),
    ("1.230", D("1.23")),  # trailing zeros are still whole fen
    (".5", D("0.50")),
    ("", D("0.00")),  # a blank amount is nothing spent
    (None, D("0.00")),
    (D("99.9"), D("99.90")),
    (12, D("12.00")),
    ("9999999999.99", D("9999999999.99")),
])
def test_typed_amounts_become_exact_yuan_and_fen(typed, amount):
    parsed = rules.parse_money(typed, field="staples")
    assert parsed == amount and parsed.as_tuple().exponent == -2


@pytest.mark.parametrize("typed, message", [
    ("-5", rules.ERR_MONEY_NEGATIVE),
    ("-0.01", rules.ERR_MONEY_NEGATIVE),
    (D("-1"), rules.ERR_MONEY_NEGATIVE),
    ("1.234", rules.ERR_MONEY_FEN),
    (D("0.001"), rules.ERR_MONEY_FEN),
    ("12,34", rules.ERR_MONEY_FORMAT),  # not a thousands grouping: a typo, not 1234
    ("1,2345", rules.ERR_MONEY_FORMAT),
    ("abc", rules.ERR_MONEY_FORMAT),
    ("1e3", rules.ERR_MONEY_FORMAT),
    ("12.5.1", rules.ERR_MONEY_FORMAT),
    ("NaN", rules.ERR_MONEY_FORMAT),
    (D("NaN"), rules.ERR_MONEY_FORMAT),
    (D("Infinity"), rules.ERR_MONEY_FORMAT),
    (True, rules.ERR_MONEY_FORMAT),
    ([1], rules.ERR_MONEY_FORMAT),
    ("10000000000", rules.ERR_MONEY_TOO_LARGE),
    (D("1E+40"), rules.ERR_MONEY_TOO_LARGE),
])
def test_bad_amounts_are_refused_on_their_field(typed, message):
    raises_rule(message, "staples", rules.parse_money, typed, field="staples")


def test_a_spreadsheets_float_is_taken_as_it_was_typed():
    """Imported cells arrive as floats: 0.1 is ¥0.10 (its repr), never 0.1000000000000000055...
    (one money parser for every plugin: app.rules.parse_money)."""
    assert rules.parse_money(0.1) == D("0.10")
    assert fee_balance(100.0, D("98")).balance == D("2.00")


@given(money)
def test_an_amount_typed_with_grouping_reads_back_the_same(amount):
    assert rules.parse_money(f"{amount:,}") == amount == rules.parse_money(str(amount))


# --- The 2 % rule: worked cases ---------------------------------------------------------------


def test_exactly_two_percent_passes():
    result = fee_balance(D("10000.00"), D("9800.00"))
    assert (result.balance, result.rate_pct, result.beyond, result.status) == (D("200.00"), D("2.00"), False, rules.WITHIN)


def test_a_deficit_of_exactly_two_percent_passes():
    result = fee_balance(D("10000.00"), D("10200.00"))
    assert (result.balance, result.rate_pct, result.beyond) == (D("-200.00"), D("-2.00"), False)


def test_two_point_zero_zero_two_percent_is_beyond_though_it_rounds_to_two():
    result = fee_balance(D("10000.00"), D("9799.80"))
    assert (result.balance, result.rate_pct, result.beyond, result.status) == (D("200.20"), D("2.00"), True, rules.BEYOND)
    assert result.shown_pct == D("2.002")  # the screen shows why "2.00 %" is flagged


def test_a_deficit_of_two_point_zero_zero_zero_one_percent_is_beyond():
    result = fee_balance(D("1000000.00"), D("1020001.00"))
    assert (result.balance, result.rate_pct, result.beyond) == (D("-20001.00"), D("-2.00"), True)
    assert result.shown_pct == D("-2.0001")


def test_a_month_with_no_income_says_so():
    result = fee_balance(D("0"), D("350.00"))
    assert (result.balance, result.rate_pct, result.beyond) == (D("-350.00"), None, None)
    assert result.status == rules.NO_INCOME and result.shown_pct is None
    assert dict(rules.FEE_STATUSES)[result.status] == rules.MSG_NO_INCOME == "No income recorded"


def test_a_month_with_neither_income_nor_spending_has_no_rate():
    assert fee_balance(0, 0).rate_pct is None and fee_balance("", None).balance == 0


@pytest.mark.parametrize("income, spending, rate", [
    ("1000.00", "999.95", "0.01"),  # 0.005 % rounds half up
    ("1000.00", "1000.05", "-0.01"),  # and half away from zero for a deficit (四舍五入)
    ("1000.00", "999.96", "0.00"),  # 0.004 %
    ("10000.00", "9799.50", "2.01"),  # 2.005 %
    ("300.00", "299.00", "0.33"),  # 1/3 %
    ("300.00", "298.00", "0.67"),  # 2/3 %
    ("47340.00", "46684.00", "1.39"),  # 656 / 47340 = 1.3857 %
    ("0.01", "0.00", "100.00"),  # nothing spent at all
    ("0.01", "100.00", "-999900.00"),
])
def test_rates_round_half_up_to_two_places(income, spending, rate):
    assert fee_balance(D(income), D(spending)).rate_pct == D(rate)


@pytest.mark.parametrize("income, spending, band, beyond", [
    ("10000.00", "9750.00", "2.5", False),  # a wider band (setting)
    ("10000.00", "9749.99", "2.5", True),
    ("10000.00", "10000.00", "0", False),  # a zero band: only an exact balance passes
    ("10000.00", "9999.99", "0", True),
    ("10000.00", "9700.00", "3.00", False),
])
def test_the_band_is_a_setting(income, spending, band, beyond):
    assert fee_balance(D(income), D(spending), band_pct=D(band)).beyond is beyond


@pytest.mark.parametrize("band", ["-1", "100.01", "2.005", "two", "", None])
def test_a_band_that_is_not_a_percentage_is_refused(band):
    raises_rule(rules.ERR_BAND, "band_pct", rules.parse_band_pct, band)


def test_negative_income_or_spending_is_refused_on_its_field():
    raises_rule(rules.ERR_MONEY_NEGATIVE, "income", fee_balance, D("-1"), D("0"))
    raises_rule(rules.ERR_MONEY_NEGATIVE, "spending", fee_balance, D("1"), D("-0.01"))


# --- The 2 % rule: many cases -------------------------------------------------------------------


@given(money, money)
def test_balance_is_income_minus_spending_exactly(income, spending):
    assert fee_balance(income, spending).balance == income - spending


@given(positive_money, money, bands)
def test_rate_and_verdict_agree_with_the_unrounded_ratio(income, spending, band):
    result = fee_balance(income, spending, band)
    assert result.rate_pct == oracle_rate(income - spending, income)
    assert result.beyond is oracle_beyond(income - spending, income, band)


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from([1, -1]))
def test_on_the_two_percent_edge_passes_and_one_fen_past_it_is_beyond(halves, sign):
    income = D(halves) * D("0.50")  # 2 % of it is a whole number of fen
    on_edge = sign * D(halves) * D("0.01")
    assert fee_balance(income, income - on_edge).beyond is False
    assert fee_balance(income, income - on_edge - sign * D("0.01")).beyond is True
    assert fee_balance(income, income - on_edge + sign * D("0.01")).beyond is False


@given(st.integers(min_value=1, max_value=10**6), bands, st.sampled_from([1, -1]))
def test_any_band_passes_on_its_edge(hundreds, band, sign):
    income = D(hundreds) * 100
    balance = sign * band * hundreds  # exactly band % of the income
    assume(balance < income)
    assert fee_balance(income, income - balance, band).beyond is False
    assert fee_balance(income, income - balance - sign * D("0.01"), band).beyond is True


@given(positive_money, money)
def test_a_shown_rate_never_reads_as_within_when_it_is_beyond(income, spending):
    result = fee_balance(income, spending)
    if result.beyond:
        assert abs(result.shown_pct) > result.band_pct
    else:
        assert result.shown_pct == result.rate_pct


# --- The month's account --------------------------------------------------------------------------


def test_a_month_worked_by_hand():
    """Income 48,600.00 - 1,260.00 refunds = 47,340.00; spending 46,684.00; balance 656.00;
    656 / 47,340 = 1.39 %."""
    month = account()
    assert (month.income, month.spending, month.balance, month.rate_pct, month.beyond) == (
        D("47340.00"), D("46684.00"), D("656.00"), D("1.39"), False)
    assert list(month.spending_by_kind) == [code for code, _ in rules.FOOD_KINDS]
    assert month.spending_by_kind["meat_eggs"] == D("15430.00")


def test_refunds_for_absence_reduce_the_income_and_other_income_adds_to_it():
    month = account(absence_refunds="2000", other_income="150.50", spending_total="")
    assert month.income == D("48600.00") - D("2000.00") + D("150.50")


def test_a_blank_total_is_the_sum_of_the_kinds():
    assert account(spending_total="").spending == D("46684.00")


def test_a_total_that_is_not_the_sum_of_the_kinds_is_refused():
    err = raises_rule(rules.ERR_TOTAL_NOT_SUM, "spending_total", account, spending_total="46684.01")
    assert err.params == {"sum": "46,684.00"}


def test_negative_spending_of_a_kind_is_refused_on_that_kind():
    raises_rule(rules.ERR_MONEY_NEGATIVE, "vegetables", account, vegetables="-9875.30")


def test_refunds_larger_than_the_fees_collected_are_refused():
    err = raises_rule(rules.ERR_REFUNDS_EXCEED_FEES, "absence_refunds", account, absence_refunds="48600.01")
    assert err.params == {"fees": "48,600.00"}
    assert account(absence_refunds="48600.00", spending_total="").income == 0


def test_every_broken_amount_is_reported_at_once():
    with pytest.raises(RuleErrors) as info:
        account(fees_collected="-1", staples="abc", milk_fruit="1.005")
    assert [(e.field, e.message) for e in info.value.errors] == [
        ("fees_collected", rules.ERR_MONEY_NEGATIVE), ("staples", rules.ERR_MONEY_FORMAT),
        ("milk_fruit", rules.ERR_MONEY_FEN)]


def test_a_month_without_fees_says_no_income_recorded():
    month = rules.month_account({"staples": "120"})
    assert (month.income, month.balance, month.result.status) == (0, D("-120.00"), rules.NO_INCOME)


kinds = st.fixed_dictionaries({code: money for code, _ in rules.FOOD_KINDS})


@given(money, money, money, kinds)
def test_the_month_balances_to_the_fen(fees, refunds, other, spent):
    assume(refunds <= fees)
    month = rules.month_account({"fees_collected": fees, "absence_refunds": refunds, "other_income": other,
                                 **spent, "spending_total": sum(spent.values())})
    assert month.income == fees - refunds + other
    assert month.spending == sum(month.spending_by_kind.values()) == sum(spent.values())
    assert month.balance == month.income - month.spending


@given(kinds, st.sampled_from([D("0.01"), D("-0.01"), D("1")]))
def test_any_total_off_by_a_fen_is_refused(spent, off):
    total = sum(spent.values()) + off
    assume(total >= 0)
    raises_rule(rules.ERR_TOTAL_NOT_SUM, "spending_total", rules.month_account, {**spent, "spending_total": total})


# --- The term ----------------------------------------------------------------------------------------

AUTUMN = ("2025-1", date(2025, 9, 1), date(2026, 1, 23))
SPRING = ("2025-2", date(2026, 2, 24), date(2026, 7, 10))
AUTUMN_NEXT = ("2026-1", date(2026, 9, 1), date(2027, 1, 22))
TERMS = [AUTUMN, SPRING, AUTUMN_NEXT]

# The autumn term of a kindergarten, children's account (yuan): income, spending.
AUTUMN_MONTHS = {
    (2025, 9): SimpleNamespace(income=D("45000.00"), spending=D("44280.00")),  # +720.00, 1.60 %
    (2025, 10): SimpleNamespace(income=D("47340.00"), spending=D("46684.00")),  # +656.00, 1.39 %
    (2025, 11): SimpleNamespace(income=D("46800.00"), spending=D("47900.00")),  # -1,100.00, -2.35 %
    (2025, 12): SimpleNamespace(income=D("47000.00"), spending=D("46250.00")),  # +750.00, 1.60 %
    (2026, 1): SimpleNamespace(income=D("23500.00"), spending=D("23100.00")),  # +400.00, 1.70 %
}


def test_a_term_worked_by_hand():
    """Income 209,640.00, spending 208,214.00: +1,426.00 = 0.68 % for the term; November's
    -2.35 % is a warning, the term is within the band."""
    term = rules.term_account(AUTUMN_MONTHS, rules.CHILDREN)
    assert (term.result.income, term.result.spending, term.result.balance) == (
        D("209640.00"), D("208214.00"), D("1426.00"))
    assert (term.result.rate_pct, term.flagged, term.warnings) == (D("0.68"), False, ((2025, 11),))
    assert fee_balance(D("46800.00"), D("47900.00")).rate_pct == D("-2.35")


def test_a_single_month_beyond_is_a_warning_not_a_breach():
    november = fee_balance(D("46800.00"), D("47900.00"))
    assert rules.month_warning(november, rules.CHILDREN) is True
    assert rules.month_warning(fee_balance(D("47000.00"), D("46250.00")), rules.CHILDREN) is False


def test_the_term_rate_comes_from_the_sums_not_an_average_of_monthly_rates():
    months = {1: SimpleNamespace(income=D("1000.00"), spending=D("900.00")),  # +10 %
              2: SimpleNamespace(income=D("9000.00"), spending=D("9090.00"))}  # -1 %
    term = rules.term_account(months, rules.CHILDREN)
    assert term.result.rate_pct == D("0.10")  # 10 / 10,000, not (10 - 1) / 2 = 4.5 %
    assert term.flagged is False and term.warnings == (1,)


def test_a_term_beyond_the_band_is_flagged():
    months = {k: v for k, v in AUTUMN_MONTHS.items() if k != (2025, 11)}  # surpluses only: 2,526 / 162,840
    term = rules.term_account(months, rules.CHILDREN)
    assert (term.result.balance, term.result.rate_pct, term.flagged, term.warnings) == (D("2526.00"), D("1.55"), False, ())
    term = rules.term_account(months, rules.CHILDREN, band_pct=D("1.5"))  # a stricter setting
    assert term.flagged is True and term.warnings == ((2025, 9), (2025, 12), (2026, 1))  # October: 1.39 %


def test_the_staff_account_is_flagged_only_when_the_setting_says_so():
    months = {1: SimpleNamespace(income=D("8000.00"), spending=D("7000.00"))}  # +12.5 %
    off = rules.term_account(months, rules.STAFF)
    assert (off.checked, off.flagged, off.warnings, off.result.beyond) == (False, False, (), True)
    on = rules.term_account(months, rules.STAFF, flag_staff=True)
    assert (on.checked, on.flagged, on.warnings) == (True, True, (1,))
    assert rules.month_warning(fee_balance(D("8000"), D("7000")), rules.STAFF) is False
    assert rules.month_warning(fee_balance(D("8000"), D("7000")), rules.STAFF, flag_staff=True) is True


def test_a_term_with_no_income_says_so_instead_of_a_verdict():
    term = rules.term_account({(2026, 8): SimpleNamespace(income=D("0"), spending=D("40.00"))}, rules.CHILDREN)
    assert (term.flagged, term.result.status, term.warnings) == (None, rules.NO_INCOME, ())


def test_an_unknown_kind_of_account_is_refused():
    raises_rule(rules.ERR_CHOOSE, "kind", rules.band_applies, "teachers")


accounts = st.lists(st.tuples(money, money), min_size=0, max_size=12)


@given(accounts, bands, st.booleans())
def test_term_sums_equal_the_month_sums(pairs, band, flag_staff):
    months = {i: fee_balance(income, spending, band) for i, (income, spending) in enumerate(pairs)}
    term = rules.term_account(months, rules.STAFF, band, flag_staff)
    assert term.result.income == sum(m.income for m in months.values())
    assert term.result.spending == sum(m.spending for m in months.values())
    assert term.result.balance == sum(m.balance for m in months.values())
    assert term.result == fee_balance(term.result.income, term.result.spending, band)
    assert term.warnings == (tuple(k for k, m in months.items() if m.beyond) if flag_staff else ())


@pytest.mark.parametrize("year, month, term", [
    (2025, 8, None),  # summer holidays: in no term
    (2025, 9, "2025-1"),
    (2026, 1, "2025-1"),  # the autumn term ends on 23 January
    (2026, 2, "2025-2"),  # 5 days of the spring term, none of the autumn's
    (2026, 7, "2025-2"),
    (2026, 8, None),
    (2026, 9, "2026-1"),
])
def test_a_month_belongs_to_the_term_holding_most_of_its_days(year, month, term):
    assert rules.term_of_month(year, month, TERMS) == term


def test_a_month_split_evenly_between_two_terms_goes_to_the_later():
    terms = [("a", date(2026, 1, 1), date(2026, 4, 15)), ("b", date(2026, 4, 16), date(2026, 7, 1))]
    assert rules.term_of_month(2026, 4, terms) == "b"  # 15 days each
    terms = [("a", date(2026, 1, 1), date(2026, 4, 16)), ("b", date(2026, 4, 17), date(2026, 7, 1))]
    assert rules.term_of_month(2026, 4, terms) == "a"


def test_the_months_of_a_term():
    assert rules.months_of_term("2025-1", TERMS) == [(2025, 9), (2025, 10), (2025, 11), (2025, 12), (2026, 1)]
    assert rules.months_of_term("2025-2", TERMS) == [(2026, m) for m in range(2, 8)]
    with pytest.raises(KeyError):
        rules.months_of_term("1999-1", TERMS)


@given(st.integers(min_value=2024, max_value=2027), st.integers(min_value=1, max_value=12))
def test_every_month_is_in_at_most_one_term_and_that_term_lists_it(year, month):
    term = rules.term_of_month(year, month, TERMS)
    holders = [key for key, _, _ in TERMS if (year, month) in rules.months_of_term(key, TERMS)]
    assert holders == ([] if term is None else [term])


# --- Carried balance and settlement (结退) -----------------------------------------------------------


def test_the_carried_balance_and_a_term_end_settlement_worked_by_hand():
    """720 + 656 - 1,100 + 750 + 400 = 1,426.00 carried at the end of January; 142 children
    are refunded 10.00 each (1,420.00); 6.00 opens the spring term."""
    balances = {k: fee_balance(m.income, m.spending) for k, m in AUTUMN_MONTHS.items()}
    before = rules.running_balance(balances)
    assert [line.carried for line in before] == [D("720.00"), D("1376.00"), D("276.00"), D("1026.00"), D("1426.00")]
    settlement = rules.settle(before[-1].carried, refunded="1420.00")
    assert settlement.remainder == D("6.00")
    after = rules.running_balance({**balances, (2026, 2): D("-300.00")}, {(2026, 1): settlement})
    assert [(line.refunded, line.carried) for line in after[-2:]] == [(D("1420.00"), D("6.00")), (D("0.00"), D("-294.00"))]


def test_a_settlement_in_full_resets_the_carried_balance():
    assert rules.settle(D("1426.00"), refunded=D("1426.00")).remainder == 0
    assert rules.settle(D("-830.50"), covered="830.50").remainder == 0
    assert rules.settle(D("0.00")).remainder == 0  # a term that came out even is settled with nothing


@pytest.mark.parametrize("carried, refunded, covered, message, field", [
    ("-100.00", "50", None, rules.ERR_NO_SURPLUS, "refunded"),
    ("0.00", "0.01", None, rules.ERR_NO_SURPLUS, "refunded"),
    ("100.00", None, "50", rules.ERR_NO_DEFICIT, "covered"),
    ("100.00", "100.01", None, rules.ERR_REFUND_TOO_LARGE, "refunded"),
    ("-100.00", None, "100.01", rules.ERR_COVER_TOO_LARGE, "covered"),
    ("100.00", "50", "50", rules.ERR_NO_DEFICIT, "covered"),
    ("100.00", "-5", None, rules.ERR_MONEY_NEGATIVE, "refunded"),
])
def test_a_settlement_that_does_not_fit_the_carried_balance_is_refused(carried, refunded, covered, message, field):
    raises_rule(message, field, rules.settle, D(carried), refunded=refunded, covered=covered)


signed_money = st.decimals(min_value=D("-9999999.99"), max_value=D("9999999.99"), places=2,
                           allow_nan=False, allow_infinity=False)


@given(st.lists(signed_money, min_size=1, max_size=24), signed_money, st.data())
def test_the_carried_balance_after_settlements(balances, opening, data):
    """Whatever months and settlements: carried = opening + balances - refunds + covered, and
    right after a settlement in full nothing is carried."""
    months = dict(enumerate(balances))
    settlements, carried = {}, opening
    for key, balance in months.items():
        carried += balance
        if data.draw(st.booleans(), label=f"settle after month {key}"):
            settlements[key] = rules.settle(carried, refunded=max(carried, 0), covered=max(-carried, 0))
            carried = D("0.00")
    lines = rules.running_balance(months, settlements, opening)
    assert lines[-1].carried == opening + sum(balances) - sum(s.refunded for s in settlements.values()) \
        + sum(s.covered for s in settlements.values())
    assert all(line.carried == 0 for line in lines if line.key in settlements)
    assert lines[-1].carried == carried


def test_a_month_corrected_after_its_settlement_shows_as_a_remainder():
    settled = rules.settle(D("500.00"), refunded="500.00")
    lines = rules.running_balance({1: D("520.00")}, {1: settled})  # the month was later corrected by +20
    assert lines[0].carried == D("20.00")

"""Depreciation under 政府会计准则第3号, the split of a batch card and the checks of a card:
worked cases a finance clerk can redo by hand, then invariants over many cases."""
import ast
import os
import random
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from plugins.assets import rules, values
from plugins.assets.rules import RuleError

TODAY = date(2025, 6, 15)


def raises_rule(message, func, *args, **kwargs):
    with pytest.raises(RuleError) as info:
        func(*args, **kwargs)
    assert info.value.message == message
    return info.value


def rows_of(original, life, acquired, **kw):
    return rules.schedule(original, life, acquired, "2200-12", **kw)


# --- Worked cases ------------------------------------------------------------------------------

def test_desktop_5999_over_72_months_from_15_march_2024_is_83_32_a_month_and_83_28_in_february_2030():
    rows = rows_of("5999.00", 72, date(2024, 3, 15))
    assert len(rows) == 72
    assert (rows[0].month, rows[0].amount) == (date(2024, 3, 1), D("83.32"))  # 当月增加当月计提
    assert {r.amount for r in rows[:71]} == {D("83.32")}
    assert (rows[-1].month, rows[-1].amount) == (date(2030, 2, 1), D("83.28"))  # 5999.00 - 71 x 83.32
    assert rows[-1].accumulated == D("5999.00") and rows[-1].net == D("0.00")


def test_the_same_desktop_has_833_20_accumulated_at_the_end_of_2024_and_5999_from_february_2030():
    assert rules.accumulated(D("5999.00"), 72, date(2024, 3, 15), date(2024, 12, 31)) == D("833.20")
    assert rules.accumulated(D("5999.00"), 72, date(2024, 3, 15), date(2030, 1, 31)) == D("5915.72")
    assert rules.accumulated(D("5999.00"), 72, date(2024, 3, 15), date(2030, 2, 1)) == D("5999.00")
    assert rules.accumulated(D("5999.00"), 72, date(2024, 3, 15), date(2040, 1, 1)) == D("5999.00")
    assert rules.accumulated(D("5999.00"), 72, date(2024, 3, 15), date(2024, 2, 29)) == D("0.00")


def test_starting_the_month_after_moves_the_desktop_to_april_2024_through_march_2030():
    rows = rows_of("5999.00", 72, date(2024, 3, 15), start="next")
    assert (rows[0].month, rows[-1].month, rows[-1].amount) == (date(2024, 4, 1), date(2030, 3, 1), D("83.28"))
    assert rules.accumulated("5999.00", 72, date(2024, 3, 15), date(2024, 3, 31), start="next") == D("0.00")


def test_desktop_disposed_on_20_may_2026_depreciates_26_months_march_2024_to_april_2026_2166_32():
    """当月减少当月不再计提: nothing in the month of disposal or after."""
    disposed = date(2026, 5, 20)
    assert rules.accumulated("5999.00", 72, date(2024, 3, 15), date(2026, 4, 30), disposed_on=disposed) == D("2166.32")
    assert rules.accumulated("5999.00", 72, date(2024, 3, 15), date(2029, 1, 1), disposed_on=disposed) == D("2166.32")
    rows = rows_of("5999.00", 72, date(2024, 3, 15), disposed_on=disposed)
    assert (len(rows), rows[-1].month) == (26, date(2026, 4, 1))


@pytest.mark.parametrize("item, original, life, acquired, monthly, last_month, last_amount", [
    ("piano 28,800.00 over 5 years: 480.00 every month", "28800.00", 60, date(2023, 9, 1), "480.00", date(2028, 8, 1), "480.00"),
    ("Gree cabinet air conditioner 7,350.00 over 10 years: 61.25", "7350.00", 120, date(2022, 6, 18), "61.25", date(2032, 5, 1), "61.25"),
    ("40 desk sets at 350.00 over 5 years: 233.33, last 233.53", "14000.00", 60, date(2024, 9, 1), "233.33", date(2029, 8, 1), "233.53"),
    ("concrete teaching block 12,000,000.00 over 50 years: 20,000.00", "12000000.00", 600, date(2015, 8, 31), "20000.00", date(2065, 7, 1), "20000.00"),
    ("school bus 386,000.00 over 8 years: 4,020.83, last 4,021.15", "386000.00", 96, date(2021, 2, 10), "4020.83", date(2029, 1, 1), "4021.15"),
    ("disinfection cabinet 2,680.00 over 5 years: 44.67, last 44.47", "2680.00", 60, date(2024, 5, 20), "44.67", date(2029, 4, 1), "44.47"),
    ("sample fridge 3,299.00 over 5 years: 54.98, last 55.18", "3299.00", 60, date(2024, 11, 2), "54.98", date(2029, 10, 1), "55.18"),
    ("one-month life takes it all at once", "1200.00", 1, date(2024, 7, 9), "1200.00", date(2024, 7, 1), "1200.00"),
])
def test_worked_cases_a_clerk_can_redo_by_hand(item, original, life, acquired, monthly, last_month, last_amount):
    rows = rows_of(original, life, acquired)
    assert rules.plan(original, life, acquired).monthly == D(monthly)
    assert {r.amount for r in rows[:-1]} <= {D(monthly)}
    assert (rows[-1].month, rows[-1].amount) == (last_month, D(last_amount))
    assert sum(r.amount for r in rows) == D(original)


def test_one_yuan_over_ten_years_stops_after_100_months_at_the_original():
    """1.00 / 120 rounds up to 0.01 a month: the original is reached in month 100, the rest get
    nothing, and no month goes negative to make up for the rounding."""
    plan = rules.plan("1.00", 120, date(2024, 1, 5))
    rows = plan.rows("2040-12")
    assert (len(rows), rows[-1].month, plan.end()) == (100, date(2032, 4, 1), date(2032, 4, 1))
    assert plan.amount("2032-05") == D("0.00") and plan.accumulated("2033-12") == D("1.00")


def test_five_fen_over_72_months_rounds_to_nothing_a_month_and_the_last_month_takes_it():
    rows = rows_of("0.05", 72, date(2024, 1, 5))
    assert [r.amount for r in rows] == [D("0.00")] * 71 + [D("0.05")]


def test_a_class_that_is_not_depreciated_gets_nothing():
    """文物和陈列品, 图书档案, 动植物, land and assets at nominal value: the class (or card) says so."""
    assert rules.accumulated("880000.00", None, date(2001, 9, 1), date(2025, 6, 30), depreciable=False) == D("0.00")
    assert rules.schedule("880000.00", None, date(2001, 9, 1), date(2025, 6, 30), depreciable=False) == []


def test_running_a_month_twice_books_nothing_the_second_time():
    plan = rules.plan("5999.00", 72, date(2024, 3, 15))
    booked = plan.due("2024-03", D("0.00"))
    assert booked == D("83.32")
    assert plan.due("2024-03", booked) == D("0.00")


def test_a_card_dated_in_a_closed_month_is_caught_up_in_the_first_open_month():
    """Closed through March 2024; a desktop bought on 10 January is entered in April: April's run
    books January to April at once."""
    plan = rules.plan("5999.00", 72, date(2024, 1, 10))
    assert plan.due("2024-04", D("0.00")) == D("333.28")
    assert plan.due("2024-05", D("333.28")) == D("83.32")


def test_an_imported_projector_counted_to_december_2023_spreads_its_1750_net_over_20_months():
    """Bought 2019-09 for 4,200.00 over 72 months; the old ledger has 2,450.00 accumulated through
    2023-12 (52 months), so 1,750.00 is left for 20 months: 87.50 a month from January 2024."""
    plan = rules.opening_plan("4200.00", 72, date(2019, 9, 10), "2450.00", "2023-12", TODAY)
    assert (plan.base, plan.months, plan.first, plan.monthly) == (D("1750.00"), 20, date(2024, 1, 1), D("87.50"))
    assert rules.remaining("1750.00", 20, "2024-01", date(2024, 12, 31)) == D("1050.00")
    assert plan.end() == date(2025, 8, 1)


@pytest.mark.parametrize("opening, counted, life, message, field", [
    ("4200.01", "2023-12", 72, rules.ERR_OPENING_ABOVE_ORIGINAL, "opening_accumulated"),
    ("-1", "2023-12", 72, rules.ERR_VALUE_NEGATIVE, "opening_accumulated"),
    ("100.00", "2019-08", 72, rules.ERR_COUNTED_BEFORE_ACQUIRED, "depreciation_counted_to"),
    ("100.00", "2025-06", 72, rules.ERR_COUNTED_FUTURE, "depreciation_counted_to"),
    ("100.00", "2024-13", 72, values.ERR_MONTH_FORMAT, "depreciation_counted_to"),
    ("2450.00", "2025-05", 36, rules.ERR_OPENING_LIFE_OVER, "life_months"),
])
def test_an_opening_balance_that_cannot_be_carried_is_refused_on_its_field(opening, counted, life, message, field):
    err = raises_rule(message, rules.opening_plan, "4200.00", life, date(2019, 9, 10), opening, counted, TODAY)
    assert err.field == field


def test_a_life_ended_with_nothing_left_to_depreciate_imports_as_fully_depreciated():
    plan = rules.opening_plan("4200.00", 36, date(2019, 9, 10), "4200.00", "2024-12", TODAY)
    assert plan.accumulated("2030-01") == D("0.00")


def test_the_director_lengthens_a_life_and_the_net_is_spread_over_the_new_months_left():
    plan = rules.changed_life_plan("3000.00", 96, 36, "2027-03", "Overhauled, good for five more years", 6)
    assert (plan.months, plan.monthly) == (60, D("50.00"))
    raises_rule(rules.ERR_REASON_REQUIRED, rules.changed_life_plan, "3000.00", 96, 36, "2027-03", "  ", 6)
    assert raises_rule(rules.ERR_LIFE_CHANGE_TOO_SHORT, rules.changed_life_plan, "3000.00", 36, 36, "2027-03",
                       "x", 2).params == {"months": 36}
    assert raises_rule(rules.ERR_LIFE_BELOW_MINIMUM, rules.changed_life_plan, "3000.00", 60, 36, "2027-03",
                       "x", 6).params == {"years": 6, "months": 72}


# --- Splitting a batch -------------------------------------------------------------------------

def test_ten_of_forty_desk_sets_after_a_year_take_3500_and_699_99_the_thirty_left_10500_and_2099_97():
    accumulated = rules.accumulated("14000.00", 60, date(2024, 9, 1), date(2025, 8, 31))
    assert accumulated == D("2799.96")
    kept, taken = rules.split_batch(40, D("14000.00"), accumulated, 10)
    assert (taken.quantity, taken.value, taken.accumulated) == (10, D("3500.00"), D("699.99"))
    assert (kept.quantity, kept.value, kept.accumulated) == (30, D("10500.00"), D("2099.97"))


def test_one_of_three_bought_for_100_takes_33_33_and_the_two_left_keep_66_67():
    kept, taken = rules.split_batch(3, D("100.00"), D("10.00"), 1)
    assert (taken.value, taken.accumulated, kept.value, kept.accumulated) == (D("33.33"), D("3.33"), D("66.67"), D("6.67"))


@pytest.mark.parametrize("quantity, take, message", [
    (1, 1, rules.ERR_NOT_A_BATCH), (40, 40, rules.ERR_SPLIT_QUANTITY), (40, 41, rules.ERR_SPLIT_QUANTITY),
    (40, 0, rules.ERR_QUANTITY_NOT_POSITIVE), (40, "2.5", rules.ERR_QUANTITY_FORMAT),
])
def test_a_split_takes_at_least_one_item_and_leaves_at_least_one(quantity, take, message):
    err = raises_rule(message, rules.split_batch, quantity, D("14000.00"), D("0.00"), take)
    assert err.field == "quantity"


# --- Invariants --------------------------------------------------------------------------------

money = st.decimals(min_value=D("0.01"), max_value=D("99999999.99"), places=2)
small_money = st.decimals(min_value=D("0.01"), max_value=D("5.00"), places=2)
lives = st.integers(min_value=1, max_value=600)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
starts = st.sampled_from(rules.START_RULES)


@given(original=money | small_money, life=lives, acquired=days, through=days, start=starts)
def test_accumulated_is_never_negative_and_never_exceeds_the_original(original, life, acquired, through, start):
    value = rules.accumulated(original, life, acquired, through, start=start)
    assert D("0.00") <= value <= original
    assert value == value.quantize(D("0.01"))


@given(original=money | small_money, life=lives, acquired=days, start=starts)
def test_the_months_of_a_life_sum_exactly_to_the_original_and_none_is_negative(original, life, acquired, start):
    rows = rules.schedule(original, life, acquired, "2200-12", start=start)
    assert sum(r.amount for r in rows) == original
    assert all(r.amount >= 0 for r in rows)
    assert 1 <= len(rows) <= life
    assert all(b.month == values.add_months(a.month, 1) for a, b in zip(rows, rows[1:]))
    assert all(r.accumulated + r.net == original for r in rows)
    assert rules.plan(original, life, acquired, start=start).end() == rows[-1].month


@given(original=money, life=lives, acquired=days, since=days, through=days)
def test_a_projection_from_a_later_month_is_the_tail_of_the_full_schedule(original, life, acquired, since, through):
    plan = rules.plan(original, life, acquired)
    assert plan.rows(through, since) == [r for r in plan.rows(through) if r.month >= values.as_month(since)]


@given(original=money | small_money, life=lives, acquired=days)
def test_the_monthly_amount_is_the_exact_share_rounded_half_up(original, life, acquired):
    plan = rules.plan(original, life, acquired)
    assert abs(plan.monthly - original / life) <= D("0.005")
    rows = plan.rows("2200-12")
    if plan.monthly * (life - 1) < original:
        assert len(rows) == life  # the last month takes the remainder
        assert rows[-1].amount == original - plan.monthly * (life - 1)
    else:
        assert rows[-1].accumulated == original and len(rows) < life  # stops early at the original


@settings(max_examples=60)
@given(original=money, life=st.integers(min_value=1, max_value=120), acquired=days, seed=st.integers())
def test_running_the_months_in_any_order_stores_the_same_rows(original, life, acquired, seed):
    plan = rules.plan(original, life, acquired)
    months = [values.add_months(plan.first, i) for i in range(-2, life + 3)]
    in_order = {m: plan.amount(m) for m in months}
    shuffled = months[:]
    random.Random(seed).shuffle(shuffled)
    assert {m: plan.amount(m) for m in shuffled} == in_order
    running = D("0.00")
    for m in months:
        running += in_order[m]
        assert running == plan.accumulated(m)


@given(original=money, life=lives, acquired=days, a=days, b=days)
def test_accumulated_never_decreases_with_time(original, life, acquired, a, b):
    early, late = sorted((a, b))
    assert rules.accumulated(original, life, acquired, early) <= rules.accumulated(original, life, acquired, late)


@given(original=money | small_money, life=lives, acquired=days, through=days)
def test_remaining_from_the_first_month_at_the_original_is_accumulated(original, life, acquired, through):
    assert rules.remaining(original, life, values.as_month(acquired), through) == \
        rules.accumulated(original, life, acquired, through)
    assert rules.remaining(original, life, values.add_months(acquired, 1), through) == \
        rules.accumulated(original, life, acquired, through, start="next")


@given(original=money, life=st.integers(min_value=2, max_value=600), acquired=days, data=st.data())
def test_a_card_carried_on_at_its_net_value_reaches_exactly_the_original_at_the_end_of_its_life(original, life, acquired, data):
    done = data.draw(st.integers(min_value=1, max_value=life - 1))
    plan = rules.plan(original, life, acquired)
    counted = values.add_months(plan.first, done - 1)
    opening = plan.accumulated(counted)
    today = values.add_months(counted, 1)
    carried = rules.opening_plan(original, life, acquired, opening, counted, today)
    assert carried.months == life - done
    assert opening + carried.accumulated("2200-12") == original
    assert carried.end() <= values.add_months(plan.first, life - 1)  # never past the original life


@given(original=money, life=lives, acquired=days, disposed=days, through=days)
def test_nothing_is_depreciated_in_the_month_of_disposal_or_after(original, life, acquired, disposed, through):
    assume(disposed >= acquired)
    with_disposal = rules.accumulated(original, life, acquired, through, disposed_on=disposed)
    before = values.add_months(disposed, -1)
    assert with_disposal == rules.accumulated(original, life, acquired, min(values.as_month(through), before))
    assert rules.plan(original, life, acquired, disposed_on=disposed).amount(disposed) == D("0.00")


@given(original=money, life=lives, acquired=days, through=days)
def test_starting_the_month_after_is_the_same_card_bought_a_month_later(original, life, acquired, through):
    later = values.add_months(acquired, 1)
    assert rules.accumulated(original, life, acquired, through, start="next") == \
        rules.accumulated(original, life, later, through)


@given(quantity=st.integers(min_value=2, max_value=500), value=money, data=st.data())
def test_a_split_adds_up_to_the_fen_and_neither_part_goes_below_zero(quantity, value, data):
    accumulated = data.draw(st.decimals(min_value=D("0.00"), max_value=value, places=2))
    take = data.draw(st.integers(min_value=1, max_value=quantity - 1))
    kept, taken = rules.split_batch(quantity, value, accumulated, take)
    assert kept.quantity + taken.quantity == quantity
    assert kept.value + taken.value == value and kept.accumulated + taken.accumulated == accumulated
    for part in (kept, taken):
        assert D("0.00") <= part.accumulated <= part.value and part.net >= 0
    assert abs(taken.value - value * take / quantity) <= D("0.005")


@settings(max_examples=60)
@given(quantity=st.integers(min_value=2, max_value=60), value=money, life=st.integers(min_value=2, max_value=240),
       acquired=days, data=st.data())
def test_the_parts_of_a_split_depreciate_together_exactly_what_the_card_had_left(quantity, value, life, acquired, data):
    plan = rules.plan(value, life, acquired)
    done = data.draw(st.integers(min_value=1, max_value=life - 1))
    month = values.add_months(plan.first, done - 1)
    take = data.draw(st.integers(min_value=1, max_value=quantity - 1))
    parts = rules.split_batch(quantity, value, plan.accumulated(month), take)
    left = plan.months_left(month)
    future = [rules.remaining(p.net, left, values.add_months(month, 1), "2200-12") for p in parts]
    assert sum(future) == plan.net(month) == value - plan.accumulated(month)


# --- Card checks -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("5999", "5999.00"), ("5999.00", "5999.00"), ("¥5,999.00", "5999.00"), ("５９９９．００", "5999.00"),
    ("5 999.5 元", "5999.50"), (5999.0, "5999.00"), (83.32, "83.32"), (D("0.01"), "0.01"), (40, "40.00"),
    ("￥1,234,567.89", "1234567.89"), ("-12.30", "-12.30"),
])
def test_money_is_read_as_typed_or_as_a_spreadsheet_gives_it(raw, expected):
    assert values.parse_money(raw) == D(expected)


@pytest.mark.parametrize("raw, message", [
    ("12.345", values.ERR_MONEY_CENTS), (0.1 + 0.2, values.ERR_MONEY_CENTS), ("abc", values.ERR_MONEY_FORMAT),
    ("", values.ERR_MONEY_FORMAT), (None, values.ERR_MONEY_FORMAT), (True, values.ERR_MONEY_FORMAT),
    ("NaN", values.ERR_MONEY_FORMAT), ("1e30", values.ERR_MONEY_FORMAT), ("1000000000000", values.ERR_MONEY_TOO_LARGE),
])
def test_money_with_fractions_of_a_fen_or_no_number_is_refused(raw, message):
    assert raises_rule(message, values.parse_money, raw, "unit_price").field == "unit_price"


@pytest.mark.parametrize("raw", ["0", "0.00", "-5999.00"])
def test_a_zero_or_negative_price_is_refused_on_the_price(raw):
    assert raises_rule(rules.ERR_PRICE_NOT_POSITIVE, rules.check_unit_price, raw).field == "unit_price"


@pytest.mark.parametrize("raw, expected", [(40, 40), ("40", 40), ("４０", 40), (40.0, 40), ("1", 1)])
def test_a_quantity_is_a_whole_number_of_items(raw, expected):
    assert rules.check_quantity(raw) == expected


@pytest.mark.parametrize("raw, message", [
    (0, rules.ERR_QUANTITY_NOT_POSITIVE), ("0", rules.ERR_QUANTITY_NOT_POSITIVE), (-3, rules.ERR_QUANTITY_NOT_POSITIVE),
    ("2.5", rules.ERR_QUANTITY_FORMAT), ("forty", rules.ERR_QUANTITY_FORMAT), ("", rules.ERR_QUANTITY_FORMAT),
    (True, rules.ERR_QUANTITY_FORMAT),
])
def test_a_quantity_of_zero_or_a_fraction_is_refused_on_the_quantity(raw, message):
    assert raises_rule(message, rules.check_quantity, raw).field == "quantity"


@pytest.mark.parametrize("original, unit, quantity, ok", [
    ("14000.00", "350.00", 40, True), ("100.00", "33.33", 3, True), ("200.00", "66.67", 3, True), ("100.00", "33.34", 3, False),
    ("14100.00", "350.00", 40, False), ("5999.01", "5999.00", 1, False),
])
def test_the_original_value_is_the_unit_price_times_the_quantity_within_rounding(original, unit, quantity, ok):
    if ok:
        assert rules.check_original_value(original, D(unit), quantity) == D(original)
    else:
        assert raises_rule(rules.ERR_VALUE_MISMATCH, rules.check_original_value, original, D(unit),
                           quantity).field == "original_value"


@pytest.mark.parametrize("raw, expected", [
    (date(2024, 3, 15), date(2024, 3, 15)), ("2024-03-15", date(2024, 3, 15)), ("2024/3/15", date(2024, 3, 15)),
    ("2024年3月15日", date(2024, 3, 15)), ("2024.03.15", date(2024, 3, 15)), (TODAY, TODAY),
])
def test_an_acquisition_date_is_read_in_the_forms_offices_type(raw, expected):
    assert rules.check_acquired_on(raw, TODAY) == expected


@pytest.mark.parametrize("raw, message", [
    (date(2025, 6, 16), rules.ERR_ACQUIRED_FUTURE), ("2031-01-01", rules.ERR_ACQUIRED_FUTURE),
    ("1899-12-31", rules.ERR_ACQUIRED_TOO_EARLY), ("2024-02-30", values.ERR_DATE_FORMAT), ("soon", values.ERR_DATE_FORMAT),
])
def test_a_future_or_impossible_acquisition_date_is_refused_on_the_date(raw, message):
    assert raises_rule(message, rules.check_acquired_on, raw, TODAY).field == "acquired_on"


def test_a_disposal_before_the_acquisition_or_in_the_future_is_refused():
    acquired = date(2024, 3, 15)
    assert rules.check_disposed_on("2025-01-10", acquired, TODAY) == date(2025, 1, 10)
    assert raises_rule(rules.ERR_DISPOSED_BEFORE_ACQUIRED, rules.check_disposed_on, "2024-03-14", acquired,
                       TODAY).field == "disposed_on"
    raises_rule(rules.ERR_DISPOSED_FUTURE, rules.check_disposed_on, "2025-07-01", acquired, TODAY)
    # a datetime from a form or a spreadsheet compares as its date
    assert rules.check_disposed_on("2025-06-15", datetime(2024, 3, 15, 9, 30), datetime(2025, 6, 15, 8)) == TODAY
    assert rules.check_acquired_on(datetime(2025, 6, 15, 23, 59), datetime(2025, 6, 15, 8)) == TODAY


def test_a_new_desktop_below_the_six_years_of_its_class_is_refused_and_an_imported_one_is_kept_and_flagged():
    err = raises_rule(rules.ERR_LIFE_BELOW_MINIMUM, rules.check_life, 60, 6)
    assert (err.field, err.params, str(err)) == ("life_months", {"years": 6, "months": 72},
                                                 "The useful life of this class is at least 6 years (72 months)")
    warning = rules.check_life(60, 6, imported=True)
    assert (warning.message, warning.field) == (rules.WARN_LIFE_BELOW_MINIMUM, "life_months")
    assert rules.check_life(72, 6) is None and rules.check_life(96, 6) is None
    assert rules.check_life(12, None) is None  # a class without a minimum (the office's own)


@pytest.mark.parametrize("raw, message", [
    (0, rules.ERR_LIFE_NOT_POSITIVE), ("-1", rules.ERR_LIFE_NOT_POSITIVE), (1201, rules.ERR_LIFE_TOO_LONG),
    ("six years", rules.ERR_LIFE_FORMAT), (72.5, rules.ERR_LIFE_FORMAT), (None, rules.ERR_LIFE_FORMAT),
])
def test_a_life_is_a_whole_number_of_months_from_1_to_1200(raw, message):
    assert raises_rule(message, rules.check_life, raw, 6).field == "life_months"
    raises_rule(message, rules.plan, "100.00", raw, date(2024, 1, 1))


@pytest.mark.parametrize("price, quantity, special, expected", [
    ("999.99", 1, False, rules.WARN_BELOW_THRESHOLD), ("1000.00", 1, False, None),
    ("1499.99", 1, True, rules.WARN_BELOW_THRESHOLD), ("1500.00", 1, True, None), ("1200.00", 1, False, None),
    ("350.00", 40, False, rules.WARN_BATCH_BELOW_THRESHOLD),
])
def test_a_unit_price_below_the_capitalisation_threshold_is_warned_about_not_refused(price, quantity, special, expected):
    warning = rules.capitalisation_warning(D(price), quantity, special)
    assert (warning.message if warning else None) == expected
    if warning:
        assert warning.field == "unit_price" and warning.params["threshold"] == (1500 if special else 1000)


def test_the_threshold_is_a_setting():
    assert rules.capitalisation_warning(D("1200.00"), 1, False, threshold=D("2000")).params["threshold"] == 2000


def test_a_start_rule_other_than_the_two_settings_is_a_programming_error():
    with pytest.raises(ValueError):
        rules.plan("100.00", 12, date(2024, 1, 1), start="mid-month")


def test_every_message_reads_with_its_placeholders_filled():
    for module in (rules, values):
        for name in dir(module):
            if name.startswith(("ERR_", "WARN_")):
                text = getattr(module, name)
                params = {key: "1" for key in ("years", "months", "month", "net", "most", "quantity", "price",
                                               "threshold", "value", "expected", "max")}
                assert "%(" not in (text % params), name


def test_the_rules_are_free_of_flask_and_the_database():
    """stdlib and app.rules only, so projections, imports and tests run them anywhere."""
    folder = os.path.dirname(rules.__file__)
    for name in ("rules.py", "values.py", "catalog.py"):
        tree = ast.parse(open(os.path.join(folder, name), encoding="utf-8").read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                assert root in {"__future__", "csv", "dataclasses", "datetime", "decimal", "io", "os", "re",
                                "typing", "app"}, (name, root)
                if root == "app":
                    assert node.module == "app.rules", (name, node.module)

"""One money parser for every plugin (app.rules.parse_money): exact to the fen, what input
methods and spreadsheets give, never a silent rounding."""
from decimal import Decimal as D

import pytest

from app.rules import (ERR_MONEY_FEN, ERR_MONEY_FORMAT, ERR_MONEY_NEGATIVE, ERR_MONEY_TOO_LARGE, RuleError, cents,
                       parse_money)


@pytest.mark.parametrize("raw,expected", [
    ("5999", D("5999.00")), ("¥5,999.00", D("5999.00")), ("５９９９元", D("5999.00")), (" 12.5 ", D("12.50")),
    (83.32, D("83.32")), (D("0.10"), D("0.10")), (40, D("40.00")), ("1,234,567.89", D("1234567.89")),
])
def test_amounts_as_people_type_them(raw, expected):
    assert parse_money(raw) == expected


@pytest.mark.parametrize("raw,kw,message", [
    ("12,34", {}, ERR_MONEY_FORMAT), ("1e30", {}, ERR_MONEY_FORMAT), ("NaN", {}, ERR_MONEY_FORMAT),
    ("abc", {}, ERR_MONEY_FORMAT), ("", {}, ERR_MONEY_FORMAT), (True, {}, ERR_MONEY_FORMAT),
    ("1.005", {}, ERR_MONEY_FEN), ("-3", {}, ERR_MONEY_NEGATIVE),
    ("100000", {"maximum": D("99999.99")}, ERR_MONEY_TOO_LARGE),
])
def test_what_is_not_an_amount_is_refused_on_its_field(raw, kw, message):
    with pytest.raises(RuleError) as err:
        parse_money(raw, "price", **kw)
    assert err.value.message == message and err.value.field == "price"


def test_a_blank_amount_and_a_deficit_where_the_caller_allows_them():
    assert parse_money("", blank=D("0.00")) == D("0.00")
    assert parse_money("-12.50", negative=True) == D("-12.50")


def test_cents_round_half_up_as_finance_does():
    assert cents(D("0.125")) == D("0.13") and cents(D("2.675")) == D("2.68") and cents(D("-0.125")) == D("-0.13")

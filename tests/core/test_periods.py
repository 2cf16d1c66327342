"""The institution's local calendar (app.periods): months, years, days and the end of the day are
counted in its zone (Asia/Shanghai by default), never in UTC."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from app.periods import DAY, MONTH, YEAR, Period, add_months, end_of_day, is_past, local_date, start_of_day

SH = ZoneInfo("Asia/Shanghai")


def test_a_time_late_on_the_last_utc_day_of_a_month_belongs_to_the_next_local_month():
    evening_utc = datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc)  # 00:30 on 1 December in Shanghai
    assert local_date(evening_utc, SH) == date(2026, 12, 1)
    assert Period.of(MONTH, evening_utc, SH).key == "2026-12"
    assert Period.of(YEAR, datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc), SH).key == "2027"


def test_a_month_as_a_utc_range_starts_and_ends_at_local_midnight():
    start, end = Period.month(2026, 12).utc_range(SH)
    assert start == datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc)
    assert end == datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc)


def test_the_end_of_a_day_is_the_next_local_midnight():
    assert end_of_day(date(2026, 11, 30), SH) == datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc)
    assert start_of_day(date(2026, 11, 30), SH) == datetime(2026, 11, 29, 16, 0, tzinfo=timezone.utc)
    due = date(2026, 11, 30)
    assert not is_past(due, datetime(2026, 11, 30, 15, 59, tzinfo=timezone.utc), SH)  # 23:59 local
    assert is_past(due, datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc), SH)


@pytest.mark.parametrize("key, kind, first, last", [
    ("2026", YEAR, date(2026, 1, 1), date(2026, 12, 31)),
    ("2028-02", MONTH, date(2028, 2, 1), date(2028, 2, 29)),
    ("2026-11-30", DAY, date(2026, 11, 30), date(2026, 11, 30)),
])
def test_periods_parse_from_their_keys(key, kind, first, last):
    period = Period.parse(key)
    assert (period.kind, period.start, period.end, period.key) == (kind, first, last, key)


@pytest.mark.parametrize("bad", ["", "2026-13", "26-1-1-1", "abc"])
def test_a_bad_period_key_is_refused(bad):
    with pytest.raises(ValueError):
        Period.parse(bad)


def test_periods_read_naturally_in_both_languages():
    assert Period.month(2026, 11).label("zh") == "2026年11月" and Period.month(2026, 11).label("en") == "Nov 2026"
    assert Period.year(2026).label("zh") == "2026年"
    assert Period(DAY, date(2026, 11, 30)).label("en") == "30 Nov 2026"


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(-600, 600))
def test_months_shift_and_come_back(day, n):
    month = Period.of(MONTH, day)
    assert month.shift(n).shift(-n) == month
    assert month.shift(n).start.day == 1 and month.contains(day)
    later = add_months(day, n)
    assert later.day <= day.day and (later.year * 12 + later.month) - (day.year * 12 + day.month) == n


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 1, 1)))
def test_consecutive_months_tile_the_time_line(day):
    month = Period.of(MONTH, day)
    assert month.next().start == month.end + timedelta(days=1)
    assert month.utc_range(SH)[1] == month.next().utc_range(SH)[0]
    assert list(month.until(month.shift(2))) == [month, month.next(), month.shift(2)]


def test_the_end_of_the_working_day_is_today_or_after_hours_tomorrow():
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from app.periods import end_of_working_day

    sh = ZoneInfo("Asia/Shanghai")
    ends = time(17, 30)
    assert end_of_working_day(datetime(2026, 12, 1, 7, 30, tzinfo=sh), ends) == datetime(2026, 12, 1, 17, 30, tzinfo=sh)
    assert end_of_working_day(datetime(2026, 12, 1, 17, 29, 59, tzinfo=sh), ends) == \
        datetime(2026, 12, 1, 17, 30, tzinfo=sh)
    # at the end itself and after it: the next day's end (the month and the year roll over)
    assert end_of_working_day(datetime(2026, 12, 1, 17, 30, tzinfo=sh), ends) == datetime(2026, 12, 2, 17, 30, tzinfo=sh)
    assert end_of_working_day(datetime(2026, 12, 31, 22, 0, tzinfo=sh), ends) == datetime(2027, 1, 1, 17, 30, tzinfo=sh)
    naive = end_of_working_day(datetime(2026, 2, 28, 18, 0), time(23, 59, 30))
    assert naive == datetime(2026, 2, 28, 23, 59) and naive.tzinfo is None

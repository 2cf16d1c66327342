"""The pure rules of repairs (报修): what a request needs, the same-day target (不留问题过夜, 001),
dispatch to one repairer or one vendor, the fix's work and cost, time to fix and the statistics."""
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from app.rules import RuleError
from plugins.assets import repair_rules as rr

SH = ZoneInfo("Asia/Shanghai")


def at(day, hh, mm=0):
    return datetime(2026, 11, day, hh, mm, tzinfo=SH)


@pytest.mark.parametrize("reported, due", [
    (at(30, 8, 15), at(30, 17, 30)),   # in the morning: by the end of the day
    (at(30, 17, 29), at(30, 17, 30)),
    (at(30, 17, 30), datetime(2026, 12, 1, 17, 30, tzinfo=SH)),  # after work: by the end of the next day
    (at(30, 22, 0), datetime(2026, 12, 1, 17, 30, tzinfo=SH)),
    (at(30, 0, 5), at(30, 17, 30)),
])
def test_a_request_is_due_by_the_end_of_the_working_day_it_was_reported_on(reported, due):
    assert rr.due_at(reported, time(17, 30)) == due


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
       st.times(), )
def test_the_target_is_never_before_the_report_and_never_more_than_a_day_and_a_half_after(naive, ends):
    reported = naive.replace(tzinfo=SH)
    due = rr.due_at(reported, ends)
    assert reported < due <= reported + timedelta(days=1, minutes=1)
    assert (due.hour, due.minute) == (ends.hour, ends.minute)


def test_open_past_its_target_or_fixed_after_it_is_overnight():
    due = at(30, 17, 30)
    assert not rr.is_overnight(due, at(30, 16), at(30, 18))
    assert rr.is_overnight(due, None, at(30, 18))
    assert not rr.is_overnight(due, None, at(30, 17))
    assert rr.is_overnight(due, datetime(2026, 12, 1, 9, tzinfo=SH), datetime(2026, 12, 2, tzinfo=SH))


@pytest.mark.parametrize("room, description, fields", [
    (None, "灯不亮", ["room"]), (3, "  ", ["description"]), ("", "", ["room", "description"]),
    (True, "门锁坏了", ["room"]), ("5", "门锁坏了", ["room"]),
])
def test_a_request_needs_a_room_and_what_is_wrong(room, description, fields):
    with pytest.raises(RuleError) as err:
        rr.check_report(room, description)
    assert [e.field for e in getattr(err.value, "errors", [err.value])] == fields


def test_a_request_keeps_its_description_trimmed_and_a_known_urgency():
    assert rr.check_report(7, "  水龙头\n 漏水 ", "urgent") == (7, "水龙头 漏水", "urgent")
    with pytest.raises(RuleError) as err:
        rr.check_report(7, "漏水", "very")
    assert err.value.field == "urgency"


@pytest.mark.parametrize("repairer, vendor, ok", [
    (5, None, (5, None)), (None, " 明亮电器维修部 ", (None, "明亮电器维修部")), (None, "", None), (5, "某公司", None),
    (None, None, None),
])
def test_a_repair_goes_to_one_repairer_or_one_vendor(repairer, vendor, ok):
    if ok is None:
        with pytest.raises(RuleError) as err:
            rr.check_dispatch(repairer, vendor)
        assert err.value.field == "repairer"
    else:
        assert rr.check_dispatch(repairer, vendor) == ok


@pytest.mark.parametrize("work, cost, result, fields", [
    ("换灯管", "12.50", ("换灯管", Decimal("12.50")), None), ("换灯管", "", ("换灯管", Decimal("0.00")), None),
    ("", "5", None, ["work"]), ("换锁芯", "-1", None, ["cost"]), ("", "abc", None, ["work", "cost"]),
    ("换锁芯", "1.234", None, ["cost"]),
])
def test_a_fix_records_the_work_and_a_cost_not_below_zero(work, cost, result, fields):
    if result is not None:
        assert rr.check_fix(work, cost) == result
        return
    with pytest.raises(RuleError) as err:
        rr.check_fix(work, cost)
    assert [e.field for e in getattr(err.value, "errors", [err.value])] == fields


@pytest.mark.parametrize("values, pct, expected", [
    ([], 90, None), ([3.0], 90, 3.0), ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9), ([5, 1, 3], 50, 3),
])
def test_the_nearest_rank_percentile(values, pct, expected):
    assert rr.percentile(values, pct) == expected


def test_the_statistics_group_by_local_month_and_building_and_count_the_overnight_ones():
    utc = timezone.utc
    now = datetime(2026, 12, 1, 12, tzinfo=utc)
    rows = [
        # reported 1 Nov 07:00 Shanghai = 31 Oct 23:00 UTC: a November request
        (datetime(2026, 10, 31, 23, 0), datetime(2026, 11, 1, 9, 30), datetime(2026, 11, 1, 3, 0), Decimal("20.00"),
         "教学楼", "confirmed"),
        (datetime(2026, 11, 2, 2, 0, tzinfo=utc), datetime(2026, 11, 2, 9, 30, tzinfo=utc), None, None, "教学楼",
         "dispatched"),
        (datetime(2026, 11, 3, 2, 0, tzinfo=utc), datetime(2026, 11, 3, 9, 30, tzinfo=utc),
         datetime(2026, 11, 4, 2, 0, tzinfo=utc), Decimal("150.00"), "食堂", "fixed"),
        (datetime(2026, 10, 3, 2, 0, tzinfo=utc), datetime(2026, 10, 3, 9, 30, tzinfo=utc), None, None, "食堂",
         "cancelled"),
    ]
    s = rr.summarise(rows, SH, now)
    assert list(s["months"]) == ["2026-10", "2026-11"]
    assert s["months"]["2026-11"] == {"requests": 3, "fixed": 2, "overnight": 2, "cost": Decimal("170.00")}
    assert s["months"]["2026-10"]["overnight"] == 0  # cancelled: never overnight
    assert s["buildings"]["教学楼"]["requests"] == 2 and s["overnight"] == 2 and s["cost"] == Decimal("170.00")
    assert s["fixed"] == 2 and s["median_hours"] == (4.0 + 24.0) / 2 and s["p90_hours"] == 24.0

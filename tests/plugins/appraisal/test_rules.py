"""The appraisal rules (issue 17 points 4, 5 and 8): the worked example, tables of cases for
trimming, weights with a missing group, ties and quota boundaries, and invariants checked on
random rubrics and rounds with hypothesis."""
from __future__ import annotations

import random
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import RuleError
from plugins.appraisal import rules
from plugins.appraisal.finalising import (
    ERR_NO_TIE, ERR_NOT_TIED, ERR_QUOTA_FULL, ERR_REASON_GRADE, ERR_TIE_WAITING, ERR_TOO_MANY_CHOSEN, ERR_VETO_WINS,
    change_grade, decide_tie, finalise,
)
from plugins.appraisal.rubric import (
    DEDUCTION, JUDGED, Band, Finding, Group, Item, Name, Occurrence, Rubric, check_rubric,
)
from plugins.appraisal.scoring import (
    ERR_FORFEIT_NOT_APPLICABLE, ERR_NOT_AWARDED, ERR_NOTHING_APPLIES, RoundSettings, Score, Veto, tally,
)
from plugins.appraisal.rules import grade, occurrence_score, quota_limit, ranks, trimmed_mean

from .strategies import rounds, rubrics

ATTENDANCE = {"personal_leave": D(2), "sick_leave": D("0.5"), "late_or_early": D(1), "absence_without_leave": D(3),
              "missed_lesson": D(2), "missed_meeting": D("0.5")}
ANNUAL = [("优秀", 90), ("合格", 60), ("不合格", 0)]


def raises(message, func, *args, **kwargs):
    with pytest.raises(RuleError) as info:
        func(*args, **kwargs)
    assert info.value.message == message, info.value.message
    return info.value


# --- The worked example (issue 17 point 8) -----------------------------------------------------

def test_two_days_personal_leave_one_sick_day_three_late_arrivals_and_a_missed_meeting_lose_eight_of_ten():
    counts = {"personal_leave": 2, "sick_leave": 1, "late_or_early": 3, "missed_meeting": 1}
    # 4 + 0.5 + 3 + 0.5 = 8 of 出勤's 10 points
    assert occurrence_score(10, counts, ATTENDANCE) == D("2.00")


def test_two_days_personal_leave_cost_four_points():
    assert occurrence_score(10, {"personal_leave": 2}, ATTENDANCE) == D("6.00")


def test_exempt_leave_deducts_nothing():
    assert occurrence_score(10, {"marriage_leave": 5, "funeral_leave": 3}, ATTENDANCE) == D("10.00")


def test_a_month_of_personal_leave_stops_at_the_floor():
    assert occurrence_score(10, {"personal_leave": 20}, ATTENDANCE) == D("0.00")
    assert occurrence_score(10, {"personal_leave": 20}, ATTENDANCE, floor=D(3)) == D("3.00")


def test_a_negative_count_is_refused_on_its_kind():
    assert raises(rules.ERR_COUNT_NEGATIVE, occurrence_score, 10, {"sick_leave": -1}, ATTENDANCE).field == "sick_leave"


# --- Trimmed means -----------------------------------------------------------------------------

@pytest.mark.parametrize("scores, min_count, expected", [
    ([7], 5, "7.00"),
    ([4, 5, 6, 7], 5, "5.50"),                      # four scores: the plain mean
    ([1, 2, 3, 4, 100], 5, "3.00"),                 # five: one highest and one lowest dropped
    ([5, 5, 5, 5, 5], 5, "5.00"),                   # equal scores: one of each is dropped
    ([8, 9, 9, 10, 2, "9.5"], 5, "8.88"),           # 35.5 / 4 = 8.875, half-up
    ([1, 2, 9], 3, "2.00"),                         # the round's threshold of 3
    ([1, 2, 9], 4, "4.00"),
    (["7.34", "7.35"], 5, "7.35"),                  # 7.345 rounds up
    ([1, 2, 2], 5, "1.67"),
    ([D("6.5"), "７", 8.25], 5, "7.25"),            # Decimal, full-width text and float alike
])
def test_trimming(scores, min_count, expected):
    assert trimmed_mean(scores, min_count) == D(expected)


def test_no_scores_have_no_mean():
    raises(rules.ERR_NO_SCORES, trimmed_mean, [])


def test_trimming_needs_a_third_score_to_keep():
    with pytest.raises(ValueError):
        trimmed_mean([1, 2], min_count=2)


@settings(deadline=None)  # timing is the bench's business: a busy shared machine is no failure
@given(st.lists(st.integers(0, 10000), min_size=1, max_size=12), st.integers(3, 8))
def test_a_trimmed_mean_lies_between_the_lowest_and_highest_score(raw, min_count):
    scores = [D(c).scaleb(-2) for c in raw]
    mean = trimmed_mean(scores, min_count)
    assert min(scores) <= mean <= max(scores)
    assert mean == trimmed_mean(list(reversed(scores)), min_count)


# --- Grades and ranks --------------------------------------------------------------------------

@pytest.mark.parametrize("total, veto, expected", [
    (95, False, "优秀"), (90, False, "优秀"), ("89.99", False, "合格"), (60, False, "合格"),
    ("59.99", False, "不合格"), (0, False, "不合格"), (100, True, "不合格"), (0, True, "不合格"),
])
def test_grade_from_bands(total, veto, expected):
    assert grade(total, ANNUAL, veto=veto) == expected


def test_a_total_below_every_band_is_refused():
    raises(rules.ERR_NO_BAND, grade, 10, [("好", 90), ("较差", 20)])


@pytest.mark.parametrize("totals, expected", [
    ({"a": 90, "b": 85, "c": 85, "d": 80}, {"a": 1, "b": 2, "c": 2, "d": 4}),
    ({"a": 70, "b": 70, "c": 70}, {"a": 1, "b": 1, "c": 1}),
    ({"a": D("80.01"), "b": D("80.00")}, {"a": 1, "b": 2}),
    ({}, {}),
])
def test_ranks_share_a_place_on_a_tie(totals, expected):
    assert ranks(totals) == expected


@settings(deadline=None)  # timing is the bench's business: a busy shared machine is no failure
@given(st.dictionaries(st.integers(), st.integers(0, 20)))
def test_a_rank_is_one_more_than_the_number_of_higher_totals(totals):
    for person, place in ranks(totals).items():
        assert place == 1 + sum(1 for t in totals.values() if t > totals[person])


# --- Quota -------------------------------------------------------------------------------------

@pytest.mark.parametrize("graded, percent, small, expected", [
    (10, 20, None, 2), (9, 20, None, 1), (5, 20, None, 1), (14, 15, None, 2), (100, 20, None, 20),
    (1000, "33.33", None, 333), (10, None, None, None),
    (4, 20, None, None),      # below five graded: the setting, none by default
    (4, 20, 50, 2), (0, 20, None, None),
])
def test_quota_limit(graded, percent, small, expected):
    percent = None if percent is None else D(percent)
    assert quota_limit(graded, percent, None if small is None else D(small)) == expected


# --- Weights -----------------------------------------------------------------------------------

@pytest.mark.parametrize("weights, message", [
    ({"leaders": 35, "peers": 50, "self": 10}, rules.ERR_WEIGHTS_TOTAL),
    ({"leaders": "33.33", "peers": "33.33", "self": "33.33"}, rules.ERR_WEIGHTS_TOTAL),
    ({"leaders": 0, "peers": 100, "self": 0}, rules.ERR_WEIGHT_POSITIVE),
    ({"leaders": -5, "peers": 90, "self": 15}, rules.ERR_NOT_NEGATIVE),
    ({"leaders": "35.001", "peers": 50, "self": 15}, rules.ERR_TOO_MANY_PLACES),
    ({"leaders": 35, "peers": 65}, rules.ERR_WEIGHT_MISSING),
    ({"leaders": 35, "peers": 50, "self": 10, "board": 5}, rules.ERR_WEIGHT_UNKNOWN_GROUP),
])
def test_weights_that_cannot_be_used_are_refused(weights, message):
    raises(message, rules.check_weights, weights, ["leaders", "peers", "self"])


def test_weights_totalling_one_hundred_are_kept():
    assert rules.check_weights({"leaders": "35", "peers": 50, "self": D("15.00")}, ["leaders", "peers", "self"]) \
        == {"leaders": D(35), "peers": D(50), "self": D(15)}
    assert rules.check_weights(None) is None


# --- Bands -------------------------------------------------------------------------------------

@pytest.mark.parametrize("bands, message", [
    ([("优秀", 90)], rules.ERR_BANDS_FEW),
    ([("优秀", 90), ("合格", 90), ("不合格", 0)], rules.ERR_BANDS_OVERLAP),
    ([("合格", 60), ("优秀", 90), ("不合格", 0)], rules.ERR_BANDS_OVERLAP),
    ([("优秀", 90), ("合格", 60)], rules.ERR_BANDS_GAP_BOTTOM),
    ([("优秀", 101), ("不合格", 0)], rules.ERR_BANDS_ABOVE_FULL),
    ([("优秀", 90), ("优秀", 60), ("不合格", 0)], rules.ERR_BAND_NAME),
    ([("优秀", 90), ("", 60), ("不合格", 0)], rules.ERR_BAND_NAME),
])
def test_overlapping_or_gapped_bands_are_refused(bands, message):
    raises(message, rules.check_bands, bands, 100)


@pytest.mark.parametrize("ranges, message", [
    ([("优秀", 90, 100), ("合格", 60, 89), ("不合格", 0, "59.99")], rules.ERR_BANDS_GAP_BETWEEN),
    ([("优秀", 90, 100), ("合格", 60, 90), ("不合格", 0, "59.99")], rules.ERR_BANDS_OVERLAP),
    ([("优秀", 90, 99), ("合格", 60, "89.99"), ("不合格", 0, "59.99")], rules.ERR_BANDS_GAP_TOP),
    ([("优秀", 90, 100), ("合格", 60, "89.99"), ("不合格", 10, "59.99")], rules.ERR_BANDS_GAP_BOTTOM),
    ([("优秀", 90, 80), ("不合格", 0, "89.99")], rules.ERR_BAND_RANGE),
])
def test_grade_ranges_that_overlap_or_leave_gaps_are_refused(ranges, message):
    raises(message, rules.bands_from_ranges, ranges, 100)


def test_grade_ranges_in_any_order_become_the_scale():
    typed = [("合格", 60, "89.99"), ("不合格", 0, "59.99"), ("优秀", 90, 100)]
    assert rules.bands_from_ranges(typed, 100) == [("优秀", D(90)), ("合格", D(60)), ("不合格", D(0))]


# --- Aggregation: weights with a missing group, trimming per group --------------------------------

def one_item_rubric(points=10, percent=None, minimum=0):
    """One section holding one judged item, so a person's total is that item's result."""
    item = Item("x", Name("项", "Item"), JUDGED, D(points), D(minimum))
    return check_rubric(Rubric(
        "t", Name("测", "Test"), D(points), (Group("s", Name("部分", "Section"), D(points), (item,)),),
        (Band("excellent", Name("优秀", "Excellent"), D(points) * D("0.9")),
         Band("qualified", Name("合格", "Qualified"), D(points) * D("0.6")),
         Band("unqualified", Name("不合格", "Unqualified"), D(0))),
        "excellent" if percent else None, None if percent is None else D(percent),
        (Finding("accident", Name("重大事故", "Serious accident")),)))


LEADERS_PEERS_SELF = {"leaders": D(35), "peers": D(50), "self": D(15)}


@pytest.mark.parametrize("by_group, weights, expected", [
    ({"leaders": [8], "peers": [6], "self": [10]}, LEADERS_PEERS_SELF, "7.30"),
    # no self-assessment for this person: 35 and 50 weigh as 35/85 and 50/85
    ({"leaders": [8], "peers": [6]}, LEADERS_PEERS_SELF, "6.82"),
    ({"peers": [6, 7]}, LEADERS_PEERS_SELF, "6.50"),
    ({"self": ["9.99"]}, LEADERS_PEERS_SELF, "9.99"),
    # five peers: trimmed to 6, 7, 7 (6.667); two leaders: the plain 8.5; (35 x 8.5 + 50 x 6.667) / 85
    ({"leaders": [8, 9], "peers": [6, 6, 7, 7, 9]}, LEADERS_PEERS_SELF, "7.42"),
    ({"leaders": ["7.01"], "peers": ["7.00"]}, {"leaders": D(50), "peers": D(50)}, "7.01"),  # 7.005 rounds up
    # without weights the committee is one pool, trimmed as a whole
    ({"leaders": [8], "peers": [6], "self": [10]}, None, "8.00"),
    ({"leaders": [8, 9], "peers": [6, 6, 7, 7, 9]}, None, "7.40"),
])
def test_weights_with_a_missing_group_spread_in_proportion(by_group, weights, expected):
    rubric = one_item_rubric()
    scores = [Score("wang", "x", group, D(str(v))) for group, values in by_group.items() for v in values]
    sheet = tally(rubric, RoundSettings(weights=weights), ["wang"], scores=scores).result("wang")
    assert sheet.items["x"].value == D(expected)
    if weights is None:
        assert sheet.total == trimmed_mean([s.value for s in scores])


@pytest.mark.parametrize("trim_at, expected", [(5, "6.67"), (6, "7.00"), (3, "6.67")])
def test_trimming_follows_the_rounds_threshold(trim_at, expected):
    scores = [Score("wang", "x", "peers", D(v)) for v in (6, 6, 7, 7, 9)]
    sheet = tally(one_item_rubric(), RoundSettings(trim_at=trim_at), ["wang"], scores=scores).result("wang")
    assert sheet.total == D(expected)


# --- Finalising: quota boundaries and ties -------------------------------------------------------

def quota_round(totals, percent=20, vetoed=(), not_graded=(), small=None):
    rubric = one_item_rubric(points=100, percent=percent)
    staff = list(range(len(totals)))
    scores = [Score(p, "x", "committee", D(str(t))) for p, t in enumerate(totals) if p not in not_graded]
    vetoes = [Veto(p, "accident", "重大事故直接责任者") for p in vetoed]
    return finalise(rubric, RoundSettings(small_round_quota=None if small is None else D(small)), staff,
                    not_graded=not_graded, scores=scores, vetoes=vetoes)


E, Q, U, T = "excellent", "qualified", "unqualified", None  # T: tied, waiting for the Director
TEN = [80, 70, 70, 65, 60, 50]


@pytest.mark.parametrize("totals, kw, grades, moved, tie", [
    ([95, 94, 93, 92] + TEN, {}, [E, E, Q, Q] + [Q] * 5 + [U], [2, 3], None),
    ([95, 94, 94, 92] + TEN, {}, [E, T, T, Q] + [Q] * 5 + [U], [3], ([1, 2], 1)),
    ([96, 95, 95] + [80] * 7, {"percent": 10}, [E, Q, Q] + [Q] * 7, [1, 2], None),
    ([95, 95, 95] + [80] * 7, {"percent": 10}, [T, T, T] + [Q] * 7, [], ([0, 1, 2], 1)),
    ([95] + [80] * 9, {}, [E] + [Q] * 9, [], None),
    ([95, 95, 95, 95], {}, [E] * 4, [], None),                          # fewer than five: no quota
    ([95, 95, 95, 95], {"small": 50}, [T] * 4, [], ([0, 1, 2, 3], 2)),   # ... unless the setting says so
    ([95, 94, 93, 92, 91] + TEN, {"not_graded": [10]}, [E, E, Q, Q, Q] + [Q] * 5 + [None], [2, 3, 4], None),
    ([98, 95, 94, 93] + TEN, {"vetoed": [0]}, [U, E, E, Q] + [Q] * 5 + [U], [3], None),
    ([100, 100, 99, 98, 97], {"percent": 50}, [E, E, Q, Q, Q], [2, 3, 4], None),   # floor(2.5) = 2
])
def test_quota_boundaries(totals, kw, grades, moved, tie):
    result = quota_round(totals, **kw)
    assert [result.standings[p].grade for p in range(len(totals))] == grades
    assert sorted(result.moved_down) == moved
    assert (None if result.tie is None else (sorted(result.tie.candidates), result.tie.places)) == tie
    assert result.waiting == (tie is not None)


def test_ties_rank_one_two_two_four():
    result = quota_round([90, 85, 85, 80, 70], percent=None)
    assert [result.standings[p].rank for p in range(5)] == [1, 2, 2, 4, 5]


def test_the_director_decides_a_tie_at_the_boundary():
    result = quota_round([95, 94, 94, 92] + TEN)
    raises(ERR_TOO_MANY_CHOSEN, decide_tie, result, [1, 2])
    raises(ERR_NOT_TIED, decide_tie, result, [0])
    decided = decide_tie(result, [2])
    assert not decided.waiting
    assert (decided.standings[1].grade, decided.standings[2].grade) == (Q, E)
    assert decided.standings[1].moved_down and not decided.standings[2].moved_down
    assert sorted(decided.moved_down) == [1, 3]
    raises(ERR_NO_TIE, decide_tie, decided, [1])
    # none of the tied is a decision too: the quota is a ceiling, not a target
    assert decide_tie(result, []).holding(E) == [0]


def test_the_committees_grade_needs_a_reason_and_keeps_veto_and_quota():
    result = quota_round([98, 95, 94, 93] + TEN, vetoed=[0])
    raises(ERR_REASON_GRADE, change_grade, result, result_rubric(), 3, E, " ")
    raises(ERR_QUOTA_FULL, change_grade, result, result_rubric(), 3, E, "主动承担疫情值守")
    raises(ERR_VETO_WINS, change_grade, result, result_rubric(), 0, Q, "情节较轻")
    lowered = change_grade(result, result_rubric(), 1, Q, "家长投诉属实")
    assert lowered.standings[1].grade == Q and lowered.standings[1].reason == "家长投诉属实"
    raised = change_grade(lowered, result_rubric(), 3, E, "主动承担疫情值守")
    assert sorted(raised.holding(E)) == [2, 3]
    raises(ERR_TIE_WAITING, change_grade, quota_round([95, 94, 94, 92] + TEN), result_rubric(), 1, Q, "x")


def result_rubric():
    return one_item_rubric(points=100, percent=20)


# --- Counts, scores and comments ---------------------------------------------------------------

@pytest.mark.parametrize("raw, unit, expected", [
    ("1.5", "day", D("1.5")), ("１", "time", D(1)), (3, "lesson", D(3)), ("0", "day", D(0)),
])
def test_counts_in_whole_units_or_half_days(raw, unit, expected):
    assert rules.check_count(raw, unit) == expected


@pytest.mark.parametrize("raw, unit, message", [
    ("1.5", "time", rules.ERR_COUNT_WHOLE), ("0.25", "day", rules.ERR_COUNT_HALF_DAYS),
    (-1, "day", rules.ERR_COUNT_NEGATIVE), ("两", "time", rules.ERR_NOT_A_NUMBER),
    (True, "time", rules.ERR_NOT_A_NUMBER), ("nan", "time", rules.ERR_NOT_A_NUMBER),
])
def test_a_negative_or_fractional_count_is_refused(raw, unit, message):
    assert raises(message, rules.check_count, raw, unit, field="late_or_early").field == "late_or_early"


@pytest.mark.parametrize("raw, message", [
    ("26.5", rules.ERR_SCORE_RANGE), ("9.99", rules.ERR_SCORE_RANGE), ("12.345", rules.ERR_TOO_MANY_PLACES),
    ("", rules.ERR_NOT_A_NUMBER),
])
def test_a_score_out_of_range_is_refused(raw, message):
    raises(message, rules.check_score, raw, D(10), D(26))


def test_a_score_below_the_setting_needs_a_comment():
    # 60 % of 26 points is 15.60
    raises(rules.ERR_COMMENT_LOW_SCORE, rules.check_score_comment, D("15.59"), D(26), " ")
    assert rules.check_score_comment(D("15.59"), D(26), "教案不全") == "教案不全"
    assert rules.check_score_comment(D("15.60"), D(26), "") == ""
    assert rules.check_score_comment(D(0), D(26), "", below_percent=None) == ""


def test_a_deduction_needs_a_comment():
    item = Item("attendance", Name("出勤", "Attendance"), DEDUCTION, D(10), scorer="secretary",
                occurrences=(Occurrence("personal_leave", Name("事假", "Personal leave"), "day", D(2)),))
    assert raises(rules.ERR_COMMENT_DEDUCTION, item.check_counts, {"personal_leave": 1}, "").field == "comment"
    assert item.check_counts({"personal_leave": 1}, "6月3日事假") == ({"personal_leave": D(1)}, "6月3日事假")
    assert item.check_counts({"personal_leave": 0}, "") == ({"personal_leave": D(0)}, "")


# --- Invariants on random rubrics and rounds ---------------------------------------------------

RANDOM = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])


def random_round(data):
    rubric = data.draw(rubrics())
    return (rubric, *data.draw(rounds(rubric)), random.Random(data.draw(st.integers(0, 10**6))))


def _decided(result, rng):
    if result.waiting:
        result = decide_tie(result, rng.sample(result.tie.candidates, rng.randint(0, result.tie.places)))
    return result


@RANDOM
@given(st.data())
def test_totals_stay_within_each_items_and_sections_bounds(data):
    rubric, round_settings, staff, not_graded, entries, _ = random_round(data)
    result = finalise(rubric, round_settings, staff, not_graded=not_graded, **entries)
    for standing in result.standings.values():
        if not standing.graded:
            assert standing.grade is None and standing.rank is None
            continue
        sheet = standing.result
        for code, item_result in sheet.items.items():
            item = rubric.items[code]
            if item_result.value is None:
                assert item.may_not_apply
                continue
            assert D(0) <= item_result.value
            if item.points is not None:
                assert item_result.value <= item.points
            if item_result.forfeited:
                assert item_result.value == 0
            elif item.kind in (JUDGED, DEDUCTION):
                assert item_result.value >= item.minimum  # a deduction never goes below its floor
        for parent, node in rubric.walk():
            if node.code in sheet.subtotals:
                assert D(0) <= sheet.subtotals[node.code] <= node.points
        assert sheet.raw_total == sum(sheet.subtotals[s.code] for s in rubric.sections)
        assert D(0) <= sheet.total <= rubric.full_points
        assert sheet.raw_total <= sheet.full
        assert sheet.scaled == (sheet.full != rubric.full_points)


@RANDOM
@given(st.data())
def test_the_quota_is_never_exceeded_and_a_veto_always_wins(data):
    rubric, round_settings, staff, not_graded, entries, rng = random_round(data)
    result = finalise(rubric, round_settings, staff, not_graded=not_graded, **entries)
    lowest = rubric.bands[-1].code

    def check(result):
        if result.quota_limit is not None:
            assert len(result.holding(result.quota_grade)) <= result.quota_limit
        for s in result.standings.values():
            if s.vetoed:
                assert s.band == s.proposed == s.grade == lowest
            if s.moved_down:
                assert s.band == result.quota_grade and s.proposed == rubric.bands[1].code

    check(result)
    result = _decided(result, rng)
    check(result)
    # The committee tries to give the top grade to anyone, with a reason: refused past the quota
    # or over a veto, and the quota still holds after every change it allowed.
    for person in rng.sample(staff, len(staff)):
        try:
            result = change_grade(result, rubric, person, rubric.bands[0].code, "委员会意见")
        except RuleError as error:
            assert error.field in ("grade", "person")
        check(result)


@RANDOM
@given(st.data())
def test_recomputing_in_any_input_order_gives_the_same_result(data):
    rubric, round_settings, staff, not_graded, entries, rng = random_round(data)
    first = finalise(rubric, round_settings, staff, not_graded=not_graded, **entries)
    shuffled = {kind: rng.sample(list(rows), len(rows)) for kind, rows in entries.items()}
    again = finalise(rubric, round_settings, rng.sample(staff, len(staff)), not_graded=not_graded, **shuffled)
    assert first.standings == again.standings  # per person: the sheet, rank, grades, flags
    assert set(first.moved_down) == set(again.moved_down)
    assert (first.tie and set(first.tie.candidates)) == (again.tie and set(again.tie.candidates))
    assert finalise(rubric, round_settings, staff, not_graded=not_graded, **entries) == first


@settings(deadline=None)  # timing is the bench's business: a busy shared machine is no failure
@given(st.dictionaries(st.sampled_from(sorted(ATTENDANCE) + ["marriage_leave"]),
                       st.integers(0, 40).map(lambda n: D(n) / 2)),
       st.integers(0, 999).map(lambda c: D(c).scaleb(-2)))
def test_a_deduction_never_goes_below_the_floor(counts, floor):
    score = occurrence_score(10, counts, ATTENDANCE, floor=floor)
    assert floor <= score <= 10
    lost = sum(c * ATTENDANCE[k] for k, c in counts.items() if k in ATTENDANCE)
    assert score == max(floor, 10 - lost)


def test_an_item_that_does_not_apply_cannot_be_forfeited():
    item = Item("x", Name("项", "Item"), JUDGED, D(10), may_not_apply=True,
                forfeits=(Finding("found", Name("查实", "Found")),))
    other = Item("y", Name("另", "Other"), JUDGED, D(10), D(4), "secretary")
    rubric = check_rubric(Rubric("t", Name("测", "Test"), D(20), (Group("s", Name("部分", "Section"), D(20),
                                                                            (item, other)),),
                                 (Band("ok", Name("好", "Good"), D(10)), Band("no", Name("差", "Poor"), D(0)))))
    marks = tally(rubric, RoundSettings(), ["wang", "li"], not_applicable=[("wang", "x"), ("li", "x")],
                  forfeits=[("wang", "x", "found", "查实")], awards=[("wang", "y", D(5))])
    raises(ERR_FORFEIT_NOT_APPLICABLE, marks.result, "wang")
    # y is judged 4–10 by the secretary: with nothing entered there is no score to assume
    assert raises(ERR_NOT_AWARDED, marks.result, "li").params == {"item": "y", "person": "li"}


def test_a_person_to_whom_nothing_applies_has_no_total():
    rubric = one_item_rubric()
    rubric = check_rubric(Rubric(rubric.code, rubric.name, rubric.full_points, (Group(
        "s", Name("部分", "Section"), D(10), (Item("x", Name("项", "Item"), JUDGED, D(10), may_not_apply=True),)),),
        rubric.bands))
    raises(ERR_NOTHING_APPLIES, tally(rubric, RoundSettings(), ["wang"], not_applicable=[("wang", "x")]).result,
           "wang")

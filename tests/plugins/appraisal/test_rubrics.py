"""Rubric templates (issue 17 points 1 and 2): the checks that refuse an unusable template, and
the shipped templates — each loads, validates, totals its full points, reads back from its own
export, and scores a person worked out by hand."""
from __future__ import annotations

import copy
import json
from decimal import Decimal as D

import pytest

from app.rules import RuleError
from plugins.appraisal import rubric as r
from plugins.appraisal import rules
from plugins.appraisal import rubric_data
from plugins.appraisal.finalising import finalise
from plugins.appraisal.rubric_data import SHIPPED, dumps_rubric, loads_rubric, rubric_from_dict, rubric_to_dict
from plugins.appraisal.scoring import (
    ERR_ALWAYS_APPLIES, ERR_ENTERED_TWICE, ERR_GROUP_MISSING, ERR_NOT_IN_ROUND, ERR_NOT_JUDGED,
    ERR_UNSCORED, ERR_WRONG_GROUP, Answer, Award, Count, Forfeit, NotApplicable, RoundSettings, Score, Veto,
    check_settings, grid_people, tally,
)

SHIPPED_RUBRICS = rubric_data.shipped_rubrics()
TEACHERS = SHIPPED_RUBRICS["annual_003_teachers"]
LOGISTICS = SHIPPED_RUBRICS["annual_logistics_sample"]


def raises(message, func, *args, **kwargs):
    with pytest.raises(RuleError) as info:
        func(*args, **kwargs)
    assert info.value.message == message, info.value.message
    return info.value


def scores(person, item, group, values):
    return [Score(person, item, group, D(str(v))) for v in values]


# --- Every shipped template ----------------------------------------------------------------------

def test_five_templates_are_shipped():
    assert sorted(SHIPPED_RUBRICS) == ["annual_003_teachers", "annual_logistics_sample", "monthly_childcare_sample",
                                       "monthly_gate_sample", "monthly_kitchen_sample"]


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.json")), ids=lambda p: p.stem)
def test_each_shipped_template_loads_validates_and_totals_its_full_points(path):
    rubric = loads_rubric(path.read_text(encoding="utf-8"))
    assert path.stem == rubric.code
    assert rubric.full_points == D(100) == rubric.full_for() == sum(s.points for s in rubric.sections)
    assert r.check_rubric(rubric) is rubric
    assert loads_rubric(dumps_rubric(rubric)) == rubric == rubric_from_dict(json.loads(json.dumps(
        rubric_to_dict(rubric))))
    for node in [rubric, *(n for _, n in rubric.walk()), *rubric.vetoes, *rubric.bands]:
        assert node.name.zh and node.name.en and node.name.text("en") == node.name.en
    assert rubric.source.zh and rubric.source.en
    assert rubric.notes, "each template says which numbers are this project's choice"
    if rubric.sample:
        assert "示例" in rubric.source.zh and "示例" in rubric.name.zh and "sample" in rubric.name.en.lower()


@pytest.mark.parametrize("code, sample, period, grades, quota", [
    ("annual_003_teachers", False, "annual", ["优秀", "合格", "不合格"], D(20)),
    ("annual_logistics_sample", True, "annual", ["优秀", "合格", "不合格"], D(20)),
    ("monthly_childcare_sample", True, "monthly", ["好", "较好", "一般", "较差"], None),
    ("monthly_kitchen_sample", True, "monthly", ["好", "较好", "一般", "较差"], None),
    ("monthly_gate_sample", True, "monthly", ["好", "较好", "一般", "较差"], None),
])
def test_grade_scales_and_quota_belong_to_the_template(code, sample, period, grades, quota):
    rubric = SHIPPED_RUBRICS[code]
    assert (rubric.sample, rubric.period, [b.name.zh for b in rubric.bands], rubric.quota_percent) == \
        (sample, period, grades, quota)
    assert rubric.quota_band == (rubric.bands[0].code if quota else None)


def test_the_003_template_has_the_numbers_the_issue_chose():
    sections = {s.code: s.points for s in TEACHERS.sections}
    assert sections == {"basic_qualities": 8, "professional_ethics": 13, "duties": 48, "achievements": 25,
                        "research_and_extras": 6}
    i = TEACHERS.items
    assert [(i[c].kind, i[c].points) for c in ("qualified_education", "higher_education", "continuing_education",
                                               "mandarin_certificate", "computer_certificate")] == \
        [(r.YES_NO, 3), (r.YES_NO, 2), (r.YES_NO, 1), (r.YES_NO, 1), (r.YES_NO, 1)]
    assert (i["educational_philosophy"].minimum, i["educational_philosophy"].points) == (2, 5)
    assert (i["conduct"].minimum, i["conduct"].points) == (3, 8)
    assert {f.code for f in i["conduct"].forfeits} == {"paid_tutoring", "second_job"}
    assert i["attendance"].per_unit == {"personal_leave": 2, "sick_leave": D("0.5"), "late_or_early": 1,
                                        "absence_without_leave": 3, "missed_lesson": 2, "missed_meeting": D("0.5")}
    assert {e.code: e.limit for e in i["attendance"].exemptions} == {
        "marriage_leave": 7, "funeral_leave": 3, "paternity_leave": 3, "force_majeure_leave": 3,
        "serious_illness_leave": None, "away_on_duty": None}
    assert (i["workload"].kind, i["workload"].points) == (r.DEDUCTION, 12)
    assert (i["teaching_process"].minimum, i["teaching_process"].points, i["teaching_process"].scorer) == \
        (10, 26, "academic_affairs")
    assert (i["teaching_results"].minimum, i["teaching_results"].points) == (8, 20)
    assert (i["head_teacher"].points, i["head_teacher"].scorer, i["head_teacher"].may_not_apply) == \
        (5, "moral_education", True)
    higher = next(n for _, n in TEACHERS.walk() if n.code == "higher_requirements")
    assert higher.points == 3 and i["trainee_teachers"].points == 2 and i["trainee_teachers"].per_unit == {"mentored": 1}
    assert [v.code for v in TEACHERS.vetoes] == ["gambling", "punished_misconduct", "major_accident"]


def test_the_logistics_template_adds_food_safety_and_has_no_missed_lessons():
    assert [v.code for v in LOGISTICS.vetoes] == ["gambling", "punished_misconduct", "major_accident",
                                                  "food_safety_accident"]
    attendance = LOGISTICS.items["attendance"]
    assert "missed_lesson" not in attendance.per_unit
    assert {k: v for k, v in attendance.per_unit.items()} == {k: v for k, v in TEACHERS.items["attendance"].per_unit.items()
                                                              if k != "missed_lesson"}
    assert LOGISTICS.items["safety_responsibility"].per_unit == {"safety_incident": 5}
    assert {f.code for f in LOGISTICS.items["work_style"].forfeits} == {"private_work", "off_post",
                                                                        "unauthorised_substitute"}


@pytest.mark.parametrize("counts, points", [
    ({"marriage_leave": 7}, "10.00"),                       # 婚假 within a week: free
    ({"marriage_leave": 9}, "6.00"),                        # two days beyond count as 事假
    ({"funeral_leave": 3, "paternity_leave": 3}, "10.00"),
    ({"force_majeure_leave": 4, "personal_leave": 1}, "6.00"),
    ({"serious_illness_leave": 30}, "10.00"),               # by committee decision: no limit
    ({"away_on_duty": 4, "missed_meeting": 1}, "9.50"),
    ({"absence_without_leave": 2, "missed_lesson": 2}, "0.00"),  # 6 + 4 = 10
    ({"sick_leave": "1.5"}, "9.25"),
])
def test_attendance_on_the_003_template(counts, points):
    attendance = TEACHERS.items["attendance"]
    checked, _ = attendance.check_counts(counts, "点名册")
    assert attendance.score_counts(checked) == D(points)


# --- A person worked out by hand on each template ------------------------------------------------

def teachers_round(head_teacher=True):
    """Ms Zhang, with a committee of seven scoring as one pool (no weights)."""
    p = "zhang"
    entries = dict(
        answers=[Answer(p, "qualified_education", True), Answer(p, "higher_education", False),
                 Answer(p, "continuing_education", True), Answer(p, "mandarin_certificate", True),
                 Answer(p, "computer_certificate", False), Answer(p, "open_class", True),
                 Answer(p, "lesson_observation", True)],
        scores=scores(p, "educational_philosophy", "committee", [4, "4.5", 5, "3.5", 4, 4, 5])
        + scores(p, "conduct", "committee", [7, "7.5", 8, 6, 7, 7, "7.5"])
        + scores(p, "teaching_process", "academic_affairs", [22, 24, 23])
        + scores(p, "teaching_results", "committee", [16, 17, 18, 15, 17, 16, 19])
        + (scores(p, "head_teacher", "moral_education", [4, "4.5"]) if head_teacher else []),
        counts=[Count(p, "attendance", "personal_leave", D(2)), Count(p, "attendance", "sick_leave", D(1)),
                Count(p, "attendance", "late_or_early", D(3)), Count(p, "attendance", "missed_meeting", D(1)),
                Count(p, "attendance", "marriage_leave", D(3)), Count(p, "workload", "unfinished_task", D(1)),
                Count(p, "trainee_teachers", "mentored", D(3)), Count(p, "city_award", "won", D(1))],
        awards=[Award(p, "outstanding_contribution", D(1))],
        not_applicable=[] if head_teacher else [NotApplicable(p, "head_teacher")])
    return tally(TEACHERS, RoundSettings(), [p], **entries).result(p)


def test_a_head_teacher_on_the_003_template():
    sheet = teachers_round()
    assert sheet.items["educational_philosophy"].value == D("4.30")   # 7 scores: 3.5 and one 5 dropped
    assert sheet.items["conduct"].value == D("7.20")
    assert sheet.items["attendance"].value == D("2.00")               # the worked example; 婚假 is free
    assert sheet.items["teaching_results"].value == D("16.80")
    assert sheet.items["head_teacher"].value == D("4.25")
    assert sheet.items["trainee_teachers"].value == D("2.00")         # 3 trainees, capped at 2
    assert sheet.subtotals == {"basic_qualities": D(5), "professional_ethics": D("11.50"), "duties": D(36),
                               "achievements": D("21.05"), "higher_requirements": D(3), "research_and_extras": D(6)}
    assert sheet.capped == {"higher_requirements"}                    # 2 + 1 + 1 = 4, at most 3
    assert (sheet.raw_total, sheet.full, sheet.total, sheet.scaled) == (D("79.55"), D(100), D("79.55"), False)


def test_someone_who_is_not_a_head_teacher_is_scaled_to_the_full_hundred():
    sheet = teachers_round(head_teacher=False)
    assert sheet.items["head_teacher"].value is None
    # 75.30 of the 95 points that apply: 75.30 x 100 / 95 = 79.263
    assert (sheet.raw_total, sheet.full, sheet.total, sheet.scaled) == (D("75.30"), D(95), D("79.26"), True)


def test_a_cook_on_the_logistics_template_with_weights_and_a_forfeit():
    p = "wang"
    weights = {"leaders": D(30), "peers": D(45), "self": D(15), "general_affairs": D(10)}
    settings = check_settings(LOGISTICS, RoundSettings(weights=weights), weights)
    sheet = tally(LOGISTICS, settings, [p],
                  answers=[Answer(p, "post_certificate", True), Answer(p, "higher_education", False),
                           Answer(p, "post_training", True), Answer(p, "health_certificate", True),
                           Answer(p, "skill_certificate", True), Answer(p, "training_attended", True),
                           Answer(p, "skill_drill", False)],
                  scores=scores(p, "service_attitude", "leaders", [4, 5, "4.5"])
                  + scores(p, "service_attitude", "peers", [4, 4, "3.5", 5, "4.5"])
                  + scores(p, "service_attitude", "self", [5])
                  + scores(p, "work_style", "peers", [7, 8])
                  + scores(p, "post_process", "general_affairs", [20, 22])
                  + scores(p, "service_quality", "leaders", [16]) + scores(p, "service_quality", "peers", [15, 17])
                  + scores(p, "service_quality", "self", [18]),
                  counts=[Count(p, "attendance", "personal_leave", D(1)), Count(p, "attendance", "funeral_leave", D(5)),
                          Count(p, "skill_contest_award", "won", D(1)), Count(p, "apprentices", "trained", D(1))],
                  forfeits=[Forfeit(p, "work_style", "private_work", "5月12日上班期间外出做私活,经查实")]).result(p)
    # (30 x 4.5 + 45 x 4.1667 + 15 x 5) / 90: the General Affairs group did not score it
    assert sheet.items["service_attitude"].value == D("4.42")
    assert sheet.items["work_style"] == (D(0), "private_work", "5月12日上班期间外出做私活,经查实")
    assert sheet.items["attendance"].value == D(4)     # 1 day 事假, and 丧假 beyond 3 days counts as 事假: 6 off
    assert sheet.items["post_process"].value == D(21)
    assert sheet.items["service_quality"].value == D("16.33")
    assert sheet.subtotals["extras"] == D(3) and not sheet.capped
    assert sheet.total == D("73.75")


@pytest.mark.parametrize("code, counts, forfeits, vetoed, total, grade", [
    ("monthly_childcare_sample", [("routine", "step_missed", 1), ("disinfection", "no_record", 2)],
     [("medicine", "wrong_medicine")], False, "86.00", "fairly_good"),
    ("monthly_kitchen_sample", [("work_clothes", "not_dressed", 3), ("raw_and_cooked", "mixed", 1),
                                ("food_samples", "sample_missing", 1), ("kitchen_clean", "dirty", 2),
                                ("kitchen_clean", "pests", 1), ("menu_and_meals", "late_meal", 1)],
     [], False, "84.00", "fairly_good"),
    ("monthly_kitchen_sample", [], [], True, "100.00", "poor"),     # 食品安全责任事故: a veto wins
    ("monthly_gate_sample", [("at_post", "off_post", 1), ("at_post", "late_handover", 3),
                             ("duty_records", "routine_sheet_missing", 12)],   # 24 off 20: stops at 0
     [], False, "69.00", "average"),
])
def test_a_person_on_each_monthly_check(code, counts, forfeits, vetoed, total, grade):
    rubric = SHIPPED_RUBRICS[code]
    settings = check_settings(rubric, RoundSettings(), ["inspection"])
    result = finalise(rubric, settings, ["liu"],
                      counts=[Count("liu", item, kind, D(n)) for item, kind, n in counts],
                      forfeits=[Forfeit("liu", item, finding, "查实") for item, finding in forfeits],
                      vetoes=[Veto("liu", rubric.vetoes[0].code, "查实")] if vetoed else [])
    standing = result.standings["liu"]
    assert (standing.total, standing.grade, result.quota_limit) == (D(total), grade, None)


# --- Entries checked against the template ---------------------------------------------------------

@pytest.mark.parametrize("entries, message", [
    (dict(scores=scores("zhang", "teaching_process", "committee", [20])), ERR_WRONG_GROUP),
    (dict(scores=scores("zhang", "attendance", "committee", [5])), ERR_NOT_JUDGED),
    (dict(scores=scores("zhang", "conduct", "committee", [9])), rules.ERR_SCORE_RANGE),
    (dict(scores=scores("zhang", "conduct", "committee", ["7.125"])), rules.ERR_TOO_MANY_PLACES),
    (dict(scores=scores("li", "conduct", "committee", [7])), ERR_NOT_IN_ROUND),
    (dict(counts=[Count("zhang", "attendance", "late_or_early", D("1.5"))]), rules.ERR_COUNT_WHOLE),
    (dict(counts=[Count("zhang", "attendance", "sick_leave", D(-1))]), rules.ERR_COUNT_NEGATIVE),
    (dict(counts=[Count("zhang", "attendance", "sick_leave", D(1))] * 2), ERR_ENTERED_TWICE),
    (dict(counts=[Count("zhang", "attendance", "holiday", D(1))]), r.ERR_UNKNOWN_OCCURRENCE),
    (dict(answers=[Answer("zhang", "open_class", True)] * 2), ERR_ENTERED_TWICE),
    (dict(awards=[Award("zhang", "outstanding_contribution", D(4))]), rules.ERR_SCORE_RANGE),
    (dict(forfeits=[Forfeit("zhang", "conduct", "gambling", "查实")]), r.ERR_UNKNOWN_FORFEIT),
    (dict(forfeits=[Forfeit("zhang", "conduct", "paid_tutoring", " ")]), rules.ERR_REASON_FORFEIT),
    (dict(vetoes=[Veto("zhang", "gambling", "")]), rules.ERR_REASON_VETO),
    (dict(vetoes=[Veto("zhang", "food_safety_accident", "查实")]), r.ERR_UNKNOWN_VETO),
    (dict(not_applicable=[NotApplicable("zhang", "head_teacher")],
          forfeits=[Forfeit("zhang", "head_teacher", "x", "y")]), r.ERR_UNKNOWN_FORFEIT),
    (dict(not_applicable=[NotApplicable("zhang", "conduct")]), ERR_ALWAYS_APPLIES),
])
def test_entries_that_break_the_template_are_refused(entries, message):
    raises(message, tally, TEACHERS, RoundSettings(), ["zhang"], **entries)


def test_a_judged_item_nobody_scored_cannot_be_finalised():
    raises(ERR_UNSCORED, tally(TEACHERS, RoundSettings(), ["zhang"]).result, "zhang")


def test_the_committee_needs_the_templates_scorer_groups_and_weights_for_each_group():
    raises(ERR_GROUP_MISSING, check_settings, TEACHERS, RoundSettings(), ["committee", "academic_affairs"])
    raises(rules.ERR_WEIGHT_MISSING, check_settings, LOGISTICS,
           RoundSettings(weights={"leaders": 50, "peers": 50}), ["leaders", "peers", "general_affairs"])
    with pytest.raises(RuleError):
        check_settings(LOGISTICS, RoundSettings(trim_at=2), ["general_affairs"])


def test_a_member_is_in_their_own_grid_only_as_the_self_group():
    staff = ["zhang", "li", "wang"]
    assert grid_people(staff, "li", "peers", "self") == ["zhang", "wang"]
    assert grid_people(staff, "li", "self", "self") == ["li"]
    assert grid_people(staff, "chen", "leaders") == staff


# --- Templates that cannot be scored as written -------------------------------------------------

def small():
    return {
        "format": 1, "code": "small", "name": {"zh": "小", "en": "Small"}, "full_points": 20, "period": "monthly",
        "grades": [{"code": "good", "name": {"zh": "好", "en": "Good"}, "minimum": 18},
                   {"code": "poor", "name": {"zh": "差", "en": "Poor"}, "minimum": 0}],
        "sections": [{"code": "s", "name": {"zh": "部分", "en": "Section"}, "points": 20, "children": [
            {"code": "judged", "name": {"zh": "评", "en": "Judged"}, "kind": "judged", "points": 10, "minimum": 2},
            {"code": "leave", "name": {"zh": "假", "en": "Leave"}, "kind": "deduction", "points": 5,
             "scorer": "secretary", "occurrences": [{"code": "day_off", "name": {"zh": "事假", "en": "Day off"},
                                                     "unit": "day", "amount": 1}]},
            {"code": "extras", "name": {"zh": "加分", "en": "Extras"}, "points": 5, "children": [
                {"code": "bonus", "name": {"zh": "奖", "en": "Bonus"}, "kind": "bonus", "points": None,
                 "scorer": "secretary", "occurrences": [{"code": "won", "name": {"zh": "次", "en": "Won"},
                                                         "unit": "time", "amount": 2}]}]}]}]}


def changed(path, value):
    data = copy.deepcopy(small())
    *parents, last = path
    target = data
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return data


ITEMS = ["sections", 0, "children"]


@pytest.mark.parametrize("path, value, message, field", [
    (["code"], "Small!", r.ERR_CODE, "code"),
    (["name"], {"zh": "小"}, r.ERR_NAME_MISSING, "name"),
    (["period"], "weekly", r.ERR_PERIOD, "period"),
    (["format"], 2, rubric_data.ERR_FORMAT, "format"),
    (["full_points"], KeyError, rubric_data.ERR_KEY_MISSING, "full_points"),
    (["fullpoints"], 20, rubric_data.ERR_UNKNOWN_KEY, "fullpoints"),
    (ITEMS + [0, "minumum"], 2, rubric_data.ERR_UNKNOWN_KEY, "judged.minumum"),
    (ITEMS + [1, "occurrences", 0, "per"], "day", rubric_data.ERR_UNKNOWN_KEY, "leave.occurrences.per"),
    (["grades", 0, "min"], 90, rubric_data.ERR_UNKNOWN_KEY, "grades.min"),
    (["name"], "小", rubric_data.ERR_SHAPE, "name"),
    (["sections"], {"code": "s"}, rubric_data.ERR_SHAPE, "sections"),
    (["full_points"], 25, r.ERR_SECTIONS_TOTAL, "full_points"),
    (ITEMS + [1, "code"], "judged", r.ERR_CODE_TWICE, "judged.code"),
    (ITEMS + [0, "kind"], "guess", r.ERR_KIND, "judged.kind"),
    (ITEMS + [0, "minimum"], 11, r.ERR_RANGE, "judged.minimum"),
    (ITEMS + [0, "points"], "-1", rules.ERR_NOT_NEGATIVE, "judged.points"),
    (ITEMS + [0, "points"], "10.005", rules.ERR_TOO_MANY_PLACES, "judged.points"),
    (ITEMS + [0, "scorer"], "board", r.ERR_SCORER, "judged.scorer"),
    (ITEMS + [1, "minimum"], 5, r.ERR_FLOOR, "leave.minimum"),
    (ITEMS + [1, "scorer"], "committee", r.ERR_ENTERED_ONCE, "leave.scorer"),
    (ITEMS + [1, "occurrences"], [], r.ERR_NO_OCCURRENCES, "leave.occurrences"),
    (ITEMS + [1, "occurrences", 0, "unit"], "week", r.ERR_UNIT, "leave.day_off.unit"),
    (ITEMS + [1, "occurrences", 0, "amount"], 0, r.ERR_AMOUNT_POSITIVE, "leave.day_off.amount"),
    (ITEMS + [1, "exemptions"], [{"code": "wedding", "name": {"zh": "婚假", "en": "Wedding"}, "unit": "day",
                                  "limit": 3, "beyond": "holiday"}], r.ERR_BEYOND, "leave.wedding.beyond"),
    (ITEMS + [1, "exemptions"], [{"code": "wedding", "name": {"zh": "婚假", "en": "Wedding"}, "unit": "day",
                                  "limit": "2.25", "beyond": "day_off"}], rules.ERR_COUNT_HALF_DAYS, "leave.wedding.limit"),
    (ITEMS + [1, "exemptions"], [{"code": "wedding", "name": {"zh": "婚假", "en": "Wedding"}, "unit": "day",
                                  "limit": 3}], r.ERR_LIMIT_AND_BEYOND, "leave.wedding.limit"),
    (ITEMS + [1, "exemptions"], [{"code": "duty", "name": {"zh": "因公", "en": "On duty"}, "unit": "time",
                                  "limit": 3, "beyond": "day_off"}], r.ERR_BEYOND, "leave.duty.beyond"),
    (ITEMS + [0, "occurrences"], [{"code": "x", "name": {"zh": "x", "en": "x"}, "unit": "time", "amount": 1}],
     r.ERR_OCCURRENCES_NOT_COUNTED, "judged.occurrences"),
    (ITEMS + [2, "children", 0, "minimum"], 1, r.ERR_MINIMUM_ZERO, "bonus.minimum"),
    (ITEMS + [2, "children"], [], r.ERR_NO_CHILDREN, "extras.children"),
    (["sections", 0, "points"], 21, r.ERR_UNREACHABLE, "s.points"),
    (["grades", 0, "minimum"], 0, rules.ERR_BANDS_OVERLAP, "bands"),
    (["grades", 1, "minimum"], 5, rules.ERR_BANDS_GAP_BOTTOM, "bands"),
    (["quota"], {"grade": "poor", "percent": 20}, r.ERR_QUOTA_BAND, "quota_band"),
    (["quota"], {"grade": "good", "percent": 120}, rules.ERR_PERCENT_RANGE, "quota_percent"),
    (["quota"], {"grade": "good"}, r.ERR_QUOTA_NO_PERCENT, "quota_percent"),
])
def test_a_template_that_cannot_be_scored_as_written_is_refused(path, value, message, field):
    error = raises(message, rubric_from_dict, changed(path, value))
    assert error.field == field


def test_the_small_template_itself_is_fine():
    rubric = rubric_from_dict(small())
    assert rubric.full_for() == 20 and rubric.reachable(rubric.items["bonus"]) is None


def test_a_file_that_is_not_json_is_refused():
    raises(rubric_data.ERR_NOT_JSON, loads_rubric, "{sections: [")


# --- One cell, answer, forfeiture or veto as a form enters it ------------------------------------

def test_a_grid_cell_is_range_checked_and_a_low_score_needs_a_comment():
    process = TEACHERS.items["teaching_process"]   # 10–26: 60 % is 15.60
    assert process.check_judged_cell("２２.５") == (D("22.50"), "")
    assert raises(rules.ERR_SCORE_RANGE, process.check_judged_cell, "27").params == {"minimum": 10, "maximum": 26}
    raises(rules.ERR_COMMENT_LOW_SCORE, process.check_judged_cell, "12", "")
    assert process.check_judged_cell("12", "教案缺三周") == (D(12), "教案缺三周")
    assert process.check_judged_cell("12", "", below_percent=None) == (D(12), "")


def test_a_yes_names_its_evidence():
    item = TEACHERS.items["qualified_education"]
    assert raises(rules.ERR_EVIDENCE, item.check_answer, "是", " ").field == "evidence"
    assert item.check_answer("是", "本科毕业证 2012") == (True, "本科毕业证 2012")
    assert item.check_answer(False) == (False, "")


def test_a_forfeiture_and_a_veto_need_their_finding_and_reason():
    conduct = TEACHERS.items["conduct"]
    assert conduct.check_forfeit("paid_tutoring", " 周末有偿家教,经查实 ") == "周末有偿家教,经查实"
    assert raises(rules.ERR_REASON_FORFEIT, conduct.check_forfeit, "paid_tutoring", "").field == "reason"
    assert raises(r.ERR_UNKNOWN_FORFEIT, conduct.check_forfeit, "gambling", "x").field == "finding"
    assert TEACHERS.check_veto("gambling", "派出所通报") == "派出所通报"
    raises(rules.ERR_REASON_VETO, TEACHERS.check_veto, "gambling", "")
    raises(r.ERR_UNKNOWN_VETO, LOGISTICS.check_veto, "missed_lesson", "x")


@pytest.mark.parametrize("trim_at", [2, "2.5", "five"])
def test_a_trimming_threshold_that_cannot_work_is_refused(trim_at):
    with pytest.raises(RuleError) as info:
        check_settings(TEACHERS, RoundSettings(trim_at=trim_at), ["academic_affairs", "moral_education"])
    assert info.value.field == "trim_at"


def test_the_settings_come_back_checked():
    checked = check_settings(TEACHERS, RoundSettings(trim_at="7", small_round_quota="50", comment_below_percent=""),
                             ["committee", "academic_affairs", "moral_education"])
    assert checked == RoundSettings(None, 7, D(50), None)
    raises(rules.ERR_PERCENT_RANGE, check_settings, TEACHERS, RoundSettings(comment_below_percent=0),
           ["academic_affairs", "moral_education"])

"""The committee's own rules: members and their terms, attendance and the quorum, when an
external member's data is anonymised, action items carried across meetings, and the
monthly nutrition analysis. Worked tables plus invariants (hypothesis)."""
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.meals import committee_rules as rules
from plugins.meals.rules import RuleError, RuleErrors

D = Decimal
MEETING = date(2026, 3, 12)
TERMS = [("2025-1", date(2025, 9, 1), date(2026, 1, 23)),
         ("2025-2", date(2026, 2, 24), date(2026, 7, 10)),
         ("2026-1", date(2026, 9, 1), date(2027, 1, 22))]


def raises_rule(message, on, func, *args, **kwargs):
    """The rule is refused with `message`, placed on the form field `on`."""
    with pytest.raises(RuleError) as info:
        func(*args, **kwargs)
    assert (info.value.message, info.value.field) == (message, on)
    return info.value


def member(id, term_from=date(2025, 9, 1), term_to=None):
    return SimpleNamespace(id=id, term_from=term_from, term_to=term_to)


# --- Members --------------------------------------------------------------------------------


def test_a_member_is_a_linked_staff_member_or_a_named_external_person():
    assert rules.check_member(17, None, date(2025, 9, 1), None) == ""
    assert rules.check_member(None, "  王  丽 ", date(2025, 9, 1), date(2026, 7, 10)) == "王 丽"
    assert rules.check_member(None, "Li", date(2026, 3, 1), date(2026, 3, 1)) == "Li"  # a one-day term


@pytest.mark.parametrize("staff_id, name, term_from, term_to, message, field", [
    (None, "", date(2025, 9, 1), None, rules.ERR_MEMBER_WHO, "name"),
    (None, "   ", date(2025, 9, 1), None, rules.ERR_MEMBER_WHO, "name"),
    (17, "王丽", date(2025, 9, 1), None, rules.ERR_MEMBER_BOTH, "name"),
    (None, "王" * 51, date(2025, 9, 1), None, rules.ERR_TEXT_LENGTH, "name"),
    (None, "王丽", None, None, rules.ERR_TERM_START, "term_from"),
    (None, "王丽", date(2025, 9, 1), date(2025, 8, 31), rules.ERR_TERM_ORDER, "term_to"),
])
def test_a_member_without_a_clear_identity_or_term_is_refused(staff_id, name, term_from, term_to, message, field):
    raises_rule(message, field, rules.check_member, staff_id, name, term_from, term_to)


@pytest.mark.parametrize("term_from, term_to, current", [
    (date(2025, 9, 1), None, True),  # still serving
    (date(2025, 9, 1), MEETING, True),  # the last day of the term counts
    (MEETING, None, True),  # and the first
    (date(2025, 9, 1), MEETING - timedelta(days=1), False),
    (MEETING + timedelta(days=1), None, False),
])
def test_a_member_is_current_from_the_first_to_the_last_day_of_the_term(term_from, term_to, current):
    assert rules.is_current(member(1, term_from, term_to), MEETING) is current
    assert rules.is_current({"term_from": term_from, "term_to": term_to}, MEETING) is current


def test_attendance_is_taken_from_the_members_current_that_day():
    assert rules.check_attendance(member(1), MEETING, present=True, reason="ignored") is None
    assert rules.check_attendance(member(1), MEETING, present=False, reason=" 出差 ") == "出差"
    raises_rule(rules.ERR_ABSENCE_REASON, "absence_reason", rules.check_attendance, member(1), MEETING, False, " ")
    raises_rule(rules.ERR_TEXT_LENGTH, "absence_reason", rules.check_attendance, member(1), MEETING, False, "x" * 201)
    raises_rule(rules.ERR_NOT_CURRENT, "member_id", rules.check_attendance,
                member(2, term_to=date(2026, 2, 28)), MEETING, True, None)


# --- Quorum -------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule, current, present, met", [
    (rules.MORE_THAN_HALF, 8, 4, False),  # 4 of 8 is not more than half
    (rules.MORE_THAN_HALF, 8, 5, True),
    (rules.MORE_THAN_HALF, 7, 3, False),
    (rules.MORE_THAN_HALF, 7, 4, True),
    (rules.MORE_THAN_HALF, 1, 1, True),
    (rules.AT_LEAST_HALF, 8, 4, True),
    (rules.AT_LEAST_HALF, 7, 3, False),
    (rules.AT_LEAST_HALF, 7, 4, True),
    (rules.TWO_THIRDS, 9, 6, True),
    (rules.TWO_THIRDS, 9, 5, False),
    (rules.TWO_THIRDS, 8, 5, False),  # 5/8 = 62.5 %
    (rules.TWO_THIRDS, 8, 6, True),
])
def test_quorum_at_the_edges(rule, current, present, met):
    needed = rules.quorum_needed(current, rule)
    assert (present >= needed) is met


def test_the_default_quorum_is_more_than_half():
    members = [member(i) for i in range(1, 9)]
    assert rules.quorum(members, [1, 2, 3, 4], MEETING).met is False
    assert rules.quorum(members, [1, 2, 3, 4, 5], MEETING) == rules.Quorum(8, 5, 5, rules.MORE_THAN_HALF)


def test_a_committee_with_no_current_member_has_no_quorum():
    assert rules.quorum_needed(0) == rules.quorum_needed(0, rules.AT_LEAST_HALF) == 1
    assert rules.quorum([member(1, term_to=date(2025, 12, 31))], [1, "guest"], MEETING).met is False


def test_only_members_current_on_the_meeting_date_count_and_guests_never():
    members = [member(1), member(2), member(3), member(4), member(5),
               member(6, term_to=MEETING),  # last day: counts
               member(7, term_to=date(2026, 2, 28)),  # a parent whose child left: not counted
               member(8, term_from=date(2026, 4, 1))]  # appointed for next month: not counted
    result = rules.quorum(members, present_ids=[1, 2, 3, 7, 8, "guest-1"], on=MEETING)
    assert (result.current, result.present, result.needed, result.met) == (6, 3, 4, False)
    assert rules.quorum(members, [1, 2, 3, 6], MEETING).met is True


def test_an_unknown_quorum_rule_is_refused():
    raises_rule(rules.ERR_CHOOSE, "quorum_rule", rules.quorum_needed, 8, "unanimous")


@given(st.integers(min_value=1, max_value=300), st.data())
def test_each_quorum_rule_is_its_fraction_exactly(current, data):
    present = data.draw(st.integers(min_value=0, max_value=current))

    def met(rule):
        return present >= rules.quorum_needed(current, rule)

    assert met(rules.MORE_THAN_HALF) is (2 * present > current)
    assert met(rules.AT_LEAST_HALF) is (2 * present >= current)
    assert met(rules.TWO_THIRDS) is (3 * present >= 2 * current)


# --- Anonymising an external member after the term -------------------------------------------------


@pytest.mark.parametrize("term_to, terms_after, anonymised_on", [
    (date(2026, 7, 10), 1, date(2027, 1, 23)),  # served to the end of spring: kept through autumn
    (date(2026, 3, 31), 1, date(2027, 1, 23)),  # left mid-spring: the next term to start is autumn
    (date(2026, 8, 15), 1, date(2027, 1, 23)),  # left in the summer holidays
    (date(2025, 12, 31), 1, date(2026, 7, 11)),  # left mid-autumn: kept through spring
    (date(2025, 12, 31), 2, date(2027, 1, 23)),
    (date(2026, 7, 10), 0, date(2026, 7, 11)),  # setting 0: the day after the term
    (date(2026, 7, 10), 2, date(2027, 7, 25)),  # the calendar ends: 183 days for the missing term
    (date(2027, 2, 1), 1, date(2027, 8, 4)),  # no term recorded after it at all: 1 Feb + 183 days
])
def test_an_external_members_data_is_anonymised_one_term_after_the_term_ends(term_to, terms_after, anonymised_on):
    assert rules.anonymise_on(term_to, TERMS, terms_after) == anonymised_on


def test_anonymisation_is_due_from_that_day_in_the_local_calendar():
    assert rules.anonymisation_due(date(2026, 7, 10), date(2027, 1, 22), TERMS) is False
    assert rules.anonymisation_due(date(2026, 7, 10), date(2027, 1, 23), TERMS) is True
    assert rules.anonymisation_due(None, date(2099, 1, 1), TERMS) is False  # still serving
    with pytest.raises(ValueError):
        rules.anonymise_on(date(2026, 7, 10), TERMS, -1)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)), st.integers(min_value=0, max_value=4))
def test_anonymisation_never_comes_before_the_term_ends_and_more_terms_keep_data_longer(term_to, terms_after):
    on = rules.anonymise_on(term_to, TERMS, terms_after)
    assert on > term_to
    assert rules.anonymise_on(term_to, TERMS, terms_after + 1) > on


# --- Action items ------------------------------------------------------------------------------------

DUE = date(2026, 3, 31)


@pytest.mark.parametrize("due_on, done_on, today, status", [
    (DUE, None, date(2026, 3, 30), rules.OPEN),
    (DUE, None, DUE, rules.OPEN),  # due today is not yet overdue
    (DUE, None, date(2026, 4, 1), rules.OVERDUE),  # the day after the due date
    (DUE, date(2026, 4, 20), date(2026, 5, 1), rules.DONE),  # done late is done
    (DUE, date(2026, 3, 20), date(2026, 3, 25), rules.DONE),
    (None, None, date(2030, 1, 1), rules.OPEN),  # no due date: open until done
])
def test_an_action_item_is_open_done_or_overdue(due_on, done_on, today, status):
    assert rules.action_status(due_on, done_on, today) == status


@given(st.dates(), st.one_of(st.none(), st.dates()), st.dates())
def test_an_item_is_overdue_exactly_when_not_done_and_past_its_due_date(due_on, done_on, today):
    status = rules.action_status(due_on, done_on, today)
    assert (status == rules.OVERDUE) is (done_on is None and today > due_on)
    assert (status == rules.DONE) is (done_on is not None)


def test_a_due_date_before_the_meeting_is_refused():
    rules.check_due_date(MEETING, MEETING)  # due the same day passes
    rules.check_due_date(None, MEETING)
    err = raises_rule(rules.ERR_DUE_BEFORE_MEETING, "due_on", rules.check_due_date, MEETING - timedelta(days=1), MEETING)
    assert str(err) == "The due date cannot be before the meeting (2026-03-12)"


def owner(committee_id=7, term_from=date(2025, 9, 1), term_to=None, staff_id=None):
    return SimpleNamespace(id=1, committee_id=committee_id, staff_id=staff_id, term_from=term_from, term_to=term_to)


@pytest.mark.parametrize("who", [
    owner(),  # an external member still serving
    owner(staff_id=17),  # a staff member's membership
    owner(term_from=MEETING),  # from the meeting day on
    owner(term_to=MEETING),  # whose term ends that day
    {"committee_id": 7, "term_from": date(2025, 9, 1), "term_to": None},  # a mapping works too
])
def test_the_owner_of_a_new_item_is_a_member_of_the_committee_on_the_meeting_date(who):
    assert rules.check_owner(who, 7, MEETING) is None


@pytest.mark.parametrize("who, message", [
    (None, rules.ERR_OWNER),  # nobody chosen
    (owner(committee_id=8), rules.ERR_OWNER_NOT_MEMBER),  # a member of another committee
    (owner(term_to=MEETING - timedelta(days=1)), rules.ERR_OWNER_NOT_MEMBER),  # whose term ended before
    (owner(term_from=MEETING + timedelta(days=1)), rules.ERR_OWNER_NOT_MEMBER),  # not yet a member
    (owner(committee_id=None), rules.ERR_OWNER_NOT_MEMBER),  # no membership at all (a staff member only)
])
def test_anyone_else_is_refused_as_owner_on_the_owner_field(who, message):
    err = raises_rule(message, "owner_member_id", rules.check_owner, who, 7, MEETING)
    if message == rules.ERR_OWNER_NOT_MEMBER:
        assert str(err) == "The owner must be a member of this committee on the meeting date (2026-03-12)"
    raises_rule(message, "owner_staff", rules.check_owner, who, 7, MEETING, field="owner_staff")


def test_marking_an_item_done_takes_a_date_and_a_note():
    assert rules.check_done(date(2026, 3, 20), "  已更换供应商 ", MEETING, date(2026, 3, 25)) == "已更换供应商"
    assert rules.check_done(MEETING, "done at the meeting", MEETING, MEETING) == "done at the meeting"


@pytest.mark.parametrize("done_on, note, message, field", [
    (None, "done", rules.ERR_DONE_DATE, "done_on"),
    (date(2026, 3, 26), "done", rules.ERR_DONE_FUTURE, "done_on"),  # today is 25 March
    (date(2026, 3, 11), "done", rules.ERR_DONE_BEFORE_MEETING, "done_on"),
    (date(2026, 3, 20), "  ", rules.ERR_DONE_NOTE, "done_note"),
    (date(2026, 3, 20), None, rules.ERR_DONE_NOTE, "done_note"),
    (date(2026, 3, 20), "x" * 501, rules.ERR_TEXT_LENGTH, "done_note"),
])
def test_an_item_done_without_date_or_note_or_out_of_order_is_refused(done_on, note, message, field):
    raises_rule(message, field, rules.check_done, done_on, note, MEETING, date(2026, 3, 25))


# --- Nutrition analysis -------------------------------------------------------------------------------

MARCH = [  # a kindergarten with age groups; standards are the health doctor's (DRIs per child and day)
    {"age_group": "小班", "nutrient": rules.ENERGY, "intake": "1050", "standard": "1250"},
    {"age_group": "中班", "nutrient": rules.ENERGY, "intake": "1180", "standard": "1400"},
    {"age_group": "大班", "nutrient": rules.PROTEIN, "intake": "38.5", "standard": "50"},
]


def test_a_months_nutrition_analysis_by_age_group_worked_by_hand():
    """1,050 / 1,250 = 84.0 %; 1,180 / 1,400 = 84.29 % -> 84.3 %; 38.5 / 50 = 77.0 %, below 80 %."""
    result = rules.nutrition_analysis(MARCH)
    assert [(a.age_group, a.nutrient, a.pct, a.met) for a in result] == [
        ("小班", rules.ENERGY, D("84.0"), True), ("中班", rules.ENERGY, D("84.3"), True),
        ("大班", rules.PROTEIN, D("77.0"), False)]


def test_a_boarding_kindergarten_needs_ninety_percent():
    assert [a.met for a in rules.nutrition_analysis(MARCH, floor_pct=rules.BOARDING_FLOOR_PCT)] == [False] * 3


def test_attainment_without_age_groups_is_the_whole_kindergarten():
    result = rules.attainment(rules.PROTEIN, D("45"), D("45"))
    assert (result.age_group, result.pct, result.met) == (None, D("100.0"), True)


def test_exactly_eighty_percent_is_met_and_a_hair_below_is_not_though_it_rounds_to_eighty():
    assert rules.attainment(rules.ENERGY, "1000", "1250").met is True
    below = rules.attainment(rules.ENERGY, "999.95", "1250")  # 79.996 %
    assert (below.pct, below.met) == (D("80.0"), False)


@pytest.mark.parametrize("nutrient, intake, standard, message, field", [
    ("fat", "10", "20", rules.ERR_CHOOSE, "nutrient"),
    (rules.ENERGY, "-1", "1250", rules.ERR_NUMBER, "intake"),
    (rules.ENERGY, "", "1250", rules.ERR_NUMBER, "intake"),
    (rules.ENERGY, "1000.005", "1250", rules.ERR_NUMBER, "intake"),
    (rules.ENERGY, D("1E+40"), "1250", rules.ERR_NUMBER, "intake"),  # never an arithmetic error
    (rules.ENERGY, "1000", D("1E+40"), rules.ERR_STANDARD, "standard"),
    (rules.ENERGY, "1000", "0", rules.ERR_STANDARD, "standard"),
    (rules.ENERGY, "1000", "", rules.ERR_STANDARD, "standard"),
    (rules.ENERGY, "1000", "abc", rules.ERR_STANDARD, "standard"),
])
def test_a_nutrition_row_that_cannot_be_computed_is_refused(nutrient, intake, standard, message, field):
    raises_rule(message, field, rules.attainment, nutrient, intake, standard)


def test_every_broken_nutrition_row_is_reported_on_its_own_row():
    rows = [MARCH[0], {**MARCH[1], "standard": "0"}, {**MARCH[2], "intake": "-3"}]
    with pytest.raises(RuleErrors) as info:
        rules.nutrition_analysis(rows)
    assert [(e.field, e.message) for e in info.value.errors] == [
        ("rows-1-standard", rules.ERR_STANDARD), ("rows-2-intake", rules.ERR_NUMBER)]


quantities = st.decimals(min_value=0, max_value=D("99999"), places=2, allow_nan=False, allow_infinity=False)


@given(quantities, quantities.filter(lambda d: d > 0), st.sampled_from([rules.DAY_CARE_FLOOR_PCT, rules.BOARDING_FLOOR_PCT]))
def test_attainment_is_met_exactly_when_intake_reaches_the_floor(intake, standard, floor):
    result = rules.attainment(rules.ENERGY, intake, standard, floor_pct=floor)
    assert result.met is (intake * 100 >= floor * standard)
    assert abs(result.pct - intake * 100 / standard) <= D("0.05")

"""Rules of the committee and its meetings: members and their terms, attendance and quorum,
when an external member's data is anonymised, action items, and the monthly nutrition
analysis. Pure like rules.py (the meal-fee accounts), whose helpers it shares."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Hashable, Iterable, Optional

from .rules import (
    ERR_CHOOSE, ERR_TEXT_LENGTH, FEN, N_, RuleError, RuleErrors, Term, parse_decimal, round_half_up, value_of,
)

# --- Members, quorum and anonymisation ------------------------------------------------

MEMBER_ROLES = [
    ("chair", N_("Chair")),  # 主任/组长
    ("health_doctor", N_("Health doctor")),  # 保健医生
    ("kitchen_lead", N_("Kitchen lead")),  # 食堂负责人
    ("teacher_rep", N_("Teacher representative")),
    ("parent_rep", N_("Parent representative")),
    ("student_rep", N_("Student representative")),
    ("finance", N_("Finance")),
    ("other", N_("Other")),
]
ERR_MEMBER_WHO = N_("Choose a staff member or enter the name of an external member")
ERR_MEMBER_BOTH = N_("A staff member's name comes from the staff record; leave the name empty")
ERR_TERM_ORDER = N_("The end of the term cannot be before its start")
ERR_TERM_START = N_("Enter the start of the member's term")
ERR_NOT_CURRENT = N_("This person is not a member on the meeting date")
ERR_ABSENCE_REASON = N_("Give the reason for the absence")
NAME_MAX = 50


def check_member(staff_id: Any, name: Optional[str], term_from: Optional[date], term_to: Optional[date]) -> str:
    """A member is a staff member (linked) or an external person (named), with a term; returns the name."""
    name = " ".join((name or "").split())
    if staff_id is None and not name:
        raise RuleError(ERR_MEMBER_WHO, field="name")
    if staff_id is not None and name:
        raise RuleError(ERR_MEMBER_BOTH, field="name")
    if len(name) > NAME_MAX:
        raise RuleError(ERR_TEXT_LENGTH, field="name", max=NAME_MAX)
    if term_from is None:
        raise RuleError(ERR_TERM_START, field="term_from")
    if term_to is not None and term_to < term_from:
        raise RuleError(ERR_TERM_ORDER, field="term_to")
    return name


def is_current(member: Any, on: date) -> bool:
    """A member serves from term_from to term_to, both days included; no end = still serving."""
    start, end = value_of(member, "term_from"), value_of(member, "term_to")
    return (start is None or start <= on) and (end is None or on <= end)


def check_attendance(member: Any, on: date, present: bool, reason: Optional[str]) -> Optional[str]:
    """Attendance is taken from the members current that day; an absence gives its reason."""
    if not is_current(member, on):
        raise RuleError(ERR_NOT_CURRENT, field="member_id")
    reason = (reason or "").strip()
    if present:
        return None
    if not reason:
        raise RuleError(ERR_ABSENCE_REASON, field="absence_reason")
    if len(reason) > 200:
        raise RuleError(ERR_TEXT_LENGTH, field="absence_reason", max=200)
    return reason


MORE_THAN_HALF, AT_LEAST_HALF, TWO_THIRDS = "more_than_half", "at_least_half", "two_thirds"
QUORUM_RULES = [
    (MORE_THAN_HALF, N_("More than half of the members")),
    (AT_LEAST_HALF, N_("At least half of the members")),
    (TWO_THIRDS, N_("At least two thirds of the members")),
]


def quorum_needed(current: int, rule: str = MORE_THAN_HALF) -> int:
    """How many current members must be present; never fewer than one."""
    if rule == MORE_THAN_HALF:
        needed = current // 2 + 1
    elif rule == AT_LEAST_HALF:
        needed = -(-current // 2)
    elif rule == TWO_THIRDS:
        needed = -(-2 * current // 3)
    else:
        raise RuleError(ERR_CHOOSE, field="quorum_rule")
    return max(needed, 1)


@dataclass(frozen=True)
class Quorum:
    current: int  # members whose term covers the meeting date
    present: int  # of those, present (guests never count)
    needed: int
    rule: str

    @property
    def met(self) -> bool:
        return self.present >= self.needed


def quorum(members: Iterable[Any], present_ids: Iterable[Hashable], on: date, rule: str = MORE_THAN_HALF) -> Quorum:
    """The quorum of a meeting from the members (with id, term_from, term_to) and who came."""
    current = {value_of(m, "id") for m in members if is_current(m, on)}
    present = len(current & set(present_ids))
    return Quorum(len(current), present, quorum_needed(len(current), rule), rule)


ANONYMISE_AFTER_TERMS = 1
FALLBACK_TERM_DAYS = 183  # the calendar does not reach that far yet: count half a year a term


def anonymise_on(term_to: date, terms: Iterable[Term], terms_after: int = ANONYMISE_AFTER_TERMS) -> date:
    """The day an external member's personal data is anonymised: after the end of the
    ``terms_after``-th school term that starts after the member's term ended (0: the next day)."""
    if terms_after < 0:
        raise ValueError("terms_after cannot be negative")
    later = sorted((start, end) for _, start, end in terms if start > term_to)[:terms_after]
    if len(later) == terms_after:
        return (later[-1][1] if later else term_to) + timedelta(days=1)
    last = later[-1][1] if later else term_to
    return last + timedelta(days=FALLBACK_TERM_DAYS * (terms_after - len(later)) + 1)


def anonymisation_due(term_to: Optional[date], today: date, terms: Iterable[Term],
                      terms_after: int = ANONYMISE_AFTER_TERMS) -> bool:
    """``today`` is the institution's local date; a member still serving (no end) is never due."""
    return term_to is not None and today >= anonymise_on(term_to, terms, terms_after)


# --- Action items ----------------------------------------------------------------------

OPEN, DONE, OVERDUE = "open", "done", "overdue"
ACTION_STATUSES = [(OPEN, N_("Open")), (DONE, N_("Done")), (OVERDUE, N_("Overdue"))]
ERR_DUE_BEFORE_MEETING = N_("The due date cannot be before the meeting (%(meeting)s)")
ERR_DONE_DATE = N_("Enter the date the item was done")
ERR_DONE_FUTURE = N_("The date done cannot be in the future")
ERR_DONE_BEFORE_MEETING = N_("The date done cannot be before the meeting that raised the item")
ERR_DONE_NOTE = N_("Say how the item was handled")
NOTE_MAX = 500


def action_status(due_on: Optional[date], done_on: Optional[date], today: date) -> str:
    """Done once done; overdue from the day after the due date (``today`` in the institution's
    local calendar, so an item due today is not overdue at 00:30 UTC); open otherwise."""
    if done_on is not None:
        return DONE
    return OVERDUE if due_on is not None and today > due_on else OPEN


ERR_OWNER = N_("Choose the owner among the members of the committee")
ERR_OWNER_NOT_MEMBER = N_("The owner must be a member of this committee on the meeting date (%(meeting)s)")


def check_owner(owner: Any, committee_id: Any, meeting_on: date, field: str = "owner_member_id") -> None:
    """The owner of a new action item is one of the committee's members (staff or external)
    current on the meeting date: the people the minutes page offers, and no one else."""
    if owner is None:
        raise RuleError(ERR_OWNER, field=field)
    if value_of(owner, "committee_id") != committee_id or not is_current(owner, meeting_on):
        raise RuleError(ERR_OWNER_NOT_MEMBER, field=field, meeting=meeting_on.isoformat())


ERR_OFFICER = N_("Choose a member of this committee on the meeting date (%(meeting)s)")


def check_officer(member: Any, committee_id: Any, meeting_on: date, field: str) -> None:
    """The chair and the minute-taker of a meeting, when named, are members of its committee
    current on the meeting date (the chair's membership is what the approve guard checks)."""
    if member is not None and (value_of(member, "committee_id") != committee_id or not is_current(member, meeting_on)):
        raise RuleError(ERR_OFFICER, field=field, meeting=meeting_on.isoformat())


def check_due_date(due_on: Optional[date], meeting_on: date) -> None:
    if due_on is not None and due_on < meeting_on:
        raise RuleError(ERR_DUE_BEFORE_MEETING, field="due_on", meeting=meeting_on.isoformat())


def check_done(done_on: Optional[date], note: Optional[str], raised_on: date, today: date) -> str:
    """Marking an item done takes the date and a note of how; returns the note, trimmed."""
    if done_on is None:
        raise RuleError(ERR_DONE_DATE, field="done_on")
    if done_on > today:
        raise RuleError(ERR_DONE_FUTURE, field="done_on")
    if done_on < raised_on:
        raise RuleError(ERR_DONE_BEFORE_MEETING, field="done_on")
    note = (note or "").strip()
    if not note:
        raise RuleError(ERR_DONE_NOTE, field="done_note")
    if len(note) > NOTE_MAX:
        raise RuleError(ERR_TEXT_LENGTH, field="done_note", max=NOTE_MAX)
    return note


# --- Nutrition analysis (每月进行一次营养分析, seed 003) -----------------------------------

ENERGY, PROTEIN = "energy", "protein"
NUTRIENTS = [(ENERGY, N_("Energy (kcal)")), (PROTEIN, N_("Protein (g)"))]
# 托儿所幼儿园卫生保健工作规范 (2012): average energy and protein intake at least 80 % of
# the DRIs in day care, 90 % in boarding kindergartens (a setting picks which applies).
DAY_CARE_FLOOR_PCT, BOARDING_FLOOR_PCT = Decimal("80"), Decimal("90")
QUANTITY_MAX = Decimal("100000")  # kcal or g per child and day: far beyond any real figure
ERR_NUMBER = N_("Enter a number that is not negative, with at most two decimals")
ERR_STANDARD = N_("The standard must be a number more than zero")


@dataclass(frozen=True)
class Attainment:
    nutrient: str
    age_group: Optional[str]  # None: the kindergarten as a whole
    intake: Decimal
    standard: Decimal
    pct: Decimal  # intake / standard in %, half-up to 1 place
    met: bool  # the unrounded attainment reaches the floor


def attainment(nutrient: str, intake: Any, standard: Any, age_group: Optional[str] = None,
               floor_pct: Any = DAY_CARE_FLOOR_PCT) -> Attainment:
    if nutrient not in dict(NUTRIENTS):
        raise RuleError(ERR_CHOOSE, field="nutrient")
    taken = parse_decimal(intake, "intake", ERR_NUMBER)
    if taken is None or not 0 <= taken <= QUANTITY_MAX or taken != taken.quantize(FEN):
        raise RuleError(ERR_NUMBER, field="intake")
    norm = parse_decimal(standard, "standard", ERR_STANDARD)
    if norm is None or not 0 < norm <= QUANTITY_MAX:
        raise RuleError(ERR_STANDARD, field="standard")
    floor = parse_decimal(floor_pct, "floor_pct", ERR_NUMBER)
    if floor is None or floor < 0:
        raise RuleError(ERR_NUMBER, field="floor_pct")
    exact = Fraction(taken) * 100 / Fraction(norm)
    return Attainment(nutrient, age_group, taken, norm, round_half_up(exact, 1), exact >= Fraction(floor))


def nutrition_analysis(rows: Iterable[Any], floor_pct: Any = DAY_CARE_FLOOR_PCT,
                       field_prefix: str = "rows-") -> list[Attainment]:
    """One Attainment per row (age_group, nutrient, intake, standard), by age group where the
    kindergarten has them. Every broken row is reported at once, on the field of its row as a
    WTForms FieldList names it ("rows-2-intake")."""
    out, errors = [], []
    for i, row in enumerate(rows):
        try:
            out.append(attainment(value_of(row, "nutrient"), value_of(row, "intake"), value_of(row, "standard"),
                                  value_of(row, "age_group"), floor_pct))
        except RuleError as err:
            err.field = f"{field_prefix}{i}-{err.field}"
            errors.append(err)
    if errors:
        raise RuleErrors(errors)
    return out

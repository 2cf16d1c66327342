"""The school calendar for every plugin: "this term", "the term of a date", the academic year.

    from app.school_calendar import this_term, term_of
    term = term_of(session, visit_day, campus_id=campus.id)   # None in the holidays
    start, end = term.utc_range()                             # for stored (UTC) times

A campus with academic years of its own uses only those; any other campus uses the institution's
(years without a campus). The checks of a year's and a term's dates are pure functions
(`check_year`, `check_term`) used by the screens and by any import, with messages on the field.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Optional

from sqlalchemy import exists, select

from .models.calendar import AcademicYear, Term
from .rules import N_, RuleError

ERR_YEAR_ORDER = N_("The academic year must end after it starts")
ERR_YEAR_LENGTH = N_("An academic year lasts at most 18 months")
ERR_YEAR_OVERLAP = N_("These dates overlap the academic year %(name)s")
ERR_TERM_ORDER = N_("The term must end after it starts")
ERR_TERM_OUTSIDE = N_("The term must lie within its academic year (%(start)s to %(end)s)")
ERR_TERM_OVERLAP = N_("These dates overlap another term of this year (%(start)s to %(end)s)")
ERR_TERM_NUMBER = N_("Choose term 1 to 4")
ERR_TERM_TAKEN = N_("This academic year already has this term")
# Terms are numbered in date order (第一学期 before 第二学期).
ERR_TERM_BEFORE = N_("Term %(number)s must start before this one")
ERR_TERM_AFTER = N_("Term %(number)s must start after this one")


# -- pure checks (no database) -------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    """A year or term as plain values, for the pure checks."""

    start: date
    end: date
    name: str = ""
    number: int = 0
    id: Optional[int] = None


def check_year(start: Optional[date], end: Optional[date], others: Iterable[Span] = ()) -> None:
    """A year's own dates and the years of the same calendar (same campus, or the institution)."""
    if start is None or end is None:
        return
    if end <= start:
        raise RuleError(ERR_YEAR_ORDER, field="end_date")
    if end > start + timedelta(days=549):
        raise RuleError(ERR_YEAR_LENGTH, field="end_date")
    for other in others:
        if start <= other.end and other.start <= end:
            raise RuleError(ERR_YEAR_OVERLAP, field="start_date", name=other.name)


def check_term(number: Optional[int], start: Optional[date], end: Optional[date], year: Optional[Span],
               siblings: Iterable[Span] = ()) -> None:
    """A term lies inside its year, overlaps no other term of it, and terms run 1, 2 ... in date order."""
    if number is None or not 1 <= number <= 4:
        raise RuleError(ERR_TERM_NUMBER, field="number")
    if start is None or end is None:
        return
    if end < start:
        raise RuleError(ERR_TERM_ORDER, field="end_date")
    if year is not None and not (year.start <= start and end <= year.end):
        raise RuleError(ERR_TERM_OUTSIDE, field="start_date", start=year.start.isoformat(), end=year.end.isoformat())
    for other in siblings:
        if other.number == number:
            raise RuleError(ERR_TERM_TAKEN, field="number")
        if start <= other.end and other.start <= end:
            raise RuleError(ERR_TERM_OVERLAP, field="start_date", start=other.start.isoformat(),
                            end=other.end.isoformat())
        if (other.number < number) != (other.start < start):
            raise RuleError(ERR_TERM_BEFORE if other.number < number else ERR_TERM_AFTER, field="number",
                            number=other.number)


# -- queries ------------------------------------------------------------------------------------

def _calendar_campus(session, campus_id: Optional[int]):
    """The campus whose own years apply, or None for the institution's calendar."""
    if campus_id is None:
        return None
    own = session.execute(select(exists().where(AcademicYear.campus_id == campus_id))).scalar()
    return campus_id if own else None


def _scope(column, campus_id):
    return column.is_(None) if campus_id is None else column == campus_id


def academic_year_of(session, day: date, campus_id: Optional[int] = None) -> Optional[AcademicYear]:
    scope = _calendar_campus(session, campus_id)
    return session.execute(select(AcademicYear).where(
        _scope(AcademicYear.campus_id, scope), AcademicYear.start_date <= day, AcademicYear.end_date >= day)
        .limit(1)).scalar_one_or_none()


def term_of(session, day: date, campus_id: Optional[int] = None) -> Optional[Term]:
    """The term holding the local date `day` for this campus (None: holidays, or no calendar yet)."""
    scope = _calendar_campus(session, campus_id)
    return session.execute(select(Term).join(Term.academic_year).where(
        _scope(AcademicYear.campus_id, scope), Term.start_date <= day, Term.end_date >= day)
        .limit(1)).unique().scalar_one_or_none()


def this_term(session, campus_id: Optional[int] = None, today: Optional[date] = None) -> Optional[Term]:
    """The term of today (the institution's local date)."""
    from .periods import local_today

    return term_of(session, today or local_today(), campus_id)


def terms(session, campus_id: Optional[int] = None) -> list[Term]:
    """Every term of the calendar that applies to this campus, oldest first."""
    scope = _calendar_campus(session, campus_id)
    return list(session.execute(select(Term).join(Term.academic_year).where(
        _scope(AcademicYear.campus_id, scope)).order_by(Term.start_date)).unique().scalars())


def current_or_next_term(session, campus_id: Optional[int] = None, today: Optional[date] = None) -> Optional[Term]:
    """This term, or in the holidays the next one (a term-end recall, a term's plan)."""
    from .periods import local_today

    today = today or local_today()
    scope = _calendar_campus(session, campus_id)
    return session.execute(select(Term).join(Term.academic_year).where(
        _scope(AcademicYear.campus_id, scope), Term.end_date >= today).order_by(Term.start_date)
        .limit(1)).unique().scalar_one_or_none()


def previous_term(session, term: Term) -> Optional[Term]:
    return session.execute(select(Term).join(Term.academic_year).where(
        _scope(AcademicYear.campus_id, term.academic_year.campus_id), Term.end_date < term.start_date)
        .order_by(Term.start_date.desc()).limit(1)).unique().scalar_one_or_none()


def year_spans(session, campus_id: Optional[int], exclude_id: Optional[int] = None) -> list[Span]:
    rows = session.execute(select(AcademicYear.id, AcademicYear.start_date, AcademicYear.end_date, AcademicYear.name)
                           .where(_scope(AcademicYear.campus_id, campus_id))).all()
    return [Span(s, e, name=n, id=i) for i, s, e, n in rows if i != exclude_id]


def term_spans(session, year_id: int, exclude_id: Optional[int] = None) -> list[Span]:
    rows = session.execute(select(Term.id, Term.start_date, Term.end_date, Term.number)
                           .where(Term.academic_year_id == year_id)).all()
    return [Span(s, e, number=n, id=i) for i, s, e, n in rows if i != exclude_id]

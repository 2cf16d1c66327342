"""The school calendar (app.school_calendar): academic years and terms per institution (and per
campus that keeps its own), "this term" and "the term of a date" for every plugin, edited by the
Director and Admin on screens whose checks put their message on the field. Far-future years keep
these rows apart from anything else in the shared test database."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.rules import RuleError
from app.school_calendar import Span, check_term, check_year


# -- the checks (pure) ------------------------------------------------------------------------------

@pytest.mark.parametrize("start, end, others, field, words", [
    (date(2026, 9, 1), date(2026, 9, 1), [], "end_date", "end after it starts"),
    (date(2026, 9, 1), date(2028, 9, 1), [], "end_date", "at most 18 months"),
    (date(2026, 9, 1), date(2027, 7, 15), [Span(date(2027, 7, 1), date(2028, 6, 30), "2027-2028")], "start_date",
     "2027-2028"),
])
def test_a_year_with_wrong_dates_is_refused_on_the_field(start, end, others, field, words):
    with pytest.raises(RuleError) as err:
        check_year(start, end, others)
    assert err.value.field == field and words in err.value.format()


def test_years_that_touch_but_do_not_overlap_are_fine():
    check_year(date(2027, 8, 1), date(2028, 7, 31), [Span(date(2026, 8, 1), date(2027, 7, 31), "2026-2027")])


YEAR = Span(date(2026, 9, 1), date(2027, 7, 15), "2026-2027")
FIRST = Span(date(2026, 9, 1), date(2027, 1, 20), number=1)


@pytest.mark.parametrize("number, start, end, siblings, field, words", [
    (5, date(2026, 9, 1), date(2026, 12, 1), [], "number", "term 1 to 4"),
    (1, date(2026, 8, 1), date(2026, 12, 1), [], "start_date", "within its academic year"),
    (2, date(2027, 1, 10), date(2027, 6, 30), [FIRST], "start_date", "overlap another term"),
    (1, date(2027, 2, 20), date(2027, 6, 30), [FIRST], "number", "already has this term"),
    (1, date(2027, 2, 20), date(2027, 6, 30), [Span(date(2026, 9, 1), date(2027, 1, 20), number=2)], "number",
     "Term 2 must start after this one"),
    (2, date(2026, 12, 1), date(2026, 11, 1), [], "end_date", "end after it starts"),
])
def test_a_term_with_wrong_dates_is_refused_on_the_field(number, start, end, siblings, field, words):
    with pytest.raises(RuleError) as err:
        check_term(number, start, end, YEAR, siblings)
    assert err.value.field == field and words in err.value.format()


# -- "this term", "the term of a date" ---------------------------------------------------------------------

def make_year(app, start, end, terms, campus_id=None, name=None):
    from app.audit import acting_as
    from app.extensions import db
    from app.models import AcademicYear, Term

    with app.app_context(), acting_as(None, "tests", "cli"):
        year = AcademicYear(name=name or f"{start.year}-{end.year}", start_date=start, end_date=end,
                            campus_id=campus_id,
                            terms=[Term(number=i + 1, start_date=s, end_date=e) for i, (s, e) in enumerate(terms)])
        db.session.add(year)
        db.session.commit()
        return year.id


@pytest.fixture(scope="module")
def calendar(app, campuses):
    institution = make_year(app, date(2101, 9, 1), date(2102, 7, 15), [
        (date(2101, 9, 1), date(2102, 1, 20)), (date(2102, 2, 20), date(2102, 7, 10))])
    own = make_year(app, date(2101, 8, 25), date(2102, 7, 1), [(date(2101, 8, 25), date(2102, 1, 10))],
                    campus_id=campuses["TB"])
    return institution, own


def test_the_term_of_a_date_is_the_institutions_or_in_the_holidays_none(app, calendar):
    from app.extensions import db
    from app.school_calendar import academic_year_of, current_or_next_term, previous_term, term_of, this_term

    with app.app_context():
        first = term_of(db.session, date(2101, 10, 1))
        assert (first.number, first.label("zh"), first.label("en")) == (
            1, "2101-2102学年第一学期", "2101-2102 academic year, first term")
        assert term_of(db.session, date(2102, 2, 1)) is None  # winter holidays
        second = current_or_next_term(db.session, today=date(2102, 2, 1))
        assert second.number == 2 and previous_term(db.session, second).id == first.id
        assert this_term(db.session, today=date(2102, 3, 1)).id == second.id
        assert academic_year_of(db.session, date(2102, 2, 1)).label("zh") == "2101-2102学年"
        start, end = first.utc_range()
        assert start == datetime(2101, 8, 31, 16, 0, tzinfo=timezone.utc)  # 1 Sep 00:00 in Shanghai
        assert end == datetime(2102, 1, 20, 16, 0, tzinfo=timezone.utc)


def test_a_campus_with_its_own_calendar_uses_only_its_own_terms(app, campuses, calendar):
    from app.extensions import db
    from app.school_calendar import term_of, terms

    with app.app_context():
        own = term_of(db.session, date(2101, 8, 28), campuses["TB"])
        assert own is not None and own.academic_year.campus_id == campuses["TB"]
        assert term_of(db.session, date(2102, 1, 15), campuses["TB"]) is None  # its holidays start earlier
        assert term_of(db.session, date(2102, 1, 15), campuses["TA"]).academic_year.campus_id is None
        assert term_of(db.session, date(2101, 8, 28), campuses["TA"]) is None
        assert all(t.academic_year.campus_id == campuses["TB"] for t in terms(db.session, campuses["TB"]))


# -- the screens ---------------------------------------------------------------------------------------

def test_the_director_adds_a_year_and_its_terms_and_mistakes_land_on_the_field(app, client_as):
    from app.extensions import db
    from app.models import AcademicYear, Term

    director = client_as("director_a", lang="en")
    form = {"name": "2111-2112", "campus": "__None", "start_date": "2111-09-01", "end_date": "2112-07-15"}
    assert director.post("/academicyearview/add", data=form).status_code == 302
    clash = director.post("/academicyearview/add", data={**form, "name": "重叠", "start_date": "2112-07-01",
                                                         "end_date": "2113-06-30"})
    page = clash.get_data(as_text=True)
    assert clash.status_code == 200 and "These dates overlap the academic year 2111-2112" in page
    assert 'value="重叠"' in page  # what was typed stays
    with app.app_context():
        year_id = db.session.execute(select(AcademicYear.id).where(AcademicYear.name == "2111-2112")).scalar_one()
        assert db.session.execute(select(AcademicYear.id).where(AcademicYear.name == "重叠")).first() is None
    term = {"academic_year": str(year_id), "number": "1", "start_date": "2111-09-01", "end_date": "2112-01-20"}
    assert director.post("/termview/add", data=term).status_code == 302
    outside = director.post("/termview/add", data={**term, "number": "2", "start_date": "2112-02-20",
                                                   "end_date": "2112-08-01"})
    assert "The term must lie within its academic year" in outside.get_data(as_text=True)
    again = director.post("/termview/add", data={**term, "start_date": "2112-02-20", "end_date": "2112-07-01"})
    assert "This academic year already has this term" in again.get_data(as_text=True)
    assert director.post("/termview/add", data={**term, "number": "2", "start_date": "2112-02-20",
                                                "end_date": "2112-07-01"}).status_code == 302
    listing = director.get("/termview/list/").get_data(as_text=True)
    assert "Second term" in listing and "2111-2112 academic year" in listing
    with app.app_context():
        assert db.session.execute(select(Term.number).where(Term.academic_year_id == year_id)
                                  .order_by(Term.number)).scalars().all() == [1, 2]
    zh = client_as("director_a").get("/termview/list/").get_data(as_text=True)
    assert "第二学期" in zh and "2111-2112学年" in zh


@pytest.mark.parametrize("user, reads, edits", [
    ("director_a", True, True), ("admin_a", True, True), ("auditor_a", True, False), ("staff_a", False, False),
    ("gatekeeper_a", False, False),
])
def test_the_director_and_admin_edit_the_calendar_the_auditor_reads_it(client_as, user, reads, edits):
    client = client_as(user, lang="en")
    assert (client.get("/termview/list/").status_code == 200) is reads
    assert (client.get("/academicyearview/list/").status_code == 200) is reads
    assert (client.get("/termview/add").status_code == 200) is edits
    assert (client.get("/academicyearview/add").status_code == 200) is edits

"""Rounds (issue 17 point 3): a term round takes its dates from the school calendar; the staff in
scope are added by campus, department or position, each person once, only while a draft; with
self-assessment each person with a login scores themself, and only themself, in the self group."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select


def _term(appraisal):
    from app.models.calendar import AcademicYear, Term

    with appraisal.ctx() as session:
        year = AcademicYear(name="2031-2032", start_date=date(2031, 9, 1), end_date=date(2032, 8, 31))
        term = Term(academic_year=year, number=1, start_date=date(2031, 9, 1), end_date=date(2032, 1, 20))
        session.add_all([year, term])
        session.commit()
        return term.id


def test_a_term_round_takes_the_terms_dates(appraisal, client_as):
    from plugins.appraisal.models import AppraisalRound

    term = _term(appraisal)
    template = appraisal.template()
    web = client_as("director_a", lang="en")
    form = {"name": "学期考核测试", "kind": "term", "template": str(template), "term": str(term), "trim_at": "5",
            "comment_below_percent": "60"}
    assert web.post("/appraisalroundview/add", data=form).status_code == 302
    with appraisal.ctx() as session:
        rnd = session.execute(select(AppraisalRound).where(AppraisalRound.name == "学期考核测试")).scalar_one()
        assert (rnd.start_date, rnd.end_date) == (date(2031, 9, 1), date(2032, 1, 20))
    no_dates = web.post("/appraisalroundview/add", data={**form, "name": "无日期", "term": ""}, follow_redirects=True)
    assert "or choose a term" in no_dates.get_data(as_text=True)


def test_staff_are_added_by_department_once_and_only_while_a_draft(appraisal, client_as):
    from app.models import Department, Staff
    from plugins.appraisal.models import AppraisalRoundStaff

    r = appraisal.round(members=1, staff=1, open_it=False)
    with appraisal.ctx() as session:
        dept = Department(name=f"考核测试部{r['round']}", campus_id=appraisal.campuses["TA"], active=True)
        session.add(dept)
        session.flush()
        for n in range(3):
            session.add(Staff(name=f"部门员工{n}", staff_no=f"DP{r['round']:05d}{n}", campus_id=appraisal.campuses["TA"],
                              department_id=dept.id, active=True))
        session.commit()
        dept_id = dept.id
    web = client_as("director_a", lang="en")
    show = web.get(f"/appraisalroundview/show/{r['round']}").get_data(as_text=True)
    assert f'value="{dept_id}"' in show
    for expected in (3, 0):
        page = web.post(f"/appraisalroundview/scope/{r['round']}", data={"department_id": str(dept_id)},
                        follow_redirects=True).get_data(as_text=True)
        assert f"{expected} staff added" in page
    with appraisal.ctx() as session:
        assert session.execute(select(func.count(AppraisalRoundStaff.id)).where(
            AppraisalRoundStaff.round_id == r["round"])).scalar() == 4
    appraisal.transition(r["round"], "open")
    refused = web.post(f"/appraisalroundview/scope/{r['round']}", data={"department_id": str(dept_id)},
                       follow_redirects=True).get_data(as_text=True)
    assert "only change while the round is a draft" in refused


def test_self_assessment_puts_each_person_on_their_own_sheet_only(appraisal):
    import json

    from plugins.appraisal import services
    from plugins.appraisal.models import AppraisalMember, AppraisalRound, AppraisalRoundStaff

    r = appraisal.round(members=2, staff=1, open_it=False, weights={"committee": "80", "self": "20"})
    person_login, person_user, person_staff = appraisal.user()
    with appraisal.ctx() as session:
        rnd = session.get(AppraisalRound, r["round"])
        rnd.self_assessment = True
        session.add(AppraisalRoundStaff(round_id=rnd.id, staff_id=person_staff, graded=True))
        session.commit()
        services.open_round(session, rnd.id, user=None)
        session.commit()
        mine = services.sheet_of(session, rnd.id, person_user)
        member = session.get(AppraisalMember, mine.member_id)
        assert member.group == "self"
        assert services.sheet_people(session, mine, rnd, member) == [person_staff]
        other = services.sheet_of(session, rnd.id, r["members"][0][1])
        other_member = session.get(AppraisalMember, other.member_id)
        assert person_staff in services.sheet_people(session, other, rnd, other_member)
        assert json.loads(rnd.weights) == {"committee": "80", "self": "20"}

"""A round from draft to finalised through the verbs the screens use: sheets made at opening,
cells saved and submitted, counts and findings entered once, closing, the Director's tie and
grade decisions, finalising that stores and locks every figure."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.rules import RuleError


def _results(appraisal, round_id):
    from plugins.appraisal.models import AppraisalResult

    with appraisal.ctx() as session:
        rows = session.execute(select(AppraisalResult).where(AppraisalResult.round_id == round_id)).scalars().all()
        return {r.staff_id: (r.total, r.rank, r.grade, r.moved_down, r.tied, r.reason) for r in rows}


def test_the_worked_attendance_example_and_a_finalised_round(appraisal):
    from plugins.appraisal import closing, entries, services

    r = appraisal.round(members=3, staff=2)
    a, b = r["staff"]
    appraisal.fill(r, value=lambda m, p, item: "12" if item == "head" else "18")
    with appraisal.ctx() as session:
        # 2 days 事假, 1 day 病假, 3 late arrivals, one missed meeting: 4 + 0.5 + 3 + 0.5 = 8 lost.
        entries.save_entries(session, r["round"], None, a, "attendance",
                             {"count_personal_leave": "2", "count_sick_leave": "1", "count_late": "3",
                              "count_meeting": "1", "comment": "考勤记录"})
        entries.save_entries(session, r["round"], None, a, "certificate", {"yes": "1", "evidence": "健康证 2026"})
        entries.save_entries(session, r["round"], None, b, "head", {"not_applicable": "1"})
        session.commit()
    appraisal.transition(r["round"], "close")
    with appraisal.ctx() as session:
        rnd = session.get(services.AppraisalRound, r["round"])
        result = closing.compute(session, rnd)
        sheet_a = result.standings[a].result
        assert sheet_a.items["attendance"].value == Decimal("22.00")
        # a: 18 + 18 + 22 + 10 + 12 + 0 = 80; b: head n/a, 18 + 18 + 30 + 0 = 66 of 85, scaled to 100
        assert sheet_a.total == Decimal("80.00")
        assert result.standings[b].result.scaled
        assert result.standings[b].result.total == Decimal("77.65")
        closing.finalise_round(session, r["round"], None)
        session.commit()
    stored = _results(appraisal, r["round"])
    assert stored[a][:3] == (Decimal("80.00"), 1, "pass")
    assert stored[b][:3] == (Decimal("77.65"), 2, "pass")
    # Finalised figures are locked: no write reaches them.
    from app.workflow import RecordLocked
    from plugins.appraisal.models import AppraisalResult

    with appraisal.ctx() as session:
        row = session.execute(select(AppraisalResult).where(AppraisalResult.round_id == r["round"])).scalars().first()
        row.total = Decimal("99")
        with pytest.raises(RecordLocked):
            session.flush()
        session.rollback()


def test_a_tie_at_the_quota_boundary_waits_for_the_director(appraisal):
    from plugins.appraisal import closing, entries, services

    r = appraisal.round(members=3, staff=5)
    people = r["staff"]
    # Person 0 and 1 tie at 100, the rest reach 优秀 too: a quota of floor(5 x 20 %) = 1.
    appraisal.fill(r, value=lambda m, p, item: "15" if item == "head" else ("20" if p in people[:2] else "19"))
    with appraisal.ctx() as session:
        for p in people:
            entries.save_entries(session, r["round"], None, p, "certificate", {"yes": "1", "evidence": "证"})
            entries.save_entries(session, r["round"], None, p, "bonus", {"count_award": "5", "comment": ""})
        session.commit()
    appraisal.transition(r["round"], "close")
    with appraisal.ctx() as session:
        rnd = session.get(services.AppraisalRound, r["round"])
        result = closing.compute(session, rnd)
        assert result.waiting and set(result.tie.candidates) == set(people[:2])
        with pytest.raises(RuleError):
            closing.finalise_round(session, r["round"], None)
        session.rollback()
    with appraisal.ctx() as session:
        closing.decide_tie(session, r["round"], [people[1]])
        with pytest.raises(RuleError):  # another grade than proposed needs a reason
            closing.change_grade(session, r["round"], people[2], "fail", "")
        closing.change_grade(session, r["round"], people[2], "fail", "委员会决定:违反纪律")
        closing.finalise_round(session, r["round"], None)
        session.commit()
    stored = _results(appraisal, r["round"])
    assert stored[people[1]][2] == "excellent" and stored[people[0]][2] == "pass" and stored[people[0]][3]
    assert stored[people[2]][2] == "fail" and stored[people[2]][5] == "委员会决定:违反纪律"
    assert sum(1 for v in stored.values() if v[2] == "excellent") == 1


def test_a_veto_forces_the_lowest_grade(appraisal):
    from plugins.appraisal import closing, entries

    r = appraisal.round(members=3, staff=1)
    appraisal.fill(r, value="15")
    with appraisal.ctx() as session:
        entries.save_veto(session, r["round"], None, r["staff"][0], "accident", "重大事故直接责任者")
        session.commit()
    appraisal.transition(r["round"], "close")
    with appraisal.ctx() as session:
        closing.finalise_round(session, r["round"], None)
        session.commit()
    assert _results(appraisal, r["round"])[r["staff"][0]][2] == "fail"


def test_weights_spread_over_the_groups_that_scored(appraisal):
    from plugins.appraisal import closing, services

    r = appraisal.round(members=3, staff=1, weights={"leaders": "35", "peers": "65"},
                        groups=["leaders", "peers", "peers"])
    appraisal.fill(r, value=lambda m, p, item: "5" if m == 0 else "15")
    appraisal.transition(r["round"], "close")
    with appraisal.ctx() as session:
        rnd = session.get(services.AppraisalRound, r["round"])
        items = closing.compute(session, rnd).standings[r["staff"][0]].result.items
        assert items["attitude"].value == Decimal("11.50")   # 35 % x 5 + 65 % x 15


def test_opening_needs_staff_members_and_weights_totalling_100(appraisal):
    from plugins.appraisal.models import AppraisalRound

    r = appraisal.round(members=2, staff=1, weights={"committee": "90"}, open_it=False)
    with appraisal.ctx() as session:
        from app.workflow import transition

        with pytest.raises(RuleError) as err:
            transition(session, AppraisalRound, r["round"], "open", user=None)
        assert "100" in err.value.format(lambda s, **k: s % k if k else s)
        session.rollback()

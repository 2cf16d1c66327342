"""Demo data (issue 17 point 11, issue 18 point 7): last month's round finalised by a committee of seven with a tie at
the quota boundary decided, this month's open with two sheets submitted; all gone after
`demo --remove`."""
from sqlalchemy import func, select


def test_demo_rounds_load_and_are_removed_completely(app):
    from app.audit import acting_as
    from app.demo import load_demo, remove_demo
    from app.extensions import db
    from app.models.workflow import RecordVersion
    from plugins.appraisal.models import (AppraisalAppeal, AppraisalCorrection, AppraisalEntry, AppraisalMember,
                                          AppraisalResult, AppraisalRound, AppraisalScore, AppraisalSheet, AppraisalStar)

    models = (AppraisalRound, AppraisalMember, AppraisalSheet, AppraisalScore, AppraisalEntry, AppraisalResult,
              AppraisalAppeal, AppraisalCorrection, AppraisalStar, RecordVersion)
    with app.app_context(), acting_as(None, "tests", "cli"):
        before = {m: db.session.execute(select(func.count(m.id))).scalar() for m in models}
        load_demo(seed=11)
        rounds = db.session.execute(select(AppraisalRound).where(AppraisalRound.name.like("%（演示）"))
                                    .order_by(AppraisalRound.start_date)).scalars().all()
        last, current = rounds[-2], rounds[-1]
        assert last.status == "finalised" and current.status == "open"
        # Issue 18 point 7: published, one appeal answered, one result reopened and republished.
        assert last.publication == "published"
        appeals = db.session.execute(select(AppraisalAppeal).where(AppraisalAppeal.round_id == last.id)).scalars().all()
        assert len(appeals) == 2 and all(a.status == "answered" for a in appeals)
        corrected = db.session.execute(select(AppraisalCorrection)).scalars().all()
        assert [c.result.state for c in corrected if c.result.round_id == last.id] == ["final"]
        members = db.session.execute(select(func.count(AppraisalMember.id))
                                     .where(AppraisalMember.round_id == last.id)).scalar()
        assert members == 7
        results = db.session.execute(select(AppraisalResult).where(AppraisalResult.round_id == last.id)).scalars().all()
        assert any(r.tied for r in results) and any(r.moved_down for r in results)
        assert sum(r.grade == "excellent" for r in results) <= len(results) * 20 // 100
        submitted = db.session.execute(select(func.count(AppraisalSheet.id)).where(
            AppraisalSheet.round_id == current.id, AppraisalSheet.status == "submitted")).scalar()
        assert submitted == 2
        remove_demo()
        after = {m: db.session.execute(select(func.count(m.id))).scalar() for m in models}
        assert after == before

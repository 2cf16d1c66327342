"""A finalised (and optionally published) round whose staff can sign in (issue 18 tests):
five people, each with a Staff login, scored by three members with distinct totals."""
from __future__ import annotations

from datetime import date
from decimal import Decimal


def published_round(appraisal, publish: bool = True, people: int = 5) -> dict:
    from plugins.appraisal import closing, entries, publication, services
    from plugins.appraisal.models import AppraisalMember, AppraisalRound, AppraisalRoundStaff

    template_id = appraisal.template()
    staff_logins = [appraisal.user(role="Staff") for _ in range(people)]
    members = [appraisal.user() for _ in range(3)]
    sec = appraisal.user()
    with appraisal.ctx() as session:
        rnd = AppraisalRound(name=f"公示测试{template_id}", kind="monthly", template_id=template_id,
                             start_date=date(2026, 10, 1), end_date=date(2026, 10, 31), trim_at=5,
                             comment_below_percent=Decimal(60), secretary_id=sec[1])
        session.add(rnd)
        session.flush()
        for _, _, staff_id in staff_logins:
            session.add(AppraisalRoundStaff(round_id=rnd.id, staff_id=staff_id, graded=True))
        for _, user_id, _ in members:
            session.add(AppraisalMember(round_id=rnd.id, user_id=user_id, group="committee"))
        session.flush()
        services.open_round(session, rnd.id, user=None)
        session.commit()
        round_id = rnd.id
    order = {s: i for i, (_, _, s) in enumerate(staff_logins)}
    r = {"round": round_id, "members": members}
    # Person i scores 20 - i on two judged items, 15 on the third; all hold the certificate; person 0
    # loses 3 for leave: totals 92, 93, 91, 89, 87 — the quota (20 % of 5) is one, kept by person 1,
    # persons 0 and 2 are moved down to 合格.
    appraisal.fill(r, value=lambda m, p, item: str(min(15, 20 - order[p]) if item == "head" else 20 - order[p]))
    first = staff_logins[0][2]
    with appraisal.ctx() as session:
        entries.save_entries(session, round_id, None, first, "attendance",
                             {"count_personal_leave": "1", "count_sick_leave": "2", "comment": "病假条 流感"})
        for _, _, s in staff_logins:
            entries.save_entries(session, round_id, None, s, "certificate", {"yes": "1", "evidence": "健康证 2026"})
        session.commit()
    appraisal.transition(round_id, "close")
    with appraisal.ctx() as session:
        closing.finalise_round(session, round_id, None)
        if publish:
            publication.publish_round(session, round_id, None)
        session.commit()
    with appraisal.ctx() as session:
        from sqlalchemy import select

        from plugins.appraisal.models import AppraisalResult

        results = dict(session.execute(select(AppraisalResult.staff_id, AppraisalResult.id)
                                       .where(AppraisalResult.round_id == round_id)).all())
    return {"round": round_id, "staff": staff_logins, "results": [results[s] for _, _, s in staff_logins],
            "members": members, "secretary": sec}

"""The demo (issue 19 point 11): a committee of two campuses with parent members, six months of
meetings with the accounts of both kinds (one month beyond 2 %, the term so far near the line),
action items in every state, a meeting without quorum; its own rows follow the plugin's rules
(owners and officers are current members); `demo --remove` leaves nothing of it."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select


def test_the_demo_committee_has_what_issue_19_asks_and_is_removed_completely(app):
    from app.audit import acting_as
    from app.demo import load_demo, remove_demo
    from app.extensions import db
    from plugins.meals import committee_rules as cr, rules
    from plugins.meals.models import (ActionItem, Attendance, Committee, CommitteeCampus, FeeAccount, Meeting, Member,
                                      MenuEntry, NutritionRow)
    from plugins.meals.services import item_status

    models = (Committee, CommitteeCampus, Member, Meeting, Attendance, ActionItem, FeeAccount, MenuEntry, NutritionRow)
    with app.test_request_context(), acting_as(None, "tests", "cli"):
        s = db.session
        before = {m: s.execute(select(func.count(m.id))).scalar() for m in models}
        load_demo(seed=19)
        committee = s.execute(select(Committee).where(Committee.name == "两园伙食委员会")
                              .order_by(Committee.id.desc()).limit(1)).scalar_one()
        assert len(committee.campuses) == 2
        members = s.execute(select(Member).where(Member.committee_id == committee.id)).scalars().all()
        parents = [m for m in members if m.role == "parent_rep"]
        assert parents and all(m.staff_id is None and m.phone and m.name for m in parents)
        meetings = s.execute(select(Meeting).where(Meeting.committee_id == committee.id)
                             .order_by(Meeting.held_on)).scalars().all()
        held = [m for m in meetings if m.number.startswith("演示") and "下次" not in m.number]
        assert len(held) == 6 and len({(m.held_on.year, m.held_on.month) for m in held}) == 6
        assert [m for m in held if m.quorum_met is False]  # one held without quorum
        assert {"published", "circulated", "draft"} <= {m.status for m in meetings}
        for m in meetings:  # the officers are members of the committee on the day
            cr.check_officer(m.chair, committee.id, m.held_on, "chair")
            cr.check_officer(m.minute_taker, committee.id, m.held_on, "minute_taker")
        items = s.execute(select(ActionItem).where(ActionItem.committee_id == committee.id)).scalars().all()
        assert {item_status(i) for i in items} == {cr.OPEN, cr.DONE, cr.OVERDUE}
        for i in items:
            cr.check_owner(i.owner_member, committee.id, i.raised_on)
        campus_ids = [c.id for c in committee.campuses]
        accounts = s.execute(select(FeeAccount).where(FeeAccount.campus_id.in_(campus_ids))).scalars().all()
        demo_months = {(m.held_on.year, m.held_on.month) for m in held}
        mine = [a for a in accounts if (a.year, a.month) in demo_months]
        assert {a.kind for a in mine} == {rules.CHILDREN, rules.STAFF}
        children = [a for a in mine if a.kind == rules.CHILDREN]
        assert any(rules.fee_balance(a.income, a.spending).beyond for a in children)  # a month beyond 2 %
        near = [rules.fee_balance(a.income, a.spending) for a in children]
        assert any(Decimal("1.5") <= r.rate_pct <= Decimal("2") for r in near)  # months near the line
        remove_demo()
        after = {m: s.execute(select(func.count(m.id))).scalar() for m in models}
        assert after == before

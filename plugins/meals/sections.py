"""What the minutes page, the printed minutes and the public notice show of a meeting: the
quorum, the attendance, the sections (a)-(g), and the month's accounts of the campuses the
committee serves. A fixed number of queries whatever the number of carried items."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from . import accounts, committee_rules as cr, services
from .models import (CHOICES, LABELLED, ActionItem, Attendance, FeedbackItem, FeeAccount, Meeting, Member,
                     MenuEntry, NutritionRow, committee_campus)


def decision_lines(text) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def month_accounts(session, meeting) -> list:
    """The meeting month's accounts of every campus the committee serves, both kinds, with their result."""
    campuses = select(committee_campus.c.campus_id).where(committee_campus.c.committee_id == meeting.committee_id)
    rows = session.execute(select(FeeAccount).options(joinedload(FeeAccount.campus)).where(
        FeeAccount.campus_id.in_(campuses), FeeAccount.year == meeting.held_on.year,
        FeeAccount.month == meeting.held_on.month).order_by(FeeAccount.campus_id, FeeAccount.kind)).scalars().all()
    flag_staff = bool(services.setting("meals_flag_staff"))
    out = []
    for a in rows:
        result = accounts.month_result(a)
        out.append({"account": a, "result": result, "warning": accounts.rules.month_warning(result, a.kind, flag_staff)})
    return out


def minutes_context(session, meeting, posted: dict | None = None, public: bool = False, notice: bool = False) -> dict:
    """Everything the minutes page (or the printed minutes: `public`) shows of a meeting; the public
    notice (`notice`) reads only its accounts, decisions and menus, and the quorum as it stood."""
    posted = posted or {}
    on = services.today()
    locked = Meeting.flow.is_locked(meeting.status)  # the state read with the page: no second query
    menu = session.execute(select(MenuEntry).where(MenuEntry.meeting_id == meeting.id)
                           .order_by(MenuEntry.day, MenuEntry.id)).scalars().all()
    out = {"meeting": meeting, "menu": menu, "accounts": month_accounts(session, meeting),
           "decisions": decision_lines(meeting.decisions), "today": on, "choices": CHOICES, "options": LABELLED,
           "editable": not locked and not public and not notice and meeting.status in ("draft", "circulated")}
    if notice:  # published, so locked: the quorum as it stood when circulated
        return {**out, "met": meeting.quorum_met}
    members = services.members_on(session, meeting.committee_id, meeting.held_on)
    rows = session.execute(select(Attendance).options(joinedload(Attendance.member).joinedload(Member.staff)
                                                      .lazyload("*")).where(
        Attendance.meeting_id == meeting.id).order_by(Attendance.id)).scalars().all()
    by_member = {r.member_id: r for r in rows if r.member_id is not None}
    quorum = services.person_quorum(members, [r.member_id for r in rows if r.present and r.member_id],
                                    meeting.held_on)
    raised = session.execute(select(ActionItem).options(
        joinedload(ActionItem.owner_member).joinedload(Member.staff).lazyload("*"),
        joinedload(ActionItem.owner_staff).lazyload("*")).where(
        ActionItem.meeting_id == meeting.id).order_by(ActionItem.id)).unique().scalars().all()
    floor = services.setting("meals_nutrition_floor")
    nutrition = [(row, cr.attainment(row.nutrient, row.intake, row.standard, row.age_group, floor))
                 for row in session.execute(select(NutritionRow).where(NutritionRow.meeting_id == meeting.id)
                                            .order_by(NutritionRow.age_group, NutritionRow.nutrient)).scalars()]
    feedback = session.execute(select(FeedbackItem).where(FeedbackItem.meeting_id == meeting.id)
                               .order_by(FeedbackItem.source, FeedbackItem.id)).scalars().all()
    previous = services.unconfirmed_decisions(session, meeting)
    return {
        **out, "quorum": quorum, "met": meeting.quorum_met if locked else quorum.met,
        "members": [(m, by_member.get(m.id)) for m in members],
        "guests": [r for r in rows if r.member_id is None],
        # (item, its status today, the number of the meeting that raised it)
        "carried": [(i, services.item_status(i, on), number) for i, number in services.carried_items(session, meeting)],
        "raised": [(i, services.item_status(i, on)) for i in raised],
        "nutrition": nutrition, "feedback": feedback,
        "to_confirm": (previous, decision_lines(previous.decisions)) if previous is not None else None,
        "confirming": meeting.status == "circulated",
        "form": posted.get("form"), "errors": posted.get("errors", {}), "typed": posted.get("values", {}),
        "owner_choices": [(str(mb.id), mb.display_name) for mb in members],
    }

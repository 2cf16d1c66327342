"""What the minutes page, the printed minutes and the public notice show of a meeting: the
quorum, the attendance, the sections (a)-(g), and the month's accounts of the campuses the
committee serves. A fixed number of queries whatever the number of carried items."""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from . import accounts, committee_rules as cr, services
from .models import (CHOICES, LABELLED, Attendance, FeedbackItem, FeeAccount, Meeting, MenuEntry, NutritionRow,
                     committee_campus)


def decision_lines(text) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


MEETING = bindparam("meeting")
ATTENDANCE = (select(Attendance.id, Attendance.member_id, Attendance.guest_name, Attendance.present,
                     Attendance.absence_reason, Attendance.confirmed, Attendance.confirmed_via_minute_taker)
              .where(Attendance.meeting_id == MEETING).order_by(Attendance.id))
NUTRITION = (select(NutritionRow.id, NutritionRow.age_group, NutritionRow.nutrient, NutritionRow.intake,
                    NutritionRow.standard).where(NutritionRow.meeting_id == MEETING)
             .order_by(NutritionRow.age_group, NutritionRow.nutrient))
FEEDBACK = (select(FeedbackItem.id, FeedbackItem.source, FeedbackItem.text, FeedbackItem.response)
            .where(FeedbackItem.meeting_id == MEETING).order_by(FeedbackItem.source, FeedbackItem.id))
MENU = (select(MenuEntry.id, MenuEntry.day, MenuEntry.meal, MenuEntry.dishes, MenuEntry.quantities)
        .where(MenuEntry.meeting_id == MEETING).order_by(MenuEntry.day, MenuEntry.id))
ACCOUNTS = (select(FeeAccount).options(joinedload(FeeAccount.campus))
            .where(FeeAccount.campus_id.in_(select(committee_campus.c.campus_id)
                                            .where(committee_campus.c.committee_id == bindparam("committee"))),
                   FeeAccount.year == bindparam("year"), FeeAccount.month == bindparam("month"))
            .order_by(FeeAccount.campus_id, FeeAccount.kind))


def month_accounts(session, meeting) -> list:
    """The meeting month's accounts of every campus the committee serves, both kinds, with their result."""
    rows = session.execute(ACCOUNTS, {"committee": meeting.committee_id, "year": meeting.held_on.year,
                                      "month": meeting.held_on.month}).scalars().all()
    flag_staff = bool(services.setting("meals_flag_staff"))
    band = accounts.band()
    out = []
    for a in rows:
        result = accounts.rules.fee_balance(a.income, a.spending, band)
        out.append({"account": a, "result": result, "warning": accounts.rules.month_warning(result, a.kind, flag_staff)})
    return out


def minutes_context(session, meeting, posted: dict | None = None, public: bool = False, notice: bool = False) -> dict:
    """Everything the minutes page (or the printed minutes: `public`) shows of a meeting; the public
    notice (`notice`) reads only its accounts, decisions and menus, and the quorum as it stood."""
    posted = posted or {}
    on = services.today()
    locked = Meeting.flow.is_locked(meeting.status)  # the state read with the page: no second query
    menu = session.execute(MENU, {"meeting": meeting.id}).all()
    out = {"meeting": meeting, "menu": menu, "accounts": month_accounts(session, meeting),
           "decisions": decision_lines(meeting.decisions), "today": on, "choices": CHOICES, "options": LABELLED,
           "editable": not locked and not public and not notice and meeting.status in ("draft", "circulated")}
    if notice:  # published, so locked: the quorum as it stood when circulated
        return {**out, "met": meeting.quorum_met}
    # The sections' rows are read as rows (columns, no records built): the page only shows them.
    read = g.get("_meals_members") if has_request_context() else None  # read by the show page already
    members = read[1] if read is not None and read[0] == meeting.id else services.members_on(
        session, meeting.committee_id, meeting.held_on)
    rows = session.execute(ATTENDANCE, {"meeting": meeting.id}).all()
    by_member = {r.member_id: r for r in rows if r.member_id is not None}
    quorum = services.person_quorum(members, [r.member_id for r in rows if r.present and r.member_id],
                                    meeting.held_on)
    floor = services.setting("meals_nutrition_floor")
    nutrition = [(row, cr.attainment(row.nutrient, row.intake, row.standard, row.age_group, floor))
                 for row in session.execute(NUTRITION, {"meeting": meeting.id})]
    feedback = session.execute(FEEDBACK, {"meeting": meeting.id}).all()
    before = services.previous_meeting(session, meeting)
    previous = services.unconfirmed_decisions(before)
    return {
        **out, "quorum": quorum, "met": meeting.quorum_met if locked else quorum.met,
        "members": [(m, by_member.get(m.id)) for m in members],
        "guests": [r for r in rows if r.member_id is None],
        "attendance_taken": bool(by_member),
        # (item, its status today, the number of the meeting that raised it)
        "carried": [(i, services.item_status(i, on), i.raised_at)
                    for i in services.carried_items(session, meeting, before)],
        "raised": [(i, services.item_status(i, on)) for i in services.raised_items(session, meeting)],
        "nutrition": nutrition, "feedback": feedback,
        "to_confirm": (previous, decision_lines(previous.decisions)) if previous is not None else None,
        "confirming": meeting.status == "circulated",
        "form": posted.get("form"), "errors": posted.get("errors", {}), "typed": posted.get("values", {}),
        "owner_choices": [(str(mb.id), mb.display_name) for mb in members],
    }

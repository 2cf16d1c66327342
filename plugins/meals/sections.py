"""What the minutes page, the printed minutes and the public notice show of a meeting: the
quorum, the attendance, the sections (a)-(g), and the month's accounts of the campuses the
committee serves. A fixed number of queries whatever the number of carried items."""
from __future__ import annotations

from flask import g, has_request_context
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.i18n import date_formatter

from . import accounts, committee_rules as cr, services
from .models import (CHOICES, LABELLED, FeedbackItem, FeeAccount, Meeting, MenuEntry, NutritionRow,
                     committee_campus)


def decision_lines(text) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


MEETING = bindparam("meeting")
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


_LABEL_CLASS = {"open": "label-info", "done": "label-success", "overdue": "label-danger"}


def carried_rows(m, statuses, csrf, back, done_url, today, t_done_on, t_how, t_mark) -> Markup:
    """The <tr>s of section (a), as the page's template wrote them (tags, escaping, whitespace), in
    one pass: with forty carried items the Jinja loop (its cells, filters and escapes) was most of the
    sections' rendering (some 900 escapes and 80 filter calls a page). A done item shows how it was handled; an open one, while the minutes are
    written, the form to mark it done (what was typed and the messages, when it was refused)."""
    fmt = date_formatter()
    out = []
    add = out.append
    refused = m["form"] == "done"
    typed, errors = m["typed"], m["errors"]
    csrf, back, done_url, today = escape(csrf), escape(back), escape(done_url), escape(today)
    t_done_on, t_how, t_mark = escape(t_done_on), escape(t_how), escape(t_mark)
    labels = {code: f'{code} {css}">{escape(statuses[code])}' for code, css in _LABEL_CLASS.items()}
    for item, st, raised_at in m["carried"]:
        key = str(item.id)  # an integer key, a status code and dates as 2026年1月8日 need no escaping
        add(f'\n  <tr class="meals-carried-item" data-item="{key}">\n    <td>{escape(raised_at)}</td>'
            f'<td>{escape(item.description)}</td><td>{escape(item.owner_name)}</td><td>{fmt(item.due_on)}</td>'
            f'\n    <td><span class="label meals-status-{labels[st]}</span></td>\n    <td>')
        if item.state == "done":
            add(f"{fmt(item.done_on)} {escape(item.done_note)}")
        elif m["editable"]:
            mine = refused and typed.get("item_id") == str(item.id)
            on_error = "has-error" if mine and errors.get("done_on") else ""
            note_error = "has-error" if mine and errors.get("done_note") else ""
            help_block = (f'<span class="help-block text-danger">'
                          f'{Markup(" ").join(errors.get("done_on", []) + errors.get("done_note", []))}</span>'
                          if mine else "")
            add(f'\n      \n      <form method="post" action="{done_url}{key}" class="form-inline meals-done-form">'
                f'\n        <input type="hidden" name="csrf_token" value="{csrf}"><input type="hidden" name="next" '
                f'value="{back}">\n        <input type="hidden" name="item_id" value="{key}">'
                f'\n        <span class="{on_error}"><input type="date" class="form-control input-sm" name="done_on" '
                f'aria-label="{t_done_on}" value="{escape(typed.get("done_on", today)) if mine else today}"></span>'
                f'\n        <span class="{note_error}"><input class="form-control input-sm" name="done_note" '
                f'maxlength="500" placeholder="{t_how}" aria-label="{t_how}" '
                f'value="{escape(typed.get("done_note", "")) if mine else ""}"></span>'
                f'\n        <button class="btn btn-xs btn-success">{t_mark}</button>\n        {help_block}\n      </form>')
        add("</td>\n  </tr>\n  ")
    return Markup("".join(out))


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
           "carried_rows": carried_rows,
           "editable": not locked and not public and not notice and meeting.status in ("draft", "circulated")}
    if notice:  # published, so locked: the quorum as it stood when circulated
        return {**out, "met": meeting.quorum_met}
    # The sections' rows are read as rows (columns, no records built): the page only shows them.
    read = g.get("_meals_members") if has_request_context() else None  # read by the show page already
    members, rows = read[1:] if read is not None and read[0] == meeting.id else services.members_and_attendance(
        session, meeting)
    by_member = {r.member_id: r for r in rows if r.member_id is not None}
    quorum = services.person_quorum(members, [r.member_id for r in rows if r.present and r.member_id],
                                    meeting.held_on)
    floor = services.setting("meals_nutrition_floor")
    nutrition = [(row, cr.attainment(row.nutrient, row.intake, row.standard, row.age_group, floor))
                 for row in session.execute(NUTRITION, {"meeting": meeting.id})]
    feedback = session.execute(FEEDBACK, {"meeting": meeting.id}).all()
    before = services.previous_meeting(session, meeting)
    previous = services.unconfirmed_decisions(before)
    carried, raised = services.meeting_items(session, meeting, before)
    return {
        **out, "quorum": quorum, "met": meeting.quorum_met if locked else quorum.met,
        "members": [(m, by_member.get(m.id)) for m in members],
        "guests": [r for r in rows if r.member_id is None],
        "attendance_taken": bool(by_member),
        # (item, its status today, the number of the meeting that raised it)
        "carried": [(i, services.item_status(i, on), i.raised_at) for i in carried],
        "raised": [(i, services.item_status(i, on)) for i in raised],
        "nutrition": nutrition, "feedback": feedback,
        "to_confirm": (previous, decision_lines(previous.decisions)) if previous is not None else None,
        "confirming": meeting.status == "circulated",
        "form": posted.get("form"), "errors": posted.get("errors", {}), "typed": posted.get("values", {}),
        "owner_choices": [(str(mb.id), mb.display_name) for mb in members],
    }

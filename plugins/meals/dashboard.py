"""The committee on the dashboard and in the to-do list: action items waiting for their owner,
minutes circulated and waiting for their chair; tiles for the next meeting, the overdue items and
this term's rate of the children's account."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import bindparam, func, literal_column, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Staff
from app.plugin import Todo, Widget
from app.scoping import scope_clause
from app.todo import TodoItem

from . import accounts, services
from .models import ActionItem, Meeting, Member

OPEN = literal_column("'open'")  # a constant, so an index on the state can serve the count


def _own_staff():
    return select(Staff.id).where(Staff.user_id == bindparam("todo_user")).correlate(None).scalar_subquery()


def _mine():
    mine = _own_staff()
    return (ActionItem.state == OPEN, or_(ActionItem.owner_staff_id == mine, ActionItem.owner_member_id.in_(
        select(Member.id).where(Member.staff_id == mine).correlate(None))))


ITEMS_COUNT = select(func.count(ActionItem.id)).where(*_mine())
CHAIR_COUNT = select(func.count(Meeting.id)).where(
    Meeting.status == literal_column("'circulated'"),
    Meeting.chair_id.in_(select(Member.id).where(Member.staff_id == _own_staff()).correlate(None)))


def items_count(user):
    return ITEMS_COUNT.params(todo_user=user.id)


def items(user, limit):
    rows = db.session.execute(select(ActionItem).options(joinedload(ActionItem.meeting)).where(*_mine())
                              .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id).limit(limit)
                              .params(todo_user=user.id)).unique().scalars()
    return [TodoItem(title=i.description, detail=gettext("Due %(day)s", day=i.due_on.isoformat()) if i.due_on else "",
                     url=url_for("ActionItemView.show", pk=i.id)) for i in rows]


def chair_count(user):
    return CHAIR_COUNT.params(todo_user=user.id)


def chair_items(user, limit):
    rows = db.session.execute(CHAIR_COUNT.with_only_columns(Meeting.id, Meeting.number)
                              .order_by(Meeting.held_on).limit(limit).params(todo_user=user.id)).all()
    return [TodoItem(title=gettext("Minutes %(number)s to approve", number=number),
                     url=url_for("MeetingView.show", pk=pk)) for pk, number in rows]


TODOS = [
    Todo("meals.items", _l("My action items (meal committee)"), items_count, items, ("can_list", "ActionItemView"),
         icon="fa-tasks"),
    Todo("meals.approve", _l("Minutes to approve"), chair_count, chair_items, ("can_approve", "MeetingView"),
         icon="fa-file-signature"),
]


def _tile(key, icon, title, number, link, detail="", danger=False):
    return Markup(render_template("meals/widget.html", key=key, icon=icon, title=title, number=number, link=link,
                                  detail=detail, danger=danger))


def next_meeting_widget(appbuilder):
    q = select(Meeting).where(Meeting.held_on >= services.today()).order_by(Meeting.held_on).limit(1)
    clause = services.meeting_access()
    meeting = db.session.execute(q if clause is None else q.where(clause)).unique().scalar_one_or_none()
    if meeting is None:
        return _tile("next", "fa-calendar", gettext("Next committee meeting"), "—", url_for("MeetingView.list"),
                     gettext("None planned"))
    return _tile("next", "fa-calendar", gettext("Next committee meeting"), meeting.held_on.isoformat(),
                 url_for("MeetingView.show", pk=meeting.id), f"{meeting.number} · {meeting.place}")


def overdue_widget(appbuilder):
    q = select(func.count(ActionItem.id)).where(ActionItem.state == OPEN, ActionItem.due_on < services.today())
    clause = services.item_access()
    count = db.session.execute(q if clause is None else q.where(clause)).scalar_one()
    return _tile("overdue", "fa-exclamation-circle", gettext("Overdue action items"), count,
                 # the tracker filtered as counted: open and due before today (filter 2 of a date: "less than")
                 url_for("ActionItemView.list", _flt_0_state="open", _flt_2_due_on=services.today().isoformat()),
                 danger=bool(count))


def term_rate_widget(appbuilder):
    from app.models import Campus

    q = select(Campus).where(Campus.active.is_(True)).order_by(Campus.id).limit(1)
    clause = scope_clause(Campus.id)
    campus = db.session.execute(q if clause is None else q.where(clause)).scalar_one_or_none()
    row = accounts.term_rate(db.session, campus.id) if campus is not None else None
    if row is None:
        return _tile("rate", "fa-percent", gettext("This term's rate (children's meals)"), "—",
                     url_for("MealReportsView.ledger"), gettext("No term or no account yet"))
    result = row.account.result
    shown = gettext("No income recorded") if result.rate_pct is None else f"{result.shown_pct} %"
    return _tile("rate", "fa-percent", gettext("This term's rate (children's meals)"), shown,
                 url_for("MealReportsView.ledger", campus_id=campus.id), campus.name, danger=bool(row.account.flagged))


WIDGETS = [
    Widget("meals_next", next_meeting_widget, ("can_list", "MeetingView"), order=40),
    Widget("meals_overdue", overdue_widget, ("can_list", "ActionItemView"), order=41),
    Widget("meals_rate", term_rate_widget, ("can_ledger", "MealReportsView"), order=42),
]

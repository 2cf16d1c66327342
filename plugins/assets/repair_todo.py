"""What repairs put on someone's to-do list (and so on the dashboard): requests waiting for the
keeper's dispatch, a repairer's own queue, the reporter's confirmation (验收签字, 002) with its
answer in place; and the dashboard tile "过夜" — requests still open after the end of the working
day they were due by (不留问题过夜, 001) — for the keeper and the Director. Each count is one
indexed SELECT built once."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import render_template, url_for
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import bindparam, func, literal_column, select

from app.extensions import db
from app.plugin import Todo, Widget
from app.todo import TodoButton, TodoItem

from .lifecycle_todo import _campus_in, _filled
from .repair_models import RepairRequest as R
from .repair_queries import OPEN, open_requests, scoped_to

_REPORTED, _DISPATCHED, _FIXED = (literal_column(f"'{s}'") for s in ("reported", "dispatched", "fixed"))


def _pair(*where):
    return [select(func.count(R.id)).where(*where, *scoped) for scoped in ((), (_campus_in(R.campus_id),))]


# by ix_assets_repair_status_campus (status alone scanned a campus's five years of requests: 16 ms
# of every page of the keeper at 200,000 requests)
DISPATCH_COUNT = _pair(R.status == _REPORTED)
OVERNIGHT_COUNT = _pair(OPEN, R.due_at < bindparam("todo_now"))
QUEUE_COUNT = select(func.count(R.id)).where(R.repairer_id == bindparam("todo_user"), R.status == _DISPATCHED)
CONFIRM_COUNT = select(func.count(R.id)).where(R.reported_by_id == bindparam("todo_user"), R.status == _FIXED)


def _title(r):
    return f"{r.number} · {r.room.building.name if r.room and r.room.building else ''} {r.room.name if r.room else ''}"


def dispatch_count(user):
    return _filled(DISPATCH_COUNT, user)


def dispatch_items(user, limit):
    q = scoped_to(select(R).where(R.status == _REPORTED), R.campus_id).order_by(R.reported_at).limit(limit)
    return [TodoItem(title=gettext("Repair %(title)s to dispatch", title=_title(r)), detail=r.description,
                     when=r.reported_at, url=url_for("RepairView.dispatch", pk=r.id), urgent=r.urgency == "urgent")
            for r in db.session.execute(q).scalars()]


def queue_count(user):
    return QUEUE_COUNT.params(todo_user=user.id)


def queue_items(user, limit):
    q = select(R).where(R.repairer_id == user.id, R.status == _DISPATCHED).order_by(R.reported_at).limit(limit)
    return [TodoItem(title=gettext("Repair %(title)s", title=_title(r)), detail=r.description, when=r.dispatched_at,
                     url=url_for("RepairView.fix", pk=r.id), urgent=r.urgency == "urgent")
            for r in db.session.execute(q).scalars()]


def confirm_count(user):
    return CONFIRM_COUNT.params(todo_user=user.id)


def confirm_items(user, limit):
    q = select(R).where(R.reported_by_id == user.id, R.status == _FIXED).order_by(R.fixed_at).limit(limit)
    return [TodoItem(title=gettext("Repair %(title)s done: confirm it", title=_title(r)),
                     detail=" · ".join(x for x in (r.description, r.work) if x), when=r.fixed_at,
                     url=url_for("RepairView.show", pk=r.id), action=url_for("RepairView.answer", pk=r.id),
                     buttons=[TodoButton(gettext("Confirm the repair (验收)"), "answer", "confirm", "success")])
            for r in db.session.execute(q).scalars()]


def overnight_count(user):
    return _filled(OVERNIGHT_COUNT, user, todo_now=datetime.now(timezone.utc))


def overnight_items(user, limit):
    now = datetime.now(timezone.utc)
    q = scoped_to(select(R).where(OPEN, R.due_at < now), R.campus_id).order_by(R.due_at).limit(limit)
    return [TodoItem(title=gettext("过夜: repair %(title)s is still open", title=_title(r)), detail=r.description,
                     when=r.reported_at, url=url_for("RepairView.show", pk=r.id), urgent=True)
            for r in db.session.execute(q).scalars()]


def overnight_widget(appbuilder):
    """The dashboard tile of the keeper and the Director: how many are open overnight, the oldest."""
    from .repair_views import overnight

    rows = [r for r in open_requests(db.session, limit=200) if overnight(r)]
    return Markup(render_template(
        "assets/repair_widget.html", number=len(rows), rows=rows[:5], link=url_for("RepairDeskView.open"),
        title=gettext("Repairs open overnight (过夜)")))


REPAIR_TODOS = [
    Todo("assets.repair_dispatch", _l("Repairs to dispatch"), dispatch_count, dispatch_items,
         ("can_dispatch", "RepairView"), icon="fa-tools", order=48),
    Todo("assets.repair_overnight", _l("Repairs open overnight (过夜)"), overnight_count, overnight_items,
         ("can_dispatch", "RepairView"), icon="fa-moon", order=49),
    Todo("assets.repair_queue", _l("My repair queue"), queue_count, queue_items, ("can_queue", "RepairDeskView"),
         icon="fa-wrench", order=50),
    Todo("assets.repair_confirm", _l("Repairs to confirm"), confirm_count, confirm_items,
         ("can_confirm", "RepairView"), icon="fa-check", order=51),
]
REPAIR_WIDGETS = [Widget("assets_repair_overnight", overnight_widget, ("can_open", "RepairDeskView"), order=35)]

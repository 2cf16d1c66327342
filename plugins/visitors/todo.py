"""What the gate leaves waiting for someone (core's to-do list, app/todo.py), worked out from the
visits and override requests themselves: a visitor waiting at the gate for their host's answer,
and a blocklist override waiting for a Director. Answered, the record leaves the waiting state
and the item is gone. The staff-record panel of the visitors a person hosted is here too."""
from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.i18n import local_day_range_utc
from app.plugin import Panel, Todo
from app.models import Staff
from app.scoping import scope_clause, user_campus_ids
from app.security import is_unscoped
from app.todo import TodoButton, TodoItem

from . import queries
from .labels import STATUS_LABELS
from .models import ON_SITE, PENDING, WAITING, OverrideRequest, Visit

PANEL_VISITS = 10


# As literals, not parameters: they match the partial index ix_visit_host_waiting, which the
# planners only use when the query states its condition (SQLite never, with bound values).
WAITING_FOR_HOST = (literal_column("visit.host_response") == literal_column(f"'{PENDING}'"),
                    literal_column("visit.status") == literal_column(f"'{ON_SITE}'"))


def _host_waiting():
    """On site today, waiting for this user's answer (a visit left open since yesterday is the
    desk's to sign out, not the host's to answer). Parameters: todo_user, todo_since."""
    host = select(Staff.id).where(Staff.user_id == bindparam("todo_user")).correlate(None).scalar_subquery()
    return (Visit.host_id == host, *WAITING_FOR_HOST, Visit.time_in >= bindparam("todo_since"))


# Built once: the count runs on every page and every poll; .params() fills in the user and day.
HOST_COUNT = select(func.count(Visit.id)).where(*_host_waiting())


def _host_params(user) -> dict:
    return {"todo_user": user.id, "todo_since": local_day_range_utc()[0]}


def host_count(user):
    return HOST_COUNT.params(**_host_params(user))


def host_items(user, limit: int) -> list[TodoItem]:
    visits = db.session.execute(
        select(Visit).options(joinedload(Visit.visitor), joinedload(Visit.purpose), joinedload(Visit.campus))
        .where(*_host_waiting()).order_by(Visit.time_in, Visit.id).limit(limit), _host_params(user)
    ).scalars().all()
    items = []
    for v in visits:
        facts = [gettext("Waiting at the gate of %(campus)s", campus=v.campus.name), str(v.purpose)]
        if v.visitor.organisation:
            facts.insert(0, v.visitor.organisation)
        if v.reason:
            facts.append(v.reason)
        if v.party_size > 1:
            facts.append(gettext("%(n)d people", n=v.party_size))
        if v.plate:
            facts.append(v.plate)
        items.append(TodoItem(
            title=gettext("%(name)s is waiting for you", name=v.visitor_name), detail=" · ".join(facts), when=v.time_in,
            url=url_for("VisitView.show", pk=v.id), action=url_for("VisitView.respond", pk=v.id),
            buttons=[TodoButton(gettext("Let in"), "answer", "confirm", "success"),
                     TodoButton(gettext("Decline"), "answer", "decline", "danger")]))
    return items


def override_count(user):
    query = select(func.count(OverrideRequest.id)).where(OverrideRequest.status == WAITING)
    clause = scope_clause(OverrideRequest.campus_id)
    return query if clause is None else query.where(clause)


def override_items(user, limit: int) -> list[TodoItem]:
    items = []
    for o in queries.waiting_overrides(db.session, user_campus_ids(), limit=limit):
        facts = [o.campus.name, gettext("requested by %(name)s", name=o.requested_by.get_full_name() if o.requested_by else "")]
        if o.blocklist_entry is not None:
            facts.append(gettext("Blocklist reason") + ": " + o.blocklist_entry.reason)
        if o.request_note:
            facts.append(gettext("Gate's note") + ": " + o.request_note)
        items.append(TodoItem(
            title=gettext("Override requested for %(name)s", name=o.refused_visit.visitor_name),
            detail=" · ".join(facts), when=o.requested_at, urgent=True,
            url=url_for("OverrideView.show", pk=o.id), action=url_for("GateDeskView.decide", pk=o.id),
            text_field="reason", text_label=gettext("Reason"),
            buttons=[TodoButton(gettext("Approve"), "decision", "approve", "success"),
                     TodoButton(gettext("Decline"), "decision", "decline", "danger")]))
    return items


TODOS = [
    Todo("visitors.host", _l("Visitors waiting for your answer"), host_count, host_items,
         ("can_respond", "VisitView"), icon="fa-door-open", order=20),
    Todo("visitors.override", _l("Blocklist overrides waiting for your decision"), override_count, override_items,
         ("can_decide", "GateDeskView"), icon="fa-user-shield", order=10),  # a refused visitor waits
]


def hosted_panel(viewer, staff):
    """The visitors this person hosted, newest first: for the person themself and the office
    (a colleague's visitors are not the business of other staff)."""
    if not (viewer.id == staff.user_id or is_unscoped(viewer)):
        return None
    if not current_app.appbuilder.sm.has_access("can_list", "VisitView"):
        return None
    visits = db.session.execute(
        select(Visit).options(joinedload(Visit.purpose)).where(Visit.host_id == staff.id)
        .order_by(Visit.time_in.desc()).limit(PANEL_VISITS)).scalars().all()
    return Markup(render_template("visitors/panel_hosted.html", visits=visits, staff=staff,
                                  mine=viewer.id == staff.user_id, statuses=STATUS_LABELS))


PANELS = [Panel("visitors.hosted", _l("Visitors hosted"), hosted_panel, order=20)]

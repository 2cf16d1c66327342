"""Reads shared by the desk, lists, API, reports and widgets: who may see which
visits, and the desk's few eager-loaded queries (no N+1)."""
from __future__ import annotations

import functools
from datetime import date, time, timedelta

from flask import current_app
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import joinedload

from app import freshness
from app.extensions import db
from app.i18n import local_day_range_utc, local_now, to_local
from app.models import Campus, Department, Staff
from app.rules import parse_hhmm
from app.scoping import current_user, own_staff_id, scope_clause, user_campus_ids
from app.security import is_unscoped, role_names

from . import rules
from .models import EXPECTED, ON_SITE, WAITING, Appointment, DutyLog, OverrideRequest, PatrolRound, Purpose, Visit, Visitor

# The desk's host list is kept per campus until a staff member or department changes.
freshness.watch("staff", "people")
freshness.watch("department", "people")
freshness.watch("visit_purpose", "reference")


def _combine(*clauses):
    kept = [c for c in clauses if c is not None]
    return and_(*kept) if kept else None


def visit_access_clause(user=None):
    """Director/Admin/Auditor: everything. Gatekeeper: on-site visits and those of the last
    `gate_lookback_days` days (today included) of their campuses ("did the plumber come
    yesterday?"). Anyone else (Staff): visits to themselves. None = no restriction."""
    user = user if user is not None else current_user()
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    if is_unscoped(user):
        return None
    roles = role_names(user)
    options = [Visit.host_id == own_staff_id(user)]
    if "Gatekeeper" in roles:
        days = current_app.extensions["houqin_settings"].get("gate_lookback_days")
        today = local_now().date()
        start, _end = local_day_range_utc(today - timedelta(days=max(days, 1) - 1))
        _start, end = local_day_range_utc(today)
        # Bounded on both sides: SQLite's planner takes the multi-index OR (host, status, time) only
        # for a closed range; with `time_in >= start` alone it scans the campus (0.3 -> 118 ms at 1M).
        options.append(or_(Visit.status == ON_SITE, and_(Visit.time_in >= start, Visit.time_in < end)))
    return _combine(scope_clause(Visit.campus_id), or_(*options))


def visitor_access_clause(user=None):
    """The visitor register is the institution's (one record per person): a user bound to campuses
    sees the people registered at or visiting them, and only those campuses' visits (visit lists)."""
    user = user if user is not None else current_user()
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    campuses = scope_clause(Visit.campus_id)
    if campuses is None:
        return None
    return or_(scope_clause(Visitor.campus_id),
               Visitor.id.in_(select(Visit.visitor_id).where(campuses).correlate(None)))


def host_choice_clause(user=None):
    """The host drop-down of a new appointment: yourself, or any active staff for Director/Admin."""
    user = user if user is not None else current_user()
    clause = Staff.active.is_(True)
    return clause if is_unscoped(user) else and_(clause, Staff.user_id == user.id)


def patrol_access_clause(user=None):
    """Patrol rounds of the duty logs of the user's campuses."""
    clause = scope_clause(DutyLog.campus_id)
    return None if clause is None else PatrolRound.duty_log_id.in_(select(DutyLog.id).where(clause))


def desk_campuses() -> list[Campus]:
    """The active campuses the user works the gate of (every campus for Director/Admin)."""
    ids = user_campus_ids()
    query = select(Campus).where(Campus.active.is_(True)).order_by(Campus.name)
    if ids is not None:
        query = query.where(Campus.id.in_(ids))
    return db.session.execute(query).scalars().all()


def host_choices(campus_id: int) -> list[tuple[int, str]]:
    """The desk's host drop-down: the campus's active staff as (id, "name · department"), kept
    between requests (hundreds of staff: a query and a few hundred labels per desk page)."""
    def build():
        return [(pk, f"{name} · {department}" if department else name)
                for pk, name, department in db.session.execute(
                    select(Staff.id, Staff.name, Department.name)
                    .outerjoin(Department, Staff.department_id == Department.id)
                    .where(Staff.campus_id == campus_id, Staff.active.is_(True)).order_by(Staff.name, Staff.id))]
    return freshness.kept("visitors_hosts").get(campus_id, freshness.stamp("people"), build)


def host_search_keys(campus_id: int) -> dict[int, str]:
    """id -> pinyin keys of the host's name and department ("zhangli zl houqinchu hqc"): the desk's
    host field finds 张丽 by "zl". Kept like host_choices."""
    from app.pinyin import search_keys

    def build():
        return {pk: " ".join(k for k in (search_keys(name), search_keys(department or "")) if k)
                for pk, name, department in db.session.execute(
                    select(Staff.id, Staff.name, Department.name)
                    .outerjoin(Department, Staff.department_id == Department.id)
                    .where(Staff.campus_id == campus_id, Staff.active.is_(True)))}
    return freshness.kept("visitors_host_keys").get(campus_id, freshness.stamp("people"), build)


def host_options(campus_id: int, selected=None):
    """The host drop-down's <option>s: kept as HTML per campus while nothing is chosen (a fresh
    desk page; hundreds of staff were a few hundred <option>s written per page), else made for
    this page with its choice marked."""
    from app.views.relations import options_html

    if selected not in (None, ""):
        return options_html(host_choices(campus_id), selected)
    return freshness.kept("visitors_host_options").get(
        campus_id, freshness.stamp("people"), lambda: options_html(host_choices(campus_id)))


def host_keys_json(campus_id: int):
    """host_search_keys as the page's JSON (what Jinja's `tojson` filter writes), kept like them."""
    from jinja2.utils import htmlsafe_json_dumps

    def build():
        policies = current_app.jinja_env.policies
        return htmlsafe_json_dumps(host_search_keys(campus_id), dumps=policies["json.dumps_function"],
                                   **(policies["json.dumps_kwargs"] or {}))
    return freshness.kept("visitors_host_keys_json").get(campus_id, freshness.stamp("people"), build)


def purpose_search_keys(choices) -> dict[int, str]:
    """id -> pinyin keys of the purpose's Chinese name (送货 -> "songhuo sh")."""
    from app.pinyin import search_keys

    return {pk: search_keys(label) for pk, label in choices if search_keys(label)}


def purpose_choices() -> list[tuple[int, str]]:
    """The active purposes in their order, in the user's language (kept until one changes)."""
    from app.i18n import current_language

    def build():
        return [(p.id, str(p)) for p in db.session.execute(
            select(Purpose).where(Purpose.active.is_(True)).order_by(Purpose.sort_order, Purpose.id)).scalars()]
    return freshness.kept("visitors_purposes").get(current_language(), freshness.stamp("reference"), build)


def closing_time(campus_id: int) -> time:
    return parse_hhmm(current_app.extensions["houqin_settings"].get("closing_time", campus_id))


def overstays(visits, campus_closing: dict[int, time]) -> set[int]:
    """Ids of the visits still on site after their campus's closing time."""
    now = local_now()
    return {v.id for v in visits if rules.is_overstay(to_local(v.time_in), now, campus_closing[v.campus_id])}


def appointment_access_clause(user=None):
    """Hosts see their own appointments; the gate sees its campuses' from today on."""
    user = user if user is not None else current_user()
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    if is_unscoped(user):
        return None
    options = [Appointment.host_id == own_staff_id(user)]
    if "Gatekeeper" in role_names(user):
        options.append(Appointment.expected_date >= local_now().date())
    return _combine(scope_clause(Appointment.campus_id), or_(*options))


def on_site_visits(session, campus_ids):
    """The on-site list, earliest first: one query, visitor/purpose/host/department eager-loaded.
    Sorted here, not by ORDER BY time_in: that invites SQLite to walk the time_in index through
    a million visits (~160 ms) instead of picking the few dozen on-site rows by (status, campus)."""
    query = (select(Visit)
             .options(joinedload(Visit.visitor), joinedload(Visit.purpose), joinedload(Visit.campus),
                      joinedload(Visit.host).joinedload(Staff.department))
             .where(Visit.status == ON_SITE))
    if campus_ids is not None:
        query = query.where(Visit.campus_id.in_(campus_ids))
    visits = session.execute(query).unique().scalars().all()
    return sorted(visits, key=lambda v: (v.time_in, v.id))


# What the desk's on-site table shows of a visit (visitors/_on_site.html, overstays()).
_ON_SITE_COLUMNS = ["visitor_name", "badge", "party_size", "time_in", "host_response", "campus_id",
                    "visitor.organisation", "purpose", "host"]
@functools.cache
def _on_site_plan():
    from app.views.plain import plan_for

    return plan_for(Visit, _ON_SITE_COLUMNS, ("visitor", "purpose", "host"))


def on_site_rows(session, campus_ids):
    """on_site_visits as plain rows (app/views/plain.py): the same values and the same order for
    the desk's table, read as one column query instead of a few hundred ORM objects."""
    criteria = [Visit.status == ON_SITE]
    if campus_ids is not None:
        criteria.append(Visit.campus_id.in_(campus_ids))
    return sorted(_on_site_plan().rows_where(session, *criteria), key=lambda v: (v.time_in, v.id))


def expected_appointments(session, campus_id: int, day: date | None = None):
    day = day or local_now().date()
    return session.execute(
        select(Appointment)
        .options(joinedload(Appointment.purpose), joinedload(Appointment.host))
        .where(Appointment.campus_id == campus_id, Appointment.expected_date == day,
               Appointment.status == EXPECTED)
        .order_by(Appointment.time_from, Appointment.id)
    ).unique().scalars().all()


def waiting_overrides(session, campus_ids=None, limit: int | None = None):
    query = (select(OverrideRequest)
             .options(joinedload(OverrideRequest.refused_visit).joinedload(Visit.visitor),
                      joinedload(OverrideRequest.blocklist_entry), joinedload(OverrideRequest.campus),
                      joinedload(OverrideRequest.requested_by))
             .where(OverrideRequest.status == WAITING)
             .order_by(OverrideRequest.requested_at))
    if campus_ids is not None:
        query = query.where(OverrideRequest.campus_id.in_(campus_ids))
    if limit is not None:
        query = query.limit(limit)
    return session.execute(query).unique().scalars().all()


def patrol_rounds_today(session, campus_id: int) -> int:
    start, end = local_day_range_utc()
    return session.execute(
        select(func.count(PatrolRound.id)).join(DutyLog)
        .where(DutyLog.campus_id == campus_id, PatrolRound.at >= start, PatrolRound.at < end)
    ).scalar_one()


def today_counts(session, clause=None) -> dict:
    """Visits signed in today and people on site now, in one round trip."""
    start, end = local_day_range_utc()
    today = and_(Visit.time_in >= start, Visit.time_in < end)
    query = select(
        func.count(Visit.id).filter(today),
        func.coalesce(func.sum(Visit.party_size).filter(Visit.status == ON_SITE), 0),
        func.count(Visit.id).filter(Visit.status == ON_SITE),
    ).where(or_(today, Visit.status == ON_SITE))
    if clause is not None:
        query = query.where(clause)
    total, people, visits = session.execute(query).one()
    return {"today": total, "people_on_site": people, "visits_on_site": visits}

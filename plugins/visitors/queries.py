"""Reads shared by the desk, lists, API, reports and widgets: who may see which
visits, and the desk's few eager-loaded queries (no N+1)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import joinedload

from app.i18n import local_day_range_utc, local_now
from app.models import Staff
from app.scoping import current_user, scope_clause
from app.security import is_unscoped, role_names

from .models import EXPECTED, ON_SITE, WAITING, Appointment, OverrideRequest, PatrolRound, DutyLog, Visit


def _combine(*clauses):
    kept = [c for c in clauses if c is not None]
    return and_(*kept) if kept else None


def own_staff_id(user):
    """The user's own staff record's id, as a scalar subquery (staff.user_id is unique: at most
    one). `host_id = (SELECT ...)` is computed once and can drive an index, alone or OR-ed with
    other conditions; `host_id IN (SELECT ...)` made PostgreSQL scan all visits (~130 ms for
    a gatekeeper's count over a million). correlate(None): a list that also joins staff must
    not capture it."""
    return select(Staff.id).where(Staff.user_id == user.id).correlate(None).scalar_subquery()


def visit_access_clause(user=None):
    """Director/Admin/Auditor: everything. Gatekeeper: today's and on-site visits of
    their campuses. Anyone else (Staff): visits to themselves. None = no restriction."""
    user = user if user is not None else current_user()
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    if is_unscoped(user):
        return None
    roles = role_names(user)
    options = [Visit.host_id == own_staff_id(user)]
    if "Gatekeeper" in roles:
        start, end = local_day_range_utc()
        options.append(or_(Visit.status == ON_SITE, and_(Visit.time_in >= start, Visit.time_in < end)))
    return _combine(scope_clause(Visit.campus_id), or_(*options))


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


def expected_appointments(session, campus_id: int, day: date | None = None):
    day = day or local_now().date()
    return session.execute(
        select(Appointment)
        .options(joinedload(Appointment.purpose), joinedload(Appointment.host))
        .where(Appointment.campus_id == campus_id, Appointment.expected_date == day,
               Appointment.status == EXPECTED)
        .order_by(Appointment.time_from, Appointment.id)
    ).unique().scalars().all()


def waiting_overrides(session, campus_ids=None):
    query = (select(OverrideRequest)
             .options(joinedload(OverrideRequest.refused_visit).joinedload(Visit.visitor),
                      joinedload(OverrideRequest.blocklist_entry), joinedload(OverrideRequest.campus),
                      joinedload(OverrideRequest.requested_by))
             .where(OverrideRequest.status == WAITING)
             .order_by(OverrideRequest.requested_at))
    if campus_ids is not None:
        query = query.where(OverrideRequest.campus_id.in_(campus_ids))
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

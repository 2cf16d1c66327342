"""The repair lists and reports as plain named columns (200,000 requests over five years in the
bench): the keeper's open list and a repairer's queue read the partial and the (repairer, status)
indexes; the monthly log reads (campus, reported_at); the statistics group a year in SQL and fetch
only the times of the requests fixed in it."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.orm import aliased

from app.models import Building, HouqinUser, Room, Staff
from app.scoping import scope_clause

from .access import repair_access_clause
from .models import Asset
from .repair_models import RepairRequest

R = RepairRequest
# the partial indexes' condition, as constants the planners match
OPEN = R.status.in_([literal_column("'reported'"), literal_column("'dispatched'"), literal_column("'fixed'")])


def scoped_to(query, campus_column, access=None, campus_id: Optional[int] = None):
    for clause in (scope_clause(campus_column), access):
        if clause is not None:
            query = query.where(clause)
    return query.where(campus_column == campus_id) if campus_id else query


def _columns():
    reporter = aliased(HouqinUser)
    repairer = aliased(HouqinUser)
    reporter_staff = aliased(Staff)
    q = select(R.id, R.number, R.description, R.urgency, R.status, R.reported_at, R.dispatched_at, R.due_at,
               R.fixed_at, R.confirmed_at, R.vendor, R.cost, R.work, R.campus_id, R.room_id,
               Building.name.label("building"), Room.name.label("room"), Room.class_name,
               Asset.code.label("asset_code"), Asset.name.label("asset_name"),
               func.coalesce(reporter_staff.name, reporter.username).label("reporter"),
               repairer.username.label("repairer_login"),
               func.trim(func.coalesce(repairer.last_name, "") + func.coalesce(repairer.first_name, ""))
               .label("repairer")) \
        .join(Room, R.room_id == Room.id).join(Building, Room.building_id == Building.id) \
        .outerjoin(Asset, R.asset_id == Asset.id) \
        .join(reporter, R.reported_by_id == reporter.id) \
        .outerjoin(reporter_staff, reporter_staff.user_id == reporter.id) \
        .outerjoin(repairer, R.repairer_id == repairer.id)
    return q


def open_requests(session, *, limit: int = 200, campus_id: Optional[int] = None):
    """Every open request the keeper may see, oldest first (the overnight ones come first)."""
    q = scoped_to(_columns().where(OPEN), R.campus_id, repair_access_clause(), campus_id)
    # Ordered by an expression, not the column: by the column SQLite chose the full
    # (campus_id, reported_at) index, which gives that order for free, and walked all of a
    # campus's years of requests (35-40 ms at 200,000 in the bench) instead of taking the few
    # dozen open ones by (status, campus) and sorting them (0.1 ms). Same rows, same order.
    reported = func.coalesce(R.reported_at, R.reported_at)
    return session.execute(q.order_by(reported, R.id).limit(limit)).all()


def queue_of(session, user_id: int, *, limit: int = 100):
    """A repairer's own queue: dispatched to them and not yet fixed, then those waiting for the
    reporter's confirmation."""
    working = [literal_column("'dispatched'"), literal_column("'fixed'")]
    q = _columns().where(R.repairer_id == user_id, R.status.in_(working))
    return session.execute(q.order_by(R.status, R.reported_at).limit(limit)).all()


def month_range(month) -> tuple[datetime, datetime]:
    from app.periods import Period

    start, end = Period.of("month", month).utc_range()
    return start, end


def log_rows(session, month, *, campus_id: Optional[int] = None, room_id: Optional[int] = None,
             limit: int = 5000):
    """维修记录单 of a month (and a room): every request reported in it, in order."""
    start, end = month_range(month)
    q = _columns().where(R.reported_at >= start, R.reported_at < end)
    if room_id:
        q = q.where(R.room_id == room_id)
    q = scoped_to(q, R.campus_id, repair_access_clause(), campus_id)
    return session.execute(q.order_by(R.reported_at, R.id).limit(limit)).all()


def stats_rows(session, first: datetime, last: datetime, *, campus_id: Optional[int] = None):
    """The requests reported in [first, last): their times, cost and building, as plain tuples
    (a year is about 40,000 at the bench's scale; grouped by local month in repair_rules)."""
    q = select(R.reported_at, R.due_at, R.fixed_at, R.cost, Building.name.label("building"), R.status) \
        .join(Room, R.room_id == Room.id).join(Building, Room.building_id == Building.id) \
        .where(R.reported_at >= first, R.reported_at < last)
    q = scoped_to(q, R.campus_id, repair_access_clause(), campus_id)
    return session.execute(q).all()


__all__ = ["and_", "open_requests", "queue_of", "log_rows", "stats_rows", "timezone"]

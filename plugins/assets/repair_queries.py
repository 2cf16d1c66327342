"""The repair lists and reports as plain named columns (200,000 requests over five years in the
bench): the keeper's open list and a repairer's queue read the partial and the (repairer, status)
indexes; the monthly log reads (campus, reported_at); the statistics group a year in SQL and fetch
only the times of the requests fixed in it."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import and_, func, literal_column, select

from app import freshness
from app.extensions import db
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


# The names beside a request (its room and building, the reporter, the repairer) come from maps
# kept per worker until a room, building, login or staff record changes: joined in the query they
# made it seven tables, which PostgreSQL spent 4-6 ms planning for every open list, queue and log.
freshness.watch("room", "locations")
freshness.watch("building", "locations")
freshness.watch("ab_user", "people", columns=("username", "first_name", "last_name"))
freshness.watch("staff", "people")


def room_labels() -> dict:
    """room id -> (building name, room name, class name), every room (the repair lists, and the
    ledger's "building room")."""
    def build():
        return {pk: (building, room, class_name) for pk, building, room, class_name in db.session.execute(
            select(Room.id, Building.name, Room.name, Room.class_name).join(Building, Room.building_id == Building.id))}
    return freshness.kept("assets_repair_rooms").get("all", freshness.stamp("locations"), build)


def user_labels() -> dict:
    """login id -> (the name shown as reporter and in a card's history: the person's or the login;
    as repairer: the login's full name; the login), every login, kept per worker."""
    def build():
        return {pk: (staff_name or username, f"{last or ''}{first or ''}".strip(), username)
                for pk, username, first, last, staff_name in db.session.execute(
                    select(HouqinUser.id, HouqinUser.username, HouqinUser.first_name, HouqinUser.last_name, Staff.name)
                    .outerjoin(Staff, Staff.user_id == HouqinUser.id))}
    return freshness.kept("assets_repair_users").get("all", freshness.stamp("people"), build)


class RepairLine:
    """One request of a list or the log: its columns, its card's code and name, and the names."""

    __slots__ = ("id", "number", "description", "urgency", "status", "reported_at", "dispatched_at", "due_at",
                 "fixed_at", "confirmed_at", "vendor", "cost", "work", "campus_id", "room_id", "asset_code",
                 "asset_name", "building", "room", "class_name", "reporter", "repairer_login", "repairer")

    def __init__(self, row, rooms, users):
        for name, value in zip(_LINE_COLUMNS, row):
            setattr(self, name, value)
        self.building, self.room, self.class_name = rooms.get(row.room_id, (None, None, None))
        reporter = users.get(row.reported_by_id)
        self.reporter = reporter[0] if reporter else None
        repairer = users.get(row.repairer_id) if row.repairer_id is not None else None
        self.repairer, self.repairer_login = (repairer[1], repairer[2]) if repairer else (None, None)


_LINE_COLUMNS = RepairLine.__slots__[:17]


def _columns():
    return select(*[getattr(R, name) for name in _LINE_COLUMNS[:15]], Asset.code.label("asset_code"),
                  Asset.name.label("asset_name"), R.reported_by_id, R.repairer_id) \
        .outerjoin(Asset, R.asset_id == Asset.id)


def _lines(session, query) -> list[RepairLine]:
    rows = session.execute(query).all()
    if not rows:
        return []
    rooms, users = room_labels(), user_labels()
    return [RepairLine(row, rooms, users) for row in rows]


def open_requests(session, *, limit: int = 200, campus_id: Optional[int] = None):
    """Every open request the keeper may see, oldest first (the overnight ones come first)."""
    q = scoped_to(_columns().where(OPEN), R.campus_id, repair_access_clause(), campus_id)
    # Ordered by an expression, not the column: by the column SQLite chose the full
    # (campus_id, reported_at) index, which gives that order for free, and walked all of a
    # campus's years of requests (35-40 ms at 200,000 in the bench) instead of taking the few
    # dozen open ones by (status, campus) and sorting them (0.1 ms). Same rows, same order.
    reported = func.coalesce(R.reported_at, R.reported_at)
    return _lines(session, q.order_by(reported, R.id).limit(limit))


def queue_of(session, user_id: int, *, limit: int = 100):
    """A repairer's own queue: dispatched to them and not yet fixed, then those waiting for the
    reporter's confirmation."""
    working = [literal_column("'dispatched'"), literal_column("'fixed'")]
    q = _columns().where(R.repairer_id == user_id, R.status.in_(working))
    return _lines(session, q.order_by(R.status, R.reported_at).limit(limit))


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
    return _lines(session, q.order_by(R.reported_at, R.id).limit(limit))


def stats_rows(session, first: datetime, last: datetime, *, campus_id: Optional[int] = None):
    """The requests reported in [first, last): their times, cost and building, as plain tuples
    (a year is about 40,000 at the bench's scale; grouped by local month in repair_rules)."""
    q = select(R.reported_at, R.due_at, R.fixed_at, R.cost, Building.name.label("building"), R.status) \
        .join(Room, R.room_id == Room.id).join(Building, Room.building_id == Building.id) \
        .where(R.reported_at >= first, R.reported_at < last)
    q = scoped_to(q, R.campus_id, repair_access_clause(), campus_id)
    return session.execute(q).all()


__all__ = ["and_", "open_requests", "queue_of", "log_rows", "stats_rows", "timezone"]

"""Lookups for import columns: a campus, a staff member, a building or a room named in a cell,
each loaded once per import (one query however many rows) and checked against the campuses
the importing user may use. A name shared by several records is an error that lists them; a
staff number or a room code always identifies one."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from ..rules import N_, RuleError, folded
from .readers import cell_text

# One message for both: a campus-bound user is not told which other campuses exist.
ERR_CAMPUS = N_("Unknown campus or not one of yours: %(value)s.")
ERR_STAFF_UNKNOWN = N_("No staff member %(value)s (write the name or the staff number).")
ERR_STAFF_AMBIGUOUS = N_("%(value)s matches %(n)d staff: %(candidates)s. Write the staff number instead.")
ERR_ROOM_UNKNOWN = N_("No room %(value)s (write building and room, e.g. 教学楼 201, or the room code).")
ERR_ROOM_AMBIGUOUS = N_("%(value)s matches %(n)d rooms: %(candidates)s. Write the building too, or the room code.")


def _key(text: str) -> str:
    return " ".join(folded(text).split()).casefold()


def _session():
    from ..extensions import db

    return db.session


def campuses(state):
    """{name or code -> Campus} of every campus."""
    def load():
        from ..models import Campus

        table = {}
        for campus in _session().execute(select(Campus)).scalars():
            table[_key(campus.name)] = campus
            table[_key(campus.code)] = campus
        return table
    return state.once("campuses", load)


def campus(value, row):
    """A campus by name or code, one of the importing user's."""
    text = cell_text(value)
    found = campuses(row.state).get(_key(text))
    ids = row.state.campus_ids
    if found is None or ids is not None and found.id not in ids:
        raise RuleError(ERR_CAMPUS, value=text)
    return found


def _row_campus(row, key: str = "campus"):
    value = row.values.get(key)
    return getattr(value, "id", None)


def _staff_tables(state):
    def load():
        from ..models import Campus, Staff

        names = {c.id: c.name for c in _session().execute(select(Campus)).scalars()}
        by_no, by_name = {}, defaultdict(list)
        rows = _session().execute(select(Staff.id, Staff.staff_no, Staff.name, Staff.campus_id)
                                  .where(Staff.active.is_(True)))
        for sid, no, name, campus_id in rows:
            entry = (sid, no, name, campus_id, names.get(campus_id, ""))
            by_no[_key(no)] = entry
            by_name[_key(name)].append(entry)
        return by_no, by_name
    return state.once("staff", load)


def staff(value, row, campus_key: str = "campus"):
    """A staff member (active) by staff number, else by name among the user's campuses (the
    row's campus when it has one). Returns the Staff id."""
    text = cell_text(value)
    by_no, by_name = _staff_tables(row.state)
    entry = by_no.get(_key(text))
    ids = row.state.campus_ids
    if entry is not None and (ids is None or entry[3] in ids):
        return entry[0]
    matches = [e for e in by_name.get(_key(text), []) if ids is None or e[3] in ids]
    campus_id = _row_campus(row, campus_key)
    if campus_id is not None and len(matches) > 1:
        matches = [e for e in matches if e[3] == campus_id] or matches
    if not matches:
        raise RuleError(ERR_STAFF_UNKNOWN, value=text)
    if len(matches) > 1:
        listed = "、".join(f"{name} ({no}, {campus_name})" for _, no, name, _, campus_name in
                          sorted(matches, key=lambda e: e[1]))
        raise RuleError(ERR_STAFF_AMBIGUOUS, value=text, n=len(matches), candidates=listed)
    return matches[0][0]


def _room_tables(state):
    def load():
        from ..models import Building, Room

        by_code, by_full, by_name = {}, {}, defaultdict(list)
        query = select(Room.id, Room.name, Room.code, Room.campus_id, Building.name).join(
            Building, Room.building_id == Building.id).where(Room.active.is_(True))
        for rid, name, code, campus_id, building in _session().execute(query):
            entry = (rid, name, code, campus_id, building)
            if code:
                by_code[(campus_id, _key(code))] = entry
            by_full[(campus_id, _key(f"{building} {name}"))] = entry
            by_full[(campus_id, _key(f"{building}{name}"))] = entry
            by_full[(campus_id, _key(f"{building}/{name}"))] = entry
            by_full[(campus_id, _key(f"{building}-{name}"))] = entry
            by_name[(campus_id, _key(name))].append(entry)
        return by_code, by_full, by_name
    return state.once("rooms", load)


def room(value, row, campus_key: str = "campus"):
    """A room of the row's campus: by its code, "building room" (教学楼 201, 教学楼/201), or its
    name alone when only one building has it. Returns the Room id. Without a campus column the
    user's campuses are searched (a single campus user needs none)."""
    text = cell_text(value)
    by_code, by_full, by_name = _room_tables(row.state)
    campus_id = _row_campus(row, campus_key)
    ids = row.state.campus_ids
    candidates = [campus_id] if campus_id is not None else sorted({k[0] for k in by_full})
    candidates = [c for c in candidates if ids is None or c in ids]
    key = _key(text)
    for table in (by_code, by_full):
        hits = [table[(c, key)] for c in candidates if (c, key) in table]
        if len(hits) == 1:
            return hits[0][0]
    hits = [e for c in candidates for e in by_name.get((c, key), [])]
    if not hits:
        raise RuleError(ERR_ROOM_UNKNOWN, value=text)
    if len(hits) > 1:
        listed = "、".join(f"{b} {n}" + (f" ({code})" if code else "") for _, n, code, _, b in hits)
        raise RuleError(ERR_ROOM_AMBIGUOUS, value=text, n=len(hits), candidates=listed)
    return hits[0][0]

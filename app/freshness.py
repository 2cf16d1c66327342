"""What every worker and host may keep between requests, and how it knows it is still true.

A few rows (`houqin_version`: "settings", "roles", "reference") count the changes of what
pages reuse: settings; roles and their permissions; the small tables whose rows fill
drop-downs (campuses, departments, positions, purposes ...). A change bumps its counter in the
same transaction that makes it (a flush or bulk statement on a watched table), so a worker
that reads the counters — once per request, one statement — and finds them moved rebuilds what
it kept. Kept this way: each role set's permissions, the navbar's menu per roles, campuses and
language, and each list's search form per view, language and scope.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import g, has_app_context
from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session

from .models.settings import Version

KEYS = ("settings", "roles", "reference")


# table name -> the counters its changes move
_watched: dict[str, set[str]] = {
    "houqin_setting": {"settings"},
    "ab_role": {"roles"}, "ab_permission_view": {"roles"}, "ab_permission": {"roles"}, "ab_view_menu": {"roles"},
    "campus": {"reference"}, "department": {"reference"}, "position": {"reference"},
}


# table -> counter -> the only columns whose change (through the ORM) moves it
_columns_of: dict[str, dict[str, frozenset]] = {}


def watch(table: str, key: str = "reference", columns=None) -> None:
    """Changes to `table` move the counter `key` (the house list views watch the tables behind
    their search forms' drop-downs by themselves; a plugin keeping something of its own names
    its own key, e.g. the desk's host list watches "staff" under "people"). `columns`: only a
    change of these moves it (a login's names, not its last_login written at every sign-in);
    a new or deleted row, or a bulk statement on the table, always does."""
    _watched.setdefault(table, set()).add(key)
    if columns is not None:
        _columns_of.setdefault(table, {})[key] = frozenset(columns)


def counter_keys() -> tuple[str, ...]:
    """Core's counters and those the plugins watch with (known once the plugins are loaded)."""
    return tuple(sorted(set(KEYS) | {key for keys in _watched.values() for key in keys}))


def version_columns(keys: tuple[str, ...]) -> list:
    """The counters as columns a per-request statement carries (the signed-in user's load):
    a request that loads its user learns them without a statement of its own."""
    return [select(Version.version).where(Version.key == key).correlate(None).scalar_subquery().label(f"hq_v_{key}")
            for key in keys]


def note(keys: tuple[str, ...], values) -> None:
    """What this request read of the counters, with the user."""
    if has_app_context():
        g._hq_versions = {key: value or 0 for key, value in zip(keys, values)}


def versions() -> dict[str, int]:
    """The counters as this request (or app context: a CLI command, a job) read them: with the
    user, or here once (anonymous pages, commands); a plugin's own counters are read here too."""
    found = g.get("_hq_versions") if has_app_context() else None
    if found is not None:
        return found
    from .extensions import FRAME, db

    found = {key: 0 for key in counter_keys()}
    found.update(dict(db.session.execute(select(Version.key, Version.version)
                                         .execution_options(**{FRAME: "versions"})).all()))
    if has_app_context():
        g._hq_versions = found
    return found


def stamp(*keys: str) -> tuple:
    current = versions()
    return tuple(current.get(k, 0) for k in keys)


def bump(session, *keys: str) -> None:
    """Move the counters in the caller's transaction (the change and its mark commit together)."""
    for key in keys:
        moved = session.execute(update(Version).where(Version.key == key)
                                .values(version=Version.version + 1)
                                .execution_options(synchronize_session=False, houqin_freshness=True))
        if moved.rowcount == 0:  # a key a plugin watches (core's are made by the migration)
            session.execute(insert(Version).values(key=key, version=1))
    if has_app_context():
        g.pop("_hq_versions", None)


def _keys_of(objs, changed_only: bool = False) -> set[str]:
    keys = set()
    for obj in objs:
        try:
            state = inspect(obj)
            table = state.mapper.local_table.name
        except Exception:  # not a mapped object
            continue
        found = _watched.get(table)
        if not found:
            continue
        narrowed = _columns_of.get(table) if changed_only else None
        for key in found:
            columns = narrowed.get(key) if narrowed else None
            if columns is None or any(state.attrs[c].history.has_changes() for c in columns if c in state.attrs):
                keys.add(key)
    return keys


def _after_flush(session: Session, flush_context) -> None:
    if session.info.get("_hq_bumping"):
        return
    keys = _keys_of(session.new) | _keys_of(session.dirty, changed_only=True) | _keys_of(session.deleted)
    if keys:
        session.info["_hq_bumping"] = True
        try:
            bump(session, *sorted(keys))
        finally:
            session.info["_hq_bumping"] = False


def _bulk(state) -> None:
    if not (state.is_update or state.is_delete) or state.execution_options.get("houqin_freshness"):
        return
    mapper = state.bind_mapper
    table = mapper.local_table.name if mapper is not None else None
    if table in _watched:
        session = state.session
        session.info["_hq_bumping"] = True
        try:
            bump(session, *sorted(_watched[table]))
        finally:
            session.info["_hq_bumping"] = False


def kept(name: str) -> "Kept":
    """The app's store `name` (made on first use): what a view keeps between requests."""
    from flask import current_app

    stores = current_app.extensions["houqin_kept"]
    if name not in stores:
        stores.setdefault(name, Kept())
    return stores[name]


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _bulk)


class Kept:
    """A small per-process store of rebuilt-when-stale values: get(key, stamp, build)."""

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, mark, build):
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == mark:
                self._items.move_to_end(key)
                return hit[1]
        value = build()
        with self._lock:
            self._items[key] = (mark, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def peek(self, key, mark):
        """The kept value if it is still true, else None (nothing is built)."""
        with self._lock:
            hit = self._items.get(key)
            return hit[1] if hit is not None and hit[0] == mark else None

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

"""Audit log writer, hooked into SQLAlchemy so every write path is covered:
views, API, imports, CLI and bulk UPDATE/DELETE statements."""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

from flask import g, has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapper, Session

from .models.audit import AuditLog
from .models.base import Audited, utcnow
from .privacy import MASKERS

HIDDEN = "(hidden)"
_actor: contextvars.ContextVar[tuple[int | None, str, str]] = contextvars.ContextVar(
    "houqin_audit_actor", default=(None, "system", "cli")
)


@contextmanager
def acting_as(user_id: int | None, actor: str, source: str = "cli"):
    """Name who writes outside a web request (CLI commands, demo loader, tests)."""
    token = _actor.set((user_id, actor, source))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> tuple[int | None, str, str]:
    if has_request_context():
        user = getattr(g, "user", None)
        source = "api" if request.path.startswith("/api/") else "web"
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id, user.username, source
        return None, "anonymous", source
    return _actor.get()


@dataclass
class Job:
    name: str
    params: dict
    rows: list[str] = field(default_factory=list)


@contextmanager
def audit_job(session: Session, name: str, **params):
    """One audit entry for a bulk job (import, purge ...) naming the rows it touched,
    instead of one entry per row. The entry is written in the job's transaction."""
    job = Job(name, params)
    previous = session.info.get("audit_job")
    session.info["audit_job"] = job
    try:
        yield job
        session.flush()
    finally:
        session.info["audit_job"] = previous
    user_id, actor, source = current_actor()
    session.add(AuditLog(
        at=utcnow(), user_id=user_id, actor=actor, action="job", table_name=name,
        job=name, source=source, changes={"params": _jsonable_dict(params), "rows": job.rows},
    ))


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _jsonable_dict(values: dict) -> dict:
    return {k: _jsonable(v) for k, v in values.items()}


@dataclass(frozen=True)
class Tracked:
    """How a model that cannot inherit Audited (Flask-AppBuilder's users, roles and groups) is
    logged: the same rules as Audited's attributes, plus relationships logged as lists of labels
    (a user's roles: ["Staff"] -> ["Staff", "Director"]); `summarised` ones as what was added and
    removed (a role's permissions: hundreds of them)."""

    exclude: frozenset = frozenset()
    hidden: frozenset = frozenset()
    masked: dict = field(default_factory=dict)
    collections: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    summarised: frozenset = frozenset()


_TRACKED: dict[type, Tracked] = {}


def track(cls: type, **spec) -> None:
    """Log every write of `cls` (and its subclasses) as if it were Audited."""
    _TRACKED[cls] = Tracked(**spec)


def _tracked(obj) -> Tracked | None:
    for cls in type(obj).__mro__:
        if cls in _TRACKED:
            return _TRACKED[cls]
    return None


def _is_audited(obj) -> bool:
    return isinstance(obj, Audited) or _tracked(obj) is not None


def _rules(obj) -> Tracked:
    found = _tracked(obj)
    if found is not None:
        return found
    return Tracked(exclude=obj.__audit_exclude__, hidden=obj.__audit_hidden__, masked=obj.__audit_masked__)


def _shown(obj, field_name: str, value: Any) -> Any:
    rules = _rules(obj)
    if field_name in rules.hidden and not (isinstance(obj, Audited) and obj.audit_reveal(field_name)):
        return HIDDEN
    masker = MASKERS.get(rules.masked.get(field_name, ""))
    if masker and value:
        return masker(str(value))
    return _jsonable(value)


def _columns(obj):
    mapper = inspect(obj).mapper
    exclude = _rules(obj).exclude
    for attr in mapper.column_attrs:
        if attr.key not in exclude:
            yield attr.key


def _collection_changes(obj, action: str) -> dict:
    rules = _rules(obj)
    state = inspect(obj)
    out = {}
    for key, label in rules.collections.items():
        if key not in state.attrs:
            continue
        attr = state.attrs[key]
        hist = attr.history
        if action == "create":
            old, new = [], list(getattr(obj, key) or [])
        elif action == "delete":
            loaded = attr.loaded_value
            old, new = (list(loaded) if isinstance(loaded, (list, set, tuple)) else []), []
        elif hist.has_changes():
            old = list(hist.unchanged or []) + list(hist.deleted or [])
            new = list(hist.unchanged or []) + list(hist.added or [])
        else:
            continue
        before, after = sorted({label(x) for x in old}), sorted({label(x) for x in new})
        if before == after:
            continue
        if key in rules.summarised:
            out[key] = {"added": [x for x in after if x not in before],
                        "removed": [x for x in before if x not in after]}
        else:
            out[key] = [before if action != "create" else None, after if action != "delete" else None]
    return out


def _entry(obj, action: str, changes: dict) -> dict:
    user_id, actor, source = current_actor()
    # identity is not set yet for new rows inside after_flush; the key columns are.
    state = inspect(obj)
    pk = state.mapper.primary_key_from_instance(obj)
    return dict(
        at=utcnow(), user_id=user_id, actor=actor, action=action,
        table_name=obj.__tablename__, record_id=",".join(str(v) for v in pk) if pk and None not in pk else None,
        changes=changes, source=source,
    )


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    out = {}
    for key in _columns(obj):
        hist = state.attrs[key].history
        if action == "create":
            value = getattr(obj, key)
            if value is not None:
                out[key] = [None, _shown(obj, key, value)]
        elif action == "delete":
            value = hist.unchanged[0] if hist.unchanged else (hist.deleted[0] if hist.deleted else None)
            if value is not None:
                out[key] = [_shown(obj, key, value), None]
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                out[key] = [_shown(obj, key, old), _shown(obj, key, new)]
    out.update(_collection_changes(obj, action))
    return out


def _after_flush(session: Session, flush_context) -> None:
    job: Job | None = session.info.get("audit_job")
    rows = []
    for action, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not _is_audited(obj):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            entry = _entry(obj, action, changes)
            if job is not None:
                job.rows.append(f"{action}:{entry['table_name']}#{entry['record_id']}")
            else:
                rows.append(entry)
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)


def _literal_where(state) -> str:
    """The WHERE clause with its values, so the entry says which rows (id = 42, not id = ?)."""
    clause = state.statement.whereclause
    if clause is None:
        return ""
    try:
        return str(clause.compile(dialect=state.session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    except Exception:  # a value type without a literal form: keep the placeholders
        return str(clause)


def _bulk_statement(state) -> Any:
    """UPDATE/DELETE statements bypass the unit of work: log them as one entry
    with the statement's WHERE clause and the row count."""
    if not (state.is_update or state.is_delete) or state.session.info.get("audit_bulk_off"):
        return None
    mapper = state.bind_mapper
    if mapper is None or not issubclass(mapper.class_, Audited):
        return None
    result = state.invoke_statement()
    job: Job | None = state.session.info.get("audit_job")
    table = mapper.class_.__tablename__
    action = "update" if state.is_update else "delete"
    # An UPDATE by key of many rows answers no row count (None in the entry).
    rowcount = getattr(result, "rowcount", None)
    if job is not None:
        job.rows.append(f"bulk-{action}:{table}:{rowcount}")
        return result
    user_id, actor, source = current_actor()
    where = _literal_where(state)
    values = {}
    if state.is_update:
        for col, val in (getattr(state.statement, "_values", None) or {}).items():  # None: UPDATE by key of many rows
            key = getattr(col, "key", str(col))
            masker = MASKERS.get(mapper.class_.__audit_masked__.get(key, ""))
            raw = getattr(val, "value", val)
            values[key] = masker(str(raw)) if masker and raw else _jsonable(raw)
    state.session.connection().execute(AuditLog.__table__.insert(), [dict(
        at=utcnow(), user_id=user_id, actor=actor, action="bulk-" + action, table_name=table,
        record_id=None, job=None, source=source,
        changes={"where": where, "values": values, "rowcount": rowcount},
    )])
    return result


def _noop(target, value, oldvalue, initiator):
    return value


def _keep_old_values(mapper, cls) -> None:
    """Overwriting an expired attribute does not load its old value by default, and
    the log would show None -> new: ask SQLAlchemy for the old value on every set."""
    if not issubclass(cls, Audited) and not any(c in _TRACKED for c in cls.__mro__):
        return
    for prop in mapper.column_attrs:
        attr = getattr(cls, prop.key)
        if not event.contains(attr, "set", _noop):
            event.listen(attr, "set", _noop, active_history=True, retval=True)


def _track_security_models() -> None:
    """Users, roles and groups are Flask-AppBuilder's: who changed a user's roles, campuses,
    password (never its value) or a role's permissions is logged like any record."""
    from flask_appbuilder.security.sqla.models import Group, Role, User

    by_name = lambda x: str(getattr(x, "name", x))  # noqa: E731
    track(User, hidden=frozenset({"password"}),
          exclude=frozenset({"last_login", "login_count", "fail_login_count", "created_on", "changed_on",
                             "created_by_fk", "changed_by_fk", "security_stamp"}),
          collections={"roles": by_name, "groups": by_name, "campuses": by_name})
    track(Role, collections={"permissions": str}, summarised=frozenset({"permissions"}))
    track(Group, collections={"roles": by_name, "users": lambda u: u.username})


def install() -> None:
    _track_security_models()
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _bulk_statement)
        event.listen(Mapper, "mapper_configured", _keep_old_values)
    for mapper in list(_mappers()):
        _keep_old_values(mapper, mapper.class_)


def _mappers():
    from flask_appbuilder import Model

    return Model.registry.mappers

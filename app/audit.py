"""Audit log writer, hooked into SQLAlchemy so every write path is covered:
views, API, imports, CLI and bulk UPDATE/DELETE statements."""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

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


def _shown(obj: Audited, field_name: str, value: Any) -> Any:
    if field_name in obj.__audit_hidden__ and not obj.audit_reveal(field_name):
        return HIDDEN
    masker = MASKERS.get(obj.__audit_masked__.get(field_name, ""))
    if masker and value:
        return masker(str(value))
    return _jsonable(value)


def _columns(obj: Audited):
    mapper = inspect(obj).mapper
    for attr in mapper.column_attrs:
        if attr.key not in obj.__audit_exclude__:
            yield attr.key


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
    return out


def _after_flush(session: Session, flush_context) -> None:
    job: Job | None = session.info.get("audit_job")
    rows = []
    for action, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not isinstance(obj, Audited):
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
    if not issubclass(cls, Audited):
        return
    for prop in mapper.column_attrs:
        attr = getattr(cls, prop.key)
        if not event.contains(attr, "set", _noop):
            event.listen(attr, "set", _noop, active_history=True, retval=True)


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _bulk_statement)
        event.listen(Mapper, "mapper_configured", _keep_old_values)
    for mapper in list(_mappers()):
        _keep_old_values(mapper, mapper.class_)


def _mappers():
    from flask_appbuilder import Model

    return Model.registry.mappers

"""Locked records, enforced in one place: the session's flush and its bulk
statements, so no path — form, API, bulk action, import, script — can change a locked record.

- A record whose state (app.workflow) is one of its workflow's `locked` states cannot be updated
  or deleted; only a transition changes it (a `reopen` unlocks it, keeping a readable version).
- A model's state column changes only through its transitions.
- Child rows declared with `__locked_with__` are locked with their parent:
      __locked_with__ = "meeting"                     # a many-to-one relationship of the child
      __locked_with__ = ("owner_table", "owner_id")   # rows naming any record by table and id
                                                        (attachments of any record)
  a child cannot be added to, changed in, moved out of or deleted from a locked parent.
- A record that a locked record (or a child row of one) refers to cannot be deleted: a staff
  member is deactivated instead.
- Records created in the current transaction are not locked yet (a demo loader or an import
  creates an approved record with its children in one go).

`is_locked(session, model_or_table, pk)` is the question other services ask (attachments);
`unlocked(session, why)` is the audited exception (retention anonymisation, `demo --remove`).
The content a reopen keeps: app.versions.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy import String, and_, cast, event, inspect as sa_inspect, literal, or_, select, update
from sqlalchemy.orm import Session

from .workflow import (ERR_LOCKED, ERR_LOCKED_PARENT, ERR_REFERENCED, ERR_STATE_DIRECT, RecordLocked, Refusal,
                       workflows)

UNLOCKED = "houqin_unlocked"
CREATED = "houqin_created_here"


# -- what is lockable ------------------------------------------------------------------------------

@dataclass
class Parent:
    """How a child row finds its parent: a relationship (column -> parent model) or (table, id) columns."""

    column: Any = None  # the child's foreign-key column (relationship form)
    model: Any = None
    table_column: Any = None  # generic form: the column naming the parent's table ...
    id_column: Any = None  # ... and the one holding its id


@dataclass
class Info:
    lockable: dict = field(default_factory=dict)  # model -> [Workflow with locked states]
    stateful: dict = field(default_factory=dict)  # model -> [Workflow]
    children: dict = field(default_factory=dict)  # model -> Parent
    by_table: dict = field(default_factory=dict)  # table name -> model
    referencing: dict = field(default_factory=dict)  # table name -> [(model, column)] of lockable/children
    key: int = -1


_info = Info()


def _mapped_classes():
    from flask_appbuilder import Model

    tables = Model.metadata.tables
    for mapper in list(Model.registry.mappers):
        table = getattr(mapper, "local_table", None)
        # A plugin unloaded in tests leaves its mapper behind; only tables of the metadata count.
        if table is not None and tables.get(table.name) is table:
            yield mapper


def info() -> Info:
    """The lock declarations of every mapped model (recomputed when models are added)."""
    global _info
    from flask_appbuilder import Model

    key = len(Model.registry.mappers) * 100003 + len(Model.metadata.tables)
    if _info.key == key:
        return _info
    new = Info(key=key)
    mappers = list(_mapped_classes())
    for mapper in mappers:
        cls = mapper.class_
        new.by_table.setdefault(mapper.local_table.name, cls)
        flows = workflows(cls)
        if flows:
            new.stateful[cls] = flows
        locking = [f for f in flows if f.locked]
        if locking:
            new.lockable[cls] = locking
        spec = getattr(cls, "__locked_with__", None)
        if isinstance(spec, str):
            rel = mapper.relationships[spec]
            (local, _remote), = rel.local_remote_pairs
            new.children[cls] = Parent(column=local, model=rel.mapper.class_)
        elif spec:
            new.children[cls] = Parent(table_column=mapper.local_table.c[spec[0]], id_column=mapper.local_table.c[spec[1]])
    for mapper in mappers:
        cls = mapper.class_
        if cls not in new.lockable and cls not in new.children:
            continue
        for fk in mapper.local_table.foreign_keys:
            new.referencing.setdefault(fk.column.table.name, []).append((cls, fk.parent))
    _info = new
    return new


def is_lockable(model) -> bool:
    i = info()
    return model in i.lockable or model in i.children


def locked_clause(model, depth: int = 0):
    """A WHERE clause true for the rows of `model` that are locked (their own state, or a locked
    ancestor), or None when nothing of `model` can be locked."""
    i = info()
    parts = []
    for flow in i.lockable.get(model, ()):
        parts.append(getattr(model, flow.column).in_(sorted(flow.locked)))
    parent = i.children.get(model)
    if parent is not None and depth < 5:
        if parent.model is not None:
            inner = locked_clause(parent.model, depth + 1)
            if inner is not None:
                pk = sa_inspect(parent.model).primary_key[0]
                parts.append(parent.column.in_(select(pk).where(inner)))
        else:
            for owner in list(i.lockable) + [m for m in i.children if m is not model]:
                inner = locked_clause(owner, depth + 1)
                if inner is None:
                    continue
                pk = sa_inspect(owner).primary_key[0]
                ids = select(pk).where(inner)
                if not isinstance(parent.id_column.type, type(pk.type)):
                    ids = select(cast(pk, String)).where(inner)
                parts.append(and_(parent.table_column == owner.__tablename__, parent.id_column.in_(ids)))
    if not parts:
        return None
    return or_(*parts) if len(parts) > 1 else parts[0]


def _model(model_or_table):
    if isinstance(model_or_table, str):
        return info().by_table.get(model_or_table)
    return model_or_table


def is_locked(session, model_or_table, pk) -> bool:
    """Whether the record (a model or its table name, and its key) is locked: its own state, or a
    locked parent. The hook for other core services (attachments of a record are locked with it)."""
    model = _model(model_or_table)
    if model is None or pk is None:
        return False
    clause = locked_clause(model)
    if clause is None:
        return False
    pk_col = sa_inspect(model).primary_key[0]
    with session.no_autoflush:
        return session.execute(select(literal(1)).select_from(model).where(pk_col == pk, clause)
                               .limit(1)).first() is not None


def is_locked_as_loaded(record) -> Optional[bool]:
    """Whether this record, as loaded in this request, is locked by its own state — without a
    statement; None when that cannot be told from the object (a lock through a parent, a changed
    or unloaded state column, a record not yet in the database). For showing a page only: a
    write asks `is_locked`/`lock_error`, which read the database."""
    model = type(record)
    i = info()
    if model in i.children:
        return None
    flows = i.lockable.get(model, ())
    if not flows:
        return False
    state = sa_inspect(record)
    if state.identity is None:
        return None
    for flow in flows:
        attr = state.attrs[flow.column]
        if flow.column in state.unloaded or attr.history.has_changes():
            return None
        if attr.value in flow.locked:
            return True
    return False


def _created_here(session, model, pk) -> bool:
    return (model.__tablename__, str(pk)) in session.info.get(CREATED, ())


def lock_error(session, obj) -> Optional[RecordLocked]:
    """The refusal for a write to this (persistent) record, or None. Reads the database, so it is
    fresh; screens call it before saving to put the message on the page."""
    model = type(obj)
    if session.info.get(UNLOCKED):
        return None
    state = sa_inspect(obj)
    flows = info().stateful.get(model)
    if flows and state.identity is not None and _state_changed(obj, flows):
        return RecordLocked(ERR_STATE_DIRECT)  # a form that offers the state column
    if not is_lockable(model):
        return None
    if state.identity is None or _created_here(session, model, state.identity[0]):
        return None
    with session.no_autoflush:
        return _locked_error(session, model, state.identity[0])


def _locked_error(session, model, pk) -> Optional[RecordLocked]:
    i = info()
    pk_col = sa_inspect(model).primary_key[0]
    for flow in i.lockable.get(model, ()):
        current = session.execute(select(flow.state_column).where(pk_col == pk)).scalar()
        if current in flow.locked:
            return RecordLocked(ERR_LOCKED, state=flow.label(current))
    parent = i.children.get(model)
    if parent is not None:
        for pmodel, ppk in _parents_of(session, model, pk):
            if _created_here(session, pmodel, ppk):
                continue
            err = _locked_error(session, pmodel, ppk)
            if err is not None:
                return RecordLocked(ERR_LOCKED_PARENT, **err.params)
    return None


def _parents_of(session, model, pk):
    parent = info().children[model]
    pk_col = sa_inspect(model).primary_key[0]
    if parent.model is not None:
        ppk = session.execute(select(parent.column).where(pk_col == pk)).scalar()
        return [(parent.model, ppk)] if ppk is not None else []
    row = session.execute(select(parent.table_column, parent.id_column).where(pk_col == pk)).first()
    if row is None or _model(row[0]) is None:
        return []
    return [(_model(row[0]), row[1])]


def refuse_if_locked(obj, session=None) -> None:
    """Raise RecordLocked when `obj` is locked (screens call it in pre_update/pre_delete)."""
    if session is None:
        session = Session.object_session(obj)
    if session is None:
        return
    err = lock_error(session, obj)
    if err is not None:
        raise err


# -- the exception -------------------------------------------------------------------------------

@contextmanager
def unlocked(session, why: str):
    """Writes that may touch locked records: only the visitors' retention anonymisation and
    `demo --remove` use it (a test holds the list). Runs inside an app.audit.audit_job, whose
    entry says that locks were bypassed and why."""
    job = session.info.get("audit_job")
    if job is None:
        raise RuntimeError("unlocked() must run inside audit_job(): bypassing locks is audited")
    job.params["locks_bypassed"] = why
    previous = session.info.get(UNLOCKED)
    session.info[UNLOCKED] = why
    try:
        yield
    finally:
        session.info[UNLOCKED] = previous


# -- enforcement at flush -------------------------------------------------------------------------

def _touch(session, model, pk) -> bool:
    """Hold the row against a concurrent lock and check it is not locked, in one statement:
    PostgreSQL `SELECT ... FOR UPDATE` (waits for a transition in progress, then re-reads),
    SQLite a no-op UPDATE (takes the database's write lock before reading). False: locked."""
    pk_col = sa_inspect(model).primary_key[0]
    clause = locked_clause(model)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        query = select(pk_col).where(pk_col == pk)
        if clause is not None:
            query = query.where(~clause)
        if conn.execute(query.with_for_update()).first() is not None:
            return True
    else:
        stmt = update(model.__table__).where(pk_col == pk).values({pk_col.name: pk_col})
        if clause is not None:
            stmt = stmt.where(~clause)
        if conn.execute(stmt).rowcount == 1:
            return True
    # Locked, or the row is gone (the flush itself then reports a stale row).
    return session.execute(select(literal(1)).select_from(model).where(pk_col == pk)).first() is None


def _check_row(session, model, pk) -> None:
    if _created_here(session, model, pk):
        return
    if not _touch(session, model, pk):
        raise _locked_error(session, model, pk) or RecordLocked(ERR_LOCKED, state="")


def _parent_targets(obj, i: Info, *, old: bool) -> list:
    """(parent model, key) of the parent a child row had (old) or will have."""
    parent = i.children[type(obj)]
    state = sa_inspect(obj)

    def values(column):
        hist = state.attrs[state.mapper.get_property_by_column(column).key].history
        return list((hist.deleted or hist.unchanged) if old else (hist.added or hist.unchanged))
    if parent.model is not None:
        keys = [k for k in values(parent.column) if k is not None]
        if not keys and not old:
            related = _related_parent(obj, parent)
            identity = sa_inspect(related).identity if related is not None else None
            keys = [identity[0]] if identity else []
        return [(parent.model, k) for k in keys]
    return [(_model(t), k) for t, k in zip(values(parent.table_column), values(parent.id_column))
            if k is not None and _model(t) is not None]


def _check_parents(session, targets) -> None:
    for pmodel, ppk in dict.fromkeys(targets):
        if _created_here(session, pmodel, ppk):
            continue
        if not _touch(session, pmodel, ppk):
            err = _locked_error(session, pmodel, ppk)
            raise RecordLocked(ERR_LOCKED_PARENT, **(err.params if err else {"state": ""}))


def _related_parent(obj, parent: Parent):
    """A child made with `child.meeting = meeting` has no key yet: the related object gives it."""
    state = sa_inspect(obj)
    for rel in state.mapper.relationships:
        if rel.mapper.class_ is parent.model and parent.column in {c for c, _ in rel.local_remote_pairs}:
            return state.attrs[rel.key].loaded_value if rel.key in state.dict else None
    return None


def _check_references(session, obj, i: Info) -> None:
    """A record that a locked one (or a child row of one) points at is not deleted."""
    table = obj.__tablename__ if hasattr(obj, "__tablename__") else None
    users = i.referencing.get(table, ())
    if not users:
        return
    pk = sa_inspect(obj).identity[0]
    for model, column in users:
        clause = locked_clause(model)
        if clause is None:
            continue
        row = session.execute(select(sa_inspect(model).primary_key[0]).where(column == pk, clause).limit(1)).first()
        if row is not None:
            raise RecordLocked(ERR_REFERENCED, table=model.__tablename__, id=row[0])


def _state_changed(obj, flows) -> bool:
    state = sa_inspect(obj)
    return any(state.attrs[f.column].history.has_changes() for f in flows)


def _before_flush(session, flush_context, instances) -> None:
    if session.info.get(UNLOCKED):
        return
    i = info()
    if not (i.lockable or i.children or i.stateful):
        return
    # Each record to hold once, however many of its rows this flush writes: (model, key) -> the
    # record's own write (True) or a child row's (False).
    held: dict = {}

    def hold(targets, own: bool) -> None:
        for target in targets:
            held[target] = held.get(target, False) or own

    for obj in list(session.dirty):
        model = type(obj)
        if model not in i.stateful and model not in i.lockable and model not in i.children:
            continue
        if not session.is_modified(obj, include_collections=False):
            continue
        state = sa_inspect(obj)
        if state.identity is None:
            continue
        if model in i.stateful and _state_changed(obj, i.stateful[model]):
            raise RecordLocked(ERR_STATE_DIRECT)
        if model in i.lockable:
            hold([(model, state.identity[0])], True)
        if model in i.children:
            hold(_parent_targets(obj, i, old=True) + _parent_targets(obj, i, old=False), False)
    for obj in list(session.new):
        if type(obj) in i.children:
            hold(_parent_targets(obj, i, old=False), False)
    for obj in list(session.deleted):
        model = type(obj)
        state = sa_inspect(obj)
        if state.identity is None:
            continue
        if model in i.lockable:
            hold([(model, state.identity[0])], True)
        if model in i.children:
            hold(_parent_targets(obj, i, old=True), False)
        _check_references(session, obj, i)
    for (model, pk), own in held.items():
        if own:
            _check_row(session, model, pk)
        else:
            _check_parents(session, [(model, pk)])


def _after_flush(session, flush_context) -> None:
    """Remember what this transaction created: it is not locked until committed."""
    i = info()
    if not (i.lockable or i.children):
        return
    created = session.info.setdefault(CREATED, set())
    for obj in session.new:
        model = type(obj)
        if model in i.lockable or model in i.children:
            identity = sa_inspect(obj).mapper.primary_key_from_instance(obj)
            created.add((model.__tablename__, str(identity[0])))


def _forget_created(session, *args) -> None:
    session.info.pop(CREATED, None)


# -- enforcement of bulk statements ---------------------------------------------------------------

def _bulk_statement(state) -> None:
    """UPDATE/DELETE statements bypass the unit of work: refuse one that would touch a locked row
    (or change a state column outside a transition); rows locked meanwhile are left out."""
    if not (state.is_update or state.is_delete) or state.session.info.get(UNLOCKED):
        return None
    if state.execution_options.get("houqin_transition"):
        return None
    i = info()
    mapper = state.bind_mapper
    if mapper is None:  # a statement on a Table (delete(Model.__table__)): the same rules
        table = getattr(state.statement, "table", None)
        model = i.by_table.get(getattr(table, "name", None))
        if model is None:
            return None
        mapper = sa_inspect(model)
    model = mapper.class_
    session = state.session
    where = state.statement.whereclause
    if state.is_update and model in i.stateful:
        columns = {getattr(c, "key", str(c)) for c in getattr(state.statement, "_values", {}) or {}}
        if columns & {f.column for f in i.stateful[model]}:
            raise RecordLocked(ERR_STATE_DIRECT)
    clause = locked_clause(model)
    rows = state.parameters if isinstance(state.parameters, list) else None
    if clause is not None and rows and where is None:
        # UPDATE by primary key with a list of rows (a month-end run updating thousands of rows):
        # only those rows are checked.
        pk_col = mapper.primary_key[0]
        keys = [r.get(pk_col.key) for r in rows if isinstance(r, dict)]
        for start in range(0, len(keys), 500):
            if session.execute(select(literal(1)).select_from(model).where(
                    pk_col.in_(keys[start:start + 500]), clause).limit(1)).first() is not None:
                raise RecordLocked(ERR_LOCKED if model in i.lockable else ERR_LOCKED_PARENT, state="")
    elif clause is not None:
        query = select(literal(1)).select_from(model).where(clause)
        if where is not None:
            query = query.where(where)
        if session.execute(query.limit(1)).first() is not None:
            raise RecordLocked(ERR_LOCKED if model in i.lockable else ERR_LOCKED_PARENT, state="")
        # A row locked between the check and the statement is left alone.
        state.statement = state.statement.where(~clause)
    if state.is_update and model in i.children:
        parent = i.children[model]
        values = {getattr(c, "key", str(c)): getattr(v, "value", v)
                  for c, v in (getattr(state.statement, "_values", {}) or {}).items()}
        if parent.model is not None and parent.column.key in values and values[parent.column.key] is not None:
            if is_locked(session, parent.model, values[parent.column.key]):
                raise RecordLocked(ERR_LOCKED_PARENT, state="")
    if state.is_delete:
        users = i.referencing.get(mapper.local_table.name, ())
        pk_col = mapper.primary_key[0]
        for user_model, column in users:
            inner = locked_clause(user_model)
            if inner is None:
                continue
            ids = select(pk_col)
            if where is not None:
                ids = ids.where(where)
            row = session.execute(select(sa_inspect(user_model).primary_key[0])
                                  .where(column.in_(ids), inner).limit(1)).first()
            if row is not None:
                raise RecordLocked(ERR_REFERENCED, table=user_model.__tablename__, id=row[0])
    return None


# -- installation -------------------------------------------------------------------------------------

def _refused(err: Refusal):
    """A refusal that reached Flask (a bulk action, a custom view): 409/403/422 JSON for the API,
    the message flashed on the page it came from otherwise — never a 500."""
    from flask import flash, redirect, request

    from .extensions import db
    from .views.validators import rule_message

    db.session.rollback()
    message = rule_message(err)
    status = getattr(err, "http_status", 409)
    if request.path.startswith("/api/"):
        return {"message": message}, status
    flash(message, "danger")
    target = request.referrer or "/"
    if not target.startswith(request.host_url) and not target.startswith("/"):
        target = "/"
    return redirect(target)


def install(app=None) -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _forget_created)
        event.listen(Session, "after_rollback", _forget_created)
        # First, so that app.audit's handler (which runs the statement) sees the checked statement.
        event.listen(Session, "do_orm_execute", _bulk_statement, insert=True)
    if app is not None:
        app.register_error_handler(Refusal, _refused)


__all__ = ["is_locked", "is_lockable", "locked_clause", "lock_error", "refuse_if_locked", "unlocked", "install", "info"]

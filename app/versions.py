"""Readable versions of records (the content a reopen keeps, or a plugin's own moment): the fields as
stored — personal numbers masked and hidden values hidden, as in the audit log — with the rows of
the record's declared children (app.locks), and who, when, why. Shown at /versions/<table>/<pk>
(app.views.workflow.RecordVersionView)."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import String, and_, inspect as sa_inspect, select
from sqlalchemy.orm import Session

from .locks import info
from .workflow import workflows

def _columns(obj):
    excluded = set(getattr(obj, "__audit_exclude__", ()) or ())
    for attr in sa_inspect(obj).mapper.column_attrs:
        if attr.key not in excluded:
            yield attr.key


def shown_value(obj, key, value):
    """A value as versions (and the audit log) keep it: personal numbers masked, hidden ones hidden."""
    from .audit import _shown as audit_shown

    if hasattr(obj, "__audit_masked__"):
        return audit_shown(obj, key, value)
    from .audit import _jsonable

    return _jsonable(value)


def _row(obj) -> dict:
    return {key: shown_value(obj, key, getattr(obj, key)) for key in _columns(obj)}


def record_fields(obj) -> dict:
    """The record's content as stored (personal numbers masked as in the audit log), with the rows
    of its declared children: what a version keeps."""
    session = Session.object_session(obj)
    data = {"fields": _row(obj), "children": {}}
    i = info()
    pk = sa_inspect(obj).identity[0]
    for child, parent in i.children.items():
        if parent.model is type(obj):
            where = parent.column == pk
        elif parent.model is None:
            where = and_(parent.table_column == obj.__tablename__,
                         parent.id_column == (str(pk) if isinstance(parent.id_column.type, String) else pk))
        else:
            continue
        child_pk = sa_inspect(child).primary_key[0]
        rows = session.execute(select(child).where(where).order_by(child_pk)).scalars().all()
        if rows:
            data["children"][child.__tablename__] = [_row(r) for r in rows]
    return data


def take_version(session, obj, kind: str, reason: Optional[str], *, state: Optional[str] = None,
                 data: Optional[dict] = None, user_id=None, actor: Optional[str] = None, at=None) -> int:
    """Keep the record's content as version n+1 (who, when, why). Returns n+1."""
    from sqlalchemy import func

    from .audit import current_actor
    from .models.base import utcnow
    from .models.workflow import RecordVersion

    pk = sa_inspect(obj).identity[0]
    table = obj.__tablename__
    if data is None:
        data = record_fields(obj)
    if actor is None:
        user_id, actor, _source = current_actor()
    number = (session.execute(select(func.max(RecordVersion.number)).where(
        RecordVersion.table_name == table, RecordVersion.record_id == str(pk))).scalar() or 0) + 1
    session.add(RecordVersion(table_name=table, record_id=str(pk), number=number, kind=kind, state=state,
                              at=at or utcnow(), user_id=user_id, actor=actor, reason=reason, data=data))
    session.flush()
    return number


def snapshot(session, obj, kind: str = "snapshot", reason: Optional[str] = None,
             extra: Optional[dict] = None) -> int:
    """Keep the record's current content as a readable version at a moment of the plugin's own;
    `extra` adds what is not a child row (the action items' status when minutes are approved:
    {"action items": [{"item": ..., "status": ...}, ...]}), shown with the version."""
    flows = workflows(type(obj))
    state = getattr(obj, flows[0].column) if flows else None
    data = record_fields(obj)
    if extra:
        data["extra"] = {str(k): v for k, v in extra.items()}
    return take_version(session, obj, kind, reason, state=state, data=json_safe(data))


def json_safe(value):
    from .audit import _jsonable

    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return _jsonable(value)


def versions(session, model_or_table, pk) -> list:
    from .models.workflow import RecordVersion

    table = model_or_table if isinstance(model_or_table, str) else model_or_table.__tablename__
    return list(session.execute(select(RecordVersion).where(
        RecordVersion.table_name == table, RecordVersion.record_id == str(pk))
        .order_by(RecordVersion.number.desc())).scalars())

"""The to-do list (待办): what is waiting for the signed-in user, contributed by plugins
(`Plugin.todos`, app.plugin.Todo) and worked out from the records every time, so there is no
second copy to go stale and an item vanishes as soon as its record leaves the waiting state.

- The count on every page is one statement whatever the number of plugins: each kind's COUNT
  query becomes one column of a single SELECT (`counts()`), once per request.
- The to-do page and the dashboard tile ask each kind with waiting items for its first items.
- A kind's query that fails is logged and skipped; the others still count (a plugin's bug must
  not take the navbar of every page down with it).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app, g, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from .extensions import FRAME, db

log = logging.getLogger(__name__)


@dataclass
class TodoButton:
    """One answer to an item, posted to the item's `action` (e.g. 同意入内 / 拒绝)."""

    label: Any
    name: str | None = None  # the submitted field: name=value
    value: str | None = None
    style: str = "default"  # success | danger | primary | default


@dataclass
class TodoItem:
    """One waiting item as the to-do page and the dashboard show it."""

    title: Any
    url: str | None = None  # the record, to read it in full
    detail: Any = ""
    when: datetime | None = None  # since when it waits (shown as a local time)
    action: str | None = None  # where the buttons post (the page adds the CSRF token and `next`)
    buttons: list[TodoButton] = field(default_factory=list)
    text_field: str | None = None  # a required text sent with the buttons (a decision's reason)
    text_label: Any = ""
    urgent: bool = False


@dataclass
class TodoSection:
    todo: Any  # app.plugin.Todo
    count: int | None  # None: the kind's query failed
    items: list[TodoItem] = field(default_factory=list)


def _registry():
    return current_app.extensions["houqin"]


def may_see_todos() -> bool:
    user = getattr(g, "user", None)
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and current_app.appbuilder.sm.has_access("can_list", "TodoView"))


def applicable(held: set | None = None) -> list:
    """The kinds the current user holds the permission of: from `held` (the pairs the poll read)
    or else the request's permission set."""
    sm = current_app.appbuilder.sm
    allowed = (lambda pair: tuple(pair) in held) if held is not None else (lambda pair: sm.has_access(*pair))
    return [t for t in _registry().todos if t.permission is None or allowed(t.permission)]


def _queries(user, held=None) -> list[tuple[Any, Any]]:
    out = []
    for todo in applicable(held):
        try:
            query = todo.count(user)
        except Exception:  # a contributor's bug: that kind is left out, the rest still count
            log.exception("to-do kind %s: building its count failed", todo.name)
            continue
        if query is not None:
            out.append((todo, query))
    return out


def counts(held: set | None = None) -> dict[str, int | None]:
    """{kind name: waiting items} for the current user, one statement for every kind; kept for
    the request (the navbar, the dashboard tile and the page all ask)."""
    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    cached = g.get("_houqin_todo_counts")
    if cached is not None and cached[0] == user.id:
        return cached[1]
    queries = _queries(user, held)
    result: dict[str, int | None] = {}
    if queries:
        stmt = select(*[q.scalar_subquery().label(f"todo_{i}") for i, (_, q) in enumerate(queries)])
        try:
            row = db.session.connection().execute(stmt.execution_options(**{FRAME: "todo"})).one()
            result = {todo.name: int(n or 0) for (todo, _), n in zip(queries, row)}
        except SQLAlchemyError:
            log.exception("to-do count failed; counting each kind alone")
            db.session.rollback()
            result = _count_each(queries)
    g._houqin_todo_counts = (user.id, result)
    return result


def _count_each(queries) -> dict[str, int | None]:
    result = {}
    for todo, query in queries:
        try:
            result[todo.name] = int(db.session.execute(select(query.scalar_subquery())).scalar() or 0)
        except SQLAlchemyError:
            log.exception("to-do kind %s: its count failed", todo.name)
            db.session.rollback()
            result[todo.name] = None
    return result


def total() -> int | None:
    """The navbar's number, or None when the user has no to-do list at all."""
    if not may_see_todos():
        return None
    return sum(n for n in counts().values() if n)


PAGE_PERMISSION = ("can_list", "TodoView")


def poll_total() -> int | None:
    """The number an open page polls for, reading only the permissions it needs (the page's own,
    each kind's) instead of the user's whole set: user, those permissions, the count. None when
    the user may not have a to-do list."""
    sm = current_app.appbuilder.sm
    held = sm.held_among([PAGE_PERMISSION] + [t.permission for t in _registry().todos if t.permission])
    if PAGE_PERMISSION not in held:
        return None
    return sum(n for n in counts(held).values() if n)


def sections(limit: int) -> list[TodoSection]:
    """Each kind with waiting items, with its first `limit` items (one query per such kind)."""
    user = g.user
    found = counts()
    out = []
    for todo in _registry().todos:
        if todo.name not in found:
            continue
        n = found[todo.name]
        if n == 0:
            continue
        section = TodoSection(todo, n)
        if n is not None:
            try:
                section.items = list(todo.items(user, limit))
            except Exception:
                log.exception("to-do kind %s: reading its items failed", todo.name)
                db.session.rollback()
                section.count = None
        out.append(section)
    return out


def format_when(value: datetime | None) -> str:
    """Since when an item waits: the time alone today, else the date and time."""
    from .i18n import format_datetime, local_now, to_local

    if value is None:
        return ""
    local = to_local(value)
    return f"{local:%H:%M}" if local.date() == local_now().date() else format_datetime(value)


def install(app) -> None:
    app.jinja_env.globals["hq_todo_total"] = total
    app.jinja_env.filters["hq_when"] = format_when


def next_url(default: str) -> str:
    """Where a form posted from the to-do page (or the desk) goes back to: a local path only,
    since "//host" and "/\\host" would leave the site."""
    target = request.form.get("next") or request.args.get("next") or ""
    return target if target.startswith("/") and target[1:2] not in ("/", "\\") else default

"""Search by any part of a card's name (空调 finds 格力柜式空调).

`LIKE '%空调%'` can use no index, and FAB's "contains" (`lower(name) LIKE lower(?)` on SQLite)
both costs a function call per card and leaves the planner walking the code index of the
ledger's order, reading every card until 25 match: 98–209 ms at 100,000 cards, worst for a term
that matches nothing. A register holds many cards under one name (300 台式计算机, 40 套 课桌椅
per class), so the text is matched against the *distinct* names — found by skipping through the
name index, one seek per name (a "loose index scan", a recursive CTE on SQLite and PostgreSQL
alike) — and the cards are then read by `name IN (...)` from the (name, code) and (campus_id,
name, code) indexes, already in the ledger's order. The cost grows with the number of distinct
names, not of cards. On SQLite `unlikely()` tells the planner the IN matches few cards, so it
reads them from those indexes instead of walking the code order. On PostgreSQL the matching
names are read first (one more statement, a fraction of a millisecond) and the cards then by
`name IN ('格力柜式空调', '美的挂式空调')`, values its planner has statistics for."""
from __future__ import annotations

from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterContains
from sqlalchemy import false, func, select

from app.extensions import db


def escape_like(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def distinct_names(column):
    """The column's distinct values, one index seek each (column must lead an index)."""
    first = select(func.min(column).label("name"))
    names = first.cte("asset_names", recursive=True)
    step = select(select(func.min(column)).where(column > names.c.name).scalar_subquery().label("name")) \
        .where(names.c.name.is_not(None))
    return names.union_all(step)


def matching_names(column, text: str) -> list[str]:
    """The column's distinct values containing text (case-insensitive for Latin letters), read
    once per request and text: the list's count, its page and its export share them."""
    from flask import g, has_request_context

    key = (str(column), text)
    kept = g.setdefault("_hq_matching_names", {}) if has_request_context() else {}
    if key not in kept:
        names = distinct_names(column)
        pattern = f"%{escape_like(text)}%"
        kept[key] = list(db.session.execute(
            select(names.c.name).where(names.c.name.ilike(pattern, escape="\\"))).scalars())
    return kept[key]


def name_contains(column, text: str):
    """The WHERE clause: column IN (its distinct values containing text).

    SQLite: the distinct names as a subquery, `unlikely()` telling its planner the IN matches few
    cards. PostgreSQL planned the subquery as a nested loop that rescanned the names, ILIKE and
    all, for every card of the code order (101 ms for a keeper's term with no card on the campus,
    195-370 ms for the Director); with the names read first and given as values, its statistics
    see how many cards each name has and a name the campus lacks costs nothing."""
    if db.session.get_bind().dialect.name != "sqlite":
        names = matching_names(column, text)
        return column.in_(names) if names else false()
    names = distinct_names(column)
    pattern = f"%{escape_like(text)}%"
    # SQLite's LIKE already ignores the case of Latin letters
    clause = column.in_(select(names.c.name).where(names.c.name.like(pattern, escape="\\")))
    return func.unlikely(clause)


class FilterNameContains(BaseFilter):
    name = FilterContains.name
    arg_name = FilterContains.arg_name

    def apply(self, query, value):
        return query.filter(name_contains(getattr(self.model, self.column_name), value))


def use_name_contains(datamodel, column: str = "name") -> None:
    """Put FilterNameContains in place of FAB's "contains" among the column's search filters
    (the converter keeps one list per column and data interface, which every Filters of the
    view shares: the list, its count and its Excel export)."""
    filters = datamodel.filter_converter_class(datamodel).convert(column)
    for i, f in enumerate(filters):
        if type(f) is FilterContains:
            filters[i] = FilterNameContains(column, datamodel)


__all__ = ["FilterNameContains", "matching_names", "name_contains", "use_name_contains"]

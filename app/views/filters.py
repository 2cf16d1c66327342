"""What big lists need, for every house view and API (HouqinModelView's `list_joins`,
`name_search_relations`, `count_cap`, `indexed_prefix_search` and `row_access` attributes):

- "starts with" that an index can serve (FAB's filter uses ILIKE, which cannot);
- a person relation (a host among 2,000 staff) searched by typing the start of the name, not
  picked from a drop-down;
- the list's relations loaded in its own query, without the relations they load by default;
- a record count that stops at a cap ("10,000+": an exact COUNT over a million visits costs more
  than the whole page);
- a row-access rule (who may see which rows) as a base filter of views and APIs alike.
"""
from __future__ import annotations

import enum
import re
from functools import reduce

from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterStartsWith, SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .plain import PlainMiss, PlainRow

COUNT_CAP = 10_000
_identity = id  # HouqinInterface.get's argument is called `id`, as FAB's


def prefix_clause(column, text: str):
    """column starts with text, in a form the column's index can serve: GLOB 'x*' on SQLite
    (LIKE there is case-insensitive and skips the index), LIKE 'x%' elsewhere."""
    from ..extensions import db

    text = str(text or "")
    length = getattr(getattr(column, "type", None), "length", None)
    if length and len(text) >= length:
        # As long as the column: an equality, which any index serves (phone_last4 on
        # PostgreSQL has no pattern-ops index, so LIKE '4825%' would scan every visitor).
        return column == text
    if db.session.get_bind().dialect.name == "sqlite":
        return column.op("GLOB")(re.sub(r"([*?\[])", r"[\1]", text) + "*")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(escaped + "%", escape="\\")


class FilterPrefix(BaseFilter):
    """"Starts with" as LIKE 'x%' (GLOB 'x*' on SQLite), which can use the name indexes.
    Chinese names have no case to fold."""

    name = _l("Starts with")
    arg_name = "sw"

    def apply(self, query, value):
        return query.filter(prefix_clause(getattr(self.model, self.column_name), value))


class FilterRelationNamePrefix(BaseFilter):
    """Rows whose person (host ...) has a name starting with the text: the indexed
    `IN (SELECT id FROM staff WHERE name LIKE 'x%')`."""

    name = _l("Starts with")
    arg_name = "rsw"

    def apply(self, query, value):
        prop = getattr(self.model, self.column_name).property
        related = prop.mapper.class_
        (local,) = prop.local_columns
        people = select(related.id).where(prefix_clause(related.name, value))
        return query.filter(local.in_(people))


class FilterClause(BaseFilter):
    """A base filter from a function: ["id", FilterClause, visit_access_clause]. The function
    is called per request and returns a WHERE clause, or None for no restriction."""

    name = "clause"
    arg_name = "clause"

    def apply(self, query, value):
        clause = value() if callable(value) else None
        return query if clause is None else query.filter(clause)


class FilterActive(BaseFilter):
    """Only active rows (drop-downs: an inactive purpose or department is no longer offered)."""

    name = "active"
    arg_name = "active_only"

    def apply(self, query, value):
        return query.filter(getattr(self.model, "active").is_(True))


class _Converter(SQLAFilterConverter):
    """FAB's filters, with name-prefix search for the relations listed in `name_search`; each
    column's filters made once per list view (FAB made every column's filters anew for each
    Filters object: three or four times per page)."""

    def convert(self, col_name):
        made = self.datamodel.__dict__.setdefault("_hq_filters", {})
        key = (type(self), col_name)
        if key not in made:
            if col_name in getattr(self.datamodel, "name_search", ()):
                made[key] = [FilterRelationNamePrefix(col_name, self.datamodel)]
            else:
                made[key] = super().convert(col_name)
        return made[key]


class _IndexedPrefixConverter(_Converter):
    conversion_table = tuple(
        (test, [FilterPrefix if f is FilterStartsWith else f for f in flts])
        for test, flts in SQLAFilterConverter.conversion_table)


class CappedCount(int):
    """A record count that stopped at the cap (the int is cap + 1): the pages up to it work as
    usual and the count reads "10,000+"."""

    def __str__(self):
        return f"{int(self) - 1:,}+"

    __html__ = __str__


class HouqinInterface(SQLAInterface):
    """The data interface every house view gets (HouqinModelView builds it from the view's
    attributes; a view keeps declaring `datamodel = SQLAInterface(Model)`)."""

    def __init__(self, obj, session=None, *, joins: tuple[str, ...] = (), name_search: tuple[str, ...] = (),
                 count_cap: int = 0, indexed_prefix: bool = False):
        self.filter_converter_class = _IndexedPrefixConverter if indexed_prefix else _Converter
        super().__init__(obj, session)
        self.joins = tuple(joins)
        self.name_search = tuple(name_search)
        self.count_cap = count_cap

    @classmethod
    def like(cls, datamodel: SQLAInterface, **kwargs) -> "HouqinInterface":
        return cls(datamodel.obj, getattr(datamodel, "_session", None), **kwargs)

    def apply_all(self, query, *args, **kwargs):
        # Each listed relation joined, but not the relations it joins by default (a host's
        # position, department and campus): each extra join costs PostgreSQL planning time
        # (~10 ms for the visit list's eight tables) and the list shows none of them.
        query = super().apply_all(query, *args, **kwargs)
        if not self.joins:
            return query
        return query.options(*[joinedload(getattr(self.obj, name)).lazyload("*") for name in self.joins])

    def query(self, filters=None, order_column="", order_direction="", page=None, page_size=None,
              select_columns=None, outer_default_load=False):
        """A list page in two steps: the keys of the page's rows (filters, order, offset and limit
        on the base table and its indexes, no joins but those the filters or the order need),
        then those rows with the list's relations. In one query the joins ran for every row the
        OFFSET skipped: page 500 of a million visits took 38 ms, the last page 1.5 s."""
        if select_columns or page_size is None:
            return super().query(filters, order_column, order_direction, page, page_size, select_columns,
                                 outer_default_load)
        # The filters (a row-access rule builds its clause from the user's roles and campuses) are
        # applied once, for the count and the keys alike.
        filtered = self._apply_inner_all(self.session.query(self.obj), filters, aliases_mapping={})
        keys = self.page_keys(filters, order_column, order_direction, page, page_size, filtered=filtered)
        if len(keys) < page_size and (keys or not page):
            # a short page is the last one: the count is what comes before it and on it (a
            # gatekeeper's list of today's 24 visits needs no COUNT statement)
            count = (page or 0) * page_size + len(keys)
            if self.count_cap and count > self.count_cap:
                count = CappedCount(self.count_cap + 1)  # as the capped COUNT would say
        else:
            count = self._count_of(filtered)
        plan = g.get("_hq_plain_plan") if has_request_context() else None
        if plan is not None and plan[0] is self:
            # a house list view's page (HouqinModelView._get_list_widget): plain values
            (pk,) = self.obj.__mapper__.primary_key
            return count, plan[1].rows(self.session, pk, keys) if keys else []
        return count, self.rows_for(keys)

    def page_keys(self, filters=None, order_column="", order_direction="", page=None, page_size=None, *,
                  filtered=None) -> list:
        """The primary keys of one page, in the list's order (the primary key breaks ties).
        `filtered`: the base query with `filters` already applied (FAB's inner steps, without
        order and page)."""
        (pk,) = self.obj.__mapper__.primary_key
        if filtered is None:
            filtered = self._apply_inner_all(self.session.query(self.obj), filters, aliases_mapping={})
        query = self.apply_engine_specific_hack(filtered, page, page_size, order_column)
        query = self.apply_order_by(query, order_column, order_direction, aliases_mapping={},
                                    bypass_many_to_many=True, add_pk=True)
        query = self.apply_pagination(query, page, page_size)
        return [row[0] for row in query.with_entities(pk)]

    def rows_for(self, keys: list) -> list:
        """The model rows of these keys, in their order, with the list's relations loaded."""
        if not keys:
            return []
        (pk,) = self.obj.__mapper__.primary_key
        query = self.session.query(self.obj).filter(pk.in_(keys))
        if self.joins:
            query = query.options(*[joinedload(getattr(self.obj, name)).lazyload("*") for name in self.joins])
        found = {getattr(row, pk.key): row for row in query}
        return [found[key] for key in keys if key in found]

    def get_values(self, lst, list_columns):
        """FAB's list values (a column, a method's result, a dotted path through relations, an
        Enum's value; "" for a path that breaks), one attribute read per cell instead of three."""
        readers = [(col, col.split(".") if "." in col else None) for col in list_columns]
        for item in lst:
            values = {}
            for col, path in readers:
                try:
                    value = getattr(item, col)
                except AttributeError:
                    if path is None:
                        value = ""
                    else:
                        try:
                            value = reduce(getattr, path, item)
                        except PlainMiss:
                            raise  # the plain row lacks it: widened or ORM rows, never an empty cell
                        except Exception:
                            value = ""
                else:
                    if callable(value):
                        value = value()
                    elif isinstance(value, enum.Enum):
                        value = value.value
                    elif isinstance(value, PlainRow):
                        str(value)  # read here (kept in the row): a miss falls back to ORM rows
                values[col] = value
            yield values

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):
        """One row by key, as FAB reads it — kept for the rest of the request. A show page reads
        its record once in FAB's `_show`, then again for the workflow panel and the attachments
        panel (each with the view's row access); they now share the first read. Only a row found
        is kept (a POST that creates it and then reads it finds it), per data interface and
        filters object, and only inside a request."""
        if select_columns or not has_request_context():
            return super().get(id, filters, select_columns, outer_default_load)
        kept = g.setdefault("_hq_rows", {})
        # the filters object is kept with the row: its id cannot then be reused by another one
        key = (_identity(self), str(id), _identity(filters))
        entry = kept.get(key)
        if entry is not None and entry[0] is filters and entry[1] in self.session:
            return entry[1]
        found = super().get(id, filters, select_columns, outer_default_load)
        if found is not None:
            kept[key] = (filters, found)
        return found

    def query_count(self, query, filters=None, select_columns=None):
        return self._count_of(self._apply_inner_all(query, filters, select_columns=select_columns,
                                                    aliases_mapping={}))

    def _count_of(self, filtered) -> int:
        """The rows of an already filtered query: exact, or up to the cap."""
        if not self.count_cap:
            return filtered.count()
        capped = filtered.with_entities(*self.obj.__mapper__.primary_key).order_by(None) \
            .limit(self.count_cap + 1).subquery()
        n = self.session.query(func.count()).select_from(capped).scalar()
        return CappedCount(n) if n > self.count_cap else n

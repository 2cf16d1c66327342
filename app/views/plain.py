"""A list page's rows as plain values instead of ORM objects (issue 11): what a list only shows
needs no identity map, no change tracking and no instance state. Building 25 visits with their
visitor, purpose, host and campus as ORM objects was a fifth of the visit list page.

`plan_for(datamodel, list_columns)` looks once per view at what the list shows: the model's
columns, many-to-one relations (shown by the related model's __str__) and paths through them
("visitor.phone"), and the model's properties (Visit.answer) evaluated on the plain row. The rows
are read in one column query (the base table's columns and those of each relation, outer
joined) and become `PlainRow`s: the same attribute names and values, with the model's
properties, methods and __str__ reading them. Anything the plan cannot read — a one-to-many
relation, a column the query does not load — raises `PlainMiss` (never AttributeError, which
FAB's list would turn into an empty cell), and the view then lists with ORM objects for good
(`HouqinModelView._get_list_widget`)."""
from __future__ import annotations

import logging
from types import FunctionType, MethodType

from sqlalchemy import bindparam, select
from sqlalchemy.orm import ColumnProperty, RelationshipProperty, aliased

log = logging.getLogger(__name__)


class PlainMiss(Exception):
    """A plain row was asked for something it was not loaded with."""


def _column_keys(mapper) -> list[str]:
    """The mapper's attributes that are plain table columns (no SQL expressions, no deferral)."""
    keys = []
    for prop in mapper.column_attrs:
        if len(prop.columns) == 1 and getattr(prop.columns[0], "table", None) is not None \
                and not prop.deferred and prop.columns[0].table is mapper.local_table:
            keys.append(prop.key)
    return keys


def _pk_attr(mapper) -> str | None:
    """The attribute key of a single-column primary key (None for a composite one)."""
    if len(mapper.primary_key) != 1:
        return None
    return mapper.get_property_by_column(mapper.primary_key[0]).key


class PlainRow:
    """One row's values as attributes; the model's properties, methods and __str__ read them."""

    _hq_model = None  # set on the per-model subclass

    def __getattr__(self, name):
        if name.startswith("__") or "." in name:
            # protocol probes (__html__ ...) and FAB's dotted column names ("visitor.phone",
            # which it then follows attribute by attribute) are plain misses
            raise AttributeError(name)
        attr = type(self)._hq_model.__dict__.get(name)
        if attr is None:
            for klass in type(self)._hq_model.__mro__[1:]:
                if name in klass.__dict__:
                    attr = klass.__dict__[name]
                    break
        if isinstance(attr, property):
            return attr.fget(self)
        if isinstance(attr, FunctionType):
            return MethodType(attr, self)
        raise PlainMiss(f"{type(self)._hq_model.__name__}.{name} is not in the list's plain rows")

    def __str__(self):
        shown = self.__dict__.get("_hq_str")
        if shown is None:
            shown = self.__dict__["_hq_str"] = str(_shown_by(type(self)._hq_model)(self))
        return shown

    def __repr__(self):
        return f"<plain {type(self)._hq_model.__name__} {self.__dict__.get('id')}>"


def _shown_by(model):
    """What str() of a model's object calls: its own __str__, or (as object.__str__ does) its
    __repr__ (FAB's User has only a __repr__: the user's full name)."""
    for klass in model.__mro__:
        if klass is object:
            break
        if "__str__" in klass.__dict__:
            return klass.__dict__["__str__"]
        if "__repr__" in klass.__dict__:
            return klass.__dict__["__repr__"]
    return object.__repr__


_row_classes: dict = {}


def row_class(model) -> type:
    found = _row_classes.get(model)
    if found is None:
        found = _row_classes[model] = type(f"Plain{model.__name__}", (PlainRow,), {"_hq_model": model})
    return found


class Plan:
    """How one view's list reads its rows as plain values."""

    def __init__(self, model, keys: list[str], relations: dict[str, tuple]):
        self.model = model
        self.keys = keys                # the base model's column attributes
        self.relations = relations      # name -> (related model, its column keys)

    def rows(self, session, pk, page_keys: list) -> list:
        query = self.__dict__.get("_query")
        if query is None:
            # built once: the construct (60-odd columns of four aliases) cost more than running it
            base = self.model
            columns = [getattr(base, k) for k in self.keys]
            joins = []
            for name, (related, keys) in self.relations.items():
                alias = aliased(related)
                joins.append((getattr(base, name).of_type(alias), alias))
                columns += [getattr(alias, k) for k in keys]
            query = select(*columns)
            for target, alias in joins:
                query = query.outerjoin(alias, target)
            query = self._query = query.where(pk.in_(bindparam("hq_keys", expanding=True)))
        make = row_class(self.model)
        n = len(self.keys)
        parts, at = [], n
        for name, (related, keys) in self.relations.items():
            # an outer-joined relation is absent when its key is (plan_for made sure it is loaded)
            key_at = at + keys.index(_pk_attr(related.__mapper__))
            parts.append((name, row_class(related), keys, at, at + len(keys), key_at))
            at += len(keys)
        keys = self.keys
        found = {}
        pk_key = _pk_attr(self.model.__mapper__)
        for values in session.execute(query, {"hq_keys": list(page_keys)}):
            row = make()
            d = row.__dict__
            d.update(zip(keys, values[:n]))
            for name, klass, rel_keys, start, end, key_at in parts:
                if values[key_at] is None:
                    d[name] = None
                else:
                    nested = klass()
                    nested.__dict__.update(zip(rel_keys, values[start:end]))
                    d[name] = nested
            found[d[pk_key]] = row
        return [found[key] for key in page_keys if key in found]


def plan_for(model, list_columns, joins=()) -> Plan | None:
    """The plan for a list of these columns, or None when some column needs ORM objects."""
    mapper = model.__mapper__
    keys = _column_keys(mapper)
    if _pk_attr(mapper) not in keys:
        return None
    relations: dict[str, tuple] = {}

    def relation(name):
        prop = mapper.relationships.get(name)
        if not isinstance(prop, RelationshipProperty) or prop.uselist or prop.secondary is not None:
            return None
        if name not in relations:
            keys_of = _column_keys(prop.mapper)
            if _pk_attr(prop.mapper) not in keys_of:
                return None
            relations[name] = (prop.mapper.class_, keys_of)
        return relations[name]

    for name in joins:
        if relation(name) is None:
            return None
    for col in list_columns:
        if "." in col:
            first, _, rest = col.partition(".")
            found = relation(first)
            if found is None or "." in rest or rest not in found[1]:
                return None
        elif col in keys:
            continue
        elif mapper.relationships.get(col) is not None:
            if relation(col) is None:
                return None
        elif isinstance(getattr(model, col, None), property):
            continue
        else:
            return None
    return Plan(model, keys, relations)


__all__ = ["Plan", "PlainMiss", "PlainRow", "plan_for"]

"""A list page's rows as plain values instead of ORM objects (issue 11): what a list only shows
needs no identity map, no change tracking and no instance state. Building 25 visits with their
visitor, purpose, host and campus as ORM objects was a fifth of the visit list page.

`plan_for(model, list_columns, joins)` looks once per view at what the list shows: the model's
columns, many-to-one relations (shown by the related model's __str__) and paths through them
("visitor.phone"), and the model's properties (Visit.answer) evaluated on the plain row. It
reads only the columns the page can use: those listed, and those whose names the code that
runs on a row mentions — the listed properties and methods, each related model's __str__ and
what they call in turn (their code objects' attribute names, an over-approximation). A relation
that code follows (a room's building, in Room.__str__) is joined too; the list's column
formatters are read the same way, two levels deep at most.
The rows are read in one column query built once (the base table's columns and those of each
relation, outer joined, keys as an expanding parameter) and become `PlainRow`s: the same
attribute names and values, with the model's properties, methods and __str__ reading them.

A row asked for something it was not loaded with raises `PlainMiss` (never AttributeError,
which FAB's list would turn into an empty cell). When that is a column or a many-to-one relation
of a model in the plan, the view widens the plan and reads the page again (logged: the code
analysis missed it); anything else — a one-to-many relation — makes the view list with ORM
objects for good (`HouqinModelView._get_list_widget`)."""
from __future__ import annotations

import logging
from types import CodeType, FunctionType, MethodType

from sqlalchemy import bindparam, select
from sqlalchemy.orm import RelationshipProperty, aliased
from sqlalchemy.orm.attributes import QueryableAttribute

log = logging.getLogger(__name__)
MAX_DEPTH = 3  # the base row, its relations, theirs


class PlainMiss(Exception):
    """A plain row was asked for something it was not loaded with."""

    def __init__(self, model, name: str):
        super().__init__(f"{model.__name__}.{name} is not in the list's plain rows")
        self.model, self.name = model, name


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


def _class_attr(model, name):
    for klass in model.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


class PlainRow:
    """One row's values as attributes; the model's properties, methods and __str__ read them."""

    _hq_model = None  # set on the per-model subclass

    def __getattr__(self, name):
        if name.startswith("__") or "." in name:
            # protocol probes (__html__ ...) and FAB's dotted column names ("visitor.phone",
            # which it then follows attribute by attribute) are plain misses
            raise AttributeError(name)
        model = type(self)._hq_model
        attr = _class_attr(model, name)
        if isinstance(attr, property):
            return attr.fget(self)
        if isinstance(attr, FunctionType):
            return MethodType(attr, self)
        if isinstance(attr, (staticmethod, classmethod)):
            return attr.__get__(self, model)
        if attr is None or isinstance(attr, QueryableAttribute) or name in model.__mapper__.attrs:
            raise PlainMiss(model, name)
        return attr  # a constant of the class

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


def _code_names(code: CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):  # lambdas, comprehensions, nested functions
            names |= _code_names(const)
    return names


def _function_of(attr):
    if isinstance(attr, property):
        return attr.fget
    if isinstance(attr, (staticmethod, classmethod)):
        return attr.__func__
    return attr if isinstance(attr, FunctionType) else None


def _names_used(model, seeds) -> set[str]:
    """Every attribute name the code of these attributes of `model` (properties, methods,
    __str__) mentions, following the ones that are code themselves."""
    seen, names, todo = set(), set(), list(seeds)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        func = _function_of(_shown_by(model) if name == "__str__" else _class_attr(model, name))
        if func is None or getattr(func, "__code__", None) is None:
            continue
        found = _code_names(func.__code__)
        names |= found
        todo += [n for n in found if n not in seen]
    return names


def _many_to_one(mapper, name):
    prop = mapper.relationships.get(name)
    if not isinstance(prop, RelationshipProperty) or prop.uselist or prop.secondary is not None:
        return None
    return prop


class Node:
    """One model of a plan: the base model or a relation reached from it."""

    def __init__(self, model, depth: int):
        self.model, self.depth = model, depth
        self.all_keys = _column_keys(model.__mapper__)
        self.pk = _pk_attr(model.__mapper__)
        self.keys = [self.pk]
        self.children: dict[str, Node] = {}

    def want(self, name: str) -> bool:
        """Load this column; False when it is not one of the model's columns."""
        if name not in self.all_keys:
            return False
        if name not in self.keys:
            self.keys.append(name)
        return True

    def child(self, name: str) -> "Node | None":
        """The node of a many-to-one relation (added when new), None when it cannot be one."""
        found = self.children.get(name)
        if found is not None:
            return found
        prop = _many_to_one(self.model.__mapper__, name)
        if prop is None or self.depth + 1 >= MAX_DEPTH or _pk_attr(prop.mapper) is None:
            return None
        found = self.children[name] = Node(prop.mapper.class_, self.depth + 1)
        return found

    def walk(self):
        yield self
        for node in self.children.values():
            yield from node.walk()


class Plan:
    """How one view's list reads its rows as plain values."""

    def __init__(self, model, root: Node):
        self.model = model
        self.root = root
        self._compiled = None  # (the statement, the row builder), made once per widening

    @property
    def keys(self) -> list[str]:
        return list(self.root.keys)

    @property
    def relations(self) -> dict[str, tuple]:
        """The base model's relations read with it: name -> (related model, its column keys)."""
        return {name: (node.model, list(node.keys)) for name, node in self.root.children.items()}

    def widen(self, model, name: str) -> bool:
        """Read `name` too wherever the plan holds `model` (a column, or a many-to-one relation to
        join); False when it is neither and the rows cannot give it."""
        widened = False
        for node in list(self.root.walk()):
            if node.model is not model:
                continue
            if node.want(name):
                widened = True
            elif name not in node.children and node.child(name) is not None:
                _seed_node(node.children[name])
                widened = True
        if widened:
            self._compiled = None
        return widened

    def _compile(self):
        base = self.model
        columns = []
        query_joins = []
        lines, consts, counter = [], {}, [0]

        def visit(node, entity):
            at = len(columns)
            columns.extend(getattr(entity, k) for k in node.keys)
            parts = [f"{k!r}: v[{at + i}]" for i, k in enumerate(node.keys)]
            for name, child in node.children.items():
                alias = aliased(child.model)
                query_joins.append((alias, getattr(entity, name).of_type(alias)))
                _child_at, child_var = visit(child, alias)
                parts.append(f"{name!r}: {child_var}")
            counter[0] += 1
            var = f"n{counter[0]}"
            klass = f"C{counter[0]}"
            consts[klass] = row_class(node.model)
            made = f"_new({klass}, {{{', '.join(parts)}}})"
            if node is self.root:
                lines.append(f"    {var} = {made}")
            else:
                # an outer-joined relation is absent when its key is
                lines.append(f"    {var} = None if v[{at}] is None else {made}")
            return at, var

        _at, top = visit(self.root, base)
        query = select(*columns)
        for alias, target in query_joins:
            query = query.outerjoin(alias, target)
        pk = getattr(base, self.root.pk)
        keyed = query.where(pk.in_(bindparam("hq_keys", expanding=True)))
        source = "def build(v):\n" + "\n".join(lines) + f"\n    return {top}\n"
        namespace = {"_new": _new, **consts}
        exec(compile(source, f"<plain rows of {base.__name__}>", "exec"), namespace)
        return query, keyed, namespace["build"]

    def _made(self):
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = self._compile()
        return compiled

    def rows(self, session, pk, page_keys: list) -> list:
        """The rows of these keys, in their order."""
        _query, keyed, build = self._made()
        key = self.root.pk
        found = {}
        for values in session.execute(keyed, {"hq_keys": list(page_keys)}):
            row = build(values)
            found[row.__dict__[key]] = row
        return [found[k] for k in page_keys if k in found]

    def rows_where(self, session, *criteria) -> list:
        """The rows meeting these conditions on the base model (a screen's own list, not a list
        view's page: the desk's visitors on site), in no particular order."""
        query, _keyed, build = self._made()
        return [build(values) for values in session.execute(query.where(*criteria))]


def _new(klass, values: dict):
    row = object.__new__(klass)
    row.__dict__ = values
    return row


def _seed_node(node: Node, extra=()) -> None:
    """A relation's node: the columns its __str__ (and what that calls) mentions and `extra`
    (what the list's own code may read through it), and the relations its __str__ follows."""
    own = _names_used(node.model, ["__str__"])
    for name in own | set(extra):
        node.want(name)
    for name in own:  # the relations its own __str__ follows (not every name the list's code has)
        child = node.child(name) if _many_to_one(node.model.__mapper__, name) is not None else None
        if child is not None and not child.children and child.keys == [child.pk]:
            _seed_node(child)


def _formatter_names(formatter) -> set[str]:
    """The attribute names a column formatter's code mentions (a house PerRequest formatter: the
    code that makes its cell function, which holds that function)."""
    func = getattr(formatter, "make", formatter)
    code = getattr(func, "__code__", None)
    return _code_names(code) if isinstance(code, CodeType) else set()


def plan_for(model, list_columns, joins=(), formatters=None) -> Plan | None:
    """The plan for a list of these columns, or None when some column needs ORM objects.
    `formatters`: the view's column formatters (what they read of a row or a relation's row is
    read too)."""
    mapper = model.__mapper__
    root = Node(model, 0)
    if root.pk is None or root.pk not in root.all_keys:
        return None
    code = [c for c in list_columns if "." not in c and _function_of(_class_attr(model, c)) is not None
            and c not in mapper.attrs]
    used = _names_used(model, code)
    for col in list_columns:
        if formatters and col in formatters:
            used |= _formatter_names(formatters[col])
    relations: dict[str, Node] = {}

    def relation(name):
        if name not in relations:
            node = root.child(name)
            if node is None:
                return None
            relations[name] = node
        return relations[name]

    for name in joins:
        if relation(name) is None:
            return None
    paths: dict[str, set] = {}
    for col in list_columns:
        if "." in col:
            first, _, rest = col.partition(".")
            node = relation(first)
            if node is None or "." in rest or rest not in node.all_keys:
                return None
            paths.setdefault(first, set()).add(rest)
        elif col in root.all_keys:
            root.want(col)
        elif mapper.relationships.get(col) is not None:
            if relation(col) is None:
                return None
        elif col in code or isinstance(getattr(model, col, None), property):
            continue
        else:
            return None
    # what the listed properties and methods read: the base model's columns, its relations
    for name in used:
        root.want(name)
    for name in used:
        if _many_to_one(mapper, name) is not None:
            relation(name)
    for name, node in relations.items():
        # a relation's columns the base model's code may read through it (visit.host.user_id)
        _seed_node(node, extra=paths.get(name, set()) | used)
    return Plan(model, root)


__all__ = ["Plan", "PlainMiss", "PlainRow", "plan_for"]

"""Relation drop-downs (host, department, campus ...) without Flask-AppBuilder's per-option cost.

FAB's form converter fills a relation's <select> with `related_interface.query(filters)`: a COUNT
it never uses, then every related row as a full ORM object with its own joined relations, then,
for each option, a new SQLAInterface just to read the primary key, and WTForms' generic option
rendering. With 2,000 staff as possible hosts that is ~150 ms of a list page's search form.
`lighten_relation_fields` keeps FAB's fields, filters and semantics, and swaps in: one query
without the COUNT and without the related rows' own relations, the primary key read directly,
and a plain string per option.
"""
from __future__ import annotations

from html import escape
from operator import attrgetter

from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget, Select2Widget
from markupsafe import Markup
from sqlalchemy.orm import lazyload
from wtforms.fields.core import UnboundField


def option_html(value, label, selected: bool) -> str:
    """One escaped <option> as a plain str (the caller joins them into one Markup)."""
    return '<option value="%s"%s>%s</option>' % (escape(str(value)), " selected" if selected else "", escape(str(label)))


class _FastOptions:
    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        label = choice.label if choice.label is not None else choice.value
        return option_html(choice.value, label, choice.selected)


class FastSelect2Widget(_FastOptions, Select2Widget):
    pass


class FastSelect2ManyWidget(_FastOptions, Select2ManyWidget):
    pass


class _Label:
    """A search-form option: the key and the few columns the model's str() reads."""

    __slots__ = ("row", "model")

    def __init__(self, row, model):
        self.row, self.model = row, model

    def __getattr__(self, name):
        return getattr(self.row, name)

    def __str__(self):
        return self.model.__str__(self.row)


def _query_func(rel, filters, light: bool):
    """light (search forms only, whose value is just the key in the URL): a column query of the
    key and the model's `__label_columns__` (what its __str__ reads), no ORM objects at all.
    Otherwise (add/edit forms, whose value is assigned to the record): ORM objects without
    their own relations."""
    model = rel.obj
    names = getattr(model, "__label_columns__", None) if light else None
    pk = rel.get_pk_name()

    def query():
        q = rel.session.query(model).options(lazyload("*"))
        q = filters.apply_all(q) if filters is not None else q
        if names and isinstance(pk, str):
            q = q.with_entities(getattr(model, pk), *[getattr(model, n) for n in names])
            return [_Label(row, model) for row in q]
        return q.all()
    return query


def options_html(choices, selected=None) -> Markup:
    """<option>s for (value, label) pairs, `selected` marked: the Jinja filter `hq_options`, for
    hand-made forms whose drop-downs hold hundreds of entries (the desk's host list)."""
    chosen = None if selected is None else str(selected)
    return Markup("".join(option_html(value, label, str(value) == chosen) for value, label in choices))


def _is_fab_relation_field(value) -> bool:
    if not isinstance(value, UnboundField):
        return False
    if not issubclass(value.field_class, (QuerySelectField, QuerySelectMultipleField)):
        return False
    query = value.kwargs.get("query_func")
    # Only the fields FAB's converter made; a view's own extra field keeps what it was given.
    return getattr(query, "__qualname__", "").startswith("GeneralModelConverter._get_related_query_func")


def lighten_relation_fields(form_class, datamodel, rel_filters: dict | None, *, search: bool = False) -> None:
    """Rewire the relation fields of a FAB-generated form class in place (search: the list's
    search form, whose options need only a key and a label)."""
    if form_class is None:
        return
    for name, value in list(vars(form_class).items()):
        if not _is_fab_relation_field(value):
            continue
        rel = datamodel.get_related_interface(name)
        spec = (rel_filters or {}).get(name)
        if not search and "active" in getattr(getattr(rel.obj, "__table__", None), "c", {}):
            # An add/edit form offers only active rows (a deactivated campus, department, position
            # or login is no longer chosen); lists, search forms and old records keep showing them.
            from .filters import FilterActive

            spec = [*(spec or []), ["active", FilterActive, None]]
        filters = rel.get_filters().add_filter_list(spec) if spec else None
        value.kwargs["query_func"] = _query_func(rel, filters, search)
        pk = rel.get_pk_name()
        value.kwargs["get_pk_func"] = rel.get_pk_value if isinstance(pk, (list, tuple)) else attrgetter(pk)
        widget = value.kwargs.get("widget")
        if type(widget) is Select2Widget:
            value.kwargs["widget"] = FastSelect2Widget(extra_classes=widget.extra_classes, style=widget.style)
        elif type(widget) is Select2ManyWidget:
            value.kwargs["widget"] = FastSelect2ManyWidget(extra_classes=widget.extra_classes, style=widget.style)

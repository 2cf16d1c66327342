"""The house ModelView: campus scoping, masking of personal numbers, and
"Export to Excel" of the current filter and search. Plugins subclass it."""
from __future__ import annotations

import html
import os
import re
from datetime import date, datetime

from flask import abort, after_this_request, g, send_file
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from wtforms.fields.core import UnboundField

from ..export.xlsx import Column, Labels, export_to_tempfile
from ..i18n import current_language, format_date, format_datetime, local_now, to_local
from ..privacy import MASKERS, is_masked
from ..scoping import FilterCampusScope, FilterOwnCampuses, can_use_campus
from ..security import sees_personal_data
from .relations import lighten_relation_fields

WRONG_CAMPUS = _l("You can only use your own campuses.")


def export_labels() -> Labels:
    return Labels(exported_at=gettext("Exported"), exported_by=gettext("Exported by"),
                  yes=gettext("Yes"), no=gettext("No"))


def xlsx_download(rows, columns, *, title: str, filename: str):
    """Stream an .xlsx built in a temporary file (constant memory) and delete it afterwards."""
    from flask import current_app

    user = getattr(g, "user", None)
    path, _count = export_to_tempfile(
        rows, columns,
        institution=current_app.extensions["houqin_settings"].get("institution_name"),
        title=title, exported_by=getattr(user, "username", ""), exported_at=local_now(),
        locale=current_language(), labels=export_labels(),
    )
    # Unlink now: the open handle keeps the bytes until the response is sent, and nothing
    # is left in the temp folder even if the client goes away (call_on_close does not
    # run for a file path response).
    handle = open(path, "rb")
    os.unlink(path)
    return send_file(handle, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def campus_of(item, column: str = "campus_id"):
    """The campus id of a row about to be saved: a form sets the relationship,
    and campus_id stays empty until the flush."""
    related = getattr(item, "campus", None)
    return related.id if related is not None else getattr(item, column)


def plain_text(markup: Markup) -> str:
    """What a formatter's HTML says, as a spreadsheet cell: line breaks kept, tags dropped,
    entities decoded (the audit log's "<b>phone</b>: a → b<br>..." becomes two lines)."""
    text = re.sub(r"<br\s*/?>", "\n", str(markup), flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def yes_no() -> dict[bool, str]:
    """是/否 or Yes/No, translated once per request (a list shows one per row)."""
    from flask import request

    labels = getattr(request, "_hq_yes_no", None)
    if labels is None:
        labels = request._hq_yes_no = {True: gettext("Yes"), False: gettext("No")}
    return labels


def cell_masker(kind: str):
    """value -> what the current user may see of a personal number ("" when empty, never
    "None"). Decided once: a caller showing thousands of cells asks once per column."""
    if sees_personal_data(getattr(g, "user", None)):
        return lambda value: value if value else ""
    mask = MASKERS[kind]
    return lambda value: mask(str(value)) if value else ""


def masked(value, kind: str):
    """One cell of cell_masker(kind)."""
    return cell_masker(kind)(value)


class HouqinListWidget(ListWidget):
    """FAB's list widget with the cell formatters applied here, in Python, once per cell (the
    template would call each through Jinja: a list of 25 rows x 10 columns made the house list
    slower than a stock one, whose columns have no formatters), and each row's buttons made
    once per page (houqin/widgets/list.html). Same HTML as FAB's."""

    template = "houqin/widgets/list.html"

    def __init__(self, **kwargs):
        formatters = kwargs.get("formatters_columns") or {}
        columns = [c for c in kwargs.get("include_columns") or [] if c in formatters]
        rows = list(kwargs.get("value_columns") or [])  # FAB passes a generator of dicts
        for row in rows:
            for col in columns:
                row[col] = formatters[col](row[col])
        kwargs["value_columns"] = rows
        kwargs["formatters_columns"] = {}
        super().__init__(**kwargs)


class HouqinModelView(ModelView):
    list_template = "houqin/list.html"
    list_widget = HouqinListWidget
    page_size = 25
    # column -> masking kind ("phone" | "id"), masked for all but Director/Admin
    masked_columns: dict[str, str] = {}
    # a campus_id column switches on campus scoping of rows and of the campus dropdown
    campus_column: str | None = None
    campus_nullable = False
    export_columns: list[str] | None = None
    money_columns: tuple[str, ...] = ()

    def __init__(self, **kwargs):
        if self.campus_column:
            self.base_filters = list(self.base_filters or []) + [
                [self.campus_column, FilterCampusScope, self.campus_nullable]]
            rel = {"campus": [["id", FilterOwnCampuses, None]]}
            self.add_form_query_rel_fields = {**rel, **(self.add_form_query_rel_fields or {})}
            self.edit_form_query_rel_fields = {**rel, **(self.edit_form_query_rel_fields or {})}
            self.search_form_query_rel_fields = {**rel, **(self.search_form_query_rel_fields or {})}
        formatters = dict(self.formatters_columns or {})
        for col, kind in self.masked_columns.items():
            formatters.setdefault(col, lambda v, kind=kind: masked(v, kind))
        for col in set(self.list_columns or []) | set(self.show_columns or []):
            formatters.setdefault(col, self._display_formatter(col))
        self.formatters_columns = formatters
        super().__init__(**kwargs)

    def _init_forms(self):
        super()._init_forms()
        # A search field starts empty: FAB copies the column's default into it (the visit list's
        # time filter opened on "2026-11-30 09:41:20.115052+00:00", its status on "on_site").
        for value in vars(self.search_form).values():
            if isinstance(value, UnboundField) and "default" in value.kwargs:
                value.kwargs["default"] = None
        lighten_relation_fields(self.search_form, self.datamodel, self.search_form_query_rel_fields, search=True)
        lighten_relation_fields(self.add_form, self.datamodel, self.add_form_query_rel_fields)
        lighten_relation_fields(self.edit_form, self.datamodel, self.edit_form_query_rel_fields)

    def _display_formatter(self, col):
        """House display of a value: dates as 2026年11月22日 / 22 Nov 2026, booleans as
        是/否, nothing for an empty value (FAB would print "None" and "True")."""
        dm = self.datamodel
        if col in dm.list_columns and dm.is_datetime(col):
            return format_datetime
        if col in dm.list_columns and dm.is_date(col):
            return format_date
        if col in dm.list_columns and dm.is_boolean(col):
            return lambda v: "" if v is None else yes_no()[bool(v)]
        return lambda v: "" if v is None else v

    # -- masking: a masked value shown in a form is never written back ---------------
    def prefill_form(self, form, pk):
        if sees_personal_data(g.user):
            return
        for col, kind in self.masked_columns.items():
            if col in form and form[col].data:
                form[col].data = MASKERS[kind](str(form[col].data))

    def _restore_masked(self, item):
        state = sa_inspect(item)
        for col in self.masked_columns:
            if col in state.attrs and is_masked(getattr(item, col)):
                hist = state.attrs[col].history
                setattr(item, col, hist.deleted[0] if hist.deleted else None)

    def _check_campus(self, item):
        if self.campus_column and not can_use_campus(campus_of(item, self.campus_column)):
            raise ValueError(str(WRONG_CAMPUS))

    def pre_add(self, item):
        self._check_campus(item)

    def pre_update(self, item):
        self._restore_masked(item)
        self._check_campus(item)

    # -- export -------------------------------------------------------------------------
    def export_spec(self, positional: bool = False) -> list[Column]:
        """The export's columns. positional: the rows are export_query(as_rows=True)'s tuples
        (value i = column i) rather than model objects."""
        cols = self.export_columns or self.list_columns
        out = []
        for index, name in enumerate(cols):
            kind = "text"
            if name in self.money_columns:
                kind = "money"
            elif name in self.datamodel.list_columns:
                if self.datamodel.is_boolean(name):
                    kind = "bool"
                elif self.datamodel.is_datetime(name):
                    kind = "datetime"
                elif self.datamodel.is_date(name):
                    kind = "date"
                elif self.datamodel.is_integer(name) and not self.datamodel.is_fk(name):
                    kind = "int"
                elif self.datamodel.is_numeric(name):
                    kind = "decimal"
            out.append(Column(header=str(self.label_columns.get(name, name)), kind=kind,
                              value=self._export_getter(name, kind, index if positional else None)))
        return out

    def _export_getter(self, name, kind, index: int | None = None):
        """row -> cell value: masked, local time, list formatter, text. `index`: the value is
        row[index] (a tuple of export_query(as_rows=True)), else the model object's attribute."""
        mask_kind = self.masked_columns.get(name)
        mask = MASKERS[mask_kind] if mask_kind and not sees_personal_data(g.user) else None
        formatter = self.formatters_columns.get(name) if name not in self.masked_columns else None

        if index is not None:
            from operator import itemgetter

            fetch = itemgetter(index)
        else:
            parts = name.split(".")

            def fetch(row):
                value = row
                for part in parts:
                    value = getattr(value, part, None) if value is not None else None
                    if callable(value) and not isinstance(value, (date, datetime)):
                        value = value()
                return value

        def convert(value):
            if mask is not None and value:
                return mask(str(value))
            if kind == "datetime" and value is not None:
                return to_local(value)
            if formatter is not None and kind == "text":
                shown = formatter(value)
                return plain_text(shown) if isinstance(shown, Markup) else str(shown)
            if kind == "text" and value is not None and not isinstance(value, str):
                return str(value)
            return value

        if mask is None and kind not in ("text", "datetime"):
            return fetch  # numbers, dates, booleans are written as they are
        if kind != "text":
            return lambda row: convert(fetch(row))

        # Choice labels and related objects repeat down a column: convert each once per export.
        # Only text and model objects are remembered (equal numbers can print differently: 1.5
        # and 1.50); a column of mostly distinct values (names, numbers) stops after a few hundred.
        from flask_appbuilder import Model

        memo, missing = {}, object()
        remembered = memo.get

        def get(row):
            value = fetch(row)
            if len(memo) >= 512:
                return convert(value)
            try:
                out = remembered(value, missing)
            except TypeError:  # unhashable, such as JSON
                return convert(value)
            if out is missing:
                out = convert(value)
                if value.__class__ is str or value is None or isinstance(value, Model):
                    memo[value] = out
            return out
        return get

    def export_query(self, as_rows: bool = False):
        """The rows of the list screen: its filters and search, the base filters (campus
        scope) and its order.

        as_rows: a lazy iterator of tuples holding only the export columns' values (a related
        object for a relation), for a query of just those columns; or None when a column is not
        a table column, a many-to-one relation or a column of one (a property, a to-many
        relation ...): then export the model objects."""
        filters = self.datamodel.get_filters(self.search_columns)
        get_filter_args(filters)
        order_column, order_direction = get_order_args().get(self.__class__.__name__, ("", ""))
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        joined = filters.get_joined_filters(self._base_filters)
        query = self.datamodel.session.query(self.datamodel.obj)
        query = self.datamodel.apply_all(query, joined, order_column, order_direction)
        if not as_rows:
            return query.yield_per(2000)

        # Selecting columns instead of model objects is most of the query's cost saved
        # (10,000 staff: ~50 ms instead of ~300 ms). Relations are resolved per 2,000 rows
        # with one query per relation for the keys not seen yet.
        from itertools import islice

        from sqlalchemy import select
        from sqlalchemy.orm import ColumnProperty, RelationshipProperty, aliased
        from sqlalchemy.orm.interfaces import MANYTOONE

        model = self.datamodel.obj
        attrs = sa_inspect(model).attrs
        columns, relations, aliases = [], [], {}
        for index, name in enumerate(self.export_columns or self.list_columns):
            root, _, leaf = name.partition(".")
            prop = attrs.get(root)
            if isinstance(prop, ColumnProperty) and not leaf:
                columns.append(getattr(model, root))
                continue
            if not (isinstance(prop, RelationshipProperty) and prop.direction is MANYTOONE
                    and not prop.uselist and prop.secondary is None and len(prop.local_remote_pairs) == 1):
                return None
            local, remote = prop.local_remote_pairs[0]
            if not (prop.primaryjoin.compare(local == remote) or prop.primaryjoin.compare(remote == local)):
                return None  # a join with extra conditions: only the ORM knows it
            if not leaf:
                remote_key = prop.mapper.get_property_by_column(remote).key
                relations.append((index, prop.mapper.class_, remote, remote_key))
                columns.append(local)
                continue
            if "." in leaf or not isinstance(prop.mapper.attrs.get(leaf), ColumnProperty):
                return None
            if root not in aliases:
                aliases[root] = aliased(prop.mapper.class_)
                query = query.outerjoin(aliases[root], getattr(model, root).of_type(aliases[root]))
            columns.append(getattr(aliases[root], leaf))
        rows = query.with_entities(*columns).yield_per(2000)
        if not relations:
            return rows
        session = self.datamodel.session

        def resolved():
            loaded = [{} for _ in relations]  # per relation: key -> related object
            lookups = [(index, objects.get) for (index, *_), objects in zip(relations, loaded)]
            it = iter(rows)
            while chunk := list(islice(it, 2000)):
                for (index, related, remote, remote_key), objects in zip(relations, loaded):
                    wanted = {row[index] for row in chunk}
                    wanted.discard(None)
                    if len(objects) + len(wanted) > 4000:
                        objects.clear()  # memory stays bounded however many rows
                    wanted = list(wanted.difference(objects))
                    for start in range(0, len(wanted), 500):
                        batch = select(related).where(remote.in_(wanted[start:start + 500]))
                        for obj in session.scalars(batch):
                            objects[getattr(obj, remote_key)] = obj
                for row in chunk:
                    row = list(row)
                    for index, lookup in lookups:
                        row[index] = lookup(row[index])
                    yield row
        return resolved()

    @expose("/export/")
    @has_access
    def export(self):
        title = str(self.list_title or self.datamodel.model_name)
        stamp = local_now().strftime("%Y%m%d-%H%M")
        rows = self.export_query(as_rows=True)
        positional = rows is not None
        return xlsx_download(rows if positional else self.export_query(), self.export_spec(positional),
                             title=title, filename=f"{self.datamodel.obj.__tablename__}-{stamp}.xlsx")

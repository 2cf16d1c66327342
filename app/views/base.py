"""The house ModelView: campus scoping, row access, masking of personal numbers, the house
formats, the big-list features (app/views/filters.py) and "Export to Excel" of the current
filter and search (app/views/exporting.py). Plugins subclass it and declare attributes."""
from __future__ import annotations

import logging

from flask import abort, flash, g, redirect, url_for
from flask_appbuilder import ModelView
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import inspect as sa_inspect
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired
from wtforms.fields.core import UnboundField

from .. import freshness
from ..i18n import current_language, date_formatter, datetime_formatter, format_date, format_datetime
from ..locks import is_lockable, refuse_if_locked
from ..privacy import MASKERS, is_masked
from ..scoping import FilterCampusScope, FilterCampusScopeOrOwn, FilterOwnCampuses, can_use_campus
from ..security import sees_personal_data
from ..workflow import RecordLocked
from .exporting import ExportMixin, export_labels, plain_text, xlsx_download  # noqa: F401 (offered to plugins)
from .filters import FilterClause, HouqinInterface
from .frame import KeptSearchWidget
from .plain import PlainMiss, plan_for
from .relations import lighten_relation_fields

log = logging.getLogger(__name__)
MAX_WIDENINGS = 10  # a list's plain rows read again with a missed column or relation, per request
WRONG_CAMPUS = _l("You can only use your own campuses.")


def campus_of(item, column: str = "campus_id"):
    """The campus id of a row about to be saved: a form sets the relationship,
    and campus_id stays empty until the flush."""
    related = getattr(item, "campus", None)
    return related.id if related is not None else getattr(item, column)


def sync_campus_id(item, column: str = "campus_id") -> None:
    """Set campus_id from the `campus` relationship a form assigned (it follows only at flush)."""
    related = getattr(item, "campus", None)
    if related is not None:
        setattr(item, column, related.id)


def yes_no() -> dict[bool, str]:
    """是/否 or Yes/No, translated once per request (a list shows one per row)."""
    from flask import request

    labels = getattr(request, "_hq_yes_no", None)
    if labels is None:
        labels = request._hq_yes_no = {True: gettext("Yes"), False: gettext("No")}
    return labels


class PerRequest:
    """A column formatter whose decisions (the language, the zone, may this user see personal
    numbers) are made once per page, not once per cell: `make()` gives the cell function.
    Called directly it still formats one value (a show page, a single cell)."""

    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make

    def __call__(self, value):
        return self.make()(value)


def column_formatter(fmt):
    """The cell function of a column's formatter for the current page."""
    if isinstance(fmt, PerRequest):
        return fmt.make()
    if fmt is format_datetime:
        return datetime_formatter()
    if fmt is format_date:
        return date_formatter()
    return fmt


def choice_label(choices) -> PerRequest:
    """value -> the label of a stored code in the current language ("" for none), for lists,
    shows and exports. `choices` is a dict or (code, lazy label) pairs; the labels are
    translated once per request, not once per cell."""
    table = dict(choices)
    key = id(table)

    def make():
        cache = g.get("_hq_choice_labels")
        if cache is None:
            cache = g._hq_choice_labels = {}
        labels = cache.get(key)
        if labels is None:
            labels = cache[key] = {k: str(v) for k, v in table.items()}
        get = labels.get
        return lambda value: get(value, value or "")
    return PerRequest(make)


def _bool_cells():
    labels = yes_no()
    return lambda v: "" if v is None else labels[bool(v)]


def _joined_cells():
    sep = "、" if current_language() == "zh" else ", "
    return lambda rows: sep.join(str(r) for r in rows) if rows else ""


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


def numeric_keys(pks) -> bool:
    return all(type(pk) is int for pk in pks)


def list_rows(rows, pks, columns, buttons, actions) -> Markup:
    """The <tr>s of a list page, as FAB's list widget writes them (tags, escaping, the
    whitespace between tags), in one pass: a Jinja loop over 25 rows x 13 cells cost more than
    the rest of the list widget."""
    buttons = str(buttons) if buttons is not None else None
    out = []
    add = out.append
    for item, pk in zip(rows, pks):
        key = str(pk)
        add("\n<tr>\n")
        if actions:
            add(f'<td>\n<input id="{key}" class="action_check" name="rowid" value="{key}" type="checkbox">\n</td>\n')
        if buttons is not None:
            add("<td><center>\n" + buttons.replace("__HQ_PK__", key) + "\n</center></td>\n")
        for col in columns:
            add("<td>" + str(escape(item[col])) + "</td>\n")
        add("</tr>\n")
    return Markup("".join(out))


class HouqinListWidget(ListWidget):
    """FAB's list widget with the cell formatters applied here, in Python, once per cell (the
    template would call each through Jinja: a list of 25 rows x 10 columns made the house list
    slower than a stock one, whose columns have no formatters), and each row's buttons made
    once per page (houqin/widgets/list.html). Same HTML as FAB's."""

    template = "houqin/widgets/list.html"

    def __init__(self, **kwargs):
        formatters = kwargs.get("formatters_columns") or {}
        cells = [(c, column_formatter(formatters[c])) for c in kwargs.get("include_columns") or [] if c in formatters]
        rows = list(kwargs.get("value_columns") or [])  # FAB passes a generator of dicts
        for row in rows:
            for col, fmt in cells:
                row[col] = fmt(row[col])
        kwargs["value_columns"] = rows
        kwargs["formatters_columns"] = {}
        super().__init__(**kwargs)


def optional_checkboxes(form_class) -> None:
    """A NOT NULL boolean (active, ...) gets FAB's InputRequired, which makes its checkbox
    mandatory: an unticked box sends nothing. Unticked is a value (False), never missing."""
    if form_class is None:
        return
    for value in vars(form_class).values():
        if isinstance(value, UnboundField) and issubclass(value.field_class, BooleanField):
            kept = [v for v in value.kwargs.get("validators") or []
                    if not isinstance(v, (InputRequired, DataRequired))]
            value.kwargs["validators"] = kept


class HouqinModelView(ExportMixin, ModelView):
    list_template = "houqin/list.html"
    list_widget = HouqinListWidget
    page_size = 25
    # column -> masking kind ("phone" | "id"), masked for all but Director/Admin
    masked_columns: dict[str, str] = {}
    # a campus_id column switches on campus scoping of rows and of the campus dropdown
    campus_column: str | None = None
    campus_nullable = False
    # the column holding a login's id ("user_id"): that user sees their own row whatever its campus
    own_record_column: str | None = None
    export_columns: list[str] | None = None
    money_columns: tuple[str, ...] = ()
    # Who may see which rows, beyond campus scoping: a function returning a WHERE clause for the
    # current user (None: no restriction), e.g. "visits to yourself" for Staff.
    row_access = None
    # Big lists: the relations the list shows, joined in its query without their own relations;
    list_joins: tuple[str, ...] = ()
    # person relations searched by typing the start of the name (a text box, not a drop-down);
    name_search_relations: tuple[str, ...] = ()
    # a record count that stops here and reads "10,000+" (0: exact);
    count_cap: int = 0
    # "starts with" searches an index can serve (case-sensitive for Latin letters).
    indexed_prefix_search: bool = False
    # The attachment owner type (app.attachments) whose files the show page lists and accepts.
    attachment_owner: str | None = None

    def __init__(self, **kwargs):
        self.datamodel = HouqinInterface.like(
            self.datamodel, joins=self.list_joins, name_search=self.name_search_relations,
            count_cap=self.count_cap, indexed_prefix=self.indexed_prefix_search)
        base = list(self.base_filters or [])
        if self.row_access is not None:
            base.append(["id", FilterClause, type(self).row_access])
        if self.campus_column:
            if self.own_record_column:
                base.append([self.campus_column, FilterCampusScopeOrOwn, self.own_record_column])
            else:
                base.append([self.campus_column, FilterCampusScope, self.campus_nullable])
            rel = {"campus": [["id", FilterOwnCampuses, None]]}
            self.add_form_query_rel_fields = {**rel, **(self.add_form_query_rel_fields or {})}
            self.edit_form_query_rel_fields = {**rel, **(self.edit_form_query_rel_fields or {})}
            self.search_form_query_rel_fields = {**rel, **(self.search_form_query_rel_fields or {})}
        self.base_filters = base
        if self.name_search_relations:
            fields = dict(self.search_form_extra_fields or {})
            for rel in self.name_search_relations:
                fields.setdefault(rel, StringField(self.label_columns.get(rel, rel), widget=BS3TextFieldWidget()))
            self.search_form_extra_fields = fields
        formatters = dict(self.formatters_columns or {})
        for col, kind in self.masked_columns.items():
            formatters.setdefault(col, PerRequest(lambda kind=kind: cell_masker(kind)))
        for col in set(self.list_columns or []) | set(self.show_columns or []):
            formatters.setdefault(col, self._display_formatter(col))
        self.formatters_columns = formatters
        if getattr(self, "importer", None) is not None:  # app.views.imports.ImportMixin
            self.extra_args = {**(self.extra_args or {}), "has_import": True}
        if self.attachment_owner:
            self.show_template = "houqin/show.html"
            self.extra_args = {**(self.extra_args or {}), "attachment_owner": self.attachment_owner}
        super().__init__(**kwargs)

    # Lists read their rows as plain values (app/views/plain.py) unless this is False.
    plain_rows = True

    def _plain_plan(self, columns):
        plans = self.__dict__.setdefault("_hq_plain_plans", {})
        key = tuple(columns or ())
        if key not in plans:
            plans[key] = (plan_for(self.datamodel.obj, key, self.list_joins, self.formatters_columns)
                          if self.plain_rows else None)
        return plans[key]

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", page=None,
                         page_size=None, widgets=None, **kwargs):
        """FAB's list widget, its rows read as plain values when the plan allows. Should one of
        them be asked for a column or a many-to-one relation it was not loaded with, the plan
        reads it too and the page is read again; for anything else (a one-to-many relation) this
        view lists with ORM objects from then on. Both are logged."""
        plan = self._plain_plan(self.list_columns)
        widenings = 0
        while plan is not None:
            g._hq_plain_plan = (self.datamodel, plan)
            try:
                return super()._get_list_widget(filters, actions, order_column, order_direction, page,
                                                page_size, widgets, **kwargs)
            except PlainMiss as miss:
                widenings += 1
                if widenings <= MAX_WIDENINGS and plan.widen(miss.model, miss.name):
                    # the plan's reading of the code missed it: read the page again with it
                    log.warning("%s's plain rows widened: %s", type(self).__name__, miss)
                    continue
                self._hq_plain_plans[tuple(self.list_columns or ())] = plan = None
                log.warning("%s lists with ORM rows from now on: %s", type(self).__name__, miss)
            finally:
                g._hq_plain_plan = None
        return super()._get_list_widget(filters, actions, order_column, order_direction, page, page_size,
                                        widgets, **kwargs)

    def _init_forms(self):
        super()._init_forms()
        # A search field starts empty: FAB copies the column's default into it (the visit list's
        # time filter opened on "2026-11-30 09:41:20.115052+00:00", its status on "on_site").
        for value in vars(self.search_form).values():
            if isinstance(value, UnboundField) and "default" in value.kwargs:
                value.kwargs["default"] = None
        lighten_relation_fields(self.search_form, self.datamodel, self.search_form_query_rel_fields, search=True)
        for name in self.search_columns or []:
            if self.datamodel.is_relation(name) and name not in self.name_search_relations:
                # the kept search form is rebuilt when the rows of its drop-downs change
                freshness.watch(self.datamodel.get_related_model(name).__tablename__)
        lighten_relation_fields(self.add_form, self.datamodel, self.add_form_query_rel_fields)
        lighten_relation_fields(self.edit_form, self.datamodel, self.edit_form_query_rel_fields)
        for form in (self.add_form, self.edit_form):
            optional_checkboxes(form)

    def _display_formatter(self, col):
        """House display of a value: dates as 2026年11月22日 / 22 Nov 2026, booleans as
        是/否, nothing for an empty value (FAB would print "None" and "True")."""
        dm = self.datamodel
        if col in dm.list_columns and dm.is_datetime(col):
            return format_datetime
        if col in dm.list_columns and dm.is_date(col):
            return format_date
        if col in dm.list_columns and dm.is_boolean(col):
            return PerRequest(_bool_cells)
        if "." not in col and (dm.is_relation_many_to_many(col) or dm.is_relation_one_to_many(col)):
            # the related rows by name, 总园、东园 / HQ, East (FAB printed the Python list's repr)
            return PerRequest(_joined_cells)
        return lambda v: "" if v is None else v

    def _get_search_widget(self, form=None, exclude_cols=None, widgets=None):
        widgets = widgets or {}
        widgets["search"] = KeptSearchWidget(
            route_base=self.route_base, form=form, include_cols=self.search_columns, exclude_cols=exclude_cols or [],
            filters=self._filters, view_key=type(self).__name__)
        return widgets

    def visible(self, pk):
        """The row with this key if the current user may see it (row access, campus scope), else None."""
        return self.datamodel.get(pk, self._base_filters)

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
        if self.campus_column:
            sync_campus_id(item, self.campus_column)
            if not can_use_campus(getattr(item, self.campus_column)):
                raise ValueError(str(WRONG_CAMPUS))

    def pre_add(self, item):
        self._check_campus(item)

    def pre_update(self, item):
        refuse_if_locked(item)  # a locked record: its message here, before FAB's generic one at save
        self._restore_masked(item)
        self._check_campus(item)

    def pre_delete(self, item):
        refuse_if_locked(item)
        super().pre_delete(item)

    def _edit(self, pk):
        # A locked record opens no edit form: back to where the user came from, saying why.
        if is_lockable(self.datamodel.obj):
            item = self.datamodel.get(pk, self._base_filters)
            if item is not None:
                try:
                    refuse_if_locked(item)
                except RecordLocked as err:
                    flash(str(err), "danger")
                    abort(redirect(url_for(f"{self.endpoint}.show", pk=pk)))
        return super()._edit(pk)

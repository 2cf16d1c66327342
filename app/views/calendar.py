"""The school calendar screens (Director and Admin edit, Auditor reads): academic years and their
terms. The checks are app.school_calendar's pure functions, shown on the field they concern."""
from __future__ import annotations

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import ValidationError

from ..extensions import db
from ..models.calendar import AcademicYear, Term
from ..rules import RuleError
from ..school_calendar import Span, check_term, check_year, term_spans, year_spans
from .base import HouqinModelView
from .validators import rule_message

TERM_NUMBERS = [(1, _l("First term")), (2, _l("Second term")), (3, _l("Third term")), (4, _l("Fourth term"))]
CALENDAR_PERMISSIONS = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_export"]


class FormRule:
    """Run a check of the whole form once per field it may name; show its message on that field."""

    def __init__(self, check):
        self.check = check

    def __call__(self, form, field):
        try:
            self.check(form)
        except RuleError as err:
            if err.field == field.name:
                raise ValidationError(rule_message(err))


def _editing_id(form):
    return getattr(form, "_id", None)


def _year_check(form):
    campus = form.campus.data if "campus" in form else None
    others = year_spans(db.session, campus.id if campus is not None else None, exclude_id=_edit_pk(form))
    check_year(form.start_date.data, form.end_date.data, others)


def _edit_pk(form):
    pk = _editing_id(form)
    return int(pk) if pk not in (None, "") else None


def _term_check(form):
    year = form.academic_year.data
    number = form.number.data
    span = Span(year.start_date, year.end_date, name=year.name) if year is not None else None
    siblings = term_spans(db.session, year.id, exclude_id=_edit_pk(form)) if year is not None else []
    check_term(int(number) if number not in (None, "") else None, form.start_date.data, form.end_date.data, span,
               siblings)


YEAR_RULE, TERM_RULE = FormRule(_year_check), FormRule(_term_check)


class AcademicYearView(HouqinModelView):
    datamodel = SQLAInterface(AcademicYear)
    list_title = _l("Academic years")
    show_title = add_title = edit_title = _l("Academic year")
    list_columns = ["name", "campus", "start_date", "end_date"]
    add_columns = edit_columns = show_columns = ["name", "campus", "start_date", "end_date"]
    order_columns = ["name", "start_date"]
    base_order = ("start_date", "desc")
    label_columns = {"name": _l("Academic year"), "campus": _l("Campus"), "start_date": _l("Starts"),
                     "end_date": _l("Ends")}
    description_columns = {
        "name": _l("e.g. 2026-2027"),
        "campus": _l("Leave empty for the whole institution; a campus with years of its own uses only those."),
    }
    validators_columns = {"start_date": [YEAR_RULE], "end_date": [YEAR_RULE]}
    base_permissions = CALENDAR_PERMISSIONS
    related_views = []  # set below (TermView is defined after)


class TermView(HouqinModelView):
    datamodel = SQLAInterface(Term)
    list_title = _l("Terms")
    show_title = add_title = edit_title = _l("Term")
    list_columns = ["academic_year", "number", "start_date", "end_date"]
    add_columns = edit_columns = show_columns = ["academic_year", "number", "start_date", "end_date"]
    order_columns = ["start_date"]
    base_order = ("start_date", "desc")
    label_columns = {"academic_year": _l("Academic year"), "number": _l("Term"), "start_date": _l("Starts"),
                     "end_date": _l("Ends")}
    formatters_columns = {"number": lambda n: str(dict(TERM_NUMBERS).get(n, n or ""))}
    add_form_extra_fields = edit_form_extra_fields = {
        "number": SelectField(_l("Term"), choices=TERM_NUMBERS, coerce=int, widget=Select2Widget(),
                              validators=[TERM_RULE]),
    }
    validators_columns = {"start_date": [TERM_RULE], "end_date": [TERM_RULE]}
    base_permissions = CALENDAR_PERMISSIONS


AcademicYearView.related_views = [TermView]

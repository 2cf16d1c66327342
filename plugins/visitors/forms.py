"""Form fields and validators the gate's screens share (the rules themselves are in rules.py)."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from flask_appbuilder.fieldwidgets import Select2Widget
from wtforms import SelectField
from wtforms.validators import ValidationError

from app.i18n import local_now
from app.privacy import is_masked
from app.rules import RuleError
from app.views.validators import rule_message

from . import rules
from .labels import DOCUMENT_LABELS

ERR_WINDOW = rules.N_("The end of the time window cannot be before its start")
ERR_PAST_DATE = rules.N_("The date cannot be in the past")


class DocNumber:
    """The document number checked against the chosen document type (rules.normalize_document)."""

    def __init__(self, type_field: str = "doc_type"):
        self.type_field = type_field

    def __call__(self, form, field):
        if not field.data or is_masked(field.data):
            return
        try:
            field.data = rules.normalize_document(form[self.type_field].data, field.data)
        except RuleError as err:
            raise ValidationError(rule_message(err))


DOC_TYPE_FIELD = SelectField(_l("ID document"), choices=list(DOCUMENT_LABELS.items()), widget=Select2Widget())


class TimeWindow:
    """The end of an appointment's time window is not before its start."""

    def __call__(self, form, field):
        start = form["time_from"].data
        if start and field.data and field.data < start:
            raise ValidationError(gettext(ERR_WINDOW))


def not_in_past(form, field):
    if field.data and field.data < local_now().date():
        raise ValidationError(gettext(ERR_PAST_DATE))

"""Form fields and validators of the card (the rules themselves are in rules.py): each message
on its field, in the user's language, the form keeping what was typed."""
from __future__ import annotations

from decimal import Decimal

from flask import request
from flask_babel import gettext, lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.validators import Optional as OptionalValidator, ValidationError

from app.extensions import db
from app.periods import local_today
from app.rules import N_, RuleError
from app.views.validators import rule_message

from . import catalog, rules, services
from .models import EDITABLE_STATUSES, FUNDING, METHODS, STATUS_LABELS, Asset

ERR_ROOM_CAMPUS = N_("This room is on another campus than the card")
ERR_CUSTODIAN_CAMPUS = N_("This custodian works on another campus than the card")


def _stored():
    """The card being edited (None on the add form)."""
    pk = (request.view_args or {}).get("pk")
    return db.session.get(Asset, int(pk)) if pk and str(pk).isdigit() else None


def _fail(err: RuleError):
    raise ValidationError(rule_message(err))


class UnitPrice:
    def __call__(self, form, field):
        if field.data is None:
            return
        try:
            field.data = rules.check_unit_price(field.data)
        except RuleError as err:
            _fail(err)


class Quantity:
    def __call__(self, form, field):
        if field.data is None:
            return
        try:
            field.data = rules.check_quantity(field.data)
        except RuleError as err:
            _fail(err)


class OriginalValue:
    """Unit price x quantity, to within half a fen per item (one invoice total for a batch)."""

    def __call__(self, form, field):
        price, quantity = form["unit_price"].data, form["quantity"].data
        if field.data is None or price is None or quantity is None or form["unit_price"].errors \
                or form["quantity"].errors:
            return
        try:
            field.data = rules.check_original_value(field.data, Decimal(price), int(quantity))
        except RuleError as err:
            _fail(err)


class AcquiredOn:
    def __call__(self, form, field):
        if field.data is None:
            return
        try:
            rules.check_acquired_on(field.data, local_today())
        except RuleError as err:
            _fail(err)


class Life:
    """Not below the class minimum (应用指南) for a new card or a changed class; an imported card's
    older, shorter life stays as long as neither it nor the class changes."""

    def __call__(self, form, field):
        category = form["category"].data
        if field.data is None or category is None:
            return
        stored = _stored()
        structure = form["structure"].data if "structure" in form else None
        if stored is not None and stored.life_months == field.data and stored.category_id == category.id \
                and (stored.structure or "") == (structure or ""):
            return
        try:
            rules.check_life(field.data, services.minimum_years(category, structure or None))
        except RuleError as err:
            if err.field == "structure" and "structure" in form:
                form["structure"].errors = list(form["structure"].errors or []) + [rule_message(err)]
                raise ValidationError(rule_message(err))
            _fail(err)


class Category:
    def __call__(self, form, field):
        category = field.data
        if category is not None and not services.assignable(category):
            _fail(RuleError(services.ERR_CATEGORY_GROUP, code=category.code, name=category.name_zh))


class Status:
    def __call__(self, form, field):
        stored = _stored()
        if field.data not in EDITABLE_STATUSES and (stored is None or stored.status != field.data):
            _fail(RuleError(services.ERR_STATUS_EVENT))


class SameCampus:
    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        campus = form["campus"].data if "campus" in form else None
        value = field.data
        if campus is not None and value is not None and getattr(value, "campus_id", campus.id) != campus.id:
            _fail(RuleError(self.message))


def structure_choices():
    from app.i18n import current_language

    lang_en = current_language() == "en"
    return [("", "—")] + [(s.key, s.name_en if lang_en else s.name_zh) for s in catalog.load().structures.values()]


class StructureField(SelectField):
    """The choices in the user's language, decided when the form is shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=structure_choices, validators=[OptionalValidator()], **kwargs)

    def pre_validate(self, form):
        if self.data and self.data not in catalog.load().structures:
            raise ValidationError(gettext(catalog.ERR_STRUCTURE_UNKNOWN, structure=self.data))


def extra_fields(edit: bool = False) -> dict:
    statuses = list(STATUS_LABELS.items()) if edit else [(k, STATUS_LABELS[k]) for k in EDITABLE_STATUSES]
    return {
        "acquisition_method": SelectField(_l("Acquired by"), choices=list(METHODS.items()), default="purchase"),
        "funding_source": SelectField(_l("Funding source"), choices=[("", "—")] + list(FUNDING.items()),
                                      validators=[OptionalValidator()]),
        "status": SelectField(_l("Status"), choices=statuses, default="in_use", validators=[Status()]),
        "nominal": BooleanField(_l("At nominal value (not depreciated)"),
                                description=_l("名义金额: an asset received without a value, carried at ¥1")),
        "structure": StructureField(_l("Building structure"),
                                    description=_l("Buildings only: the minimum life depends on it")),
    }


VALIDATORS = {
    "unit_price": [UnitPrice()], "quantity": [Quantity()], "original_value": [OriginalValue()],
    "acquired_on": [AcquiredOn()], "life_months": [Life()], "category": [Category()],
    "room": [SameCampus(ERR_ROOM_CAMPUS)], "custodian": [SameCampus(ERR_CUSTODIAN_CAMPUS)],
}

"""WTForms adapters for pure rules: the form, the API and the import say the same words."""
from __future__ import annotations

from flask_babel import gettext
from wtforms.validators import ValidationError

from ..privacy import is_masked
from ..rules import RuleError


def rule_message(err: RuleError) -> str:
    return gettext(err.message, **err.params)


class Rule:
    """Run a pure normaliser on a field: store its result, or show its message on the field."""

    def __init__(self, func, skip_masked: bool = True):
        self.func = func
        self.skip_masked = skip_masked

    def __call__(self, form, field):
        if field.data in (None, ""):
            return
        if self.skip_masked and isinstance(field.data, str) and is_masked(field.data):
            return  # a masked value is kept, never written back
        try:
            field.data = self.func(field.data)
        except RuleError as err:
            raise ValidationError(rule_message(err))


class NotBefore:
    """Date order across two fields, e.g. health certificate expiry not before its issue."""

    def __init__(self, other: str, check):
        self.other = other
        self.check = check

    def __call__(self, form, field):
        try:
            self.check(form[self.other].data, field.data)
        except RuleError as err:
            raise ValidationError(rule_message(err))

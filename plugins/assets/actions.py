"""The forms of the lifecycle steps (lend, return, assign, transfer, damage, disposal, receipt)
and the one helper that runs a step: parse what was typed with the plugin's rules, call the
service, commit; or roll back and show each message on its field, keeping what was typed.
Values are typed as text and parsed by rules.py (the same messages as the API and the import)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional as Opt

from app.extensions import db
from app.periods import local_today
from app.rules import RuleError
from app.views.validators import rule_message
from app.workflow import field_errors

from . import rules
from .lifecycle_models import CAUSES, DISPOSAL_KINDS
from .models import STATUS_LABELS

DATE = {"type": "date"}


def _date_field(label, today=True):
    return StringField(label, validators=[Opt()], render_kw=DATE,
                       default=(lambda: local_today().isoformat()) if today else None)


BATCH_HELP = _l("Part of a batch is split off onto a card of its own")


class LendForm(FlaskForm):
    quantity = StringField(_l("Quantity"), validators=[Opt()], description=BATCH_HELP)
    borrower = SelectField(_l("Staff member"), coerce=str, validate_choice=False)
    pupil_name = StringField(_l("Or a pupil"), validators=[Opt()], render_kw={"maxlength": 60})
    class_name = StringField(_l("Or a class"), validators=[Opt()], render_kw={"maxlength": 60})
    lent_on = _date_field(_l("Lent on"))
    due_on = _date_field(_l("Due back on"), today=False)
    purpose = StringField(_l("Purpose"), validators=[Opt()], render_kw={"maxlength": 200})


class ReturnForm(FlaskForm):
    returned_on = _date_field(_l("Returned on"))
    return_condition = StringField(_l("Condition on return"), validators=[Opt()], render_kw={"maxlength": 200})


class AssignForm(FlaskForm):
    custodian = SelectField(_l("Custodian"), coerce=str, validate_choice=False)
    room = SelectField(_l("Location"), coerce=str, validate_choice=False)
    department = SelectField(_l("Using department"), coerce=str, validate_choice=False)
    on = _date_field(_l("Date"))


class TransferForm(FlaskForm):
    quantity = StringField(_l("Quantity"), validators=[Opt()], description=BATCH_HELP)
    to_campus = SelectField(_l("To campus"), coerce=str, validate_choice=False)
    to_room = SelectField(_l("To location"), coerce=str, validate_choice=False)
    to_department = SelectField(_l("To department"), coerce=str, validate_choice=False)
    to_custodian = SelectField(_l("New custodian"), coerce=str, validate_choice=False)
    transfer_on = _date_field(_l("Transfer date"))
    reason = StringField(_l("Reason"), validators=[Opt()], render_kw={"maxlength": 300})


class DamageForm(FlaskForm):
    occurred_on = _date_field(_l("Damaged on"))
    cause = SelectField(_l("Cause"), choices=list(CAUSES.items()), default="human", validate_choice=False)
    responsible = StringField(_l("Who caused it"), validators=[Opt()], render_kw={"maxlength": 60})
    description = TextAreaField(_l("What happened"), validators=[Opt()], render_kw={"maxlength": 500, "rows": 2})
    compensation = StringField(_l("Compensation (yuan)"), validators=[Opt()], default="0.00")


class DisposalForm(FlaskForm):
    kind = SelectField(_l("Kind of disposal"), choices=list(DISPOSAL_KINDS.items()), default="scrap",
                       validate_choice=False)
    quantity = StringField(_l("Quantity"), validators=[Opt()])
    disposed_on = _date_field(_l("Disposal date"))
    reason = TextAreaField(_l("Reason"), validators=[Opt()], render_kw={"maxlength": 500, "rows": 2})
    justification = TextAreaField(_l("Written justification (inside the useful life)"), validators=[Opt()],
                                  render_kw={"rows": 3})
    proceeds = StringField(_l("Proceeds (yuan)"), validators=[Opt()])


class ReceiptForm(FlaskForm):
    received_on = _date_field(_l("Received on"))
    delivered_quantity = StringField(_l("Delivered quantity"), validators=[Opt()])
    actual_unit_price = StringField(_l("Actual unit price (yuan)"), validators=[Opt()])
    supplier = StringField(_l("Supplier"), validators=[Opt()], render_kw={"maxlength": 100})
    invoice_no = StringField(_l("Invoice number"), validators=[Opt()], render_kw={"maxlength": 60})
    category = SelectField(_l("Class"), coerce=str, validate_choice=False)
    life_months = StringField(_l("Useful life (months)"), validators=[Opt()])
    as_batch = BooleanField(_l("One batch card (else one card per item)"), default=True)
    room = SelectField(_l("Location"), coerce=str, validate_choice=False)
    custodian = SelectField(_l("Custodian"), coerce=str, validate_choice=False)
    handler = SelectField(_l("Handler (经办人)"), coerce=str, validate_choice=False)
    witness = SelectField(_l("Witness (证明人)"), coerce=str, validate_choice=False)
    reviewer = SelectField(_l("Reviewer (审核人)"), coerce=str, validate_choice=False)
    note = StringField(_l("Note"), validators=[Opt()], render_kw={"maxlength": 500})


# -- choices ----------------------------------------------------------------------------------------

def _none():
    return [("", "—")]


def staff_choices(campus_id):
    from app.models import Staff

    q = select(Staff.id, Staff.name, Staff.staff_no).where(Staff.active.is_(True))
    if campus_id:
        q = q.where(Staff.campus_id == campus_id)
    return _none() + [(str(i), f"{n} ({no})") for i, n, no in db.session.execute(q.order_by(Staff.name))]


def room_choices(campus_id):
    from app.models import Building, Room

    q = select(Room.id, Building.name, Room.name).join(Building, Room.building_id == Building.id) \
        .where(Room.active.is_(True))
    if campus_id:
        q = q.where(Room.campus_id == campus_id)
    return _none() + [(str(i), f"{b} {r}") for i, b, r in db.session.execute(q.order_by(Building.name, Room.name))]


def department_choices(campus_id=None):
    from app.models import Department

    q = select(Department.id, Department.name).where(Department.active.is_(True))
    return _none() + [(str(i), n) for i, n in db.session.execute(q.order_by(Department.name))]


def campus_choices():
    from app.models import Campus

    return [(str(i), n) for i, n in db.session.execute(select(Campus.id, Campus.name)
                                                       .where(Campus.active.is_(True)).order_by(Campus.id))]


def user_choices(campus_id=None):
    """Active logins (a signer confirms from their own to-do list), named as their staff record."""
    from app.models import Staff
    from app.security import HouqinUser

    q = select(HouqinUser.id, HouqinUser.username, Staff.name).outerjoin(Staff, Staff.user_id == HouqinUser.id) \
        .where(HouqinUser.active.is_(True))
    return _none() + [(str(i), f"{n} ({u})" if n else u) for i, u, n in db.session.execute(q.order_by(HouqinUser.username))]


def category_choices():
    from .models import AssetCategory

    q = select(AssetCategory.id, AssetCategory.code, AssetCategory.name_zh, AssetCategory.name_en) \
        .where(AssetCategory.active.is_(True), AssetCategory.min_life_years.is_not(None)).order_by(AssetCategory.code)
    from app.i18n import current_language

    en = current_language() == "en"
    return _none() + [(str(i), f"{c} {ne if en else nz}") for i, c, nz, ne in db.session.execute(q)]


# -- parsing ----------------------------------------------------------------------------------------

def as_id(value):
    value = (value or "").strip() if isinstance(value, str) else value
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def date_of(form, name, required=True):
    raw = (getattr(form, name).data or "").strip()
    if not raw:
        if required:
            raise RuleError(rules.N_("This field is required."), field=name)
        return None
    return rules.as_date(raw, name)


def put_errors(form, err, general: list) -> None:
    """Each message of a RuleError (or several) on its form field, or above the form."""
    for e in field_errors(err):
        target = getattr(form, e.field, None) if e.field else None
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors or []) + [rule_message(e)]
        else:
            general.append(rule_message(e))


def run_step(view, form, apply, *, template_args: dict, success, template: str = "assets/action.html"):
    """POST: apply(form) -> the service's result, commit, `success(result)`; a RuleError rolls
    back and puts each message on its field (or above the form). GET: the empty form."""
    general = []
    if request.method == "POST":
        if not form.validate():
            general.append(gettext("The form has expired: send it again."))
        else:
            try:
                result = apply(form)
                db.session.commit()
                return success(result)
            except RuleError as err:
                db.session.rollback()
                put_errors(form, err, general)
        return view.render_template(template, form=form, general=general, **_common(template_args)), 422
    return view.render_template(template, form=form, general=general, **_common(template_args))


def _common(args: dict) -> dict:
    asset = args.get("asset")
    out = {"status_label": str(STATUS_LABELS.get(asset.status, asset.status)) if asset is not None else ""}
    out.update(args)
    return out

"""The forms of repairs (report, dispatch, fix) and their choices: the rooms of the user's
campuses, a room's asset cards, the repairers (维修工) who may work on a campus. Values are typed
as text and parsed by repair_rules (the same messages as the API)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional as Opt

from app.extensions import db
from app.scoping import user_campus_ids

from .repair_models import URGENCIES


class ReportForm(FlaskForm):
    room = SelectField(_l("Room"), coerce=str, validate_choice=False)
    asset = SelectField(_l("Asset (optional)"), coerce=str, validate_choice=False,
                        description=_l("Only the assets of the room chosen; doors, windows, lights and taps need none"))
    description = TextAreaField(_l("What is wrong"), validators=[Opt()], render_kw={"maxlength": 500, "rows": 3})
    urgency = SelectField(_l("Urgency"), choices=list(URGENCIES.items()), default="normal", validate_choice=False)
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/*", "capture": "environment"})


class DispatchForm(FlaskForm):
    repairer = SelectField(_l("In-house repairer (维修工)"), coerce=str, validate_choice=False)
    vendor = StringField(_l("Or a vendor"), validators=[Opt()], render_kw={"maxlength": 100})


class FixForm(FlaskForm):
    work = TextAreaField(_l("Work done"), validators=[Opt()], render_kw={"maxlength": 500, "rows": 3})
    materials = StringField(_l("Materials used"), validators=[Opt()], render_kw={"maxlength": 500})
    cost = StringField(_l("Cost (yuan)"), validators=[Opt()], default="0.00", render_kw={"inputmode": "decimal"})


def _none():
    return [("", "—")]


def room_choices():
    """The active rooms of the user's campuses, by building."""
    from app.models import Building, Campus, Room

    ids = user_campus_ids()
    q = select(Room.id, Campus.name, Building.name, Room.name).join(Building, Room.building_id == Building.id) \
        .join(Campus, Room.campus_id == Campus.id).where(Room.active.is_(True))
    if ids is not None:
        q = q.where(Room.campus_id.in_(ids or [-1]))
    rows = db.session.execute(q.order_by(Campus.id, Building.name, Room.name).limit(3000)).all()
    several = len({r[1] for r in rows}) > 1
    return _none() + [(str(i), f"{c} · {b} {r}" if several else f"{b} {r}") for i, c, b, r in rows]


def room_assets(room_id):
    """The cards in a room that a repair may name (not disposed)."""
    from .models import DISPOSED, Asset

    if not room_id:
        return []
    q = select(Asset.id, Asset.code, Asset.name).where(Asset.room_id == room_id, Asset.status != DISPOSED) \
        .order_by(Asset.code).limit(500)
    return [(str(i), f"{name} ({code})") for i, code, name in db.session.execute(q)]


def repairer_choices(campus_id):
    from app.models import HouqinUser, Staff

    from .repairs import repairer_ids

    ids = repairer_ids(db.session, campus_id)
    if not ids:
        return _none()
    q = select(HouqinUser.id, HouqinUser.username, HouqinUser.first_name, HouqinUser.last_name, Staff.name) \
        .outerjoin(Staff, Staff.user_id == HouqinUser.id).where(HouqinUser.id.in_(ids)).order_by(HouqinUser.username)
    return _none() + [(str(i), name or f"{last or ''}{first or ''}".strip() or user)
                      for i, user, first, last, name in db.session.execute(q)]

"""Repairs, the services (报修, issue 16): report (anyone, for a room of their campus, optionally
one of the room's cards, which goes 维修中 while the request is open), dispatch (the keeper, to a
维修工 or a vendor), fix (the repairer dispatched; the keeper for a vendor), confirm or send back
(the reporter only), cancel (the keeper). Each a core workflow transition, timed by the
transition's own columns; a card's history shows the repair. The caller commits."""
from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Optional

from sqlalchemy import func, select

from app.models.base import utcnow
from app.numbering import next_number
from app.periods import local_now, local_today
from app.rules import RuleError, parse_hhmm
from app.scoping import can_use_campus
from app.workflow import CURRENT, InputErrors, holders, holds, transition

from . import repair_rules as rr, services
from .models import IDLE, IN_USE, REPAIR, Asset
from .repair_models import DISPATCHERS, OPEN_STATES, RepairRequest

DAY_ENDS_KEY = "assets_repair_day_ends"
REPAIRERS = ("can_queue", "RepairDeskView")  # who works a queue of their own: the 维修工 role


def _uid(user):
    from .lifecycle import _uid as uid

    return uid(user)


def _errors(err: RuleError) -> InputErrors:
    return InputErrors(list(getattr(err, "errors", None) or [err]))


def day_ends() -> time:
    """The local end of the working day (a setting: the office's own hours)."""
    return parse_hhmm(services.setting(DAY_ENDS_KEY, "17:30") or "17:30")


def due_for(reported_utc: datetime) -> datetime:
    if reported_utc.tzinfo is None:  # SQLite gives naive UTC back
        reported_utc = reported_utc.replace(tzinfo=timezone.utc)
    local = reported_utc.astimezone(local_now().tzinfo)
    return rr.due_at(local, day_ends()).astimezone(timezone.utc)


def report(session, req: RepairRequest, *, user=CURRENT, number: Optional[str] = None) -> RepairRequest:
    """A new request: checked (room, description, urgency; the card one of the room's and not
    disposed), numbered, due by the end of the working day; the card goes 维修中."""
    from app.models import Room

    try:
        req.room_id, req.description, req.urgency = rr.check_report(req.room_id, req.description, req.urgency)
    except RuleError as err:
        raise _errors(err) from None
    room = session.get(Room, req.room_id)
    # the system (a demo, a command) reports for any campus; a user for their own campuses
    if room is None or not room.active or (_uid(user) is not None and not can_use_campus(room.campus_id)):
        raise InputErrors([RuleError(rr.ERR_ROOM, field="room")])
    asset = session.get(Asset, req.asset_id) if req.asset_id else None
    if req.asset_id and asset is None:
        raise InputErrors([RuleError(rr.ERR_ASSET_ELSEWHERE, field="asset")])
    if asset is not None:
        try:
            rr.check_asset_room(asset.room_id, room.id)
            services.refuse_if_disposed(asset)
        except RuleError as err:
            raise InputErrors([RuleError(err.message, field="asset", **err.params)]) from None
    req.campus_id = room.campus_id
    req.reported_by_id = req.reported_by_id or _uid(user)
    req.reported_at = req.reported_at or utcnow()
    req.due_at = req.due_at or due_for(req.reported_at)
    req.status = "reported"
    req.number = number or next_number("assets.repair", period=local_today(), session=session).text
    session.add(req)
    session.flush()
    if asset is not None:
        if asset.status in (IN_USE, IDLE):
            transition(session, Asset, asset.id, "repair_open", user=user)
        services.record(session, asset, "repair_reported", user_id=req.reported_by_id, on=local_today(),
                        number=req.number, note=req.description[:200])
    return req


def repairer_ids(session, campus_id: Optional[int]) -> list[int]:
    return holders(session, REPAIRERS, campus_id=campus_id)


def dispatch(session, pk: int, *, repairer_id=None, vendor=None, user=CURRENT, now=None) -> RepairRequest:
    req = session.get(RepairRequest, pk)
    try:
        repairer_id, vendor = rr.check_dispatch(repairer_id, vendor)
    except RuleError as err:
        raise _errors(err) from None
    if repairer_id is not None and repairer_id not in repairer_ids(session, req.campus_id):
        raise InputErrors([RuleError(rr.ERR_DISPATCH_TO, field="repairer")])
    transition(session, RepairRequest, pk, "dispatch", user=user, now=now,
               values={"repairer_id": repairer_id, "vendor": vendor})
    return req


def may_fix(record, ctx) -> None:
    """The repairer it is dispatched to records it; the keeper records a vendor's (or anyone's)."""
    if ctx.user is None or record.repairer_id == ctx.user.id or holds(ctx.user, DISPATCHERS):
        return
    raise RuleError(rr.ERR_NOT_YOUR_JOB)


def may_confirm(record, ctx) -> None:
    if ctx.user is not None and record.reported_by_id != ctx.user.id:
        raise RuleError(rr.ERR_NOT_YOUR_REQUEST)


def fix(session, pk: int, *, work, materials=None, cost=None, user=CURRENT, now=None) -> RepairRequest:
    try:
        work, amount = rr.check_fix(work, cost)
    except RuleError as err:
        raise _errors(err) from None
    materials = " ".join(str(materials or "").split())[:500] or None
    transition(session, RepairRequest, pk, "fix", user=user, now=now,
               values={"work": work, "materials": materials, "cost": amount})
    req = session.get(RepairRequest, pk)
    _card_event(session, req, "repair_fixed", user, work=work, cost=amount)
    return req


def confirm(session, pk: int, *, user=CURRENT, now=None) -> RepairRequest:
    transition(session, RepairRequest, pk, "confirm", user=user, now=now)
    req = session.get(RepairRequest, pk)
    _close_card(session, req, "repair_confirmed", user)
    return req


def send_back(session, pk: int, note: str, *, user=CURRENT, now=None) -> RepairRequest:
    transition(session, RepairRequest, pk, "send_back", reason=note, user=user, now=now)
    req = session.get(RepairRequest, pk)
    _card_event(session, req, "repair_sent_back", user, note=(note or "").strip()[:200])
    return req


def cancel(session, pk: int, reason: str, *, user=CURRENT, now=None) -> RepairRequest:
    transition(session, RepairRequest, pk, "cancel", reason=reason, user=user, now=now)
    req = session.get(RepairRequest, pk)
    _close_card(session, req, "repair_cancelled", user)
    return req


def _card_event(session, req: RepairRequest, kind: str, user, **detail) -> None:
    if req.asset_id:
        services.record(session, session.get(Asset, req.asset_id), kind, user_id=_uid(user), on=local_today(),
                        number=req.number, **detail)


def _close_card(session, req: RepairRequest, kind: str, user) -> None:
    """The card leaves 维修中 when its last open request closes."""
    if not req.asset_id:
        return
    asset = session.get(Asset, req.asset_id)
    session.refresh(asset, ["status"])
    still_open = session.execute(select(func.count(RepairRequest.id)).where(
        RepairRequest.asset_id == asset.id, RepairRequest.status.in_(OPEN_STATES))).scalar()
    if asset.status == REPAIR and not still_open:
        transition(session, Asset, asset.id, "repair_close", user=user)
    _card_event(session, req, kind, user)

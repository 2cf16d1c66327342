"""The lifecycle, the services: assign (领用), lend and return (借用/归还), transfer (调拨),
damage (损坏), disposal (报废 …) and the batch split. Each is an event on the card's history, with
date, operator and effect; every state change is a core workflow transition (a conditional
UPDATE: lending a disposed asset, a second open loan, returning what is not lent, disposing
twice are refused, also under concurrent requests); the caller commits."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional


from app.numbering import next_number
from app.periods import local_today
from app.rules import N_, RuleError
from app.scoping import can_use_campus
from app.workflow import CURRENT, InputErrors, transition

from . import lifecycle_rules as lr, rules, services
from .lifecycle_models import (D_NONE, D_UNPAID, T_DONE, T_WAITING, X_REQUESTED, Damage, Disposal, Loan,
                               Transfer)
from .models import Asset

ERR_NOT_RECEIVING_CAMPUS = N_("Only someone of the receiving campus confirms this transfer")
ERR_LENT = N_("This asset is lent out: it comes back before it moves")
ERR_BATCH_QUANTITY = lr.ERR_BATCH_QUANTITY
ERR_RUN_FIRST = N_("Run the month-end depreciation up to %(month)s first: the card depreciates until its disposal month")
ERR_ALREADY_BOOKED = N_("Depreciation is already booked for %(month)s: date the disposal in a later month")


def _uid(user):
    from flask import g, has_request_context

    if user is not CURRENT:
        return getattr(user, "id", None)
    return getattr(getattr(g, "user", None), "id", None) if has_request_context() else None


def _checked(*checks):
    errors = []
    for check in checks:
        try:
            check()
        except RuleError as err:
            errors.append(err)
    if errors:
        raise InputErrors(errors)


# -- assign (领用) -------------------------------------------------------------------------------------

def assign(session, asset: Asset, *, custodian_id=None, room_id=None, department_id=None, on: date,
           user=CURRENT) -> None:
    """领用: custodian, location and department; the card stays in use (or goes back into use)."""
    services.refuse_if_disposed(asset)
    if asset.status == "lent":
        raise InputErrors([RuleError(ERR_LENT, field="custodian")])
    _checked(lambda: lr.check_event_date(on, asset.acquired_on, local_today(), "on"))
    old = (asset.custodian_id, asset.room_id, asset.department_id)
    asset.custodian_id, asset.room_id, asset.department_id = custodian_id, room_id, department_id
    services.record(session, asset, "assigned", user_id=_uid(user), on=on, custodian=custodian_id,
                    room=room_id, department=department_id, before=list(old))


# -- lend and return (借用/归还) -----------------------------------------------------------------------

def lend(session, loan: Loan, *, quantity=None, user=CURRENT) -> Loan:
    """借用: the card moves to lent (refused for a disposed, already lent or awaiting-disposal
    card), and the loan is kept; one open loan per card (a partial unique index as well). Part
    of a batch (`quantity` below the card's) is split off onto a card of its own, which is lent."""
    asset = session.get(Asset, loan.asset_id)
    services.refuse_if_disposed(asset)
    take = {}
    _checked(lambda: lr.check_loan(loan.lent_on, loan.due_on, local_today(), loan.borrower_id,
                                   loan.pupil_name, loan.class_name),
             lambda: take.setdefault("n", lr.part_taken(asset.quantity, quantity)))
    if take.get("n"):
        asset = split(session, asset, take["n"], user=user)
        loan.asset_id = asset.id
    transition(session, Asset, asset.id, "lend", user=user)
    loan.campus_id, loan.lent_by_id, loan.status = asset.campus_id, _uid(user), "open"
    session.add(loan)
    session.flush()
    services.record(session, asset, "lent", user_id=_uid(user), on=loan.lent_on, due=loan.due_on,
                    quantity=asset.quantity,
                    borrower=loan.borrower.name if loan.borrower else (loan.pupil_name or loan.class_name))
    return loan


def give_back(session, loan_id: int, *, returned_on: Optional[date] = None, condition: str = "",
              user=CURRENT) -> Loan:
    """归还, checked on return (002: the condition is written down)."""
    loan = session.get(Loan, loan_id)
    on = returned_on or local_today()
    _checked(lambda: lr.check_event_date(on, loan.lent_on, local_today(), "returned_on"))
    transition(session, Loan, loan_id, "give_back", user=user,
               values={"returned_on": on, "return_condition": (condition or "").strip()[:200] or None})
    transition(session, Asset, loan.asset_id, "give_back", user=user)
    services.record(session, session.get(Asset, loan.asset_id), "returned", user_id=_uid(user), on=on,
                    condition=(condition or "").strip()[:200])
    return loan


# -- transfer (调拨) ------------------------------------------------------------------------------------

def request_transfer(session, t: Transfer, *, quantity=None, user=CURRENT) -> Transfer:
    """Within a campus it is done at once; to another campus it waits for the receiving campus
    (the card stays where it is until then). Part of a batch is split off first and transferred."""
    asset = session.get(Asset, t.asset_id)
    services.refuse_if_disposed(asset)
    take = {}
    t.from_campus_id, t.from_room_id, t.from_department_id = asset.campus_id, asset.room_id, asset.department_id
    t.to_campus_id = t.to_campus_id or asset.campus_id
    checks = [lambda: lr.check_transfer((asset.campus_id, asset.room_id, asset.department_id),
                                        (t.to_campus_id, t.to_room_id, t.to_department_id)),
              lambda: lr.check_event_date(t.transfer_on, asset.acquired_on, local_today(), "transfer_on"),
              lambda: take.setdefault("n", lr.part_taken(asset.quantity, quantity))]
    if asset.status == "lent":
        checks.append(lambda: (_ for _ in ()).throw(RuleError(ERR_LENT, field="to_room")))
    _checked(*checks)
    if take.get("n"):
        asset = split(session, asset, take["n"], user=user)
        t.asset_id = asset.id
    t.requested_by_id = _uid(user)
    inside = t.to_campus_id == asset.campus_id
    t.status = T_DONE if inside else T_WAITING  # inside the campus nobody else need confirm
    session.add(t)
    session.flush()
    if inside:
        _move(session, asset, t, user)
    else:
        services.record(session, asset, "transfer_requested", user_id=_uid(user), on=t.transfer_on,
                        to_campus=t.to_campus_id)
    return t


def may_receive_transfer(record, ctx) -> None:
    """Someone of the receiving campus confirms (or refuses) a transfer to it."""
    if ctx.user is not None and not can_use_campus(record.to_campus_id):
        raise RuleError(ERR_NOT_RECEIVING_CAMPUS)


def receive_transfer(session, pk: int, *, user=CURRENT) -> Transfer:
    transition(session, Transfer, pk, "receive", user=user)
    t = session.get(Transfer, pk)
    _move(session, session.get(Asset, t.asset_id), t, user)
    return t


def refuse_transfer(session, pk: int, reason: str, *, user=CURRENT) -> Transfer:
    transition(session, Transfer, pk, "refuse", reason=reason, user=user)
    t = session.get(Transfer, pk)
    services.record(session, session.get(Asset, t.asset_id), "transfer_refused", user_id=_uid(user),
                    on=local_today(), note=reason)
    return t


def _move(session, asset: Asset, t: Transfer, user) -> None:
    asset.campus_id, asset.room_id = t.to_campus_id, t.to_room_id
    asset.department_id = t.to_department_id or (asset.department_id if t.to_campus_id == t.from_campus_id else None)
    if t.to_custodian_id or t.to_campus_id != t.from_campus_id:
        asset.custodian_id = t.to_custodian_id
    services.record(session, asset, "transferred", user_id=_uid(user), on=t.transfer_on, from_campus=t.from_campus_id,
                    to_campus=t.to_campus_id, to_room=t.to_room_id, to_department=t.to_department_id)


# -- damage (损坏) --------------------------------------------------------------------------------------

def record_damage(session, d: Damage, *, user=CURRENT) -> Damage:
    asset = session.get(Asset, d.asset_id)
    services.refuse_if_disposed(asset)
    holder = {}
    _checked(lambda: holder.setdefault("c", lr.check_compensation(d.compensation)),
             lambda: lr.check_event_date(d.occurred_on, asset.acquired_on, local_today(), "occurred_on"))
    d.compensation = holder["c"]
    d.status = D_UNPAID if d.compensation > 0 else D_NONE
    d.campus_id, d.recorded_by_id = asset.campus_id, _uid(user)
    session.add(d)
    session.flush()
    services.record(session, asset, "damaged", user_id=_uid(user), on=d.occurred_on, cause=d.cause,
                    responsible=d.responsible, compensation=d.compensation)
    return d


# -- disposal (报废 …) -----------------------------------------------------------------------------------

def disposal_external_from() -> Decimal:
    return Decimal(services.setting("assets_disposal_external_from", Decimal("10000.00")))


def request_disposal(session, d: Disposal, *, user=CURRENT, number: Optional[str] = None) -> Disposal:
    """The keeper's request, with a reason (and a justification inside the useful life); the card
    awaits disposal. Part of a batch is split off first, values and depreciation to the fen."""
    asset = session.get(Asset, d.asset_id)
    services.refuse_if_disposed(asset)
    take = {}
    _checked(lambda: lr.check_disposal(asset.acquired_on, asset.life_months, d.disposed_on, local_today(),
                                       d.justification or ""),
             lambda: take.setdefault("n", lr.part_taken(asset.quantity, d.quantity)))
    if take.get("n"):
        asset = split(session, asset, take["n"], user=user)
        d.asset_id = asset.id
    transition(session, Asset, asset.id, "mark_to_scrap", user=user)
    session.refresh(asset)
    d.quantity, d.campus_id, d.requested_by_id = asset.quantity, asset.campus_id, _uid(user)
    d.original_value, d.accumulated = asset.original_value, asset.accumulated_depreciation
    d.number = number or next_number("assets.disposal", period=local_today(), session=session).text
    d.status = X_REQUESTED
    session.add(d)
    session.flush()
    services.record(session, asset, "disposal_requested", user_id=_uid(user), on=d.disposed_on, disposal_kind=d.kind,
                    number=d.number, note=d.reason)
    return d


def check_booked_before_disposal(session, asset: Asset, disposed_on: date) -> None:
    """A disposed card is locked, so no later run can book it: every month before the disposal
    month that depreciates must be booked already, and none from the disposal month on."""
    from sqlalchemy import func, select

    from .models import DepreciationRun

    month = rules.as_month(disposed_on)
    if asset.depreciated_through is not None and asset.depreciated_through >= month:
        raise InputErrors([RuleError(ERR_ALREADY_BOOKED, field="disposed_on",
                                     month=asset.depreciated_through.strftime("%Y-%m"))])
    last_run = session.execute(select(func.max(DepreciationRun.month))).scalar()
    before = rules.add_months(month, -1)
    if last_run is None or last_run >= before or asset.dep_base <= 0:
        return
    plan = services.card_plan(asset)
    if plan.accumulated(before) > plan.accumulated(last_run):
        raise InputErrors([RuleError(ERR_RUN_FIRST, field="disposed_on", month=before.strftime("%Y-%m"))])


def approve_disposal(session, pk: int, *, external: Optional[dict] = None, user=CURRENT) -> Disposal:
    """The Director's approval (never their own request; above the setting with the external
    approval): the card is disposed on the request's date and locked; depreciation stops
    (none in the month of disposal, 当月减少当月不再计提)."""
    d = session.get(Disposal, pk)
    check_booked_before_disposal(session, session.get(Asset, d.asset_id), d.disposed_on)
    transition(session, Disposal, pk, "approve", external=external, user=user)
    d = session.get(Disposal, pk)
    transition(session, Asset, d.asset_id, "dispose", user=user, values={"disposed_on": d.disposed_on})
    services.record(session, session.get(Asset, d.asset_id), "disposed", user_id=_uid(user), on=d.disposed_on,
                    disposal_kind=d.kind, number=d.number)
    return d


def reject_disposal(session, pk: int, reason: str, *, user=CURRENT) -> Disposal:
    transition(session, Disposal, pk, "reject", reason=reason, user=user)
    d = session.get(Disposal, pk)
    transition(session, Asset, d.asset_id, "keep", user=user)
    services.record(session, session.get(Asset, d.asset_id), "disposal_rejected", user_id=_uid(user),
                    on=local_today(), note=reason, number=d.number)
    return d


# -- the batch split ------------------------------------------------------------------------------------

def split(session, asset: Asset, take: int, *, user=CURRENT) -> Asset:
    """A new card of `take` items off a batch card: value and accumulated depreciation divided to
    the fen (rules.split_batch); each part carries its own net over the months left."""
    kept, taken = rules.split_batch(asset.quantity, asset.original_value, asset.accumulated_depreciation, take)
    months_left = max(1, asset.dep_months - _months_booked(asset))
    first = rules.add_months(asset.depreciated_through, 1) if asset.depreciated_through else asset.dep_first
    part = Asset(name=asset.name, category=asset.category, quantity=taken.quantity, unit=asset.unit,
                 unit_price=asset.unit_price, original_value=taken.value, acquired_on=asset.acquired_on,
                 acquisition_method=asset.acquisition_method, funding_source=asset.funding_source,
                 supplier=asset.supplier, invoice_no=asset.invoice_no, campus_id=asset.campus_id,
                 room_id=asset.room_id, department_id=asset.department_id, custodian_id=asset.custodian_id,
                 status=asset.status, life_months=asset.life_months, structure=asset.structure,
                 nominal=asset.nominal, purchase_id=asset.purchase_id, split_from_id=asset.id,
                 legacy_no=None, brand=asset.brand, model=asset.model, specification=asset.specification)
    services.give_code(session, part)
    for card, share in ((asset, kept), (part, taken)):
        net = share.value - share.accumulated
        card.original_value, card.quantity = share.value, share.quantity
        card.accumulated_depreciation = card.opening_accumulated = share.accumulated
        card.opening_counted_to, card.depreciated_through = asset.depreciated_through, asset.depreciated_through
        card.dep_base, card.dep_months, card.dep_first = (net, months_left, first) if services.depreciable(asset) \
            else (Decimal("0.00"), 1, first)
    session.add(part)
    session.flush()
    services.record(session, asset, "split", user_id=_uid(user), on=local_today(), into=part.code,
                    quantity=taken.quantity, value=taken.value, accumulated=taken.accumulated)
    services.record(session, part, "split", user_id=_uid(user), on=local_today(), source=asset.code,
                    quantity=taken.quantity, value=taken.value, accumulated=taken.accumulated)
    return part


def _months_booked(asset: Asset) -> int:
    if asset.depreciated_through is None or asset.depreciated_through < asset.dep_first:
        return 0
    return rules.month_number(asset.depreciated_through) - rules.month_number(asset.dep_first) + 1

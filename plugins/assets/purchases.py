"""Purchases, the services (请购、审批、验收、入库, 002): a request is numbered when saved and
submitted for approval; the Director approves it in its tier (园委会 decision below the
setting, the external approval from it) and never their own (core Approval, the sole-director
fallback flagged); a receipt is recorded with three signers, each confirms from their to-do
list, and the third signature creates the cards (one batch card or one card per item, linked to
the request, acquired by 购置). An actual total in a higher tier goes back for approval.
Every state change is a core workflow transition; the caller commits."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional


from app.numbering import next_number
from app.periods import local_today
from app.rules import RuleError
from app.workflow import CURRENT, ERR_GONE, ERR_NOT_PERMITTED, InputErrors, NotPermitted, StateMoved, transition

from . import lifecycle_rules as lr, rules, services
from .lifecycle_models import (P_DRAFT, P_RECEIVING, R_OPEN, SIGNERS, PurchaseRequest, Receipt)
from .models import Asset


def external_from() -> Decimal:
    return Decimal(services.setting("assets_purchase_external_from", Decimal("1000.00")))


ANY_DEPARTMENT = ("can_for_any_department", "PurchaseView")


def requester_department(session, user, chosen_id: Optional[int], field: str = "department") -> Optional[int]:
    """The department a request is for: any for whoever holds ANY_DEPARTMENT (the office), else
    the requester's own (lifecycle_rules.request_department)."""
    from flask import current_app
    from sqlalchemy import select

    from app.models import Department, Staff

    if current_app.appbuilder.sm.has_access(*ANY_DEPARTMENT):
        return chosen_id
    own = session.execute(select(Staff.department_id, Department.name).outerjoin(
        Department, Department.id == Staff.department_id).where(Staff.user_id == user.id)).first()
    own_id, own_name = (own[0], own[1] or "") if own else (None, "")
    return lr.request_department(chosen_id, own_id, own_name, False, field=field)


def new_request(session, req: PurchaseRequest, *, user_id: int, submit: bool = True,
                number: Optional[str] = None) -> PurchaseRequest:
    """A checked request, numbered in the transaction that saves it (no gaps), submitted. Demo
    requests bring their own DEMO- number (no counter of the real sequence is moved)."""
    req.quantity, req.estimated_unit_price = lr.check_request(req.quantity, req.estimated_unit_price)
    req.estimated_total = lr.estimated_total(req.quantity, req.estimated_unit_price)
    req.approval_amount = req.estimated_total
    req.requested_by_id = user_id
    req.number = number or next_number("assets.purchase", period=local_today(), session=session).text
    req.status = P_DRAFT
    session.add(req)
    session.flush()
    if submit:
        transition(session, PurchaseRequest, req.id, "submit")
    return req


def approve(session, pk: int, *, committee_date: Optional[date] = None, committee_note: str = "",
            external: Optional[dict] = None, user=CURRENT):
    """The Director's approval in the request's tier: the 园委会's meeting below the setting
    (date required), the external approval from it (core: body, 批复文号, date)."""
    req = session.get(PurchaseRequest, pk)
    if req is None:
        raise StateMoved(ERR_GONE)
    tier = lr.tier(req.approval_amount, external_from())
    try:
        lr.check_committee(tier, committee_date, local_today())
    except RuleError as err:
        raise InputErrors([err]) from None
    values = {"committee_date": committee_date, "committee_note": (committee_note or "").strip()[:500] or None} \
        if tier == lr.COMMITTEE else {}
    return transition(session, PurchaseRequest, pk, "approve", external=external, values=values, user=user)


def record_receipt(session, receipt: Receipt, *, user=CURRENT) -> Receipt:
    """验收 recorded: checked, the request moves to "being received" (once: a second receipt of
    the same request finds it moved on), or back for approval when the actual total is in a
    higher tier than the approved one (the receipt is then not kept)."""
    req = session.get(PurchaseRequest, receipt.purchase_id)
    errors = []
    for check in (lambda: lr.check_delivered(receipt.delivered_quantity, receipt.actual_unit_price),
                  lambda: lr.check_signers(receipt.handler_id, receipt.witness_id, receipt.reviewer_id),
                  lambda: rules.check_acquired_on(receipt.received_on, local_today(), field="received_on")):
        try:
            out = check()
            if isinstance(out, tuple):
                receipt.delivered_quantity, receipt.actual_unit_price = out
        except RuleError as err:
            errors.append(err)
    if receipt.category is not None:
        try:
            rules.check_life(receipt.life_months, services.minimum_years(receipt.category, None))
        except RuleError as err:
            errors.append(err)
    if errors:
        raise InputErrors(errors)
    receipt.actual_total = lr.estimated_total(receipt.delivered_quantity, receipt.actual_unit_price)
    receipt.campus_id = req.campus_id
    transition(session, PurchaseRequest, req.id, "start_receipt", user=user)
    if lr.needs_reapproval(req.approval_amount, receipt.actual_total, external_from()):
        transition(session, PurchaseRequest, req.id, "back_for_approval", user=user,
                   values={"approval_amount": receipt.actual_total})
        return None
    session.add(receipt)
    session.flush()
    return receipt


def sign(session, pk: int, *, user=CURRENT, demo: bool = False) -> list[Asset]:
    """One signer confirms the receipt (the role they are named in; a person named in none may
    not). The third signature accepts it and creates the cards (returned)."""
    who = _user(user)
    receipt = session.get(Receipt, pk)
    if receipt is None:
        raise StateMoved(ERR_GONE)
    roles = [r for r in SIGNERS if who is not None and getattr(receipt, f"{r}_id") == who.id]
    if not roles:
        raise NotPermitted(ERR_NOT_PERMITTED)
    pending = [r for r in roles if getattr(receipt, f"{r}_state") != "signed"] or roles
    transition(session, Receipt, pk, f"sign_{pending[0]}", user=user)
    session.refresh(receipt)
    if all(getattr(receipt, f"{r}_state") == "signed" for r in SIGNERS) and receipt.status == R_OPEN:
        try:
            transition(session, Receipt, pk, "accept", user=user)
        except StateMoved:
            return []  # another signer's request accepted it first
        return make_cards(session, receipt, user_id=getattr(who, "id", None), demo=demo)
    return []


def _user(user):
    from flask import g, has_request_context

    if user is not CURRENT:
        return user
    return getattr(g, "user", None) if has_request_context() else None


def make_cards(session, receipt: Receipt, *, user_id=None, demo: bool = False) -> list[Asset]:
    """入库: one batch card of the delivered quantity, or one card per item; the request linked,
    acquired by purchase on the receipt's date."""
    req = session.get(PurchaseRequest, receipt.purchase_id)
    n, price = receipt.delivered_quantity, Decimal(receipt.actual_unit_price)
    shapes = [n] if receipt.as_batch or n == 1 else [1] * n
    cards = []
    for quantity in shapes:
        asset = Asset(name=req.description[:100], category=receipt.category, quantity=quantity, unit=req.unit,
                      unit_price=price, original_value=rules.original_value(price, quantity),
                      acquired_on=receipt.received_on, acquisition_method="purchase", supplier=receipt.supplier,
                      invoice_no=receipt.invoice_no, campus_id=req.campus_id, room_id=receipt.room_id,
                      department_id=req.department_id, custodian_id=receipt.custodian_id, status="in_use",
                      life_months=receipt.life_months, purchase_id=req.id, funding_source="budget")
        services.register(session, asset, user_id=user_id, demo=demo)
        services.record(session, asset, "received", user_id=user_id, on=receipt.received_on,
                        purchase=req.number, supplier=receipt.supplier, invoice=receipt.invoice_no)
        cards.append(asset)
    session.flush()
    transition(session, PurchaseRequest, req.id, "complete")
    return cards


def waiting_signers(receipt: Receipt) -> list[int]:
    return [getattr(receipt, f"{r}_id") for r in SIGNERS if getattr(receipt, f"{r}_state") != "signed"]


__all__ = ["approve", "external_from", "make_cards", "new_request", "record_receipt", "sign", "P_RECEIVING"]

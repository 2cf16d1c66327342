"""Pure rules of purchases and the lifecycle (issue 15): no Flask, no database.

- purchase tiers (购置仟元以内物品由园委会讨论通过, 仟元以上…再填表审批, 001): below the setting
  the Director records the 园委会 meeting's decision (date and note); from it the external
  approval (approving body, 批复文号, date) is recorded with the approval (core Approval);
- a receipt (验收) is signed by three different people (经办人、证明人和审核人, 002);
- an actual total in a higher tier than the approved one goes back for approval;
- loans are due on or after the day they start; compensation (谁损坏谁赔偿) is not negative;
- a transfer goes somewhere else; a disposal is dated between acquisition and today, and needs a
  written justification while the asset is inside its useful life (DOMAIN.md).

Every message is an `N_` msgid raised as RuleError on the field the forms and the API use."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Optional

from app.rules import N_, RuleError

from .rules import (ERR_QUANTITY_NOT_POSITIVE as ERR_QUANTITY, add_months, as_date, as_month, check_disposed_on,
                    check_quantity, parse_money)

ERR_ESTIMATE = N_("The estimated unit price must be more than zero")
ERR_COMMITTEE_DATE = N_("Give the date of the 园委会 meeting that decided it")
ERR_COMMITTEE_FUTURE = N_("The meeting date cannot be in the future")
ERR_SAME_PERSON = N_("The handler, the witness and the reviewer must be three different people")
ERR_DELIVERED = N_("The delivered quantity must be at least 1")
ERR_DUE_BEFORE_START = N_("The loan cannot be due before it starts")
ERR_BORROWER = N_("Name the borrower: a staff member, a pupil or a class")
ERR_COMPENSATION_NEGATIVE = N_("The compensation cannot be below zero")
ERR_SAME_PLACE = N_("The transfer must go to another campus, location or department")
ERR_JUSTIFY = N_("The asset is still inside its useful life (until %(month)s): give a written justification")
ERR_DATE_FUTURE = N_("The date cannot be in the future")
ERR_DATE_BEFORE_ACQUIRED = N_("The date cannot be before the acquisition date")
ERR_OWN_DEPARTMENT = N_("You request purchases for your own department only (%(department)s)")
ERR_BATCH_QUANTITY = N_("Take between 1 and %(most)s of the %(quantity)s items")

COMMITTEE, EXTERNAL = "committee", "external"


def _money(value: Any, field: str) -> Decimal:
    return parse_money(value, field) if not isinstance(value, Decimal) else value


def estimated_total(quantity: int, unit_price: Any) -> Decimal:
    return (Decimal(quantity) * Decimal(unit_price)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def check_request(quantity: Any, unit_price: Any) -> tuple[int, Decimal]:
    try:
        n = int(str(quantity).strip())
    except (TypeError, ValueError):
        raise RuleError(ERR_QUANTITY, field="quantity") from None
    if n < 1:
        raise RuleError(ERR_QUANTITY, field="quantity")
    price = _money(unit_price, "estimated_unit_price")
    if price <= 0:
        raise RuleError(ERR_ESTIMATE, field="estimated_unit_price")
    return n, price


def tier(total: Decimal, external_from: Decimal) -> str:
    """购置仟元以内 … 园委会; 仟元以上 … 填表审批 (the threshold itself is in the upper tier)."""
    return EXTERNAL if Decimal(total) >= Decimal(external_from) else COMMITTEE


def check_committee(tier_: str, meeting_on: Optional[date], today: date) -> None:
    """Below the threshold the Director records the committee's decision: its meeting date."""
    if tier_ != COMMITTEE:
        return
    if meeting_on is None:
        raise RuleError(ERR_COMMITTEE_DATE, field="committee_date")
    if as_date(meeting_on, "committee_date") > today:
        raise RuleError(ERR_COMMITTEE_FUTURE, field="committee_date")


def needs_reapproval(approved_total: Decimal, actual_total: Decimal, external_from: Decimal) -> bool:
    """An actual total in a higher tier than the one approved goes back for approval."""
    return tier(actual_total, external_from) == EXTERNAL and tier(approved_total, external_from) == COMMITTEE


def check_signers(handler: Any, witness: Any, reviewer: Any) -> None:
    """经办人、证明人和审核人: three different people (None = not chosen yet: the form says so)."""
    if witness is not None and witness == handler:
        raise RuleError(ERR_SAME_PERSON, field="witness")
    if reviewer is not None and reviewer in (handler, witness):
        raise RuleError(ERR_SAME_PERSON, field="reviewer")


def check_delivered(quantity: Any, unit_price: Any) -> tuple[int, Decimal]:
    try:
        n = int(str(quantity).strip())
    except (TypeError, ValueError):
        raise RuleError(ERR_DELIVERED, field="delivered_quantity") from None
    if n < 1:
        raise RuleError(ERR_DELIVERED, field="delivered_quantity")
    price = _money(unit_price, "actual_unit_price")
    if price <= 0:
        raise RuleError(ERR_ESTIMATE, field="actual_unit_price")
    return n, price


def check_loan(lent_on: date, due_on: date, today: date, staff: Any = None, pupil: str = "",
               class_name: str = "") -> None:
    if as_date(lent_on, "lent_on") > today:
        raise RuleError(ERR_DATE_FUTURE, field="lent_on")
    if as_date(due_on, "due_on") < as_date(lent_on, "lent_on"):
        raise RuleError(ERR_DUE_BEFORE_START, field="due_on")
    if staff is None and not (pupil or "").strip() and not (class_name or "").strip():
        raise RuleError(ERR_BORROWER, field="borrower")


def is_overdue(due_on: date, today: date, returned_on: Optional[date] = None) -> bool:
    return returned_on is None and as_date(due_on) < today


def check_compensation(amount: Any) -> Decimal:
    if amount in (None, ""):
        return Decimal("0.00")
    value = _money(amount, "compensation")
    if value < 0:
        raise RuleError(ERR_COMPENSATION_NEGATIVE, field="compensation")
    return value


def check_event_date(on: date, acquired_on: date, today: date, field: str) -> date:
    on = as_date(on, field)
    if on > today:
        raise RuleError(ERR_DATE_FUTURE, field=field)
    if on < as_date(acquired_on):
        raise RuleError(ERR_DATE_BEFORE_ACQUIRED, field=field)
    return on


def check_transfer(source: tuple, target: tuple) -> None:
    """(campus, room, department) of the card against the target: something must change."""
    if tuple(target) == tuple(source):
        raise RuleError(ERR_SAME_PLACE, field="to_room")


def life_ends(acquired_on: date, life_months: int) -> date:
    """The first month after the useful life (from the acquisition month)."""
    return add_months(as_month(acquired_on), int(life_months))


def check_disposal(acquired_on: date, life_months: int, disposed_on: Any, today: date, justification: str) -> date:
    """报废 and the rest: not before acquisition nor in the future; inside the useful life a
    written justification (DOMAIN.md: "Assets still in their minimum life need a written reason")."""
    on = check_disposed_on(disposed_on, acquired_on, today, field="disposed_on")
    ends = life_ends(acquired_on, life_months)
    if as_month(on) < ends and len((justification or "").strip()) < 10:
        raise RuleError(ERR_JUSTIFY, field="justification", month=add_months(ends, -1).strftime("%Y-%m"))
    return on


def part_taken(quantity: int, take: Any, field: str = "quantity") -> Optional[int]:
    """A lend, transfer or disposal of part of a batch card (40 套 课桌椅): how many items are
    split off onto a card of their own, or None when the step takes the whole card (no split).
    An empty quantity means the whole card."""
    if take is None or (isinstance(take, str) and not take.strip()):
        return None
    n = check_quantity(take, field)
    if n > int(quantity):
        raise RuleError(ERR_BATCH_QUANTITY, field=field, most=quantity, quantity=quantity)
    return None if n == int(quantity) else n


def request_department(chosen: Optional[int], own: Optional[int], own_name: str, any_department: bool,
                       field: str = "department") -> Optional[int]:
    """申购 by a department or a staff member: the office (the keeper, the Director) requests for
    any department; a staff member for their own (their staff record's), which an empty choice
    means (none when their record names none: a request of their own)."""
    if any_department:
        return chosen
    if chosen is not None and chosen != own:
        raise RuleError(ERR_OWN_DEPARTMENT, field=field, department=own_name)
    return own

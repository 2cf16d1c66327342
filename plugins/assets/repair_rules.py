"""Pure rules of repairs (报修, issue 16): no Flask, no database.

- a request names a room and what is wrong (the seeds: doors, windows, lights, taps — most have no
  card); an asset, when named, is one of that room's;
- 做到当天通知维修部门,不留问题过夜 (001): a request is due by the end of the working day it was
  reported on — reported after it, by the end of the next day's; still open after that it is
  "过夜" (overnight);
- a dispatch goes to one in-house repairer or one vendor; a fix records the work done and a cost
  that is not negative;
- time to fix in hours, its median and p90 (nearest rank, as the benches report).

Every message is an `N_` msgid raised as RuleError on the field the forms and the API use."""
from __future__ import annotations

import math
from datetime import datetime, time
from decimal import Decimal
from typing import Any, Iterable, Optional

from app.periods import end_of_working_day
from app.rules import N_, RuleError

from .rules import parse_money

ERR_ROOM = N_("Choose the room where the fault is")
ERR_DESCRIPTION = N_("Say what is wrong")
ERR_ASSET_ELSEWHERE = N_("This asset is not in the room chosen: choose one of the room's assets or none")
ERR_URGENCY = N_("Not a valid choice")
ERR_DISPATCH_TO = N_("Dispatch to one in-house repairer or one vendor")
ERR_WORK = N_("Say what was done")
ERR_COST_NEGATIVE = N_("The cost cannot be below zero")
ERR_NOT_YOUR_JOB = N_("This repair is dispatched to someone else: only they record it")
ERR_NOT_YOUR_REQUEST = N_("Only the person who reported it confirms this repair or sends it back")

URGENCY_CODES = ("normal", "urgent", "low")


def check_report(room_id: Any, description: Any, urgency: Any = "normal") -> tuple[int, str, str]:
    """The room, the description (trimmed) and the urgency of a new request; every wrong field."""
    errors = []
    if room_id in (None, "") or isinstance(room_id, bool) or not isinstance(room_id, int):
        errors.append(RuleError(ERR_ROOM, field="room"))
    text = " ".join(str(description or "").split())
    if not text:
        errors.append(RuleError(ERR_DESCRIPTION, field="description"))
    urgency = urgency or "normal"
    if urgency not in URGENCY_CODES:
        errors.append(RuleError(ERR_URGENCY, field="urgency"))
    if errors:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    return room_id, text[:500], urgency


class MultipleErrors(RuleError):
    """Several fields wrong at once (the service turns them into core's InputErrors)."""

    def __init__(self, errors: list[RuleError]):
        super().__init__(errors[0].message, field=errors[0].field, **errors[0].params)
        self.errors = errors


def check_asset_room(asset_room_id: Optional[int], room_id: int) -> None:
    if asset_room_id != room_id:
        raise RuleError(ERR_ASSET_ELSEWHERE, field="asset")


def due_at(reported: datetime, day_ends: time) -> datetime:
    """The end of the working day the request counts against, in the zone of `reported` (a local
    time): the same day's end, or the next day's when reported after the end of work."""
    return end_of_working_day(reported, day_ends)


def is_overnight(due: datetime, fixed: Optional[datetime], now: datetime) -> bool:
    """过夜: not fixed by its due time (still open past it, or fixed after it)."""
    return (fixed if fixed is not None else now) > due


def check_dispatch(repairer_id: Any, vendor: Any) -> tuple[Optional[int], Optional[str]]:
    vendor = " ".join(str(vendor or "").split())[:100] or None
    if (repairer_id is None) == (vendor is None):
        raise RuleError(ERR_DISPATCH_TO, field="repairer")
    return repairer_id, vendor


def check_fix(work: Any, cost: Any) -> tuple[str, Decimal]:
    text = " ".join(str(work or "").split())
    errors = []
    if not text:
        errors.append(RuleError(ERR_WORK, field="work"))
    amount = Decimal("0.00")
    try:
        if cost not in (None, ""):
            amount = cost if isinstance(cost, Decimal) else parse_money(cost, "cost")
            if amount < 0:
                raise RuleError(ERR_COST_NEGATIVE, field="cost")
    except RuleError as err:
        errors.append(err)
    if errors:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    return text[:500], amount


def hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def percentile(values: Iterable[float], pct: float) -> Optional[float]:
    """Nearest-rank percentile (None for no values): median = 50, p90 = 90."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _aware(value: Optional[datetime]) -> Optional[datetime]:
    from datetime import timezone

    return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)


def summarise(rows: Iterable[tuple], tz, now: datetime) -> dict:
    """Statistics of requests (reported_at, due_at, fixed_at, cost, building, status): per local
    month and per building the requests, the overnight ones and the cost; the hours to fix of
    those fixed (median, p90). Cancelled requests count as reported, never as overnight."""
    import statistics

    months: dict[str, dict] = {}
    buildings: dict[str, dict] = {}
    fix_hours = []
    for reported, due, fixed, cost, building, status in rows:
        reported, due, fixed = _aware(reported), _aware(due), _aware(fixed)
        key = reported.astimezone(tz).strftime("%Y-%m")
        late = status != "cancelled" and is_overnight(due, fixed, now)
        for bucket in (months.setdefault(key, _bucket()), buildings.setdefault(building or "", _bucket())):
            bucket["requests"] += 1
            bucket["overnight"] += int(late)
            bucket["cost"] += Decimal(cost or 0)
            bucket["fixed"] += int(fixed is not None)
        if fixed is not None:
            fix_hours.append(hours(reported, fixed))
    return {"months": dict(sorted(months.items())), "buildings": dict(sorted(buildings.items(),
                                                                              key=lambda kv: -kv[1]["requests"])),
            "median_hours": statistics.median(fix_hours) if fix_hours else None,
            "p90_hours": percentile(fix_hours, 90), "fixed": len(fix_hours),
            "overnight": sum(m["overnight"] for m in months.values()),
            "cost": sum((m["cost"] for m in months.values()), Decimal("0.00")),
            "requests": sum(m["requests"] for m in months.values())}


def empty_bucket() -> dict:
    return _bucket()


def _bucket() -> dict:
    return {"requests": 0, "fixed": 0, "overnight": 0, "cost": Decimal("0.00")}

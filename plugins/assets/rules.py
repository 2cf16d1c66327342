"""Pure rules of the fixed-assets register (固定资产): depreciation under 政府会计准则第3号, the
split of a batch card, and the checks a card and an imported ledger row pass.

No Flask, no database: plain values in, plain values out, so the month-end run, the card, the
import, the projections and the tests all use the same arithmetic. Money is Decimal to the cent
(half-up, as finance rounds); a month is the date of its first day. Messages are msgids marked
with N_, raised as RuleError(ERR_X, field=<form field>) and translated where they are shown.
The GB/T 14885 codes and the class table live in catalog.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any, Optional

from app.rules import N_, RuleError

from .values import (  # noqa: F401  (re-exported: the card's checks take typed values)
    CENT, ZERO, add_months, as_date, as_month, cents, month_at, month_number, months_from_to, parse_money,
    parse_whole,
)

EARLIEST_ACQUISITION = date(1900, 1, 1)
MAX_LIFE_MONTHS = 1200  # 100 years: past the 50-year minimum of a steel or concrete building
START_RULES = ("acquisition", "next")  # setting: 当月增加当月计提 (default) or from the next month

ERR_PRICE_NOT_POSITIVE = N_("The price must be more than zero")
ERR_VALUE_NEGATIVE = N_("The value cannot be negative")
ERR_VALUE_MISMATCH = N_("The original value %(value)s does not match the unit price times the quantity (%(expected)s)")
ERR_QUANTITY_FORMAT = N_("Enter the quantity as a whole number, e.g. 40")
ERR_QUANTITY_NOT_POSITIVE = N_("The quantity must be at least 1")
ERR_ACQUIRED_FUTURE = N_("The acquisition date cannot be in the future")
ERR_ACQUIRED_TOO_EARLY = N_("The acquisition date is before 1900")
ERR_DISPOSED_BEFORE_ACQUIRED = N_("The disposal date cannot be before the acquisition date")
ERR_DISPOSED_FUTURE = N_("The disposal date cannot be in the future")
ERR_LIFE_FORMAT = N_("Enter the useful life as a whole number of months, e.g. 72")
ERR_LIFE_NOT_POSITIVE = N_("The useful life must be at least one month")
ERR_LIFE_TOO_LONG = N_("The useful life cannot be more than 1200 months (100 years)")
ERR_LIFE_BELOW_MINIMUM = N_("The useful life of this class is at least %(years)s years (%(months)s months)")
WARN_LIFE_BELOW_MINIMUM = N_("Imported with a useful life below this class's minimum of %(years)s years; kept as the books have it")
ERR_LIFE_CHANGE_TOO_SHORT = N_("The new useful life must be longer than the %(months)s months already depreciated")
ERR_REASON_REQUIRED = N_("Give the reason for the change")
ERR_OPENING_ABOVE_ORIGINAL = N_("The opening accumulated depreciation cannot exceed the original value")
ERR_COUNTED_BEFORE_ACQUIRED = N_("Depreciation cannot be counted to a month before the acquisition")
ERR_COUNTED_FUTURE = N_("Depreciation cannot be counted to a month that has not ended")
ERR_OPENING_LIFE_OVER = N_("The useful life ended by %(month)s but %(net)s is still to depreciate; enter the life the books use")
ERR_NOT_A_BATCH = N_("This card holds a single item; there is nothing to split off")
ERR_SPLIT_QUANTITY = N_("Split off between 1 and %(most)s of the %(quantity)s items")
WARN_BELOW_THRESHOLD = N_("The unit price %(price)s is below the capitalisation threshold of %(threshold)s yuan: is this a fixed asset?")
WARN_BATCH_BELOW_THRESHOLD = N_("The unit price %(price)s is below the capitalisation threshold of %(threshold)s yuan; kept as a batch of like items")


# --- Prices, quantities, dates on a card -------------------------------------------------------

def check_unit_price(raw: Any, field: str = "unit_price") -> Decimal:
    """A unit price is more than zero: a gift is entered at its assessed value (评估价), and an
    asset with none at the nominal ¥1 (名义金额), never at 0."""
    value = parse_money(raw, field)
    if value <= 0:
        raise RuleError(ERR_PRICE_NOT_POSITIVE, field=field)
    return value


def check_quantity(raw: Any, field: str = "quantity") -> int:
    """A card counts whole items (40 套 课桌椅); areas and lengths are attributes, not quantities."""
    number = parse_whole(raw, field, ERR_QUANTITY_FORMAT)
    if number < 1:
        raise RuleError(ERR_QUANTITY_NOT_POSITIVE, field=field)
    return number


def original_value(unit_price: Decimal, quantity: int) -> Decimal:
    return cents(Decimal(unit_price) * quantity)


def check_original_value(raw: Any, unit_price: Decimal, quantity: int, field: str = "original_value") -> Decimal:
    """A batch bought for one invoice total (3 for ¥100.00) has a unit price rounded to the cent,
    so the total may differ from price x quantity by less than half a fen per item."""
    value = check_unit_price(raw, field)
    expected = original_value(unit_price, quantity)
    if abs(value - expected) > Decimal("0.005") * quantity:
        raise RuleError(ERR_VALUE_MISMATCH, field=field, value=value, expected=expected)
    return value


def check_acquired_on(raw: Any, today: date, field: str = "acquired_on") -> date:
    acquired = as_date(raw, field)
    if acquired > as_date(today):
        raise RuleError(ERR_ACQUIRED_FUTURE, field=field)
    if acquired < EARLIEST_ACQUISITION:
        raise RuleError(ERR_ACQUIRED_TOO_EARLY, field=field)
    return acquired


def check_disposed_on(raw: Any, acquired_on: date, today: date, field: str = "disposed_on") -> date:
    disposed = as_date(raw, field)
    if disposed < as_date(acquired_on):
        raise RuleError(ERR_DISPOSED_BEFORE_ACQUIRED, field=field)
    if disposed > as_date(today):
        raise RuleError(ERR_DISPOSED_FUTURE, field=field)
    return disposed


# --- Useful life and the capitalisation threshold ---------------------------------------------

def check_life_months(raw: Any, field: str = "life_months") -> int:
    months = parse_whole(raw, field, ERR_LIFE_FORMAT)
    if months < 1:
        raise RuleError(ERR_LIFE_NOT_POSITIVE, field=field)
    if months > MAX_LIFE_MONTHS:
        raise RuleError(ERR_LIFE_TOO_LONG, field=field)
    return months


def check_life(life_months: Any, minimum_years: Optional[int], *, imported: bool = False,
               field: str = "life_months") -> Optional[RuleError]:
    """应用指南 (财会〔2017〕4号): a life is not below the class minimum. A new card below it is
    refused; an imported card keeps the older, shorter life the books have and comes back flagged
    (the returned warning, not raised). None when the life is fine."""
    months = check_life_months(life_months, field)
    if not minimum_years or months >= minimum_years * 12:
        return None
    params = {"years": minimum_years, "months": minimum_years * 12}
    if imported:
        return RuleError(WARN_LIFE_BELOW_MINIMUM, field=field, **params)
    raise RuleError(ERR_LIFE_BELOW_MINIMUM, field=field, **params)


def capitalisation_warning(unit_price: Decimal, quantity: int, special: bool, *,
                           threshold: Decimal = Decimal(1000), special_threshold: Decimal = Decimal(1500),
                           field: str = "unit_price") -> Optional[RuleError]:
    """事业单位财务规则: a fixed asset has a unit value of at least 1000 yuan (1500 for 专用设备);
    batches of like items (课桌椅) are kept as fixed assets below it. Warned about, never refused
    (the thresholds are a setting). `special`: the class's financial class is 专用设备."""
    limit = Decimal(special_threshold if special else threshold)
    if unit_price >= limit:
        return None
    message = WARN_BATCH_BELOW_THRESHOLD if quantity > 1 else WARN_BELOW_THRESHOLD
    return RuleError(message, field=field, price=cents(Decimal(unit_price)), threshold=limit)


# --- Depreciation (政府会计准则第3号) -----------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One month of depreciation: what the month-end run stores for a card."""
    month: date
    amount: Decimal
    accumulated: Decimal  # since the plan's first month
    net: Decimal  # base - accumulated


@dataclass(frozen=True)
class Plan:
    """`base` spread straight-line over `months` months from the month `first`, with no residual
    value (准则第3号). The monthly amount is base / months rounded half-up to the fen; the last
    month takes the remainder; when the rounded amount would pass the base early (a tiny value
    over a long life) the months after stop at it, so no month is negative and the total is
    exactly the base. `stop`: the month of disposal — 当月减少当月不再计提, none from it on.

    Every figure is a closed form of the month, so a month's amount never depends on which
    months were run before it: the run is the same in any order, and catching up is one sum."""
    base: Decimal
    months: int
    first: date
    stop: Optional[date] = None

    def __post_init__(self) -> None:
        if self.months < 1 or self.base < 0:
            raise ValueError("a plan spreads a base of at least 0 over at least one month")

    @property
    def monthly(self) -> Decimal:
        return cents(self.base / self.months)

    def _after(self, n: int) -> Decimal:
        if n <= 0:
            return ZERO
        if n >= self.months:
            return self.base
        return min(self.monthly * n, self.base)

    def done(self, through: Any) -> int:
        """Months depreciated from `first` to the end of the month of `through`."""
        last = month_number(through)
        if self.stop is not None:
            last = min(last, month_number(self.stop) - 1)
        return max(0, last - month_number(self.first) + 1)

    def accumulated(self, through: Any) -> Decimal:
        return self._after(self.done(through))

    def net(self, through: Any) -> Decimal:
        return self.base - self.accumulated(through)

    def amount(self, month: Any) -> Decimal:
        """The depreciation of that month alone (a month-end run's row)."""
        return self.accumulated(month) - self.accumulated(add_months(month, -1))

    def due(self, through: Any, booked: Decimal) -> Decimal:
        """What a run for `through` books when `booked` is already stored: a card dated in a
        closed month is caught up in the first open one, and re-running a month adds nothing."""
        return max(ZERO, self.accumulated(through) - booked)

    def months_left(self, through: Any) -> int:
        return max(0, self.months - self.done(through))

    def end(self) -> date:
        """The last month that depreciates: the life's last month, the month the base is
        reached when that comes early, or the month before a disposal."""
        n = self.months
        if self.monthly > 0:
            n = min(n, int((self.base / self.monthly).to_integral_value(rounding=ROUND_CEILING)))
        last = add_months(self.first, n - 1)
        return min(last, add_months(self.stop, -1)) if self.stop is not None else last

    def rows(self, through: Any, since: Any = None) -> list[Row]:
        """Month by month from `since` (default: the first month) to `through`, up to the end();
        nothing for a plan with nothing to spread (a non-depreciable class, a net of 0)."""
        if self.base == 0:
            return []
        start = month_number(self.first) if since is None else max(month_number(self.first), month_number(since))
        out, previous = [], self.accumulated(month_at(start - 1))
        for i in range(start, min(month_number(through), month_number(self.end())) + 1):
            acc = self.accumulated(month_at(i))
            out.append(Row(month_at(i), acc - previous, acc, self.base - acc))
            previous = acc
        return out


def _base(raw: Any, field: str) -> Decimal:
    value = parse_money(raw, field)
    if value < 0:
        raise RuleError(ERR_VALUE_NEGATIVE, field=field)
    return value


def plan(original: Any, life_months: Any, acquired_on: Any, *, depreciable: bool = True,
         start: str = "acquisition", disposed_on: Any = None) -> Plan:
    """The plan of a card from its acquisition: from the month of acquisition (当月增加当月计提)
    or, start="next", the month after. A non-depreciable class (文物和陈列品, 图书档案, 动植物,
    land, an asset at nominal value) gets a plan of nothing."""
    if start not in START_RULES:
        raise ValueError(f"start must be one of {START_RULES}, not {start!r}")
    first = as_month(acquired_on)
    if start == "next":
        first = add_months(first, 1)
    stop = as_month(disposed_on) if disposed_on is not None else None
    if not depreciable:
        return Plan(ZERO, 1, first, stop)
    return Plan(_base(original, "original_value"), check_life_months(life_months), first, stop)


def carried_plan(net: Any, months_left: Any, from_month: Any, *, disposed_on: Any = None) -> Plan:
    """A card carried at a net value from a month on: an imported opening balance, a life
    changed by the Director, each part of a split batch. The net is spread over the months left
    with the same rounding."""
    stop = as_month(disposed_on) if disposed_on is not None else None
    return Plan(_base(net, "net_value"), check_life_months(months_left, "months_left"), as_month(from_month), stop)


def accumulated(original: Any, life_months: Any, acquired_on: Any, through: Any, depreciable: bool = True,
                start: str = "acquisition", *, disposed_on: Any = None) -> Decimal:
    """The accumulated depreciation at the end of the month of `through`."""
    return plan(original, life_months, acquired_on, depreciable=depreciable, start=start,
                disposed_on=disposed_on).accumulated(through)


def remaining(net: Any, months_left: Any, from_month: Any, through: Any, *, disposed_on: Any = None) -> Decimal:
    """The depreciation of a card carried at `net` from `from_month`, accumulated from that month
    to the end of the month of `through` (the card's total adds its opening accumulated)."""
    return carried_plan(net, months_left, from_month, disposed_on=disposed_on).accumulated(through)


def schedule(original: Any, life_months: Any, acquired_on: Any, through: Any, *, depreciable: bool = True,
             start: str = "acquisition", disposed_on: Any = None, since: Any = None) -> list[Row]:
    """The month-by-month rows of a card up to `through` (what month-end runs store)."""
    return plan(original, life_months, acquired_on, depreciable=depreciable, start=start,
                disposed_on=disposed_on).rows(through, since)


def opening_plan(original: Any, life_months: Any, acquired_on: Any, opening: Any, counted_to: Any,
                 today: date, *, start: str = "acquisition") -> Plan:
    """An imported card with its opening accumulated depreciation counted to a month: the net
    value is spread over the months of the life still to come, from the month after."""
    base = _base(original, "original_value")
    opening = _base(opening, "opening_accumulated")
    if opening > base:
        raise RuleError(ERR_OPENING_ABOVE_ORIGINAL, field="opening_accumulated")
    counted = as_month(counted_to, "depreciation_counted_to")
    if counted < as_month(acquired_on):
        raise RuleError(ERR_COUNTED_BEFORE_ACQUIRED, field="depreciation_counted_to")
    if counted >= as_month(today):
        raise RuleError(ERR_COUNTED_FUTURE, field="depreciation_counted_to")
    life = check_life_months(life_months)
    first = plan(base, life, acquired_on, start=start).first
    left = life - max(0, months_from_to(first, counted))
    net = base - opening
    if left < 1 and net > 0:
        raise RuleError(ERR_OPENING_LIFE_OVER, field="life_months", month=add_months(first, life - 1).strftime("%Y-%m"),
                        net=net)
    return carried_plan(net, max(left, 1), add_months(counted, 1))


def changed_life_plan(net: Any, new_life_months: Any, months_done: int, from_month: Any, reason: str,
                      minimum_years: Optional[int]) -> Plan:
    """The Director changes a card's life (with a reason): the net value at that point is spread
    over the new life's months still to come. The new life respects the class minimum."""
    if not (reason or "").strip():
        raise RuleError(ERR_REASON_REQUIRED, field="reason")
    life = check_life_months(new_life_months)
    check_life(life, minimum_years)
    if life <= months_done:
        raise RuleError(ERR_LIFE_CHANGE_TOO_SHORT, field="life_months", months=months_done)
    return carried_plan(net, life - months_done, from_month)


# --- Splitting a batch card (a partial lend, transfer or disposal) ----------------------------

@dataclass(frozen=True)
class Part:
    quantity: int
    value: Decimal
    accumulated: Decimal

    @property
    def net(self) -> Decimal:
        return self.value - self.accumulated


def share(total: Decimal, quantity: int, take: int) -> Decimal:
    """`take` of `quantity` items' part of `total`, to the fen, half-up."""
    return cents(Decimal(total) * take / quantity)


def split_batch(quantity: int, value: Decimal, accumulated_: Decimal, take: Any,
                field: str = "quantity") -> tuple[Part, Part]:
    """Split `take` items off a batch card: (the part that stays, the part split off). Value and
    accumulated depreciation go by quantity, each rounded half-up, and the part that stays takes
    the remainder, so both add up to the fen; neither part's accumulated passes its value. Each
    part then depreciates its own net over the months left (carried_plan)."""
    if quantity < 2:
        raise RuleError(ERR_NOT_A_BATCH, field=field)
    take = check_quantity(take, field)
    if take >= quantity:
        raise RuleError(ERR_SPLIT_QUANTITY, field=field, most=quantity - 1, quantity=quantity)
    value, accumulated_ = Decimal(value), Decimal(accumulated_)
    taken = Part(take, share(value, quantity, take), share(accumulated_, quantity, take))
    kept = Part(quantity - take, value - taken.value, accumulated_ - taken.accumulated)
    return kept, taken

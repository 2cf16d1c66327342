"""Pure rules of staff appraisal (后勤人员考核, issue 17): the arithmetic every screen, the API,
the importer and finalising share. Stdlib only, no Flask, no database.

The rubric tree and its checks are in `rubric.py`, the per-person aggregation in `scoring.py`
and the round's ranks, grades and quota in `finalising.py`; all build on the primitives here.
Messages are msgids marked with N_ next to the rule that raises them (translated where shown).

Numbers are Decimal throughout (money-like: a committee argues over 0.01). Points, scores and
amounts carry at most two decimal places; results are rounded half-up (四舍五入) to two places
once per item, never in between (issue 17 point 4)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Hashable, Iterable, Mapping, Optional, Sequence, TypeVar

from app.rules import N_, RuleError, folded

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")

# --- Numbers typed, imported or read back ------------------------------------------------------

ERR_NOT_A_NUMBER = N_("Enter a number, e.g. 7.5")
ERR_TOO_MANY_PLACES = N_("Enter at most two decimal places")
ERR_NOT_NEGATIVE = N_("Enter a number that is not negative")


def to_decimal(raw: Any, *, field: Optional[str] = None) -> Decimal:
    """A number from a form, a spreadsheet cell, JSON or the database, as an exact Decimal.
    Full-width digits ("７．５") are folded; a float is read by its shortest repr (7.37, not
    7.3700000000000001); booleans, NaN and infinities are refused."""
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, bool) or raw is None:
        raise RuleError(ERR_NOT_A_NUMBER, field=field)
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    else:
        text = folded(raw).strip().replace("．", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise RuleError(ERR_NOT_A_NUMBER, field=field) from None
    if not value.is_finite():
        raise RuleError(ERR_NOT_A_NUMBER, field=field)
    return value


def to_points(raw: Any, *, field: Optional[str] = None) -> Decimal:
    """A non-negative number of points with at most two decimal places, as e.g. Decimal("7.50")."""
    value = to_decimal(raw, field=field)
    if value < 0:
        raise RuleError(ERR_NOT_NEGATIVE, field=field)
    quantized = value.quantize(CENT)
    if quantized != value:
        raise RuleError(ERR_TOO_MANY_PLACES, field=field)
    return quantized


ERR_SCORE_RANGE = N_("Enter a score from %(minimum)s to %(maximum)s")


def check_score(raw: Any, minimum: Decimal, maximum: Decimal, *, field: str = "value") -> Decimal:
    """A judged score (酌情评分) within minimum..maximum, two places at most."""
    value = to_points(raw, field=field)
    if not minimum <= value <= maximum:
        raise RuleError(ERR_SCORE_RANGE, field=field, minimum=minimum, maximum=maximum)
    return value


def half_up_cents(numerator: int, denominator: int) -> int:
    """numerator / denominator (in cents) rounded half away from zero to a whole cent; exact
    integer arithmetic, so 7.345 is never 7.34499999 after a division by 3 or a weight of 35 %."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def round_half_up(value: Decimal | Fraction | int) -> Decimal:
    """Rounded half-up (四舍五入) to two places: 2.345 -> 2.35, 2.344 -> 2.34."""
    if isinstance(value, Fraction):
        return cents_to_decimal(half_up_cents(value.numerator * 100, value.denominator))
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- The three rules other checks call by name (issue 17 point 8) ------------------------------

ERR_NO_SCORES = N_("There are no scores to average")
ERR_COUNT_NEGATIVE = N_("A count cannot be negative")
ERR_NO_BANDS = N_("The grade scale has no grades")
ERR_NO_BAND = N_("No grade covers a total of %(total)s")

# Dropping the highest and the lowest needs a third score to keep.
TRIM_AT_LEAST = 3


def trimmed_mean(scores: Iterable[Any], min_count: int = 5) -> Decimal:
    """The mean of `scores`, dropping one highest and one lowest when there are at least
    `min_count` of them ("去掉一个最高分和一个最低分"), rounded half-up to 2 places."""
    if min_count < TRIM_AT_LEAST:
        raise ValueError(f"min_count must be at least {TRIM_AT_LEAST}")
    values = sorted(Fraction(to_decimal(s)) for s in scores)
    if not values:
        raise RuleError(ERR_NO_SCORES)
    if len(values) >= min_count:
        values = values[1:-1]
    return round_half_up(sum(values, Fraction(0)) / len(values))


def occurrence_score(points: Any, counts: Mapping[str, Any], per_unit: Mapping[str, Any],
                     floor: Any = 0) -> Decimal:
    """Full `points` minus the sum of count x amount per kind, never below `floor`. Kinds not in
    `per_unit` (exempt leave: 婚假, 丧假 ...) deduct nothing; a negative count is refused on its
    kind's field."""
    full, least = to_decimal(points), to_decimal(floor)
    if least > full:
        raise ValueError("floor above the full points")
    lost = Decimal(0)
    for kind, raw in counts.items():
        count = to_decimal(raw, field=kind)
        if count < 0:
            raise RuleError(ERR_COUNT_NEGATIVE, field=kind)
        if kind in per_unit:
            lost += count * to_decimal(per_unit[kind])
    return round_half_up(max(least, full - lost))


def grade(total: Any, bands: Sequence[tuple[str, Any]], veto: bool = False) -> str:
    """`bands` are (name, minimum total) from the highest band down, e.g. [("优秀", 90),
    ("合格", 60), ("不合格", 0)]: the first band whose minimum the total reaches, or the lowest
    band when a veto (一票否决) holds, whatever the total."""
    if not bands:
        raise RuleError(ERR_NO_BANDS, field="bands")
    if veto:
        return bands[-1][0]
    value = to_decimal(total)
    for name, minimum in bands:
        if value >= to_decimal(minimum):
            return name
    raise RuleError(ERR_NO_BAND, field="bands", total=value)


# --- Ranks and the quota -------------------------------------------------------------------------

P = TypeVar("P", bound=Hashable)


def ranks(totals: Mapping[P, Any]) -> dict[P, int]:
    """Standard competition ranks, highest total first, ties share a rank: 1, 2, 2, 4."""
    ordered = sorted(totals.values(), reverse=True)
    first: dict[Any, int] = {}
    for place, total in enumerate(ordered, start=1):
        first.setdefault(total, place)
    return {person: first[total] for person, total in totals.items()}


ERR_PERCENT_RANGE = N_("Enter a percentage above 0 and at most 100")

# Issue 17 point 5: with fewer than five staff graded, a percentage means little (20 % of 4 is
# 0.8); the quota is then a setting, none by default.
SMALL_ROUND = 5


def check_percent(raw: Any, *, field: str) -> Optional[Decimal]:
    """None (left empty: none) or a percentage in (0, 100] with at most two places."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = to_points(raw, field=field)
    if not 0 < value <= HUNDRED:
        raise RuleError(ERR_PERCENT_RANGE, field=field)
    return value


def quota_limit(graded: int, percent: Optional[Decimal],
                small_round_percent: Optional[Decimal] = None) -> Optional[int]:
    """How many may hold the quota grade: floor(N x quota %) with N the staff graded; None for
    no limit. Below SMALL_ROUND staff the `small_round_percent` setting applies instead."""
    if graded < SMALL_ROUND:
        percent = small_round_percent
    if percent is None:
        return None
    return int(Fraction(graded) * Fraction(percent) / 100)


# --- Group weights -----------------------------------------------------------------------------

ERR_WEIGHT_POSITIVE = N_("Each group's weight must be more than zero (leave the group out instead)")
ERR_WEIGHTS_TOTAL = N_("The group weights add up to %(total)s %%, not 100 %%")
ERR_WEIGHT_UNKNOWN_GROUP = N_("There is no committee group %(group)s to weigh")
ERR_WEIGHT_MISSING = N_("Group %(group)s has no weight: give every group one, totalling 100 %%")


def check_weights(weights: Optional[Mapping[str, Any]],
                  groups: Optional[Iterable[str]] = None) -> Optional[dict[str, Decimal]]:
    """None (no weights: all the committee's scores are one pool) or {group: percent} with every
    committee group weighed above 0 % and the weights totalling exactly 100 %."""
    if not weights:
        return None
    checked = {}
    for group, raw in weights.items():
        value = to_points(raw, field=f"weight_{group}")
        if value <= 0:
            raise RuleError(ERR_WEIGHT_POSITIVE, field=f"weight_{group}")
        checked[group] = value
    if groups is not None:
        known = list(groups)
        for group in checked:
            if group not in known:
                raise RuleError(ERR_WEIGHT_UNKNOWN_GROUP, field=f"weight_{group}", group=group)
        for group in known:
            if group not in checked:
                raise RuleError(ERR_WEIGHT_MISSING, field=f"weight_{group}", group=group)
    total = sum(checked.values(), Decimal(0))
    if total != HUNDRED:
        raise RuleError(ERR_WEIGHTS_TOTAL, field="weights", total=total)
    return checked


# --- Grade scales ------------------------------------------------------------------------------

ERR_BANDS_FEW = N_("A grade scale needs at least two grades")
ERR_BAND_NAME = N_("Each grade needs a name of its own")
ERR_BANDS_OVERLAP = N_("Grades %(upper)s and %(lower)s overlap: list the minimum totals from the "
                       "highest grade down, each lower than the one before")
ERR_BANDS_GAP_BOTTOM = N_("The lowest grade must start at 0, or a total below %(minimum)s gets no grade")
ERR_BANDS_ABOVE_FULL = N_("Grade %(band)s starts at %(minimum)s, above the full %(full)s points")
ERR_BANDS_GAP_BETWEEN = N_("Grades %(lower)s and %(upper)s leave a gap between %(high)s and %(low)s: "
                           "a total in between would get no grade")
ERR_BANDS_GAP_TOP = N_("The highest grade must reach the full %(full)s points")
ERR_BAND_RANGE = N_("Grade %(band)s ends below where it starts")


def check_bands(bands: Sequence[tuple[str, Any]], full_points: Any) -> list[tuple[str, Decimal]]:
    """(name, minimum) from the highest grade down: minimums strictly falling (no overlap), the
    lowest at 0 (no gap below), none above the full points. Returns the minimums as Decimal."""
    full = to_points(full_points, field="full_points")
    if len(bands) < 2:
        raise RuleError(ERR_BANDS_FEW, field="bands")
    checked: list[tuple[str, Decimal]] = []
    for name, raw in bands:
        if not str(name or "").strip() or name in (n for n, _ in checked):
            raise RuleError(ERR_BAND_NAME, field="bands")
        minimum = to_points(raw, field="bands")
        if minimum > full:
            raise RuleError(ERR_BANDS_ABOVE_FULL, field="bands", band=name, minimum=minimum, full=full)
        if checked and minimum >= checked[-1][1]:
            raise RuleError(ERR_BANDS_OVERLAP, field="bands", upper=checked[-1][0], lower=name)
        checked.append((name, minimum))
    if checked[-1][1] != 0:
        raise RuleError(ERR_BANDS_GAP_BOTTOM, field="bands", minimum=checked[-1][1])
    return checked


def bands_from_ranges(ranges: Iterable[tuple[str, Any, Any]], full_points: Any) -> list[tuple[str, Decimal]]:
    """Grades typed as ranges (优秀 90–100, 合格 60–89.99, 不合格 0–59.99), in any order, as the
    (name, minimum) scale. Totals carry two places, so each range must end 0.01 below the next
    one's start: "60–89" then "90–100" leaves 89.5 without a grade and is refused."""
    full = to_points(full_points, field="full_points")
    typed = []
    for name, low, high in ranges:
        low, high = to_points(low, field="bands"), to_points(high, field="bands")
        if high < low:
            raise RuleError(ERR_BAND_RANGE, field="bands", band=name)
        typed.append((name, low, high))
    typed.sort(key=lambda band: band[1], reverse=True)
    if typed and typed[0][2] < full:
        raise RuleError(ERR_BANDS_GAP_TOP, field="bands", full=full)
    for (upper, low, _), (lower, _, high) in zip(typed, typed[1:]):
        if high >= low:
            raise RuleError(ERR_BANDS_OVERLAP, field="bands", upper=upper, lower=lower)
        if high + CENT < low:
            raise RuleError(ERR_BANDS_GAP_BETWEEN, field="bands", lower=lower, upper=upper, high=high, low=low)
    return check_bands([(name, low) for name, low, _ in typed], full)


# --- Counts of occurrences ---------------------------------------------------------------------

ERR_COUNT_WHOLE = N_("Enter a whole number: times, lessons and tasks are not counted in fractions")
ERR_COUNT_HALF_DAYS = N_("Enter days in whole or half days, e.g. 1.5")

# Units an occurrence is counted in, with the smallest step: leave is taken by the half day
# (半天假), everything else happens a whole number of times.
UNIT_STEPS = {
    "day": Decimal("0.5"),
    "time": Decimal(1),      # 次
    "lesson": Decimal(1),    # 节
    "task": Decimal(1),      # 项
    "person": Decimal(1),    # 人次
    "incident": Decimal(1),  # 起
}
UNIT_NAMES = {"day": N_("day"), "time": N_("time"), "lesson": N_("lesson"), "task": N_("task"),
              "person": N_("person"), "incident": N_("incident")}


def check_count(raw: Any, unit: str, *, field: str = "count") -> Decimal:
    """A count of occurrences in `unit`: not negative, in whole units (half days for leave)."""
    count = to_decimal(raw, field=field)
    if count < 0:
        raise RuleError(ERR_COUNT_NEGATIVE, field=field)
    step = UNIT_STEPS[unit]
    if count % step:
        raise RuleError(ERR_COUNT_HALF_DAYS if step < 1 else ERR_COUNT_WHOLE, field=field)
    return count


# --- Comments the committee must write ---------------------------------------------------------

ERR_COMMENT_DEDUCTION = N_("Say what the deduction is for")
ERR_REASON_FORFEIT = N_("Give the finding that forfeits the item")
ERR_REASON_VETO = N_("Give the finding behind the veto")
ERR_COMMENT_LOW_SCORE = N_("A score below %(threshold)s needs a comment")
ERR_EVIDENCE = N_("Name the evidence (certificate, record) for a yes")

# Issue 17 point 6 leaves the threshold to a setting; 60 % of an item's points is where the
# annual scale's 合格 starts, so a score below it is a "fail" on that item and must be explained.
COMMENT_BELOW_PERCENT = Decimal(60)


def comment_threshold(points: Decimal, below_percent: Optional[Decimal]) -> Optional[Decimal]:
    if below_percent is None:
        return None
    return round_half_up(points * below_percent / HUNDRED)


def check_comment(comment: Any, *, message: str, field: str = "comment") -> str:
    text = folded(comment).strip()
    if not text:
        raise RuleError(message, field=field)
    return text


def check_score_comment(score: Decimal, points: Decimal, comment: Any,
                        below_percent: Optional[Decimal] = COMMENT_BELOW_PERCENT) -> str:
    """A judged score below `below_percent` of the item's points needs a comment."""
    text = folded(comment).strip()
    threshold = comment_threshold(points, below_percent)
    if threshold is not None and score < threshold and not text:
        raise RuleError(ERR_COMMENT_LOW_SCORE, field="comment", threshold=threshold)
    return text

"""Pure rules of issue 18 (stdlib and app.rules only): the appeal window, filing an appeal, and
re-finalising one reopened result — its items corrected, its total summed again with the
template's caps, its grade from the scale with the quota of the round checked again.

Choices where the issue is silent:
- The window is counted in local calendar days from the day the result was published (the
  round's publication, or the result's republication): with 5 days, a result published on
  1 March may be appealed until the end of 6 March.
- Re-finalising one person leaves everybody else's stored result as published; the person's
  rank is their place among the round's current totals.
- The quota: the person keeps (or gets) the quota grade only while fewer than the round's
  limit hold it; otherwise they fall to the next grade down (moved down, as at finalising).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Mapping, Optional, Sequence

from app.rules import N_, RuleError

from .rules import ZERO, check_comment, check_score, grade as band_of

ERR_APPEAL_LATE = N_("The appeal window closed on %(day)s: appeals are taken for %(days)s days after publication")
ERR_APPEAL_OPEN = N_("You already have an appeal on this result waiting for an answer")
ERR_APPEAL_TEXT = N_("Write what you appeal against and why")
ERR_APPEAL_NOT_PUBLISHED = N_("Only a published result can be appealed")
ERR_NOT_FINALISED = N_("Only a finalised round can be published")
ERR_ALREADY_PUBLISHED = N_("This round is already published")
ERR_NOT_PUBLISHED = N_("Publish the round before reopening a result")
ERR_CORRECTION_REASON = N_("Give the reason for the correction")
ERR_NOT_REOPENED = N_("Reopen the result before correcting it")
ERR_QUOTA_FULL = N_("The quota of %(grade)s is full (%(limit)s): choose another grade")
ERR_GRADE_REASON = N_("Give the reason for a grade other than the one proposed")
ERR_UNKNOWN_GRADE = N_("Unknown grade %(grade)s")
ERR_ITEM_NOT_APPLICABLE = N_("This item does not apply to the person: it cannot be corrected")

APPEAL_MAX = 4000


def appeal_deadline(published: date, days: int) -> date:
    """The last local day an appeal is taken on."""
    return published + timedelta(days=days)


def check_appeal(today: date, published: Optional[date], days: int, open_appeals: int, text: Any) -> str:
    """An appeal may be filed: the result is published, the window is open, no other appeal on it
    waits for an answer, and it says something. Returns the text, trimmed."""
    if published is None:
        raise RuleError(ERR_APPEAL_NOT_PUBLISHED, field="result")
    last = appeal_deadline(published, days)
    if today > last:
        raise RuleError(ERR_APPEAL_LATE, field="text", day=last.isoformat(), days=days)
    if open_appeals:
        raise RuleError(ERR_APPEAL_OPEN, field="text")
    text = str(text or "").strip()
    if not text:
        raise RuleError(ERR_APPEAL_TEXT, field="text")
    return text[:APPEAL_MAX]


def check_correction(item, value: Any, reason: Any, applies: bool) -> tuple[Decimal, str]:
    """An item's corrected result: within what the item can give (its minimum or floor to its
    points), with a reason."""
    if not applies:
        raise RuleError(ERR_ITEM_NOT_APPLICABLE, field="value")
    top = item.points if item.points is not None else Decimal("100")
    checked = check_score(value, item.minimum if item.kind in ("judged", "deduction") else ZERO, top)
    return checked, check_comment(reason, message=ERR_CORRECTION_REASON, field="reason")


def retotal(rubric, items: Mapping[str, Optional[Decimal]]) -> tuple[dict[str, Decimal], Decimal, Decimal, Decimal, bool]:
    """(subtotals, raw total, full, total, scaled) from each item's result (None: not applicable),
    with the template's caps on groups and sections, scaled as at finalising."""
    subtotals: dict[str, Decimal] = {}
    excluded = frozenset(code for code, v in items.items() if v is None)

    def fold(node) -> Decimal:
        if not hasattr(node, "children"):
            return items.get(node.code) or ZERO
        total = sum((fold(c) for c in node.children), ZERO)
        total = min(total, node.points)
        subtotals[node.code] = total
        return total

    raw = sum((fold(s) for s in rubric.sections), ZERO)
    template_full = rubric.full_for(frozenset())
    full = rubric.full_for(excluded) if excluded else template_full
    if full == template_full:
        return subtotals, raw, full, raw, False
    from .rules import round_half_up

    return subtotals, raw, full, round_half_up(raw * template_full / full), True


def rank_among(total: Decimal, others: Sequence[Decimal]) -> int:
    """Ties share a place (1, 2, 2, 4): one more than the totals above."""
    return 1 + sum(1 for t in others if t is not None and t > total)


def regrade(rubric, total: Decimal, vetoed: bool, *, holders: int, limit: Optional[int],
            chosen: Optional[str] = None, reason: Any = "") -> tuple[str, str, str, bool, str]:
    """(band, proposed, grade, moved down, reason) for a re-finalised result. `holders`: how many
    others of the round hold the quota grade now; `limit`: the round's quota (None: none)."""
    bands = rubric.band_pairs
    band = band_of(total, bands, veto=vetoed)
    top = rubric.quota_band
    proposed, moved = band, False
    full = top is not None and limit is not None and holders >= limit
    if band == top and full:
        proposed, moved = bands[1][0], True
    if not chosen or chosen == proposed:
        return band, proposed, proposed, moved, ""
    if chosen not in {code for code, _ in bands}:
        raise RuleError(ERR_UNKNOWN_GRADE, field="grade", grade=chosen)
    text = check_comment(reason, message=ERR_GRADE_REASON, field="reason")
    if vetoed:
        return band, proposed, bands[-1][0], moved, text
    if chosen == top and full:
        raise RuleError(ERR_QUOTA_FULL, field="grade", grade=top, limit=limit)
    return band, proposed, chosen, moved, text

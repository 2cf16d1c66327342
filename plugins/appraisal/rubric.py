"""The rubric (考核方案) as a tree of plain values, and the checks that make it usable (issue 17
point 1). Stdlib only. A rubric has sections (top-level groups with their full points), groups
(a cap over their children, e.g. 较高要求 最高不超过3分) and items, each item with one scoring
kind. Reading and writing the shipped JSON files is in `rubric_data.py`.

Field names in the errors are "<node code>.<attribute>" (e.g. "attendance.minimum"), so a
template form, the Excel import and the JSON loader can each place them on their own row."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, Iterator, Mapping, Optional, Union

from app.rules import N_, RuleError, folded, parse_yes_no

from .rules import (
    COMMENT_BELOW_PERCENT, ERR_COMMENT_DEDUCTION, ERR_EVIDENCE, ERR_REASON_FORFEIT, ERR_REASON_VETO, UNIT_STEPS, ZERO, check_bands, check_comment, check_count,
    check_percent, check_score, check_score_comment, occurrence_score, round_half_up, to_points,
)

# Scoring kinds. Forfeiture (a finding that zeroes one item) is carried by any item's
# `forfeits`; a veto (一票否决, forcing the lowest grade) is a finding on the whole rubric.
JUDGED = "judged"          # 酌情评分 within minimum..points, by committee members
DEDUCTION = "deduction"    # from full points, an amount per unit, floored at minimum
BONUS = "bonus"            # an amount per unit, up to the item's cap (points) if it has one
YES_NO = "yes_no"          # all or nothing, entered once per person with evidence
KINDS = (JUDGED, DEDUCTION, BONUS, YES_NO)

# Who scores an item: every committee member, the round's secretary entering what was decided
# or counted, or the code of one named scorer group of the rubric (e.g. 教务处).
COMMITTEE = "committee"
SECRETARY = "secretary"

PERIODS = ("monthly", "term", "annual", "special")

ERR_CODE = N_("A code is lower-case letters, digits and underscores, starting with a letter")
ERR_CODE_TWICE = N_("The code %(code)s is used twice in this template")
ERR_NAME_MISSING = N_("Give a Chinese and an English name")
ERR_KIND = N_("Unknown scoring kind %(kind)s")
ERR_PERIOD = N_("Unknown period %(period)s")
ERR_POINTS_REQUIRED = N_("Give the item's points")
ERR_POINTS_POSITIVE = N_("The points must be above 0")
ERR_RANGE = N_("The lowest score must not be above the item's points")
ERR_FLOOR = N_("The floor of a deduction must be below the item's points")
ERR_MINIMUM_ZERO = N_("Only judged and deduction items have a minimum")
ERR_NO_OCCURRENCES = N_("A deduction or bonus item needs at least one kind of occurrence with its amount")
ERR_OCCURRENCES_NOT_COUNTED = N_("Only deduction and bonus items count occurrences")
ERR_EXEMPTIONS_DEDUCTION = N_("Only deduction items have exempt kinds")
ERR_AMOUNT_POSITIVE = N_("The amount per unit must be above 0")
ERR_UNIT = N_("Unknown unit %(unit)s")
ERR_BEYOND = N_("Units beyond the exempt limit must count as one of the item's deducting kinds, in the same unit")
ERR_LIMIT_AND_BEYOND = N_("Give both the exempt limit and the kind the units beyond it count as, or neither")
ERR_SCORER = N_("Unknown scorer %(scorer)s: the committee, the secretary or one of the template's scorer groups")
ERR_ENTERED_ONCE = N_("Counts and yes/no answers are entered once per person: let the secretary or one "
                      "named group enter them, not every committee member")
ERR_NO_CHILDREN = N_("A section or group needs at least one item")
ERR_UNREACHABLE = N_("The items add up to at most %(reachable)s, below the %(points)s points of %(code)s")
ERR_SECTIONS_TOTAL = N_("The sections add up to %(total)s points, not the template's full %(full)s")
ERR_NO_SECTIONS = N_("A template needs at least one section")
ERR_QUOTA_BAND = N_("The quota can only limit the highest grade")
ERR_QUOTA_NO_PERCENT = N_("Give the quota as a percentage, or no quota")
ERR_NOT_AN_ITEM = N_("This template has no item %(item)s")
ERR_UNKNOWN_OCCURRENCE = N_("%(item)s counts no occurrence %(kind)s")
ERR_UNKNOWN_FORFEIT = N_("%(finding)s does not forfeit %(item)s")
ERR_UNKNOWN_VETO = N_("This template has no veto %(finding)s")

_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class Name:
    zh: str
    en: str

    def text(self, locale: str = "zh") -> str:
        return self.en if str(locale).lower().startswith("en") else self.zh


@dataclass(frozen=True)
class Finding:
    """A named finding: a forfeiture of one item (有偿家教), a yearly veto (严重赌博), a scorer group."""
    code: str
    name: Name


@dataclass(frozen=True)
class Occurrence:
    """A kind of occurrence counted on a deduction or bonus item: 事假 −2 per day."""
    code: str
    name: Name
    unit: str
    amount: Decimal


@dataclass(frozen=True)
class Exemption:
    """A kind that deducts nothing (婚假 within a week): recorded so the sheet shows it. Units
    beyond `limit` count as the `beyond` kind (the 8th day of 婚假 is 事假); no limit: all free."""
    code: str
    name: Name
    unit: str
    limit: Optional[Decimal] = None
    beyond: Optional[str] = None


@dataclass(frozen=True)
class Band:
    code: str
    name: Name
    minimum: Decimal


@dataclass(frozen=True)
class Item:
    code: str
    name: Name
    kind: str
    points: Optional[Decimal]   # full marks; for a bonus its own cap, None for none
    minimum: Decimal = ZERO     # judged: the lowest score; deduction: the floor
    scorer: str = COMMITTEE
    occurrences: tuple[Occurrence, ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    forfeits: tuple[Finding, ...] = ()
    may_not_apply: bool = False  # e.g. 班主任工作 for someone who is not one
    guidance: Optional[Name] = None

    @property
    def entered_once(self) -> bool:
        """Entered once per person (not weighted), rather than scored by every member."""
        return self.kind != JUDGED or self.scorer == SECRETARY

    @cached_property
    def per_unit(self) -> dict[str, Decimal]:
        return {o.code: o.amount for o in self.occurrences}

    @cached_property
    def units(self) -> dict[str, str]:
        return {o.code: o.unit for o in (*self.occurrences, *self.exemptions)}

    def check_score(self, raw: Any, *, field: str = "value") -> Decimal:
        """A judged score within the item's range, two places at most."""
        return check_score(raw, self.minimum, self.points or ZERO, field=field)

    def check_judged_cell(self, raw: Any, comment: Any = "",
                          below_percent: Optional[Decimal] = COMMENT_BELOW_PERCENT) -> tuple[Decimal, str]:
        """One grid cell: the score in range, and a comment when it is below the setting."""
        value = self.check_score(raw)
        return value, check_score_comment(value, self.points or ZERO, comment, below_percent)

    def check_count(self, kind: str, raw: Any) -> Decimal:
        """A count of one kind: known to the item, in whole units (half days), not negative."""
        if kind not in self.units:
            raise RuleError(ERR_UNKNOWN_OCCURRENCE, field=kind, item=self.code, kind=kind)
        return check_count(raw, self.units[kind], field=kind)

    def check_counts(self, counts: Mapping[str, Any], comment: Any = "") -> tuple[dict[str, Decimal], str]:
        """Counts entered for a person, each checked, and a comment when anything is deducted."""
        checked = {kind: self.check_count(kind, raw) for kind, raw in counts.items()}
        text = folded(comment).strip()
        if self.kind == DEDUCTION and self.score_counts(checked) < (self.points or ZERO):
            text = check_comment(comment, message=ERR_COMMENT_DEDUCTION)
        return checked, text

    def check_answer(self, yes: Any, evidence: Any = "") -> tuple[bool, str]:
        """A yes/no answer; a yes names its evidence (the certificate, the record)."""
        answer = parse_yes_no(yes)
        text = folded(evidence).strip()
        if answer and not text:
            raise RuleError(ERR_EVIDENCE, field="evidence")
        return answer, text

    def check_forfeit(self, finding: str, reason: Any) -> str:
        """A forfeiture of this item: one of its findings, with the reason written down."""
        if finding not in {f.code for f in self.forfeits}:
            raise RuleError(ERR_UNKNOWN_FORFEIT, field="finding", item=self.code, finding=finding)
        return check_comment(reason, message=ERR_REASON_FORFEIT, field="reason")

    def deducting_counts(self, counts: Mapping[str, Decimal]) -> dict[str, Decimal]:
        """The counts with exempt units beyond their limit moved to the kind they count as."""
        moved = dict(counts)
        for exemption in self.exemptions:
            used = moved.get(exemption.code, ZERO)
            if exemption.limit is not None and used > exemption.limit:
                moved[exemption.code] = exemption.limit
                moved[exemption.beyond] = moved.get(exemption.beyond, ZERO) + used - exemption.limit
        return moved

    def score_counts(self, counts: Mapping[str, Decimal]) -> Decimal:
        """A deduction item's points left, or a bonus item's points earned (up to its cap)."""
        if self.kind == DEDUCTION:
            return occurrence_score(self.points, self.deducting_counts(counts), self.per_unit, self.minimum)
        earned = sum((c * self.per_unit[k] for k, c in counts.items() if k in self.per_unit), ZERO)
        return round_half_up(earned if self.points is None else min(earned, self.points))


@dataclass(frozen=True)
class Group:
    """A section (top level: `points` are its full marks) or a group within one (`points` cap
    the sum of its children, applied to the aggregated values)."""
    code: str
    name: Name
    points: Decimal
    children: tuple[Union["Group", Item], ...]


Node = Union[Group, Item]


@dataclass(frozen=True)
class Rubric:
    code: str
    name: Name
    full_points: Decimal
    sections: tuple[Group, ...]
    bands: tuple[Band, ...]
    quota_band: Optional[str] = None
    quota_percent: Optional[Decimal] = None
    vetoes: tuple[Finding, ...] = ()
    scorer_groups: tuple[Finding, ...] = ()
    period: str = "annual"
    source: Optional[Name] = None
    sample: bool = False   # 示例: adjust before use
    notes: tuple[Name, ...] = ()

    def walk(self) -> Iterator[tuple[Optional[Group], Node]]:
        """(parent, node) for every node, depth first in the template's order."""
        stack: list[tuple[Optional[Group], Node]] = [(None, s) for s in reversed(self.sections)]
        while stack:
            parent, node = stack.pop()
            yield parent, node
            if isinstance(node, Group):
                stack.extend((node, c) for c in reversed(node.children))

    @cached_property
    def items(self) -> dict[str, Item]:
        return {n.code: n for _, n in self.walk() if isinstance(n, Item)}

    @cached_property
    def band_pairs(self) -> list[tuple[str, Decimal]]:
        """The scale as `grade()` takes it: (code, minimum) from the highest down."""
        return [(b.code, b.minimum) for b in self.bands]

    def check_veto(self, finding: str, reason: Any) -> str:
        """A veto on a person: one of the template's veto findings, with the reason written down."""
        if finding not in {v.code for v in self.vetoes}:
            raise RuleError(ERR_UNKNOWN_VETO, field="finding", finding=finding)
        return check_comment(reason, message=ERR_REASON_VETO, field="reason")

    def item(self, code: str) -> Item:
        try:
            return self.items[code]
        except KeyError:
            raise RuleError(ERR_NOT_AN_ITEM, field="item", item=code) from None

    def reachable(self, node: Node, excluded: frozenset[str] = frozenset()) -> Optional[Decimal]:
        """The most `node` can give once caps apply; None for no bound (an uncapped bonus, left
        to its group's cap); 0 for items not applicable to the person."""
        if isinstance(node, Item):
            return ZERO if node.code in excluded else node.points
        parts = [self.reachable(c, excluded) for c in node.children]
        if any(p is None for p in parts):
            return node.points
        return min(node.points, sum(parts, ZERO))

    def full_for(self, excluded: frozenset[str] = frozenset()) -> Decimal:
        """The full points of the items applicable to a person (the template's full when all are)."""
        return sum((self.reachable(s, excluded) or ZERO for s in self.sections), ZERO)


# --- Checks ---------------------------------------------------------------------------------------

def _check_code(code: str, field: str) -> None:
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise RuleError(ERR_CODE, field=field)


def _check_name(name: Name, field: str) -> None:
    if not (name and str(name.zh).strip() and str(name.en).strip()):
        raise RuleError(ERR_NAME_MISSING, field=field)


def _check_findings(findings: tuple[Finding, ...], where: str, seen: set[str]) -> None:
    for finding in findings:
        _check_code(finding.code, f"{where}.code")
        if finding.code in seen:
            raise RuleError(ERR_CODE_TWICE, field=f"{where}.code", code=finding.code)
        seen.add(finding.code)
        _check_name(finding.name, f"{finding.code}.name")


def _check_item(item: Item, scorer_groups: set[str]) -> None:
    at = item.code
    if item.kind not in KINDS:
        raise RuleError(ERR_KIND, field=f"{at}.kind", kind=item.kind)
    if item.points is None and item.kind != BONUS:
        raise RuleError(ERR_POINTS_REQUIRED, field=f"{at}.points")
    if item.points is not None and to_points(item.points, field=f"{at}.points") <= 0:
        raise RuleError(ERR_POINTS_POSITIVE, field=f"{at}.points")
    minimum = to_points(item.minimum, field=f"{at}.minimum")
    if item.kind == JUDGED and minimum > item.points:
        raise RuleError(ERR_RANGE, field=f"{at}.minimum")
    if item.kind == DEDUCTION and minimum >= item.points:
        raise RuleError(ERR_FLOOR, field=f"{at}.minimum")
    if item.kind in (BONUS, YES_NO) and minimum:
        raise RuleError(ERR_MINIMUM_ZERO, field=f"{at}.minimum")
    counted = item.kind in (DEDUCTION, BONUS)
    if counted and not item.occurrences:
        raise RuleError(ERR_NO_OCCURRENCES, field=f"{at}.occurrences")
    if not counted and (item.occurrences or item.exemptions):
        raise RuleError(ERR_OCCURRENCES_NOT_COUNTED, field=f"{at}.occurrences")
    if item.kind != DEDUCTION and item.exemptions:
        raise RuleError(ERR_EXEMPTIONS_DEDUCTION, field=f"{at}.exemptions")
    kinds: set[str] = set()
    for entry in (*item.occurrences, *item.exemptions):
        where = f"{at}.{entry.code}"
        _check_code(entry.code, where)
        if entry.code in kinds:
            raise RuleError(ERR_CODE_TWICE, field=where, code=entry.code)
        kinds.add(entry.code)
        _check_name(entry.name, f"{where}.name")
        if entry.unit not in UNIT_STEPS:
            raise RuleError(ERR_UNIT, field=f"{where}.unit", unit=entry.unit)
        if isinstance(entry, Occurrence) and to_points(entry.amount, field=f"{where}.amount") <= 0:
            raise RuleError(ERR_AMOUNT_POSITIVE, field=f"{where}.amount")
        if isinstance(entry, Exemption) and entry.limit is not None:
            check_count(entry.limit, entry.unit, field=f"{where}.limit")
    for exemption in item.exemptions:
        if (exemption.limit is None) != (exemption.beyond is None):
            raise RuleError(ERR_LIMIT_AND_BEYOND, field=f"{at}.{exemption.code}.limit")
        if exemption.beyond is not None and (exemption.beyond not in item.per_unit
                                             or item.units[exemption.beyond] != exemption.unit):
            raise RuleError(ERR_BEYOND, field=f"{at}.{exemption.code}.beyond")
    if item.scorer not in (COMMITTEE, SECRETARY) and item.scorer not in scorer_groups:
        raise RuleError(ERR_SCORER, field=f"{at}.scorer", scorer=item.scorer)
    if item.entered_once and item.scorer == COMMITTEE:
        raise RuleError(ERR_ENTERED_ONCE, field=f"{at}.scorer")
    _check_findings(item.forfeits, f"{at}.forfeits", set())


def check_rubric(rubric: Rubric) -> Rubric:
    """Refuses a template that cannot be scored as written: codes, names, kinds, ranges, caps
    that cannot be reached, sections not adding up to the full points, the grade scale (no
    overlap, no gap) and the quota on the highest grade. Returns the rubric."""
    _check_code(rubric.code, "code")
    _check_name(rubric.name, "name")
    if rubric.period not in PERIODS:
        raise RuleError(ERR_PERIOD, field="period", period=rubric.period)
    full = to_points(rubric.full_points, field="full_points")
    groups: set[str] = set()
    _check_findings(rubric.scorer_groups, "scorer_groups", groups)
    if not rubric.sections:
        raise RuleError(ERR_NO_SECTIONS, field="sections")
    seen: set[str] = set()
    for parent, node in rubric.walk():
        _check_code(node.code, f"{node.code}.code")
        if node.code in seen:
            raise RuleError(ERR_CODE_TWICE, field=f"{node.code}.code", code=node.code)
        seen.add(node.code)
        _check_name(node.name, f"{node.code}.name")
        if parent is None and not isinstance(node, Group):
            raise RuleError(ERR_NO_CHILDREN, field=f"{node.code}.children")
        if isinstance(node, Item):
            _check_item(node, groups)
            continue
        if to_points(node.points, field=f"{node.code}.points") <= 0:
            raise RuleError(ERR_POINTS_POSITIVE, field=f"{node.code}.points")
        if not node.children:
            raise RuleError(ERR_NO_CHILDREN, field=f"{node.code}.children")
    for _, node in rubric.walk():
        if isinstance(node, Item):
            continue
        parts = [rubric.reachable(c) for c in node.children]
        if all(p is not None for p in parts) and sum(parts, ZERO) < node.points:
            raise RuleError(ERR_UNREACHABLE, field=f"{node.code}.points", code=node.code,
                            reachable=sum(parts, ZERO), points=node.points)
    total = rubric.full_for()
    if total != full:
        raise RuleError(ERR_SECTIONS_TOTAL, field="full_points", total=total, full=full)
    band_codes: set[str] = set()
    for band in rubric.bands:
        _check_code(band.code, "bands")
        if band.code in band_codes:
            raise RuleError(ERR_CODE_TWICE, field="bands", code=band.code)
        band_codes.add(band.code)
        _check_name(band.name, "bands")
    check_bands(rubric.band_pairs, full)
    if rubric.quota_band is not None:
        if rubric.quota_band != rubric.bands[0].code:
            raise RuleError(ERR_QUOTA_BAND, field="quota_band")
        if check_percent(rubric.quota_percent, field="quota_percent") is None:
            raise RuleError(ERR_QUOTA_NO_PERCENT, field="quota_percent")
    elif rubric.quota_percent is not None:
        raise RuleError(ERR_QUOTA_BAND, field="quota_band")
    _check_findings(rubric.vetoes, "vetoes", set())
    return rubric

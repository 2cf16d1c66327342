"""Aggregation per item and person (issue 17 point 4). Stdlib only.

Inputs are flat tuples a query can hand over as it reads them (`Score(person, item, group,
value)` is one row of the score table joined to its sheet); `Tally` buckets them per person and
item, checks each against the rubric, and `Tally.result(person)` gives the person's sheet:

1. judged items, within each committee group: the mean of its members' scores, or the trimmed
   mean (one highest and one lowest dropped) when the group has at least `trim_at` scores;
2. then the weighted combination of the groups (weights total 100 %; a group with no scores
   for this person and item has its weight spread over the others in proportion); without
   weights the whole committee is one group;
3. items entered once per person (counts, yes/no, secretary's awards, forfeitures) are not
   weighted; each item's result is rounded half-up to 2 places, once;
4. group and section subtotals are sums of the rounded item results, each capped at its points
   (item, then group, then section); the total is the sum of the sections;
5. a person with items not applicable has the total scaled to the template's full points.

Scores are added up as whole cents in integers: exact (no 7.345 turning into 7.34499), and
fast enough for 360,000 scores (see README.md for the measured time)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from math import lcm
from typing import Any, Hashable, Iterable, Mapping, NamedTuple, Optional

from app.rules import N_, RuleError, parse_yes_no

from .rubric import BONUS, COMMITTEE, DEDUCTION, JUDGED, SECRETARY, YES_NO, Group, Item, Rubric
from .rules import (
    COMMENT_BELOW_PERCENT, ERR_TOO_MANY_PLACES, TRIM_AT_LEAST, ZERO,
    cents_to_decimal, check_percent, check_weights, half_up_cents, to_decimal,
)


class Score(NamedTuple):
    """One committee member's judged score for one person and item; `group` is the member's."""
    person: Hashable
    item: str
    group: str
    value: Decimal


class Count(NamedTuple):
    """Occurrences of one kind on a deduction or bonus item (事假 2 days), entered once."""
    person: Hashable
    item: str
    kind: str
    count: Decimal


class Answer(NamedTuple):
    """A yes/no item's answer for a person (合格学历: yes, with the certificate as evidence)."""
    person: Hashable
    item: str
    yes: bool


class Award(NamedTuple):
    """A judged item entered once, by the secretary, as the committee decided (突出贡献)."""
    person: Hashable
    item: str
    value: Decimal


class Forfeit(NamedTuple):
    """A finding that zeroes one item (有偿家教 on 师风), with the reason written down."""
    person: Hashable
    item: str
    finding: str
    reason: str


class Veto(NamedTuple):
    """A veto finding (一票否决) on a person: the lowest grade whatever the total."""
    person: Hashable
    finding: str
    reason: str


class NotApplicable(NamedTuple):
    person: Hashable
    item: str


ERR_TRIM_AT = N_("Trim from a whole number of scores, at least %(least)s")
ERR_GROUP_MISSING = N_("The template needs the scorer group %(group)s in the committee")
ERR_NOT_IN_ROUND = N_("%(person)s is not among the staff of the round")
ERR_WRONG_GROUP = N_("%(item)s is scored by the %(group)s group only")
ERR_NOT_WEIGHED = N_("Group %(group)s has no weight in this round")
ERR_NOT_JUDGED = N_("%(item)s is not scored by committee members")
ERR_NOT_ENTERED_ONCE = N_("%(item)s is not entered once per person")
ERR_ENTERED_TWICE = N_("%(item)s is entered twice for %(person)s")
ERR_ALWAYS_APPLIES = N_("%(item)s applies to everyone: it cannot be marked not applicable")
ERR_FORFEIT_NOT_APPLICABLE = N_("%(item)s does not apply to %(person)s, so it cannot be forfeited")
ERR_UNSCORED = N_("Nobody has scored %(item)s for %(person)s")
ERR_NOT_AWARDED = N_("%(item)s has not been entered for %(person)s")
ERR_NOTHING_APPLIES = N_("No item of the template applies to %(person)s")


@dataclass(frozen=True)
class RoundSettings:
    """A round's own rules: weights ({group: percent} or None), the trimming threshold, the
    quota for rounds of fewer than five staff graded (None: no quota) and the comment setting."""
    weights: Optional[Mapping[str, Decimal]] = None
    trim_at: int = 5
    small_round_quota: Optional[Decimal] = None
    comment_below_percent: Optional[Decimal] = COMMENT_BELOW_PERCENT


def check_settings(rubric: Rubric, settings: RoundSettings, groups: Iterable[str]) -> RoundSettings:
    """The round's settings against its committee's groups: weights naming every group and
    totalling 100 %, every scorer group the template names present, trimming possible."""
    groups = list(groups)
    weights = check_weights(settings.weights, groups)
    for needed in rubric.scorer_groups:
        if needed.code not in groups:
            raise RuleError(ERR_GROUP_MISSING, field="groups", group=needed.code)
    trim_at = to_decimal(settings.trim_at, field="trim_at")
    if trim_at != trim_at.to_integral_value() or trim_at < TRIM_AT_LEAST:
        raise RuleError(ERR_TRIM_AT, field="trim_at", least=TRIM_AT_LEAST)
    return RoundSettings(weights, int(trim_at), check_percent(settings.small_round_quota, field="small_round_quota"),
                         check_percent(settings.comment_below_percent, field="comment_below_percent"))


def grid_people(staff: Iterable[Hashable], member: Hashable, member_group: str,
                self_group: Optional[str] = None) -> list[Hashable]:
    """Whom a member scores: everyone in scope but themself; in the self group only themself."""
    if self_group is not None and member_group == self_group:
        return [p for p in staff if p == member]
    return [p for p in staff if p != member]


class ItemResult(NamedTuple):
    value: Optional[Decimal]       # None: not applicable to the person
    forfeited: Optional[str] = None  # the finding's code
    reason: str = ""


@dataclass
class PersonResult:
    person: Hashable
    items: dict[str, ItemResult]
    subtotals: dict[str, Decimal]  # each group's and section's value after its cap
    capped: frozenset[str]         # the groups and sections whose cap cut their sum
    raw_total: Decimal             # the sum of the sections
    full: Decimal                  # the full points of the items that apply
    total: Decimal                 # scaled to the template's full points when items do not apply
    scaled: bool = False           # items do not apply and the total was scaled ("shown as such")
    vetoes: tuple[Veto, ...] = field(default=())


def _cents(value: Any, field: str) -> int:
    if type(value) is not Decimal:
        value = to_decimal(value, field=field)
    cents = value * 100
    whole = int(cents)
    if whole != cents:
        raise RuleError(ERR_TOO_MANY_PLACES, field=field)
    return whole


class Tally:
    """Everything entered in a round, bucketed per person and item and checked on the way in."""

    def __init__(self, rubric: Rubric, settings: RoundSettings, staff: Iterable[Hashable]) -> None:
        self.rubric = rubric
        self.staff = set(staff)
        if settings.trim_at < TRIM_AT_LEAST:
            raise RuleError(ERR_TRIM_AT, field="trim_at", least=TRIM_AT_LEAST)
        self.trim_at = settings.trim_at
        weights = check_weights(settings.weights)  # whole hundredths of a percent, totalling 100
        self.weights = None if weights is None else {g: int(w * 100) for g, w in weights.items()}
        # item code -> (lowest, highest in cents, the one group allowed or None)
        self._judged = {i.code: (int(i.minimum * 100), int(i.points * 100),
                                 None if i.scorer == COMMITTEE else i.scorer)
                        for i in rubric.items.values() if i.kind == JUDGED and i.scorer != SECRETARY}
        # (person, item, group) -> [sum, count, lowest, highest] in cents; the groups seen
        self._scores: dict[tuple, list[int]] = {}
        self._groups: list[str] = []
        self._once: dict[tuple, Any] = {}          # (person, item) -> counts dict / bool / Decimal
        self._forfeits: dict[tuple, Forfeit] = {}
        self._vetoes: dict[Hashable, list[Veto]] = {}
        self._excluded: dict[Hashable, set[str]] = {}
        self._full_cache: dict[frozenset, int] = {}

    def _person(self, person: Hashable) -> None:
        if person not in self.staff:
            raise RuleError(ERR_NOT_IN_ROUND, field="person", person=person)

    def _new_bucket(self, person: Hashable, item: str, group: str) -> None:
        """The checks that hold for a whole (person, item, group) bucket, made once for it."""
        spec = self._judged.get(item)
        if spec is None:
            raise RuleError(ERR_NOT_JUDGED, field="item", item=item)
        self._person(person)
        if spec[2] is not None and group != spec[2]:
            raise RuleError(ERR_WRONG_GROUP, field="group", item=item, group=spec[2])
        if self.weights is not None and group not in self.weights:
            raise RuleError(ERR_NOT_WEIGHED, field="group", group=group)
        if group not in self._groups:
            self._groups.append(group)

    def add_scores(self, scores: Iterable[tuple]) -> None:
        # The hot loop of finalising (360,000 scores): the checks of a bucket run when it is
        # first seen, each distinct value is converted to cents once, and the range is checked
        # on each bucket's lowest and highest at the end.
        buckets, cents_of = self._scores, {}
        for person, item, group, value in scores:
            key = (person, item, group)
            try:  # subscripts, not .get(): most lookups hit, and a try costs nothing then
                cents = cents_of[value]
            except KeyError:
                cents = cents_of[value] = _cents(value, item)
            try:
                tally = buckets[key]
            except KeyError:
                self._new_bucket(person, item, group)
                buckets[key] = [cents, 1, cents, cents]
            else:
                tally[0] += cents
                tally[1] += 1
                if cents < tally[2]:
                    tally[2] = cents
                elif cents > tally[3]:
                    tally[3] = cents
        self._check_ranges()

    def add_score_buckets(self, buckets: Iterable[tuple]) -> None:
        """Scores already summed per (person, item, group) — (person, item, group, total cents,
        count, lowest cents, highest cents), as a GROUP BY hands them over — so the database sends
        one row per bucket instead of one per score; the same checks, the same results."""
        tallies = self._scores
        for person, item, group, total, count, lowest, highest in buckets:
            key = (person, item, group)
            tally = tallies.get(key)
            if tally is None:
                self._new_bucket(person, item, group)
                tallies[key] = [int(total), int(count), int(lowest), int(highest)]
            else:
                tally[0] += int(total)
                tally[1] += int(count)
                tally[2] = min(tally[2], int(lowest))
                tally[3] = max(tally[3], int(highest))
        self._check_ranges()

    def _check_ranges(self) -> None:
        judged = self._judged
        for (_, item, _), (_, _, lowest, highest) in self._scores.items():
            low, high, _ = judged[item]
            if lowest < low or highest > high:
                self.rubric.items[item].check_score(cents_to_decimal(lowest if lowest < low else highest), field=item)

    def _once_item(self, person: Hashable, code: str, kinds: tuple[str, ...]) -> Item:
        self._person(person)
        item = self.rubric.item(code)
        if not item.entered_once or item.kind not in kinds:
            raise RuleError(ERR_NOT_ENTERED_ONCE, field="item", item=code)
        return item

    def add_counts(self, counts: Iterable[tuple]) -> None:
        for person, code, kind, count in counts:
            item = self._once_item(person, code, (DEDUCTION, BONUS))
            entered = self._once.setdefault((person, code), {})
            if kind in entered:
                raise RuleError(ERR_ENTERED_TWICE, field=kind, item=code, person=person)
            entered[kind] = item.check_count(kind, count)

    def add_answers(self, answers: Iterable[tuple]) -> None:
        for person, code, yes in answers:
            self._once_item(person, code, (YES_NO,))
            if (person, code) in self._once:
                raise RuleError(ERR_ENTERED_TWICE, field=code, item=code, person=person)
            self._once[(person, code)] = parse_yes_no(yes)

    def add_awards(self, awards: Iterable[tuple]) -> None:
        for person, code, value in awards:
            item = self._once_item(person, code, (JUDGED,))
            if (person, code) in self._once:
                raise RuleError(ERR_ENTERED_TWICE, field=code, item=code, person=person)
            self._once[(person, code)] = item.check_score(value, field=code)

    def add_forfeits(self, forfeits: Iterable[tuple]) -> None:
        for entry in forfeits:
            entry = Forfeit(*entry)
            self._person(entry.person)
            entry = entry._replace(reason=self.rubric.item(entry.item).check_forfeit(entry.finding, entry.reason))
            if (entry.person, entry.item) in self._forfeits:
                raise RuleError(ERR_ENTERED_TWICE, field="finding", item=entry.item, person=entry.person)
            self._forfeits[(entry.person, entry.item)] = entry

    def add_vetoes(self, vetoes: Iterable[tuple]) -> None:
        for entry in vetoes:
            entry = Veto(*entry)
            self._person(entry.person)
            entry = entry._replace(reason=self.rubric.check_veto(entry.finding, entry.reason))
            self._vetoes.setdefault(entry.person, []).append(entry)

    def add_not_applicable(self, marks: Iterable[tuple]) -> None:
        for person, code in marks:
            self._person(person)
            if not self.rubric.item(code).may_not_apply:
                raise RuleError(ERR_ALWAYS_APPLIES, field=code, item=code)
            self._excluded.setdefault(person, set()).add(code)

    # --- results ----------------------------------------------------------------------------------

    def _judged_cents(self, person: Hashable, code: str) -> int:
        pooled = self.weights is None
        trim_at, buckets = self.trim_at, self._scores
        parts = []
        for group in self._groups:
            tally = buckets.get((person, code, group))
            if tally is None:
                continue
            parts.append(tally if pooled else [self.weights[group], *tally])
        if not parts:
            raise RuleError(ERR_UNSCORED, field=code, item=code, person=person)
        if pooled:  # no weights: the committee is one group
            total, n = sum(p[0] for p in parts), sum(p[1] for p in parts)
            if n >= trim_at:
                total -= min(p[2] for p in parts) + max(p[3] for p in parts)
                n -= 2
            return half_up_cents(total, n)
        for part in parts:
            if part[2] >= trim_at:
                part[1] -= part[3] + part[4]
                part[2] -= 2
        if len(parts) == 1:
            return half_up_cents(parts[0][1], parts[0][2])
        # sum(w x mean) / sum(w) over the groups that scored: a missing group's weight is
        # spread over the others in proportion, exactly, as one fraction.
        common = lcm(*(p[2] for p in parts))
        numerator = sum(w * total * (common // n) for w, total, n, _, _ in parts)
        return half_up_cents(numerator, sum(p[0] for p in parts) * common)

    def _item_cents(self, person: Hashable, item: Item) -> int:
        if item.kind == JUDGED and item.scorer != SECRETARY:
            return self._judged_cents(person, item.code)
        entered = self._once.get((person, item.code))
        if item.kind == JUDGED:
            if entered is None:
                if item.minimum:
                    raise RuleError(ERR_NOT_AWARDED, field=item.code, item=item.code, person=person)
                return 0
            return int(entered * 100)
        if item.kind == YES_NO:
            return int(item.points * 100) if entered else 0
        return int(item.score_counts(entered or {}) * 100)

    def _full_cents(self, excluded: frozenset[str]) -> int:
        full = self._full_cache.get(excluded)
        if full is None:
            full = self._full_cache[excluded] = int(self.rubric.full_for(excluded) * 100)
        return full

    def result(self, person: Hashable) -> PersonResult:
        """The person's sheet: item results, capped subtotals, total (scaled), vetoes."""
        self._person(person)
        excluded = frozenset(self._excluded.get(person, ()))
        items: dict[str, ItemResult] = {}
        subtotals: dict[str, Decimal] = {}
        capped: set[str] = set()

        def fold(node: Group | Item) -> int:
            if isinstance(node, Item):
                if node.code in excluded:
                    if (person, node.code) in self._forfeits:
                        raise RuleError(ERR_FORFEIT_NOT_APPLICABLE, field=node.code, item=node.code, person=person)
                    items[node.code] = ItemResult(None)
                    return 0
                forfeit = self._forfeits.get((person, node.code))
                if forfeit is not None:
                    items[node.code] = ItemResult(ZERO, forfeit.finding, forfeit.reason)
                    return 0
                cents = self._item_cents(person, node)
                items[node.code] = ItemResult(cents_to_decimal(cents))
                return cents
            total = sum(fold(child) for child in node.children)
            cap = int(node.points * 100)
            if total > cap:
                capped.add(node.code)
                total = cap
            subtotals[node.code] = cents_to_decimal(total)
            return total

        raw = sum(fold(section) for section in self.rubric.sections)
        full_template = self._full_cents(frozenset())
        full = self._full_cents(excluded) if excluded else full_template
        if full == 0:
            raise RuleError(ERR_NOTHING_APPLIES, field="person", person=person)
        total = raw if full == full_template else half_up_cents(raw * full_template, full)
        return PersonResult(person, items, subtotals, frozenset(capped), cents_to_decimal(raw),
                            cents_to_decimal(full), cents_to_decimal(total), full != full_template,
                            tuple(sorted(self._vetoes.get(person, ()))))


def tally(rubric: Rubric, settings: RoundSettings, staff: Iterable[Hashable], *, scores: Iterable[tuple] = (),
          counts: Iterable[tuple] = (), answers: Iterable[tuple] = (), awards: Iterable[tuple] = (),
          forfeits: Iterable[tuple] = (), vetoes: Iterable[tuple] = (),
          not_applicable: Iterable[tuple] = (), score_buckets: Iterable[tuple] = ()) -> Tally:
    """A Tally with everything added (any order: the results do not depend on it)."""
    t = Tally(rubric, settings, staff)
    t.add_scores(scores)
    t.add_score_buckets(score_buckets)
    t.add_counts(counts)
    t.add_answers(answers)
    t.add_awards(awards)
    t.add_forfeits(forfeits)
    t.add_vetoes(vetoes)
    t.add_not_applicable(not_applicable)
    return t

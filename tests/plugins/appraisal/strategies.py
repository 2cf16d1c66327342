"""Hypothesis strategies: random but valid rubrics (every kind, nested caps, uncapped bonuses,
exempt kinds with limits, forfeits, items that may not apply) and random rounds for them."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from plugins.appraisal.rubric import (
    BONUS, COMMITTEE, DEDUCTION, JUDGED, SECRETARY, YES_NO, Band, Exemption, Finding, Group, Item, Name,
    Occurrence, Rubric, check_rubric,
)
from plugins.appraisal.scoring import Answer, Award, Count, Forfeit, NotApplicable, RoundSettings, Score, Veto

GROUPS = ("leaders", "peers", "office")
NAMED = "office"  # the template's one named scorer group


def cents(low: int, high: int):
    return st.integers(low, high).map(lambda c: Decimal(c).scaleb(-2))


def _name(code: str) -> Name:
    return Name(f"项目{code}", f"Item {code}")


@st.composite
def items(draw, code: str) -> Item:
    kind = draw(st.sampled_from((JUDGED, JUDGED, DEDUCTION, BONUS, YES_NO)))
    forfeits = (Finding("found", Name("查实", "Found")),) if draw(st.booleans()) else ()
    may_not_apply = draw(st.integers(0, 4)) == 0
    if kind == JUDGED:
        points = draw(cents(100, 3000))
        minimum = draw(cents(0, int(points * 100)))
        scorer = draw(st.sampled_from((COMMITTEE, COMMITTEE, NAMED, SECRETARY)))
        return Item(code, _name(code), kind, points, minimum, scorer, forfeits=forfeits, may_not_apply=may_not_apply)
    if kind == YES_NO:
        return Item(code, _name(code), kind, draw(cents(50, 500)), scorer=SECRETARY, forfeits=forfeits,
                    may_not_apply=may_not_apply)
    occurrences = tuple(Occurrence(f"k{i}", Name(f"类{i}", f"Kind {i}"), draw(st.sampled_from(("day", "time"))),
                                   draw(cents(25, 500))) for i in range(draw(st.integers(1, 3))))
    if kind == DEDUCTION:
        points = draw(cents(100, 2000))
        floor = draw(cents(0, int(points * 100) - 1))
        exemptions = ()
        if draw(st.booleans()):
            limit = draw(st.sampled_from([None, Decimal(3)]))
            beyond = "k0" if limit is not None and occurrences[0].unit == "day" else None
            exemptions = (Exemption("free", Name("免扣", "Exempt"), "day", limit if beyond else None, beyond),)
        return Item(code, _name(code), kind, points, floor, draw(st.sampled_from((SECRETARY, NAMED))),
                    occurrences, exemptions, forfeits, may_not_apply)
    cap = draw(st.one_of(st.none(), cents(50, 1000)))
    return Item(code, _name(code), kind, cap, scorer=SECRETARY, occurrences=occurrences, forfeits=forfeits,
                may_not_apply=may_not_apply)


def _reachable(node) -> Decimal | None:
    if isinstance(node, Item):
        return node.points
    parts = [_reachable(c) for c in node.children]
    return node.points if any(p is None for p in parts) else min(node.points, sum(parts))


@st.composite
def groups(draw, code: str, depth: int) -> Group:
    children = []
    for i in range(draw(st.integers(1, 4))):
        child = f"{code}_{i}"
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            children.append(draw(groups(child, depth + 1)))
        else:
            children.append(draw(items(child)))
    parts = [_reachable(c) for c in children]
    if any(p is None for p in parts):
        points = draw(cents(100, 1000))
    else:
        reachable = int(sum(parts) * 100)
        # Mostly the full sum (a section), sometimes a cap that cuts it (较高要求 最高不超过3分).
        points = Decimal(reachable).scaleb(-2) if draw(st.booleans()) else draw(cents(min(reachable, max(100, reachable // 3)), reachable))
    return Group(code, Name(f"组{code}", f"Group {code}"), points, tuple(children))


@st.composite
def rubrics(draw) -> Rubric:
    sections = tuple(draw(groups(f"s{i}", 0)) for i in range(draw(st.integers(1, 3))))
    full = sum(s.points for s in sections)
    top = full * draw(st.sampled_from([Decimal("0.3"), Decimal("0.5"), Decimal("0.7"), Decimal("0.9")]))
    bands = (Band("top", Name("优秀", "Excellent"), top.quantize(Decimal("0.01"))),
             Band("mid", Name("合格", "Qualified"), (top * Decimal("0.6")).quantize(Decimal("0.01"))),
             Band("low", Name("不合格", "Unqualified"), Decimal(0)))
    percent = draw(st.sampled_from([None, Decimal(10), Decimal(20), Decimal("33.33"), Decimal(50)]))
    return check_rubric(Rubric(
        "random", Name("随机", "Random"), full, sections, bands, "top" if percent else None, percent,
        (Finding("veto", Name("否决", "Veto")),), (Finding(NAMED, Name("科室", "Office")),)))


def _count(draw, unit: str) -> Decimal:
    return Decimal(draw(st.integers(0, 8))) / (2 if unit == "day" else 1)


@st.composite
def rounds(draw, rubric: Rubric):
    """(settings, staff, not_graded, entries) for a round on `rubric`, every judged item scored
    for everyone. Staff share a few profiles of entries, so equal totals (ties at the quota
    boundary) are common."""
    staff = [f"p{i}" for i in range(draw(st.sampled_from([1, 3, 5, 6, 8, 10, 12])))]
    profiles = draw(st.sampled_from(sorted({1, 2, max(1, len(staff) // 2), len(staff)})))
    settings = RoundSettings(
        weights=draw(st.sampled_from([None, {"leaders": Decimal(35), "peers": Decimal(50), "office": Decimal(15)}])),
        trim_at=draw(st.integers(3, 6)),
        small_round_quota=draw(st.sampled_from([None, Decimal(50)])))
    made = [_profile(draw, rubric) for _ in range(profiles)]
    entries: dict[str, list] = {kind: [] for kind in made[0]}
    for i, person in enumerate(staff):
        for kind, rows in made[i % profiles].items():
            entries[kind].extend(row._replace(person=person) for row in rows)
    not_graded = [p for p in staff if draw(st.integers(0, 9)) == 0]
    return settings, staff, not_graded, entries


def _profile(draw, rubric: Rubric) -> dict[str, list]:
    person = None
    scores, counts, answers, awards, forfeits, vetoes, na = [], [], [], [], [], [], []
    for item in rubric.items.values():
        if item.may_not_apply and draw(st.integers(0, 2)) == 0:
            na.append(NotApplicable(person, item.code))
        elif item.forfeits and draw(st.integers(0, 5)) == 0:
            forfeits.append(Forfeit(person, item.code, "found", "查实"))
        value = cents(int(item.minimum * 100), int((item.points or 0) * 100)) if item.kind == JUDGED else None
        if item.kind == JUDGED and item.scorer == SECRETARY:
            awards.append(Award(person, item.code, draw(value)))
        elif item.kind == JUDGED:
            allowed = [NAMED] if item.scorer == NAMED else list(GROUPS)
            mine = []
            for group in allowed:
                for _ in range(draw(st.integers(0 if len(allowed) > 1 else 1, 7))):
                    mine.append(Score(person, item.code, group, draw(value)))
            scores.extend(mine or [Score(person, item.code, allowed[0], draw(value))])
        elif item.kind == YES_NO:
            answers.append(Answer(person, item.code, draw(st.booleans())))
        else:
            for kind, unit in item.units.items():
                if draw(st.booleans()):
                    counts.append(Count(person, item.code, kind, _count(draw, unit)))
    if len(na) == len(rubric.items):  # nothing would apply: let one item apply
        na.pop()
    if draw(st.integers(0, 6)) == 0:
        vetoes.append(Veto(person, "veto", "查实"))
    return dict(scores=scores, counts=counts, answers=answers, awards=awards, forfeits=forfeits,
                vetoes=vetoes, not_applicable=na)

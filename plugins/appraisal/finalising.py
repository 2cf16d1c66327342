"""Finalising a round (issue 17 point 5): every total, rank and proposed grade, the 优秀 quota,
who it moved down, a tie at the quota boundary waiting for the Director, and the committee's
own grade with a reason. Stdlib only; the screens store what `finalise` returns.

The order of the decisions:
1. totals per person (`scoring.Tally`), for the staff graded ("not graded" ones are left out
   of everything below, including N);
2. ranks by total, ties sharing a rank (1, 2, 2, 4);
3. the band each total reaches on the template's scale; a veto forces the lowest grade;
4. the quota: at most floor(N x quota %) keep the quota grade (the highest), highest totals
   first; the others fall to the next grade down ("moved down"). When the last place is
   shared by a tie, those tied wait for the Director's decision (`decide_tie`), and the round
   cannot be finalised until then (`RoundResult.waiting`). What comes out is the proposed grade;
5. the committee may set another grade than the proposed one with a reason (`change_grade`),
   never above the lowest for a vetoed person and never past the quota."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Hashable, Iterable, Optional

from app.rules import N_, RuleError, folded

from .rubric import Rubric
from .rules import SMALL_ROUND, grade, quota_limit, ranks
from .scoring import PersonResult, RoundSettings, Tally, tally

ERR_NO_TIE = N_("No tie is waiting for a decision")
ERR_NOT_TIED = N_("Choose among the staff tied at the quota boundary")
ERR_TOO_MANY_CHOSEN = N_("Only %(places)s of the tied staff can keep %(grade)s without passing the quota")
ERR_NOT_GRADED = N_("This person is not graded in this round")
ERR_UNKNOWN_GRADE = N_("This template has no grade %(grade)s")
ERR_REASON_GRADE = N_("Give the committee's reason for a grade other than the proposed one")
ERR_VETO_WINS = N_("A veto holds for this person: the grade can only be %(grade)s")
ERR_QUOTA_FULL = N_("The quota of %(limit)s for %(grade)s is full")
ERR_TIE_WAITING = N_("Decide the tie at the quota boundary first")


@dataclass(frozen=True)
class Standing:
    """One person's place in the round."""
    person: Hashable
    graded: bool
    result: Optional[PersonResult] = None
    rank: Optional[int] = None
    band: Optional[str] = None       # the grade the total reaches on the scale (a veto: the lowest)
    proposed: Optional[str] = None   # the band after the quota and the Director's tie decision;
    grade: Optional[str] = None      # ... and the committee's grade; both None while tied
    moved_down: bool = False         # the quota took the quota grade away
    tied: bool = False               # waiting for (or decided by) the Director at the boundary
    reason: str = ""                 # the committee's reason for a grade other than proposed

    @property
    def total(self):
        return self.result.total if self.result else None

    @property
    def vetoed(self) -> bool:
        return bool(self.result and self.result.vetoes)


@dataclass(frozen=True)
class QuotaTie:
    """Staff with the same total at the quota boundary: `places` of them may keep the grade."""
    total: Decimal
    candidates: tuple[Hashable, ...]
    places: int
    chosen: Optional[tuple[Hashable, ...]] = None   # the Director's decision, once made


@dataclass(frozen=True)
class RoundResult:
    standings: dict[Hashable, Standing]
    graded: int                       # N: the staff graded
    quota_grade: Optional[str]
    quota_percent: Optional[Decimal]  # the percentage that applied (the small-round setting below 5)
    quota_limit: Optional[int]        # None: no quota
    moved_down: tuple[Hashable, ...] = ()
    tie: Optional[QuotaTie] = None
    lowest: str = ""
    next_down: str = ""

    @property
    def waiting(self) -> bool:
        """A tie at the boundary waits for the Director: the round cannot be finalised yet."""
        return self.tie is not None and self.tie.chosen is None

    def holding(self, code: Optional[str]) -> list[Hashable]:
        return [p for p, s in self.standings.items() if s.grade is not None and s.grade == code]

    def ranked(self) -> list[Standing]:
        """The graded staff by rank (ties in the order the staff were given), then the others."""
        order = {p: i for i, p in enumerate(self.standings)}
        return sorted(self.standings.values(),
                      key=lambda s: (s.rank is None, s.rank or 0, order[s.person]))


def grade_round(rubric: Rubric, settings: RoundSettings, marks: Tally,
              staff: Iterable[Hashable], not_graded: Iterable[Hashable] = ()) -> RoundResult:
    """Steps 1–4 of the module's order on a filled Tally."""
    staff = list(dict.fromkeys(staff))
    skipped = set(not_graded)
    results = {p: marks.result(p) for p in staff if p not in skipped}
    places = ranks({p: r.total for p, r in results.items()})
    bands = rubric.band_pairs
    banded = {p: grade(r.total, bands, veto=bool(r.vetoes)) for p, r in results.items()}

    top, n = rubric.quota_band, len(results)
    percent = limit = None
    if top is not None:
        percent = settings.small_round_quota if n < SMALL_ROUND else rubric.quota_percent
        limit = quota_limit(n, rubric.quota_percent, settings.small_round_quota)
    final: dict[Hashable, Optional[str]] = dict(banded)
    moved: list[Hashable] = []
    tie = None
    next_down = bands[1][0]
    candidates = sorted((p for p, g in banded.items() if g == top), key=lambda p: -results[p].total)
    if limit is not None and len(candidates) > limit:
        boundary = results[candidates[limit]].total   # the first total that does not fit
        above = [p for p in candidates if results[p].total > boundary]
        at = [p for p in candidates if results[p].total == boundary]
        open_places = limit - len(above)
        for p in candidates:
            if results[p].total < boundary or (results[p].total == boundary and not open_places):
                final[p] = next_down
                moved.append(p)
        if open_places:
            tie = QuotaTie(boundary, tuple(at), open_places)
            for p in at:
                final[p] = None
    tied = set(tie.candidates) if tie else set()
    moved_set = set(moved)
    out = {}
    for p in staff:
        if p in skipped:
            out[p] = Standing(p, graded=False)
        else:
            out[p] = Standing(p, True, results[p], places[p], banded[p], final[p], final[p], p in moved_set, p in tied)
    return RoundResult(out, n, top, percent, limit, tuple(moved), tie, bands[-1][0], next_down)


def finalise(rubric: Rubric, settings: RoundSettings, staff: Iterable[Hashable], *,
             not_graded: Iterable[Hashable] = (), **entries: Iterable[tuple]) -> RoundResult:
    """Every total, rank and grade of a round from what was entered (see `scoring.tally` for the
    kinds of `entries`). Check `waiting` before storing: a tie needs `decide_tie` first."""
    staff = list(staff)
    return grade_round(rubric, settings, tally(rubric, settings, staff, **entries), staff, not_graded)


def decide_tie(result: RoundResult, chosen: Iterable[Hashable]) -> RoundResult:
    """The Director's decision at the boundary: who of the tied keeps the quota grade (at most
    the open places; none is a decision too). The others are moved down."""
    tie = result.tie
    if tie is None or tie.chosen is not None:
        raise RuleError(ERR_NO_TIE, field="chosen")
    chosen = tuple(dict.fromkeys(chosen))
    if any(p not in tie.candidates for p in chosen):
        raise RuleError(ERR_NOT_TIED, field="chosen")
    if len(chosen) > tie.places:
        raise RuleError(ERR_TOO_MANY_CHOSEN, field="chosen", places=tie.places, grade=result.quota_grade)
    standings_ = dict(result.standings)
    moved = list(result.moved_down)
    for p in tie.candidates:
        keeps = p in chosen
        decided = result.quota_grade if keeps else result.next_down
        standings_[p] = replace(standings_[p], proposed=decided, grade=decided, moved_down=not keeps)
        if not keeps:
            moved.append(p)
    return replace(result, standings=standings_, moved_down=tuple(moved), tie=replace(tie, chosen=chosen))


def change_grade(result: RoundResult, rubric: Rubric, person: Hashable, new_grade: str,
                 reason: str) -> RoundResult:
    """The committee's grade instead of the proposed one, with its reason (audited by the
    caller). A veto still wins and the quota is still never passed."""
    standing = result.standings.get(person)
    if standing is None or not standing.graded:
        raise RuleError(ERR_NOT_GRADED, field="person")
    if result.waiting and standing.tied:
        raise RuleError(ERR_TIE_WAITING, field="grade")
    if new_grade not in {b.code for b in rubric.bands}:
        raise RuleError(ERR_UNKNOWN_GRADE, field="grade", grade=new_grade)
    text = folded(reason).strip()
    if new_grade != standing.proposed and not text:
        raise RuleError(ERR_REASON_GRADE, field="reason")
    if standing.vetoed and new_grade != result.lowest:
        raise RuleError(ERR_VETO_WINS, field="grade", grade=result.lowest)
    if (new_grade == result.quota_grade and standing.grade != new_grade and result.quota_limit is not None
            and len(result.holding(new_grade)) + (result.tie.places if result.waiting else 0)
            >= result.quota_limit):
        raise RuleError(ERR_QUOTA_FULL, field="grade", limit=result.quota_limit, grade=new_grade)
    standings_ = dict(result.standings)
    standings_[person] = replace(standing, grade=new_grade, reason=text)
    return replace(result, standings=standings_)

"""Scores summed per (person, item, group) by the database give the same round as the scores one
by one (closing.submitted_scores hands the tally buckets, not 360,000 rows)."""
from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

from plugins.appraisal.finalising import finalise
from plugins.appraisal.scoring import RoundSettings
from tests.plugins.appraisal.volume import volume_rubric


def _round(seed):
    rng = random.Random(seed)
    rubric = volume_rubric()
    staff = list(range(1, 31))
    judged = [c for c, i in rubric.items.items() if i.kind == "judged"]
    scores = [(p, code, group, Decimal(rng.randrange(50, 201)).scaleb(-2))
              for p in staff for code in judged for group, n in (("leaders", 3), ("peers", rng.choice((2, 5))))
              for _ in range(n)]
    return rubric, staff, scores


def _buckets(scores):
    acc = defaultdict(list)
    for p, item, group, value in scores:
        acc[(p, item, group)].append(int(value * 100))
    return [(*key, sum(v), len(v), min(v), max(v)) for key, v in acc.items()]


def test_buckets_and_single_scores_give_the_same_round():
    for seed in range(5):
        rubric, staff, scores = _round(seed)
        for settings in (RoundSettings(), RoundSettings(weights={"leaders": Decimal(35), "peers": Decimal(65)})):
            one = finalise(rubric, settings, staff, scores=scores)
            many = finalise(rubric, settings, staff, score_buckets=_buckets(scores))
            assert {p: (s.total, s.rank, s.grade) for p, s in one.standings.items()} == \
                   {p: (s.total, s.rank, s.grade) for p, s in many.standings.items()}
            halves = finalise(rubric, settings, staff, scores=scores[::2], score_buckets=_buckets(scores[1::2]))
            assert {p: s.total for p, s in halves.standings.items()} == {p: s.total for p, s in one.standings.items()}

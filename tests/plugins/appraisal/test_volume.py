"""Finalising at issue 17 point 14's volume (1,000 staff x 40 items x 9 scorers = 360,000
scores): the results hold the round's rules at that size. How long it takes is measured by
`python -m tests.plugins.appraisal.volume` and the bench, never asserted here (a shared machine
makes a timed test fail for reasons of its own)."""
from __future__ import annotations

import pytest

from plugins.appraisal.finalising import finalise

from .volume import STAFF, volume_round


@pytest.mark.slow
def test_finalising_a_thousand_staff_holds_the_rules_at_that_size():
    rubric, settings, staff, entries = volume_round()
    result = finalise(rubric, settings, staff, **entries)
    assert result.graded == STAFF and result.quota_limit == STAFF // 5
    assert len(result.holding("excellent")) + (result.tie.places if result.waiting else 0) <= result.quota_limit
    vetoed = {v.person for v in entries["vetoes"]}
    assert all(result.standings[p].grade == "unqualified" for p in vetoed)
    assert sum(1 for s in result.standings.values() if s.result.scaled) <= 100
    assert result.moved_down  # the generated round has more 优秀 than the 20 % quota allows

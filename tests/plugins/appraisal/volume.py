"""A round at issue 17 point 14's volume, for timing the pure computation of finalising:
1,000 staff x 40 judged items x 9 scorers (3 leaders 35 %, 5 peers 50 %, 1 self 15 %) = 360,000
scores, plus attendance counts, yes/no answers, a few forfeitures, vetoes and not-applicable
items. `python -m tests.plugins.appraisal.volume` prints the median and p90 of finalising it.

The storing half of the ≤ 3 s target belongs to the plugin's bench (tests/plugins/appraisal/
bench.py, once the plugin has models); this measures what is left of the budget."""
from __future__ import annotations

import os
import random
import statistics
import sys
import time
from decimal import Decimal

from plugins.appraisal.finalising import finalise
from plugins.appraisal.rubric import (
    COMMITTEE, DEDUCTION, JUDGED, SECRETARY, YES_NO, Band, Finding, Group, Item, Name, Occurrence, Rubric,
    check_rubric,
)
from plugins.appraisal.scoring import Answer, Count, Forfeit, NotApplicable, RoundSettings, Score, Veto

STAFF, ITEMS = 1000, 40
GROUPS = {"leaders": 3, "peers": 5, "self": 1}
WEIGHTS = {"leaders": Decimal(35), "peers": Decimal(50), "self": Decimal(15)}


def volume_rubric() -> Rubric:
    """Five sections of eight judged items, 2 points each (0.5–2), plus the once-entered items
    of a real template: attendance, two yes/no certificates, and a forfeit on the first item."""
    sections = []
    for s in range(5):
        items = tuple(Item(f"s{s}_i{i}", Name(f"项{s}-{i}", f"Item {s}-{i}"), JUDGED, Decimal(2), Decimal("0.5"),
                           COMMITTEE, forfeits=(Finding("found", Name("查实", "Found")),) if i == 0 else (),
                           may_not_apply=(i == 7))
                      for i in range(8))
        sections.append(Group(f"s{s}", Name(f"部分{s}", f"Section {s}"), Decimal(16), items))
    sections.append(Group("once", Name("出勤与证书", "Attendance and certificates"), Decimal(20), (
        Item("attendance", Name("出勤", "Attendance"), DEDUCTION, Decimal(10), scorer=SECRETARY, occurrences=(
            Occurrence("personal_leave", Name("事假", "Personal leave"), "day", Decimal(2)),
            Occurrence("late_or_early", Name("迟到早退", "Late"), "time", Decimal(1)))),
        Item("cert_a", Name("证书甲", "Certificate A"), YES_NO, Decimal(5), scorer=SECRETARY),
        Item("cert_b", Name("证书乙", "Certificate B"), YES_NO, Decimal(5), scorer=SECRETARY),
    )))
    return check_rubric(Rubric(
        "volume", Name("容量测试", "Volume"), Decimal(100), tuple(sections),
        (Band("excellent", Name("优秀", "Excellent"), Decimal(90)), Band("qualified", Name("合格", "Qualified"), Decimal(60)),
         Band("unqualified", Name("不合格", "Unqualified"), Decimal(0))),
        "excellent", Decimal(20), (Finding("accident", Name("重大事故", "Serious accident")),)))


def volume_round(seed: int = 17):
    """(rubric, settings, staff, entries) for `finalise(rubric, settings, staff, **entries)`."""
    rng = random.Random(seed)
    rubric = volume_rubric()
    staff = list(range(1, STAFF + 1))
    judged = [code for code, item in rubric.items.items() if item.kind == JUDGED]
    cents = [Decimal(c).scaleb(-2) for c in range(50, 201)]  # 0.50 .. 2.00
    scores = []
    for person in staff:
        skill = rng.random()
        for code in judged:
            for group, members in GROUPS.items():
                for _ in range(members):
                    scores.append(Score(person, code, group,
                                        cents[min(150, max(0, int(rng.gauss(75 + skill * 80, 20))))]))
    rng.shuffle(scores)  # a database hands them over in no particular order
    counts = [Count(p, "attendance", "personal_leave", Decimal(rng.choice([0, 0, 0, 1, 2]))) for p in staff] + \
             [Count(p, "attendance", "late_or_early", Decimal(rng.choice([0, 0, 1, 3]))) for p in staff]
    answers = [Answer(p, code, rng.random() < 0.8) for p in staff for code in ("cert_a", "cert_b")]
    forfeits = [Forfeit(p, "s0_i0", "found", "查实") for p in rng.sample(staff, 5)]
    vetoes = [Veto(p, "accident", "事故责任人") for p in rng.sample(staff, 3)]
    not_applicable = [NotApplicable(p, f"s{rng.randrange(5)}_i7") for p in rng.sample(staff, 100)]
    entries = dict(scores=scores, counts=counts, answers=answers, forfeits=forfeits, vetoes=vetoes,
                   not_applicable=not_applicable)
    return rubric, RoundSettings(weights=WEIGHTS), staff, entries


def time_finalise(repeat: int = 5) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds) of each run; on a shared machine the CPU time is the steadier."""
    rubric, settings, staff, entries = volume_round()
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        finalise(rubric, settings, staff, **entries)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def _p90(runs: list[float]) -> float:
    runs = sorted(runs)
    return runs[min(len(runs) - 1, round(0.9 * (len(runs) - 1)))]


if __name__ == "__main__":
    wall, cpu = time_finalise(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
    print(f"finalise {STAFF} staff x {ITEMS} items x {sum(GROUPS.values())} scorers "
          f"({STAFF * ITEMS * sum(GROUPS.values()):,} scores), {len(wall)} runs: "
          f"wall median {statistics.median(wall):.3f} s, p90 {_p90(wall):.3f} s; "
          f"CPU median {statistics.median(cpu):.3f} s, p90 {_p90(cpu):.3f} s; "
          f"load average {os.getloadavg()[0]:.2f}")

"""Closing a round (issue 17 point 5): every total, rank and proposed grade from the submitted
sheets and the entries, the Director's tie decision and the committee's grade changes, and
finalising — the figures stored in one statement, then the once-only transition that locks them."""
from __future__ import annotations

import json

from sqlalchemy import Integer, cast, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from app.audit import audit_job
from app.rules import N_, RuleError
from app.workflow import transition

from . import finalising
from .entries import entries_of
from .models import (CLOSED, SUBMITTED, AppraisalGradeChange, AppraisalMember, AppraisalResult, AppraisalRound,
                     AppraisalScore, AppraisalSheet)
from .services import ERR_NOT_CLOSED, round_staff_ids, rubric_of, settings_of

ERR_FINALISED_MEANWHILE = N_("Not done: the round was finalised meanwhile")


# --- finalising -----------------------------------------------------------------------------------------

def submitted_scores(session, round_id: int):
    """The submitted sheets' scores summed per (person, item, group) in the database — total,
    count, lowest and highest in whole cents — so a round of 360,000 scores sends 80,000 rows
    of integers (the tally's buckets: the trimmed mean needs nothing else)."""
    score, sheet, member = AppraisalScore.__table__.c, AppraisalSheet.__table__.c, AppraisalMember.__table__.c
    cents = cast(func.round(score.value * 100), Integer)
    stmt = (select(score.staff_id, score.item, member.group, func.sum(cents), func.count(), func.min(cents),
                   func.max(cents))
            .select_from(AppraisalScore.__table__.join(AppraisalSheet.__table__, score.sheet_id == sheet.id)
                         .join(AppraisalMember.__table__, sheet.member_id == member.id))
            .where(sheet.round_id == round_id, sheet.status == SUBMITTED)
            .group_by(score.staff_id, score.item, member.group))
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # 80,000 groups do not fit PostgreSQL's default 4 MB work_mem: the hash aggregate spilled
        # 11 MB to disk in 5 batches; in memory it ran in 440-520 ms instead of 590-690 ms
        # (EXPLAIN ANALYZE, alternating runs on a busy machine). For this transaction only.
        conn.execute(text("SET LOCAL work_mem = '64MB'"))
    return conn.execute(stmt)


def compute(session, rnd: AppraisalRound) -> finalising.RoundResult:
    """Every total, rank and proposed grade; the Director's tie decision and the committee's grade
    changes applied when they are there."""
    rubric, settings = rubric_of(rnd), settings_of(rnd)
    staff = round_staff_ids(session, rnd.id)
    graded = set(round_staff_ids(session, rnd.id, graded_only=True))
    result = finalising.finalise(rubric, settings, staff, not_graded=[p for p in staff if p not in graded],
                                 score_buckets=submitted_scores(session, rnd.id), **entries_of(session, rnd.id))
    if result.waiting and rnd.tie_decision is not None:
        result = finalising.decide_tie(result, json.loads(rnd.tie_decision))
    for staff_id, grade, reason in session.execute(select(
            AppraisalGradeChange.staff_id, AppraisalGradeChange.grade, AppraisalGradeChange.reason)
            .where(AppraisalGradeChange.round_id == rnd.id)):
        if staff_id in result.standings:
            result = finalising.change_grade(result, rubric, staff_id, grade, reason)
    return result


def decide_tie(session, round_id: int, chosen: list[int]) -> None:
    rnd = session.get(AppraisalRound, round_id)
    if rnd.status != CLOSED:
        raise RuleError(ERR_NOT_CLOSED, field="chosen")
    rnd.tie_decision = None
    result = compute(session, rnd)
    finalising.decide_tie(result, chosen)   # checks the choice
    rnd.tie_decision = json.dumps(sorted(set(int(c) for c in chosen)))
    session.flush()


def change_grade(session, round_id: int, staff_id: int, grade: str, reason: str) -> None:
    rnd = session.get(AppraisalRound, round_id)
    if rnd.status != CLOSED:
        raise RuleError(ERR_NOT_CLOSED, field="grade")
    session.execute(delete(AppraisalGradeChange).where(AppraisalGradeChange.round_id == round_id,
                                                       AppraisalGradeChange.staff_id == staff_id))
    result = compute(session, rnd)
    result = finalising.change_grade(result, rubric_of(rnd), staff_id, grade, reason)
    session.add(AppraisalGradeChange(round_id=round_id, staff_id=staff_id, grade=grade,
                                     reason=result.standings[staff_id].reason))
    session.flush()


def _item_json(items) -> str:
    return json.dumps({code: [None if r.value is None else str(r.value), r.forfeited, r.reason]
                       for code, r in items.items()}, ensure_ascii=False, separators=(",", ":"))


def finalise_round(session, round_id: int, user=None):
    """Compute, store every figure (one statement), then the once-only transition that locks it."""
    # The round's row first, locked on PostgreSQL: a second finaliser waits here, then sees it moved on.
    rnd = session.execute(select(AppraisalRound).where(AppraisalRound.id == round_id).with_for_update()
                          .execution_options(populate_existing=True)).scalar_one()
    if rnd.status != CLOSED:
        transition(session, AppraisalRound, round_id, "finalise", user=user)  # says why (moved on)
    result = compute(session, rnd)
    if result.waiting:
        raise RuleError(finalising.ERR_TIE_WAITING, field="tie")
    rows = []
    for s in result.standings.values():
        r = s.result
        rows.append(dict(round_id=round_id, staff_id=s.person, graded=s.graded,
                         total=r.total if r else None, raw_total=r.raw_total if r else None,
                         full=r.full if r else None, scaled=bool(r and r.scaled), rank=s.rank, band=s.band,
                         proposed=s.proposed, grade=s.grade, moved_down=s.moved_down, tied=s.tied,
                         vetoed=s.vetoed, reason=s.reason or None, items=_item_json(r.items) if r else None))
    try:
        with audit_job(session, "appraisal_finalise", round_id=round_id, results=len(rows), graded=result.graded,
                       quota_limit=result.quota_limit, moved_down=len(result.moved_down)):
            session.execute(delete(AppraisalResult).where(AppraisalResult.round_id == round_id))
            if rows:
                session.execute(insert(AppraisalResult), rows)
    except IntegrityError:  # SQLite: another finaliser stored them meanwhile
        raise RuleError(ERR_FINALISED_MEANWHILE, field="status") from None
    return transition(session, AppraisalRound, round_id, "finalise", user=user)

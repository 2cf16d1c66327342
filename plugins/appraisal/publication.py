"""The verbs of issue 18: publishing a finalised round, filing and answering appeals (申诉),
reopening one person's result (core keeps the earlier content as a version), correcting it,
re-finalising it with the round's quota checked again and republishing it; choosing the best
service stars. Rules are in appeal_rules.py; states change only through core's workflow; the
caller commits, or rolls back on a RuleError (nothing half-saved)."""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Optional

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.periods import local_date, local_today
from app.rules import RuleError
from app.workflow import transition

from . import appeal_rules as rules
from .models import (ANSWERED, FINAL, FINALISED, OPEN, PUBLISHED, REOPENED, AppraisalAppeal,
                     AppraisalCorrection, AppraisalResult, AppraisalRound, AppraisalStar)
from .rules import quota_limit
from .services import rubric_of

APPEAL_DAYS = "appraisal_appeal_days"
PUBLIC_ALL = "appraisal_public_all_grades"


def setting(key: str):
    return current_app.extensions["houqin_settings"].get(key)


# --- guards ----------------------------------------------------------------------------------------

def may_publish(rnd: AppraisalRound, ctx) -> None:
    if rnd.status != FINALISED:
        raise RuleError(rules.ERR_NOT_FINALISED, field="publication")


def may_reopen(result: AppraisalResult, ctx) -> None:
    rnd = ctx.session.get(AppraisalRound, result.round_id)
    if rnd.publication != PUBLISHED:
        raise RuleError(rules.ERR_NOT_PUBLISHED, field="state")


# --- publishing ------------------------------------------------------------------------------------

def publish_round(session, round_id: int, user=None):
    """One conditional UPDATE of the round: every stored result becomes visible to its person."""
    return transition(session, AppraisalRound, round_id, "publish", user=user)


def published_day(rnd: AppraisalRound, result: AppraisalResult):
    """The local day the person's result was (re)published, or None while it is not."""
    if rnd.publication != PUBLISHED or result.state != FINAL:
        return None
    return local_date(result.republished_at or rnd.published_at)


def was_reopened(result: AppraisalResult) -> bool:
    """Reopened at least once: under review now, or republished since. Only a reopen makes core keep
    a version of a result, so a result never reopened has no earlier versions to read."""
    return result.state != FINAL or result.republished_at is not None


def appeal_deadline(rnd, result):
    day = published_day(rnd, result)
    return None if day is None else rules.appeal_deadline(day, int(setting(APPEAL_DAYS)))


# --- appeals ---------------------------------------------------------------------------------------

def file_appeal(session, result_id: int, staff_id: int, user, text) -> AppraisalAppeal:
    """The person's appeal on their own published result, within the window; one open at a time
    (the partial unique index keeps two concurrent ones out too)."""
    result = session.get(AppraisalResult, result_id)
    if result is None or result.staff_id != staff_id:
        raise RuleError(rules.ERR_APPEAL_NOT_PUBLISHED, field="result")
    rnd = session.get(AppraisalRound, result.round_id)
    waiting = session.execute(select(func.count(AppraisalAppeal.id)).where(
        AppraisalAppeal.result_id == result_id, AppraisalAppeal.status == OPEN)).scalar()
    body = rules.check_appeal(local_today(), published_day(rnd, result), int(setting(APPEAL_DAYS)), waiting, text)
    appeal = AppraisalAppeal(round_id=rnd.id, result_id=result_id, staff_id=staff_id, text=body, status=OPEN,
                             filed_by_id=getattr(user, "id", None))
    try:
        with session.begin_nested():   # a second appeal filed at the same moment: the partial unique index
            session.add(appeal)
            session.flush()
    except IntegrityError:
        raise RuleError(rules.ERR_APPEAL_OPEN, field="text") from None
    return appeal


def answer_appeal(session, appeal_id: int, answer, user=None):
    return transition(session, AppraisalAppeal, appeal_id, "answer", user=user, reason=answer)


def mark_read(session, staff_id: int) -> None:
    """The person has seen their answers: they leave the to-do list."""
    from app.models.base import utcnow

    session.execute(update(AppraisalAppeal).where(AppraisalAppeal.staff_id == staff_id,
                                                  AppraisalAppeal.status == ANSWERED,
                                                  AppraisalAppeal.read_at.is_(None))
                    .values(read_at=utcnow()).execution_options(synchronize_session=False))


# --- one person's result reopened -----------------------------------------------------------------

def reopen_result(session, result_id: int, reason, user=None):
    return transition(session, AppraisalResult, result_id, "reopen", user=user, reason=reason)


def correct_item(session, result_id: int, item: str, value, reason) -> None:
    result = session.get(AppraisalResult, result_id)
    if result is None or result.state != REOPENED:
        raise RuleError(rules.ERR_NOT_REOPENED, field="value")
    rnd = session.get(AppraisalRound, result.round_id)
    spec = rubric_of(rnd).item(item)
    stored = json.loads(result.items or "{}").get(item)
    checked, text = rules.check_correction(spec, value, reason, applies=stored is not None and stored[0] is not None)
    session.execute(delete(AppraisalCorrection).where(AppraisalCorrection.result_id == result_id,
                                                      AppraisalCorrection.item == item))
    session.add(AppraisalCorrection(result_id=result_id, item=item, value=checked, reason=text))
    session.flush()


def corrections_of(session, result_id: int) -> dict[str, tuple[Decimal, str]]:
    return {i: (v, r) for i, v, r in session.execute(select(
        AppraisalCorrection.item, AppraisalCorrection.value, AppraisalCorrection.reason)
        .where(AppraisalCorrection.result_id == result_id))}


def refinalise_result(session, result_id: int, user=None, grade: Optional[str] = None, reason="") -> AppraisalResult:
    """The corrected items summed again with the caps, the rank among the round's totals, the grade
    from the scale with the round's quota checked again (the others as published), then the
    transition that locks it until it is republished."""
    result = session.get(AppraisalResult, result_id)
    if result is None or result.state != REOPENED:
        raise RuleError(rules.ERR_NOT_REOPENED, field="state")
    rnd = session.get(AppraisalRound, result.round_id)
    rubric = rubric_of(rnd)
    stored = json.loads(result.items or "{}")
    fixes = corrections_of(session, result_id)
    values = {code: (None if v is None else Decimal(v)) for code, (v, _f, _r) in stored.items()}
    for code, (value, _why) in fixes.items():
        values[code] = value
    subtotals, raw, full, total, scaled = rules.retotal(rubric, values)
    others = session.execute(select(AppraisalResult.total, AppraisalResult.grade, AppraisalResult.graded)
                             .where(AppraisalResult.round_id == rnd.id, AppraisalResult.id != result_id)).all()
    graded_n = sum(1 for _t, _g, graded in others if graded) + (1 if result.graded else 0)
    limit = None
    if rubric.quota_band is not None:
        limit = quota_limit(graded_n, rubric.quota_percent, rnd.small_round_quota)
    holders = sum(1 for _t, g, _gr in others if g == rubric.quota_band)
    band, proposed, new_grade, moved, why = rules.regrade(rubric, total, result.vetoed, holders=holders, limit=limit,
                                                          chosen=grade, reason=reason)
    items = {code: [None if values[code] is None else str(values[code]),
                    None if code in fixes else f, fixes[code][1] if code in fixes else r]
             for code, (_v, f, r) in stored.items()}
    result.items = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    result.total, result.raw_total, result.full, result.scaled = total, raw, full, scaled
    result.rank = rules.rank_among(total, [t for t, _g, graded in others if graded])
    result.band, result.proposed, result.grade, result.moved_down = band, proposed, new_grade, moved
    result.tied = False
    result.reason = why or None
    session.flush()
    transition(session, AppraisalResult, result_id, "refinalise", user=user)
    return result


def republish_result(session, result_id: int, user=None):
    return transition(session, AppraisalResult, result_id, "republish", user=user)


# --- best service stars ---------------------------------------------------------------------------

def set_stars(session, round_id: int, staff_ids: list[int]) -> None:
    """最佳服务星: chosen among the round's graded results, replacing the earlier choice."""
    rnd = session.get(AppraisalRound, round_id)
    if rnd is None or rnd.status != FINALISED:
        raise RuleError(rules.ERR_NOT_FINALISED, field="stars")
    known = set(session.execute(select(AppraisalResult.staff_id).where(
        AppraisalResult.round_id == round_id, AppraisalResult.graded.is_(True))).scalars())
    chosen = [s for s in dict.fromkeys(staff_ids) if s in known]
    have = set(session.execute(select(AppraisalStar.staff_id).where(AppraisalStar.round_id == round_id)).scalars())
    for star in session.execute(select(AppraisalStar).where(AppraisalStar.round_id == round_id,
                                                            AppraisalStar.staff_id.not_in(chosen))).scalars():
        session.delete(star)
    for s in chosen:
        if s not in have:
            session.add(AppraisalStar(round_id=round_id, staff_id=s))
    session.flush()


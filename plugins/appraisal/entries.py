"""What is entered once per person (issue 17 point 4): counts of occurrences, yes/no answers with
evidence, judged awards, forfeitures and vetoes with their reasons, items not applicable — by the
round's secretary or by the group the item names; not weighted."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, select

from app.rules import RuleError

from .models import (ANSWER, AWARD, CLOSED, COUNT, FINALISED, FORFEIT, NOT_APPLICABLE, OPEN, VETO, AppraisalEntry,
                     AppraisalMember, AppraisalRound)
from .rubric import COMMITTEE, SECRETARY
from .services import (ERR_NOT_IN_GRID, ERR_NOT_OPEN, ERR_NOT_SECRETARY, ERR_ROUND_FINALISED, round_staff_ids,
                       rubric_of)


# --- entered once per person (the secretary, or the named group) --------------------------------------

def may_enter(session, rnd: AppraisalRound, user, item_scorer: str) -> None:
    if user is None or rnd.secretary_id == user.id:
        return
    if item_scorer not in (COMMITTEE, SECRETARY):
        group = session.execute(select(AppraisalMember.group).where(
            AppraisalMember.round_id == rnd.id, AppraisalMember.user_id == user.id)).scalar()
        if group == item_scorer:
            return
    raise RuleError(ERR_NOT_SECRETARY, field="item")


def save_entries(session, round_id: int, user, staff_id: int, item: str, form: dict) -> None:
    """Replace what is entered for (person, item): counts per kind with a comment, a yes/no with
    evidence, an award, a forfeiture with its reason, not applicable. Round open or closed."""
    rnd = session.get(AppraisalRound, round_id)
    if rnd.status == FINALISED:
        raise RuleError(ERR_ROUND_FINALISED, field="item")
    if rnd.status not in (OPEN, CLOSED):
        raise RuleError(ERR_NOT_OPEN, field="item")
    rubric = rubric_of(rnd)
    spec = rubric.item(item)
    if staff_id not in round_staff_ids(session, round_id):
        raise RuleError(ERR_NOT_IN_GRID, field="staff")
    rows = []
    forfeit = (form.get("forfeit") or "").strip()
    if forfeit:
        reason = spec.check_forfeit(forfeit, form.get("forfeit_reason"))
        rows.append(dict(kind=FORFEIT, code=forfeit, text=reason))
    if spec.may_not_apply and form.get("not_applicable"):
        rows.append(dict(kind=NOT_APPLICABLE, code=""))
    if spec.entered_once:
        may_enter(session, rnd, user, spec.scorer)
        if spec.kind in ("deduction", "bonus"):
            raw = {k: form.get(f"count_{k}") for k in spec.units}
            raw = {k: v for k, v in raw.items() if v not in (None, "")}
            counts, comment = spec.check_counts(raw, form.get("comment"))
            rows += [dict(kind=COUNT, code=k, value=c, text=comment or None) for k, c in counts.items() if c]
        elif spec.kind == "yes_no":
            yes, evidence = spec.check_answer(form.get("yes"), form.get("evidence"))
            rows.append(dict(kind=ANSWER, code="", value=Decimal(1 if yes else 0), text=evidence or None))
        elif form.get("award") not in (None, ""):
            rows.append(dict(kind=AWARD, code="", value=spec.check_score(form.get("award"), field="award")))
    elif rnd.secretary_id != getattr(user, "id", None) and user is not None:
        raise RuleError(ERR_NOT_SECRETARY, field="item")
    session.execute(delete(AppraisalEntry).where(AppraisalEntry.round_id == round_id, AppraisalEntry.staff_id == staff_id,
                                                 AppraisalEntry.item == item, AppraisalEntry.kind != VETO))
    for r in rows:
        session.add(AppraisalEntry(round_id=round_id, staff_id=staff_id, item=item,
                                   entered_by_id=getattr(user, "id", None), **r))
    session.flush()


def save_veto(session, round_id: int, user, staff_id: int, finding: str, reason) -> None:
    rnd = session.get(AppraisalRound, round_id)
    if rnd.status == FINALISED:
        raise RuleError(ERR_ROUND_FINALISED, field="finding")
    may_enter(session, rnd, user, SECRETARY)
    text = rubric_of(rnd).check_veto(finding, reason)
    session.add(AppraisalEntry(round_id=round_id, staff_id=staff_id, kind=VETO, item="", code=finding, text=text,
                               entered_by_id=getattr(user, "id", None)))
    session.flush()


def entries_of(session, round_id: int) -> dict:
    """The round's once-per-person entries as the pure tally takes them."""
    out = {"counts": [], "answers": [], "awards": [], "forfeits": [], "vetoes": [], "not_applicable": []}
    rows = session.execute(select(AppraisalEntry.staff_id, AppraisalEntry.kind, AppraisalEntry.item,
                                  AppraisalEntry.code, AppraisalEntry.value, AppraisalEntry.text)
                           .where(AppraisalEntry.round_id == round_id))
    for staff, kind, item, code, value, text in rows:
        if kind == COUNT:
            out["counts"].append((staff, item, code, value))
        elif kind == ANSWER:
            out["answers"].append((staff, item, bool(value)))
        elif kind == AWARD:
            out["awards"].append((staff, item, value))
        elif kind == FORFEIT:
            out["forfeits"].append((staff, item, code, text or ""))
        elif kind == VETO:
            out["vetoes"].append((staff, code, text or ""))
        elif kind == NOT_APPLICABLE:
            out["not_applicable"].append((staff, item))
    return out



"""Who sees which round: round membership — not campus — decides what an Appraiser sees
(issue 17 point 3). Director and Admin see every round, the Auditor finalised ones, anyone else
the rounds they are a member or the secretary of."""
from __future__ import annotations

from sqlalchemy import or_, select

from app.scoping import current_user
from app.security import role_names

from .models import CLOSED, FINALISED, OPEN, AppraisalMember, AppraisalRound, AppraisalRoundStaff

RUNNERS = frozenset({"Admin", "Director"})


def runs_rounds(user=None) -> bool:
    return bool(role_names(user or current_user()) & RUNNERS)


def _mine(user):
    member_rounds = select(AppraisalMember.round_id).where(AppraisalMember.user_id == user.id)
    return or_(AppraisalRound.id.in_(member_rounds), AppraisalRound.secretary_id == user.id)


def round_access_clause():
    user = current_user()
    if user is None:
        return AppraisalRound.id.is_(None)
    names = role_names(user)
    if names & RUNNERS:
        return None
    if "Auditor" in names:
        return or_(AppraisalRound.status == FINALISED, _mine(user))
    return _mine(user)


def visible_round_ids():
    """A subquery of the round ids the current user sees, or None for all."""
    clause = round_access_clause()
    return None if clause is None else select(AppraisalRound.id).where(clause)


def member_access_clause():
    ids = visible_round_ids()
    return None if ids is None else AppraisalMember.round_id.in_(ids)


def round_staff_access_clause():
    ids = visible_round_ids()
    return None if ids is None else AppraisalRoundStaff.round_id.in_(ids)


def template_in_use(session, template_id) -> bool:
    return session.execute(select(AppraisalRound.id).where(
        AppraisalRound.template_id == template_id,
        AppraisalRound.status.in_((OPEN, CLOSED, FINALISED))).limit(1)).first() is not None

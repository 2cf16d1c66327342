"""The verbs of appraisal: opening a round (sheets made), saving a cell, submitting a sheet,
entering counts and findings, deciding the tie, changing a grade, finalising. Each checks with
the pure rules (rules.py, rubric.py, scoring.py, finalising.py) and changes state only through
core's workflow; the caller commits, or rolls back on a RuleError (nothing half-saved)."""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from functools import lru_cache
from typing import Optional

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.rules import N_, RuleError
from app.workflow import transition

from .models import (DRAFT, OPEN, AppraisalMember, AppraisalResult, AppraisalRound, AppraisalRoundStaff, AppraisalScore,
                     AppraisalSheet, AppraisalTemplate)
from .rubric import COMMITTEE, JUDGED, SECRETARY
from .rubric_data import rubric_from_dict
from .rules import check_weights
from .scoring import RoundSettings, check_settings, grid_people

SELF = "self"

ERR_NO_STAFF = N_("Add the staff to be appraised first")
ERR_NO_MEMBERS = N_("Add the committee members first")
ERR_NO_SECRETARY = N_("This template has items the secretary enters: name the round's secretary")
ERR_NOT_OPEN = N_("Scores can only be saved while the round is open")
ERR_SHEET_SUBMITTED = N_("This sheet has been submitted and can no longer be changed")
ERR_NOT_YOUR_SHEET = N_("This is not your sheet")
ERR_PAPER_TAKEN = N_("The secretary is already typing in this member's paper sheet")
ERR_PAPER_BEGUN = N_("The member has begun this sheet online: it cannot be taken as a paper sheet")
ERR_NOT_IN_GRID = N_("This person is not on your sheet")
ERR_NOT_YOUR_ITEM = N_("You do not score this item")
ERR_INCOMPLETE = N_("%(missing)s cells are still empty: score every cell before submitting")
ERR_NOT_SECRETARY = N_("Only the round's secretary (or the group named for the item) enters this")
ERR_NOT_RESULTS = N_("Finalising needs every total: %(problem)s")
ERR_ROUND_FINALISED = N_("The round is finalised: nothing can be changed")
ERR_NOT_CLOSED = N_("Close the round before deciding grades")
ERR_DATES = N_("The round ends before it starts")
ERR_NO_DATES = N_("Give the round's dates, or choose a term")
ERR_ROUND_NOT_DRAFT = N_("The staff and the committee can only change while the round is a draft")


@lru_cache(maxsize=64)
def rubric_from_data(data: str):
    """A template's rubric, kept by its text (a template changed is another text)."""
    return rubric_from_dict(json.loads(data))


def rubric_of(rnd: AppraisalRound):
    return rubric_from_data(rnd.template.data)


def settings_of(rnd: AppraisalRound) -> RoundSettings:
    weights = rnd.weights_dict()
    return RoundSettings(
        weights={g: Decimal(str(w)) for g, w in weights.items()} if weights else None,
        trim_at=rnd.trim_at or 5,
        small_round_quota=rnd.small_round_quota,
        comment_below_percent=rnd.comment_below_percent,
    )


def parse_weights(text) -> Optional[dict]:
    """The weights as typed on the round form ("leaders=35, peers=50, self=15"), checked to total 100."""
    text = (text or "").strip()
    if not text:
        return None
    pairs = {}
    for part in text.replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        if not part.strip():
            continue
        group, _, value = part.replace("：", "=").replace(":", "=").partition("=")
        pairs[group.strip()] = value.strip().rstrip("%").strip()
    checked = check_weights(pairs)
    return {g: str(v) for g, v in checked.items()}


def check_dates(start, end) -> None:
    if start and end and end < start:
        raise RuleError(ERR_DATES, field="end_date")


def round_groups(session, rnd: AppraisalRound) -> list[str]:
    groups = list(session.execute(select(AppraisalMember.group).where(AppraisalMember.round_id == rnd.id)
                                  .distinct()).scalars())
    if rnd.self_assessment and SELF not in groups:
        groups.append(SELF)
    return groups


def round_staff_ids(session, round_id: int, graded_only: bool = False) -> list[int]:
    query = select(AppraisalRoundStaff.staff_id).where(AppraisalRoundStaff.round_id == round_id)
    if graded_only:
        query = query.where(AppraisalRoundStaff.graded.is_(True))
    return list(session.execute(query.order_by(AppraisalRoundStaff.id)).scalars())


# --- guards of the workflow ------------------------------------------------------------------------

def may_open(rnd: AppraisalRound, ctx) -> None:
    session = ctx.session
    if rnd.end_date < rnd.start_date:
        raise RuleError(ERR_DATES, field="end_date")
    if not round_staff_ids(session, rnd.id):
        raise RuleError(ERR_NO_STAFF, field="staff")
    if not session.execute(select(AppraisalMember.id).where(AppraisalMember.round_id == rnd.id).limit(1)).first():
        raise RuleError(ERR_NO_MEMBERS, field="members")
    rubric = rubric_of(rnd)
    check_settings(rubric, settings_of(rnd), round_groups(session, rnd))
    if rnd.secretary_id is None and any(i.entered_once and i.scorer == SECRETARY for i in rubric.items.values()):
        raise RuleError(ERR_NO_SECRETARY, field="secretary")


def may_submit(sheet: AppraisalSheet, ctx) -> None:
    rnd = ctx.session.get(AppraisalRound, sheet.round_id)
    if rnd.status != OPEN:
        raise RuleError(ERR_NOT_OPEN, field="status")
    missing = len(missing_cells(ctx.session, sheet))
    if missing:
        raise RuleError(ERR_INCOMPLETE, field="grid", missing=missing)


def may_finalise(rnd: AppraisalRound, ctx) -> None:
    stored = ctx.session.execute(select(func.count(AppraisalResult.id))
                                 .where(AppraisalResult.round_id == rnd.id)).scalar()
    if not stored:
        raise RuleError(ERR_NOT_RESULTS, field="status", problem="-")


# --- opening -----------------------------------------------------------------------------------------

def open_round(session, round_id: int, user=None) -> AppraisalRound:
    """Open for scoring: one sheet per member (and a self member per person when the round has
    self-assessment), then the transition."""
    from app.models import Staff

    rnd = session.get(AppraisalRound, round_id)
    if rnd.status == DRAFT and rnd.self_assessment:
        have = set(session.execute(select(AppraisalMember.user_id).where(AppraisalMember.round_id == rnd.id,
                                                                         AppraisalMember.group == SELF)).scalars())
        users = session.execute(select(Staff.user_id).join(AppraisalRoundStaff, AppraisalRoundStaff.staff_id == Staff.id)
                                .where(AppraisalRoundStaff.round_id == rnd.id, Staff.user_id.is_not(None))).scalars()
        for uid in users:
            if uid not in have:
                session.add(AppraisalMember(round_id=rnd.id, user_id=uid, group=SELF))
        session.flush()
    outcome = transition(session, AppraisalRound, round_id, "open", user=user) if user is not None else \
        transition(session, AppraisalRound, round_id, "open", user=None)
    have_sheet = set(session.execute(select(AppraisalSheet.member_id).where(AppraisalSheet.round_id == round_id)).scalars())
    for member_id in session.execute(select(AppraisalMember.id).where(AppraisalMember.round_id == round_id)).scalars():
        if member_id not in have_sheet:
            session.add(AppraisalSheet(round_id=round_id, member_id=member_id, status=DRAFT))
    session.flush()
    return outcome


# --- the grid ----------------------------------------------------------------------------------------

def member_staff_id(session, user_id: int) -> Optional[int]:
    from app.models import Staff

    return session.execute(select(Staff.id).where(Staff.user_id == user_id)).scalar()


def sheet_items(rubric, group: str) -> list:
    """The items a member of `group` scores: judged by the committee, or by their named group."""
    return [i for i in rubric.items.values()
            if i.kind == JUDGED and i.scorer != SECRETARY and (i.scorer == COMMITTEE or i.scorer == group)]


def sheet_people(session, sheet: AppraisalSheet, rnd: AppraisalRound, member: AppraisalMember) -> list[int]:
    staff = round_staff_ids(session, rnd.id)
    own = member_staff_id(session, member.user_id)
    return grid_people(staff, own, member.group, SELF if rnd.self_assessment else None)


def on_sheet(session, rnd: AppraisalRound, member: AppraisalMember, staff_id: int) -> bool:
    """Whether `staff_id` is on the member's grid (grid_people's rule, for one person, in one query:
    in the round's scope, and themself only in the self group)."""
    from app.models import Staff

    row = session.execute(select(
        select(AppraisalRoundStaff.id).where(AppraisalRoundStaff.round_id == rnd.id,
                                             AppraisalRoundStaff.staff_id == staff_id).exists(),
        select(Staff.user_id).where(Staff.id == staff_id).scalar_subquery())).one()
    return grid_has(rnd, member, *row)


def grid_has(rnd: AppraisalRound, member: AppraisalMember, in_round: bool, owner: Optional[int]) -> bool:
    if not in_round:
        return False
    is_self = owner is not None and owner == member.user_id
    return is_self if (rnd.self_assessment and member.group == SELF) else not is_self


def sheet_scores(session, sheet_id: int) -> dict[tuple[int, str], tuple[Decimal, str]]:
    rows = session.execute(select(AppraisalScore.staff_id, AppraisalScore.item, AppraisalScore.value,
                                  AppraisalScore.comment).where(AppraisalScore.sheet_id == sheet_id))
    return {(s, i): (v, c or "") for s, i, v, c in rows}


def missing_cells(session, sheet: AppraisalSheet) -> list[tuple[int, str]]:
    rnd = session.get(AppraisalRound, sheet.round_id)
    member = session.get(AppraisalMember, sheet.member_id)
    items = sheet_items(rubric_of(rnd), member.group)
    have = set(sheet_scores(session, sheet.id))
    return [(p, i.code) for p in sheet_people(session, sheet, rnd, member) for i in items if (p, i.code) not in have]


def sheet_of(session, round_id: int, user_id: int) -> Optional[AppraisalSheet]:
    return session.execute(select(AppraisalSheet).join(AppraisalMember, AppraisalSheet.member_id == AppraisalMember.id)
                           .where(AppraisalSheet.round_id == round_id, AppraisalMember.user_id == user_id)
                           .order_by(AppraisalMember.group == SELF)).scalars().first()


def may_write_sheet(session, sheet: AppraisalSheet, user) -> None:
    """The owner, or — for a paper sheet — the round's secretary who types it in."""
    if user is None:
        return
    member = session.get(AppraisalMember, sheet.member_id)
    if sheet.entered_by_id is not None:
        if sheet.entered_by_id != user.id:
            raise RuleError(ERR_NOT_YOUR_SHEET, field="sheet")
    elif member.user_id != user.id:
        raise RuleError(ERR_NOT_YOUR_SHEET, field="sheet")


def may_read_sheet(session, sheet: AppraisalSheet, user) -> bool:
    member = session.get(AppraisalMember, sheet.member_id)
    return member.user_id == user.id or (sheet.entered_by_id is not None and sheet.entered_by_id == user.id)


def start_paper(session, sheet_id: int, user) -> AppraisalSheet:
    """The secretary takes a member's paper sheet to type in: only a draft nobody has begun
    (so the secretary never reads what a member typed)."""
    sheet = session.get(AppraisalSheet, sheet_id)
    rnd = session.get(AppraisalRound, sheet.round_id) if sheet else None
    if sheet is None or user is None or rnd.secretary_id != user.id:
        raise RuleError(ERR_NOT_SECRETARY, field="sheet")
    if rnd.status != OPEN:
        raise RuleError(ERR_NOT_OPEN, field="sheet")
    if sheet.status != DRAFT or sheet.entered_by_id is not None:
        raise RuleError(ERR_SHEET_SUBMITTED if sheet.status != DRAFT else ERR_PAPER_TAKEN, field="sheet")
    if session.execute(select(AppraisalScore.id).where(AppraisalScore.sheet_id == sheet_id).limit(1)).first():
        raise RuleError(ERR_PAPER_BEGUN, field="sheet")
    sheet.entered_by_id = user.id
    session.flush()
    return sheet


def save_cell(session, sheet_id: int, user, staff_id: int, item: str, raw, comment="") -> Decimal:
    """One cell, while the sheet is a draft and the round open; checked against the item's range
    and the comment rule. Not audited (drafts autosave); the submit is."""
    from app.models import Staff

    # One statement for the sheet, its round, its member, the template's text and whether the
    # person is on this grid (it was five: the save's budget is 15 ms).
    row = session.execute(
        select(AppraisalSheet, AppraisalRound, AppraisalMember, AppraisalTemplate.data,
               select(AppraisalRoundStaff.id).where(AppraisalRoundStaff.round_id == AppraisalSheet.round_id,
                                                    AppraisalRoundStaff.staff_id == staff_id).exists(),
               select(Staff.user_id).where(Staff.id == staff_id).scalar_subquery())
        .join(AppraisalRound, AppraisalSheet.round_id == AppraisalRound.id)
        .join(AppraisalMember, AppraisalSheet.member_id == AppraisalMember.id)
        .join(AppraisalTemplate, AppraisalRound.template_id == AppraisalTemplate.id)
        .where(AppraisalSheet.id == sheet_id)).first()
    if row is None:
        raise RuleError(ERR_NOT_YOUR_SHEET, field="sheet")
    sheet, rnd, member, template_data, in_round, owner = row
    may_write_sheet(session, sheet, user)
    if rnd.status != OPEN:
        raise RuleError(ERR_NOT_OPEN, field="value")
    if sheet.status != DRAFT:
        raise RuleError(ERR_SHEET_SUBMITTED, field="value")
    rubric = rubric_from_data(template_data)
    spec = rubric.items.get(item)
    if spec is None or spec.kind != JUDGED or spec.scorer == SECRETARY or spec.scorer not in (COMMITTEE, member.group):
        raise RuleError(ERR_NOT_YOUR_ITEM, field="item")
    if not grid_has(rnd, member, in_round, owner):
        raise RuleError(ERR_NOT_IN_GRID, field="staff")
    value, text = spec.check_judged_cell(raw, comment, rnd.comment_below_percent)
    # Conditional on the sheet still being a draft: a submit that got in first wins.
    write = (update(AppraisalScore).where(
        AppraisalScore.sheet_id == sheet_id, AppraisalScore.staff_id == staff_id, AppraisalScore.item == item)
        .values(value=value, comment=text or None).execution_options(synchronize_session=False))
    if not session.execute(write).rowcount:
        # The cell's first save. Two first saves of one cell (two tabs, a retried request) race to
        # create its score: the one that finds it created updates it instead of failing.
        try:
            with session.begin_nested():
                session.add(AppraisalScore(sheet_id=sheet_id, staff_id=staff_id, item=item, value=value,
                                           comment=text or None))
                session.flush()
        except IntegrityError:
            session.execute(write)
    still = session.execute(select(AppraisalSheet.status).where(AppraisalSheet.id == sheet_id)).scalar()
    if still != DRAFT:
        raise RuleError(ERR_SHEET_SUBMITTED, field="value")
    return value


def submit_sheet(session, sheet_id: int, user) -> None:
    """Once: locks the sheet; its one audit entry holds a digest of the values (hidden until the
    round is finalised) and says when the secretary entered a paper sheet."""
    sheet = session.get(AppraisalSheet, sheet_id)
    if sheet is None:
        raise RuleError(ERR_NOT_YOUR_SHEET, field="sheet")
    may_write_sheet(session, sheet, user)
    values = sorted((s, i, str(v), c) for (s, i), (v, c) in sheet_scores(session, sheet_id).items())
    digest = hashlib.sha256(json.dumps(values).encode()).hexdigest()
    transition(session, AppraisalSheet, sheet_id, "submit", user=user, values={"digest": digest})

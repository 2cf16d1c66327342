"""One person's published sheet as the own-result page, the printed 个人考核表, the staff-record
panel and the API show it (issue 18 point 1): item results as aggregated — never a single
member's score —, the committee's comments without the name of who wrote them, what was entered
once (deductions with their source: the secretary or the named group), total, grade, rank.

Who reads a result: its person once the round is published; the Director and the Admin once the
round is finalised; the Auditor once it is published. Sick-leave notes only the person and the
Director read. Anyone else: None (the routes answer 404)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import select

from app.i18n import current_language
from app.models import Staff
from app.security import role_names

from .models import (COUNT, FINALISED, OPEN, PUBLISHED, SUBMITTED, AppraisalAppeal, AppraisalEntry,
                     AppraisalMember, AppraisalResult, AppraisalRound, AppraisalScore, AppraisalSheet)
from .rubric import SECRETARY
from .services import rubric_of

SICK_KINDS = frozenset({"sick_leave", "serious_illness"})


def reader_of(viewer, rnd: AppraisalRound, staff_user_id: Optional[int]) -> Optional[str]:
    """"own", "office" (Director/Admin), "auditor", or None: may not read this result."""
    if viewer is None or rnd is None or rnd.status != FINALISED:
        return None
    names = role_names(viewer)
    if staff_user_id is not None and staff_user_id == viewer.id and rnd.publication == PUBLISHED:
        return "own"
    if names & {"Director", "Admin"}:
        return "office"
    if "Auditor" in names and rnd.publication == PUBLISHED:
        return "auditor"
    return None


def sees_sick_notes(viewer, reader: str) -> bool:
    return reader == "own" or "Director" in role_names(viewer)


def load(session, result_id: int, viewer):
    """(result, round, staff, reader) or None when the viewer may not read it (one statement)."""
    row = session.execute(select(AppraisalResult, AppraisalRound, Staff)
                          .join(AppraisalRound, AppraisalResult.round_id == AppraisalRound.id)
                          .join(Staff, AppraisalResult.staff_id == Staff.id)
                          .where(AppraisalResult.id == result_id)).first()
    if row is None:
        return None
    result, rnd, staff = row
    reader = reader_of(viewer, rnd, staff.user_id)
    return None if reader is None else (result, rnd, staff, reader)


@dataclass
class Line:
    code: str
    name: str
    depth: int
    points: Any
    value: Any
    is_item: bool
    forfeited: str = ""
    reason: str = ""
    notes: list = field(default_factory=list)   # (what, source) lines: counts, comments


def _name(node, lang) -> str:
    return node.name.text(lang) if node.name is not None else node.code


def sheet(session, result: AppraisalResult, rnd: AppraisalRound, viewer, reader: str) -> dict:
    """The sheet's lines (sections, groups, items) with what explains each item."""
    lang = current_language()
    rubric = rubric_of(rnd)
    items = json.loads(result.items or "{}")
    notes: dict[str, list] = {}
    sick = sees_sick_notes(viewer, reader)
    groups = {g.code: _name(g, lang) for g in rubric.scorer_groups}
    texts: dict[str, tuple[str, str, bool]] = {}   # item -> (the entry's note, its source, a sick-leave note)
    for kind, item, code, value, text in session.execute(
            select(AppraisalEntry.kind, AppraisalEntry.item, AppraisalEntry.code, AppraisalEntry.value,
                   AppraisalEntry.text).where(AppraisalEntry.round_id == rnd.id,
                                              AppraisalEntry.staff_id == result.staff_id)
            .order_by(AppraisalEntry.id)):
        spec = rubric.items.get(item)
        if spec is None or kind != COUNT:
            continue
        source = groups.get(spec.scorer, "") if spec.scorer != SECRETARY else ""
        kinds = {o.code: o for o in spec.occurrences} | {e.code: e for e in spec.exemptions}
        occ = kinds.get(code)
        what = f"{_name(occ, lang) if occ else code} × {value.normalize() if isinstance(value, Decimal) else value}"
        if getattr(occ, "amount", None) is not None:
            sign = "−" if spec.kind == "deduction" else "+"
            what += f" ({sign}{(occ.amount * value).normalize()})"
        notes.setdefault(item, []).append((what, source))
        was = texts.get(item)
        texts[item] = (text or (was[0] if was else ""), source, bool(was and was[2]) or code in SICK_KINDS)
    # One note per item (the counts share it); a note beside sick leave: the person and the Director only.
    for item, (text, source, sick_note) in texts.items():
        if text and (sick or not sick_note):
            notes[item].append((text, source))
    # The committee's comments on this person, without the member who wrote them.
    for item, comment in session.execute(
            select(AppraisalScore.item, AppraisalScore.comment)
            .join(AppraisalSheet, AppraisalScore.sheet_id == AppraisalSheet.id)
            .join(AppraisalMember, AppraisalSheet.member_id == AppraisalMember.id)
            .where(AppraisalSheet.round_id == rnd.id, AppraisalSheet.status == SUBMITTED,
                   AppraisalScore.staff_id == result.staff_id, AppraisalScore.comment.is_not(None))
            .group_by(AppraisalScore.item, AppraisalScore.comment)
            .order_by(AppraisalScore.item, AppraisalScore.comment)):
        notes.setdefault(item, []).append((comment, ""))
    forfeits = {f.code: f for i in rubric.items.values() for f in i.forfeits}
    from .appeal_rules import retotal

    subtotals = retotal(rubric, {c: None if v[0] is None else Decimal(v[0]) for c, v in items.items()})[0]
    lines, depths = [], dict(_depths(rubric))
    for _parent, node in rubric.walk():
        depth = depths[node.code]
        if hasattr(node, "children"):
            lines.append(Line(node.code, _name(node, lang), depth, node.points, subtotals.get(node.code), False))
            continue
        stored = items.get(node.code) or [None, None, ""]
        value, finding, reason = stored
        lines.append(Line(node.code, _name(node, lang), depth, node.points, None if value is None else Decimal(value),
                          True, _name(forfeits[finding], lang) if finding in forfeits else (finding or ""),
                          reason or "", notes.get(node.code, [])))
    bands = {b.code: b.name.text(lang) for b in rubric.bands}
    return {"lines": lines, "grade": bands.get(result.grade or "", ""), "proposed": bands.get(result.proposed or "", ""),
            "total": result.total, "raw_total": result.raw_total, "full": result.full, "scaled": result.scaled,
            "rank": result.rank, "graded": result.graded, "vetoed": result.vetoed, "reason": result.reason or "",
            "moved_down": result.moved_down, "template_full": rubric.full_points, "bands": bands, "rubric": rubric}


def _depths(rubric):
    out, stack = [], [(s, 0) for s in rubric.sections]
    while stack:
        node, d = stack.pop()
        out.append((node.code, d))
        stack.extend((c, d + 1) for c in getattr(node, "children", ()))
    return out


def appeals_of(session, result_id: int) -> list[AppraisalAppeal]:
    return list(session.execute(select(AppraisalAppeal).where(AppraisalAppeal.result_id == result_id)
                                .order_by(AppraisalAppeal.filed_at)).scalars())


def own_results(session, staff_id: int) -> list:
    """(result, round) of the person's published rounds, newest first (the panel, the list)."""
    return session.execute(select(AppraisalResult, AppraisalRound)
                           .join(AppraisalRound, AppraisalResult.round_id == AppraisalRound.id)
                           .where(AppraisalResult.staff_id == staff_id, AppraisalRound.publication == PUBLISHED)
                           .order_by(AppraisalRound.start_date.desc(), AppraisalRound.id.desc())).all()


def open_appeal(appeals) -> Optional[AppraisalAppeal]:
    return next((a for a in appeals if a.status == OPEN), None)


def with_grade_names(rows) -> list:
    """(result, round, grade name) in the viewer's language."""
    lang = current_language()
    out = []
    for result, rnd in rows:
        names = {b.code: b.name.text(lang) for b in rubric_of(rnd).bands}
        out.append((result, rnd, names.get(result.grade or "", "")))
    return out


def results_panel(viewer, staff):
    """The staff record's panel (their history of results): the person, the Director, the Admin."""
    from flask import render_template

    from app.extensions import db

    own = staff.user_id is not None and viewer.id == staff.user_id
    if not own and not role_names(viewer) & {"Director", "Admin"}:
        return None
    query = (select(AppraisalResult, AppraisalRound).join(AppraisalRound, AppraisalResult.round_id == AppraisalRound.id)
             .where(AppraisalResult.staff_id == staff.id, AppraisalRound.status == FINALISED))
    if own:
        query = query.where(AppraisalRound.publication == PUBLISHED)
    rows = db.session.execute(query.order_by(AppraisalRound.start_date.desc(), AppraisalRound.id.desc())).all()
    return render_template("appraisal/_panel.html", rows=with_grade_names(rows))


def results_panel_data(viewer, staff):
    rendered = results_panel(viewer, staff)
    if rendered is None:
        return None
    from app.extensions import db

    rows = db.session.execute(select(AppraisalResult.id, AppraisalRound.name, AppraisalResult.total,
                                     AppraisalResult.grade, AppraisalResult.rank)
                              .join(AppraisalRound, AppraisalResult.round_id == AppraisalRound.id)
                              .where(AppraisalResult.staff_id == staff.id, AppraisalRound.status == FINALISED,
                                     *((AppraisalRound.publication == PUBLISHED,) if viewer.id == staff.user_id else ())))
    return [{"result_id": i, "round": n, "total": str(t) if t is not None else None, "grade": g, "rank": r}
            for i, n, t, g, r in rows]


def appeal_access(appeal):
    """The files of an appeal: its person adds them while it waits; the Director and the Admin read
    them, the Auditor once the round is published (core's attachments ask this)."""
    from flask import g

    from app.attachments import Access
    from app.extensions import db

    user = getattr(g, "user", None)
    if user is None:
        return Access.NONE
    owner = db.session.execute(select(Staff.user_id).where(Staff.id == appeal.staff_id)).scalar()
    if owner is not None and owner == user.id:
        return Access.WRITE if appeal.status == OPEN else Access.READ
    names = role_names(user)
    if names & {"Director", "Admin"}:
        return Access.READ
    if "Auditor" in names and appeal.round is not None and appeal.round.publication == PUBLISHED:
        return Access.READ
    return Access.NONE


def appeal_locked(appeal) -> bool:
    return appeal.status != OPEN

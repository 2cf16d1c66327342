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
from functools import lru_cache
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import bindparam, literal_column, null, select, union_all
from sqlalchemy.orm import contains_eager

from flask_babel import gettext

from app.i18n import current_language
from app.models import Staff
from app.security import role_names

from .models import (COUNT, FINALISED, OPEN, PUBLISHED, SUBMITTED, AppraisalAppeal, AppraisalEntry,
                     AppraisalMember, AppraisalResult, AppraisalRound, AppraisalScore, AppraisalSheet,
                     AppraisalTemplate)
from .presenting import sheet_body
from .rubric import SECRETARY
from .services import rubric_from_data, rubric_of

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


def _load_query(with_appeals: bool):
    query = (select(AppraisalResult, AppraisalRound, Staff)
             .join(AppraisalRound, AppraisalResult.round_id == AppraisalRound.id)
             .join(AppraisalTemplate, AppraisalRound.template_id == AppraisalTemplate.id)
             .join(Staff, AppraisalResult.staff_id == Staff.id)
             .options(contains_eager(AppraisalRound.template))
             .where(AppraisalResult.id == bindparam("result_id")))
    if with_appeals:
        query = (query.add_columns(AppraisalAppeal).outerjoin(AppraisalAppeal, AppraisalAppeal.result_id == AppraisalResult.id)
                 .order_by(AppraisalAppeal.filed_at, AppraisalAppeal.id))
    return query


LOAD, LOAD_WITH_APPEALS = _load_query(False), _load_query(True)   # built once: the result is a parameter


def load(session, result_id: int, viewer, with_appeals: bool = False):
    """(result, round, staff, reader) or None when the viewer may not read it, in one statement:
    the round's template comes with it (rubric_of then reads nothing more). With `with_appeals`,
    (result, round, staff, reader, appeals): the result's appeals, oldest first, joined in the
    same statement (a result has a handful at most)."""
    query = LOAD_WITH_APPEALS if with_appeals else LOAD
    rows = session.execute(query, {"result_id": result_id}).all()
    if not rows:
        return None
    result, rnd, staff = rows[0][:3]
    reader = reader_of(viewer, rnd, staff.user_id)
    if reader is None:
        return None
    if with_appeals:
        return result, rnd, staff, reader, [row[3] for row in rows if row[3] is not None]
    return result, rnd, staff, reader


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


def _explanations():
    """The person's entries (counts, answers, in the order entered) and the committee's distinct
    comments on them (never who wrote one), as one statement: (source 0 entries / 1 comments,
    kind, item, code, value, text). Built once: the round and the person are parameters."""
    entries = (select(literal_column("0").label("src"), AppraisalEntry.kind, AppraisalEntry.item, AppraisalEntry.code,
                      AppraisalEntry.value, AppraisalEntry.text, AppraisalEntry.id.label("ord"))
               .where(AppraisalEntry.round_id == bindparam("round_id"), AppraisalEntry.staff_id == bindparam("staff_id")))
    comments = (select(literal_column("1"), null(), AppraisalScore.item, null(), null(), AppraisalScore.comment, null())
                .join(AppraisalSheet, AppraisalScore.sheet_id == AppraisalSheet.id)
                .join(AppraisalMember, AppraisalSheet.member_id == AppraisalMember.id)
                .where(AppraisalSheet.round_id == bindparam("round_id"), AppraisalSheet.status == SUBMITTED,
                       AppraisalScore.staff_id == bindparam("staff_id"), AppraisalScore.comment.is_not(None))
                .group_by(AppraisalScore.item, AppraisalScore.comment))
    return union_all(entries, comments).order_by(literal_column("src"), literal_column("ord"), literal_column("item"),
                                                 literal_column("text"))


EXPLANATIONS = _explanations()


@dataclass(frozen=True)
class Outline:
    """What a template's sheet shows whatever the person, in one language: the lines (code, name,
    depth, points, is an item) in the template's order, and the names the notes use."""
    lines: tuple
    groups: dict
    occurrences: dict      # item -> {occurrence or exemption code: (name, amount or None)}
    forfeits: dict
    bands: dict


@lru_cache(maxsize=128)
def _outline(data: str, lang: str) -> Outline:
    """Kept by the template's data as services keeps its rubric (a template's text is its key)."""
    rubric = rubric_from_data(data)
    depths = dict(_depths(rubric))
    lines = tuple((node.code, _name(node, lang), depths[node.code], node.points, not hasattr(node, "children"))
                  for _parent, node in rubric.walk())
    occurrences = {code: {o.code: (_name(o, lang), getattr(o, "amount", None))
                          for o in (*spec.occurrences, *spec.exemptions)}
                   for code, spec in rubric.items.items()}
    return Outline(lines, {g.code: _name(g, lang) for g in rubric.scorer_groups}, occurrences,
                   {f.code: _name(f, lang) for i in rubric.items.values() for f in i.forfeits},
                   {b.code: b.name.text(lang) for b in rubric.bands})


def sheet(session, result: AppraisalResult, rnd: AppraisalRound, viewer, reader: str, html: bool = False) -> dict:
    """The sheet's lines (sections, groups, items) with what explains each item; with `html`, also
    their rows as the page and the print show them ("body")."""
    rubric = rubric_of(rnd)
    outline = _outline(rnd.template.data, current_language())
    items = json.loads(result.items or "{}")
    notes: dict[str, list] = {}
    sick = sees_sick_notes(viewer, reader)
    texts: dict[str, tuple[str, str, bool]] = {}   # item -> (the entry's note, its source, a sick-leave note)
    comments = []
    for src, kind, item, code, value, text, _ord in session.execute(
            EXPLANATIONS, {"round_id": rnd.id, "staff_id": result.staff_id}):
        if src:
            comments.append((item, text))
            continue
        spec = rubric.items.get(item)
        if spec is None or kind != COUNT:
            continue
        source = outline.groups.get(spec.scorer, "") if spec.scorer != SECRETARY else ""
        name, amount = outline.occurrences[item].get(code, (code, None))
        what = f"{name} × {value.normalize() if isinstance(value, Decimal) else value}"
        if amount is not None:
            sign = "−" if spec.kind == "deduction" else "+"
            what += f" ({sign}{(amount * value).normalize()})"
        notes.setdefault(item, []).append((what, source))
        was = texts.get(item)
        texts[item] = (text or (was[0] if was else ""), source, bool(was and was[2]) or code in SICK_KINDS)
    # One note per item (the counts share it); a note beside sick leave: the person and the Director only.
    for item, (text, source, sick_note) in texts.items():
        if text and (sick or not sick_note):
            notes[item].append((text, source))
    # The committee's comments on this person, without the member who wrote them.
    for item, comment in comments:
        notes.setdefault(item, []).append((comment, ""))
    from .appeal_rules import retotal

    values = {c: None if v[0] is None else Decimal(v[0]) for c, v in items.items()}
    subtotals = retotal(rubric, values)[0]
    lines, forfeits, empty = [], outline.forfeits, (None, None, "")
    for code, name, depth, points, is_item in outline.lines:
        if not is_item:
            lines.append(Line(code, name, depth, points, subtotals.get(code), False))
            continue
        _value, finding, reason = items.get(code) or empty
        lines.append(Line(code, name, depth, points, values.get(code), True,
                          forfeits.get(finding, finding or ""), reason or "", notes.get(code, [])))
    bands = outline.bands
    out = {"lines": lines, "grade": bands.get(result.grade or "", ""), "proposed": bands.get(result.proposed or "", ""),
            "total": result.total, "raw_total": result.raw_total, "full": result.full, "scaled": result.scaled,
            "rank": result.rank, "graded": result.graded, "vetoed": result.vetoed, "reason": result.reason or "",
            "moved_down": result.moved_down, "template_full": rubric.full_points, "bands": bands, "rubric": rubric}
    if html:
        out["body"] = sheet_body(lines, gettext("not applicable"),
                                 lambda group: gettext("entered by %(group)s", group=group))
    return out


def _depths(rubric):
    out, stack = [], [(s, 0) for s in rubric.sections]
    while stack:
        node, d = stack.pop()
        out.append((node.code, d))
        stack.extend((c, d + 1) for c in getattr(node, "children", ()))
    return out


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

"""What the pages show: names in the user's language, the items of a grid with their ranges,
the standings of a closed round (the Director's preview) and the stored results."""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from markupsafe import Markup, escape
from sqlalchemy import select

from app.i18n import current_language
from app.models import Staff

from .rules import comment_threshold


def names_of(session, staff_ids) -> dict[int, tuple[str, str]]:
    """{staff id: (name, staff number)} in one query."""
    ids = list(staff_ids)
    if not ids:
        return {}
    rows = session.execute(select(Staff.id, Staff.name, Staff.staff_no).where(Staff.id.in_(ids)))
    return {i: (n, no) for i, n, no in rows}


def text(name) -> str:
    return name.text(current_language()) if name is not None else ""


@dataclass
class ItemRow:
    code: str
    name: str
    minimum: Decimal
    maximum: Decimal
    threshold: Optional[Decimal]
    guidance: str


def item_rows(items, below_percent) -> list[ItemRow]:
    return [ItemRow(i.code, text(i.name), i.minimum, i.points, comment_threshold(i.points, below_percent),
                    text(i.guidance)) for i in items]


def band_names(rubric) -> dict[str, str]:
    return {b.code: text(b.name) for b in rubric.bands}


@dataclass
class StandingRow:
    staff_id: int
    name: str
    staff_no: str
    graded: bool
    total: Any
    scaled: bool
    rank: Any
    band: str
    proposed: str
    grade: str
    moved_down: bool
    tied: bool
    vetoed: bool
    reason: str


def standing_rows(session, rubric, result) -> dict:
    names, bands = names_of(session, result.standings), band_names(rubric)
    rows = []
    for s in result.ranked():
        name, no = names.get(s.person, ("", ""))
        rows.append(StandingRow(s.person, name, no, s.graded, s.total, bool(s.result and s.result.scaled), s.rank,
                                bands.get(s.band, ""), bands.get(s.proposed, ""), bands.get(s.grade, ""),
                                s.moved_down, s.tied, s.vetoed, s.reason))
    tie = result.tie
    return {"rows": rows, "graded": result.graded, "limit": result.quota_limit, "quota": bands.get(result.quota_grade, ""),
            "percent": result.quota_percent, "moved": [names.get(p, ("", ""))[0] for p in result.moved_down],
            "tie": tie, "tie_names": {p: names.get(p, ("", ""))[0] for p in (tie.candidates if tie else ())},
            "waiting": result.waiting, "bands": [(b.code, text(b.name)) for b in rubric.bands]}


def result_rows(session, rubric, results) -> list[StandingRow]:
    names, bands = names_of(session, [r.staff_id for r in results]), band_names(rubric)
    out = []
    for r in results:
        name, no = names.get(r.staff_id, ("", ""))
        out.append(StandingRow(r.staff_id, name, no, r.graded, r.total, r.scaled, r.rank, bands.get(r.band or "", ""),
                               bands.get(r.proposed or "", ""), bands.get(r.grade or "", ""), r.moved_down, r.tied,
                               r.vetoed, r.reason or ""))
    return out


def result_items(result) -> dict:
    return json.loads(result.items) if result.items else {}


def grid_body(people, items, scores, editable: bool, comment_label: str) -> Markup:
    """The grid's rows as one string: 60 staff × 40 items are 2,400 cells, built here with one
    format per cell rather than a template loop (the page's budget is 60 ms). A cell is its score
    box; its comment box is there when a comment was written (the page adds one when needed)."""
    readonly = "" if editable else " readonly"
    cell = ('<td class="hq-cell{done}"><input class="form-control input-sm hq-score" inputmode="decimal" '
            'autocomplete="off" data-r="{r}" data-c="{c}" aria-labelledby="hq-p{r} hq-i{c}" value="{v}"{ro}{af}>'
            '{comment}</td>')
    note = ('<input class="form-control input-sm hq-comment" maxlength="500" aria-label="{label}" '
            'value="{text}"{ro}>')
    label = escape(comment_label)
    out = []
    for r, (pid, (name, no)) in enumerate(people):
        parts = [f'<tr data-staff="{pid}"><th scope="row" id="hq-p{r}" class="hq-person">{escape(name)} '
                 f'<small class="text-muted">{escape(no)}</small></th>']
        for c, item in enumerate(items):
            found = scores.get((pid, item.code))
            value, text = found if found else ("", "")
            parts.append(cell.format(
                done=" hq-done" if found else "", r=r, c=c, v=value, ro=readonly,
                af=" autofocus" if editable and r == 0 and c == 0 else "",
                comment=note.format(label=label, text=escape(text), ro=readonly) if text else ""))
        parts.append("</tr>")
        out.append("".join(parts))
    return Markup("\n".join(out))


def sheet_body(lines, not_applicable: str, entered_by) -> Markup:
    """One person's sheet's rows (sections, groups and items: 49 on a 40-item template) as one
    string, one format per row rather than a template loop (the own-result page's budget is
    25 ms). `entered_by(group)`: the "entered by" note in the viewer's language."""
    row = ('<tr class="{cls}" data-item="{code}"><td style="padding-left: {pad}px">{name}</td>'
           '<td class="text-right">{points}</td><td class="text-right">{value}</td><td>{why}</td></tr>')
    na = f'<span class="text-muted">{escape(not_applicable)}</span>'
    out = []
    for ln in lines:
        if ln.is_item:
            name, value = escape(ln.name), na if ln.value is None else ln.value
        else:
            name, value = f"<strong>{escape(ln.name)}</strong>", "" if ln.value is None else ln.value
        why = [f'<span class="label label-danger">{escape(ln.forfeited)}</span> {escape(ln.reason)}'] if ln.forfeited else []
        for what, source in ln.notes:
            by = f' <small class="text-muted">({escape(entered_by(source))})</small>' if source else ""
            why.append(f'<div class="hq-note">{escape(what)}{by}</div>')
        out.append(row.format(cls="" if ln.is_item else "hq-section", code=escape(ln.code), pad=8 + 16 * ln.depth,
                              name=name, points="" if ln.points is None else ln.points, value=value,
                              why="".join(why)))
    return Markup("\n".join(out))

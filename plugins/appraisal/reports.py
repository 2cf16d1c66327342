"""Reports of a finalised round (issue 18 points 3 and 4): the committee summary (ranking and the
grade distribution with a chart), the public list for posting (公示: names and grades only —
never phones, scores or reasons) and the export for pay (staff number, name, grade, total).
Each reads the stored results in one query with the names joined (1,000 staff: one statement)."""
from __future__ import annotations

from collections import Counter

from flask_babel import gettext
from sqlalchemy import select

from app.charts import hbar_svg
from app.i18n import current_language
from app.models import Staff

from .models import AppraisalResult, AppraisalRound, AppraisalStar
from .services import rubric_of


def _bands(rnd):
    lang = current_language()
    rubric = rubric_of(rnd)
    return rubric, [(b.code, b.name.text(lang)) for b in rubric.bands]


def ranking(session, round_id: int):
    """(rank, staff no, name, total, grade code, vetoed, moved down, scaled, graded, result id, staff id)."""
    return session.execute(
        select(AppraisalResult.rank, Staff.staff_no, Staff.name, AppraisalResult.total, AppraisalResult.grade,
               AppraisalResult.vetoed, AppraisalResult.moved_down, AppraisalResult.scaled, AppraisalResult.graded,
               AppraisalResult.id, AppraisalResult.staff_id, AppraisalResult.state)
        .join(Staff, AppraisalResult.staff_id == Staff.id)
        .where(AppraisalResult.round_id == round_id)
        .order_by(AppraisalResult.rank.is_(None), AppraisalResult.rank, Staff.staff_no)).all()


def summary(session, rnd: AppraisalRound) -> dict:
    rubric, bands = _bands(rnd)
    names = dict(bands)
    rows = ranking(session, rnd.id)
    counts = Counter(r.grade for r in rows if r.graded)
    distribution = [(name, counts.get(code, 0)) for code, name in bands]
    graded = sum(counts.values())
    chart = hbar_svg(gettext("Grade distribution"), distribution, x_label=gettext("Staff"))
    stars = set(session.execute(select(AppraisalStar.staff_id).where(AppraisalStar.round_id == rnd.id)).scalars())
    return {"rows": rows, "names": names, "distribution": distribution, "graded": graded, "chart": chart,
            "stars": stars, "quota_band": names.get(rubric.quota_band or "", "")}


def public_list(session, rnd: AppraisalRound, every_grade: bool) -> dict:
    """Names and grades: by default the quota grade (优秀) and the best service stars only."""
    rubric, bands = _bands(rnd)
    names = dict(bands)
    top = rubric.quota_band or rubric.bands[0].code
    query = (select(Staff.name, AppraisalResult.grade, AppraisalStar.id.is_not(None))
             .join(Staff, AppraisalResult.staff_id == Staff.id)
             .outerjoin(AppraisalStar, (AppraisalStar.round_id == AppraisalResult.round_id)
                        & (AppraisalStar.staff_id == AppraisalResult.staff_id))
             .where(AppraisalResult.round_id == rnd.id, AppraisalResult.graded.is_(True)))
    if not every_grade:
        query = query.where((AppraisalResult.grade == top) | AppraisalStar.id.is_not(None))
    order = {code: i for i, (code, _) in enumerate(bands)}
    rows = sorted(session.execute(query).all(), key=lambda r: (order.get(r[1], 99), r[0]))
    return {"rows": [(name, names.get(grade, ""), star) for name, grade, star in rows], "every_grade": every_grade,
            "top": names.get(top, "")}


def pay_download(session, rnd: AppraisalRound):
    from app.export.xlsx import Column
    from app.views.exporting import xlsx_download

    _rubric, bands = _bands(rnd)
    names = dict(bands)
    columns = [Column(gettext("Staff number"), lambda r: r.staff_no), Column(gettext("Name"), lambda r: r.name),
               Column(gettext("Grade"), lambda r: names.get(r.grade or "", "")),
               Column(gettext("Total score"), lambda r: r.total, "decimal")]
    rows = [r for r in ranking(session, rnd.id) if r.graded]
    return xlsx_download(rows, columns, title=f"{rnd.name} · {gettext('Appraisal results for pay')}",
                         filename=f"appraisal-{rnd.id}-pay.xlsx")

"""Demo data (issue 17 point 11): the shipped templates; last month's round of the HQ campus's
staff, scored by a committee of seven and finalised — with a tie at the 优秀 quota boundary the
Director decided, then published (issue 18) with a best service star, one appeal answered and one
result reopened, corrected and republished; this month's round open, two sheets submitted. Every row is marked for
`demo --remove` (scores and results too)."""
from __future__ import annotations

import os
import secrets
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from app.demo import mark_demo
from app.models import Campus, DemoRecord, Staff
from app.workflow import transition

from . import closing, entries, services

from .models import (AppraisalCorrection, AppraisalEntry, AppraisalMember, AppraisalResult, AppraisalRound,
                     AppraisalRoundStaff, AppraisalScore, AppraisalSheet, AppraisalStar, AppraisalTemplate)
from .rubric_data import shipped_rubrics
from .views import template_row

COMMITTEE_USERS = [("appraiser1", "committee"), ("director", "committee"), ("appraisal2", "committee"),
                   ("appraisal3", "committee"), ("appraisal4", "committee"), ("appraisal5", "general_affairs"),
                   ("appraisal6", "general_affairs")]
# Member jitter, symmetric around 0 so two staff with the same quality tie exactly.
JITTER = [Decimal("0"), Decimal("0.5"), Decimal("-0.5"), Decimal("1"), Decimal("-1"), Decimal("0.5"), Decimal("-0.5")]
STAFF_IN_ROUND = 15


def _users(session):
    sm = current_app.appbuilder.sm
    password = os.environ.get("HOUQIN_DEMO_PASSWORD") or secrets.token_urlsafe(12) + "-Hq1!"
    campus = session.execute(select(Campus).where(Campus.code == "HQ")).scalar_one_or_none()
    users = []
    for username, group in COMMITTEE_USERS:
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(username, username.capitalize(), "Demo", f"{username}@demo.houqin",
                               sm.find_role("Appraiser"), password=password)
            if campus is not None:
                user.campuses = [campus]
            mark_demo(session, user)
        users.append((user, group))
    return users


def _quality(index: int) -> Decimal:
    """How good person `index` is (1 best): the second and third are equal — with a quota of two
    places, the tie at the boundary the Director decides."""
    table = [Decimal("1"), Decimal("0.95"), Decimal("0.95")]
    return table[index] if index < len(table) else Decimal("0.88") - Decimal("0.03") * (index - len(table))


def _score(item, quality: Decimal, jitter: Decimal) -> Decimal:
    span = item.points - item.minimum
    value = item.minimum + span * max(Decimal(0), min(Decimal(1), quality)) + jitter * span / 20
    value = (value * 2).quantize(Decimal(1)) / 2
    return max(item.minimum, min(item.points, value))


def _round(session, template, name, start, end, secretary, people, users):
    rnd = AppraisalRound(name=name, kind="monthly", template_id=template.id, start_date=start, end_date=end,
                         trim_at=5, self_assessment=False, comment_below_percent=Decimal(60), secretary_id=secretary.id)
    session.add(rnd)
    mark_demo(session, rnd)
    for s in people:
        row = AppraisalRoundStaff(round_id=rnd.id, staff_id=s.id, graded=True)
        session.add(row)
        mark_demo(session, row)
    for user, group in users:
        member = AppraisalMember(round_id=rnd.id, user_id=user.id, group=group)
        session.add(member)
        mark_demo(session, member)
    services.open_round(session, rnd.id, user=None)
    for sheet in session.execute(select(AppraisalSheet).where(AppraisalSheet.round_id == rnd.id)).scalars():
        mark_demo(session, sheet)
    return rnd


def _fill(session, rnd, people, users, submit_members):
    rubric = services.rubric_of(rnd)
    quality = {s.id: _quality(i) for i, s in enumerate(people)}
    for m_index, (user, group) in enumerate(users):
        sheet = services.sheet_of(session, rnd.id, user.id)
        member = session.get(AppraisalMember, sheet.member_id)
        for person in services.sheet_people(session, sheet, rnd, member):
            for item in services.sheet_items(rubric, group):
                value = _score(item, quality[person], JITTER[m_index % len(JITTER)])
                comment = "" if value >= item.points * Decimal("0.6") else "演示：需改进"
                services.save_cell(session, sheet.id, None, person, item.code, value, comment)
        for score in session.execute(select(AppraisalScore).where(AppraisalScore.sheet_id == sheet.id)).scalars():
            mark_demo(session, score)
        if m_index in submit_members:
            services.submit_sheet(session, sheet.id, None)
    for person, q in quality.items():
        for item in rubric.items.values():
            if not item.entered_once:
                continue
            if item.kind == "yes_no":
                form = {"yes": q >= Decimal("0.8"), "evidence": "演示：证书已核验" if q >= Decimal("0.8") else ""}
            elif item.kind == "deduction":
                lost = 0 if q >= Decimal("0.9") else 1
                first = item.occurrences[0]
                form = {f"count_{first.code}": lost, "comment": "演示：考勤记录" if lost else ""}
            else:
                continue
            entries.save_entries(session, rnd.id, None, person, item.code, form)
    _mark_new(session, "appraisal_entry", rnd.id)


def _publish(session, rnd):
    """Issue 18 point 7: last month's round published, the best service star chosen, one appeal
    answered (the result kept) and one result reopened after its appeal, corrected, re-finalised
    and republished (its earlier version readable)."""
    from app.models.workflow import RecordVersion

    from . import publication

    publication.publish_round(session, rnd.id, None)
    ranked = session.execute(select(AppraisalResult).where(AppraisalResult.round_id == rnd.id)
                             .order_by(AppraisalResult.rank)).scalars().all()
    publication.set_stars(session, rnd.id, [ranked[0].staff_id])
    kept, reopened = ranked[3], ranked[4]
    first = publication.file_appeal(session, kept.id, kept.staff_id, None, "演示：病假天数记录有误，请核实。")
    publication.answer_appeal(session, first.id, "演示：已与考勤记录核对，病假天数无误，维持原结果。", None)
    second = publication.file_appeal(session, reopened.id, reopened.staff_id, None, "演示：服务质量评分偏低，请复核。")
    publication.answer_appeal(session, second.id, "演示：复核后服务质量更正为 18 分，结果已重新公布。", None)
    publication.reopen_result(session, reopened.id, "演示：申诉复核", None)
    publication.correct_item(session, reopened.id, "service_quality", "18", "演示：复核检查记录后更正")
    publication.refinalise_result(session, reopened.id, None)
    publication.republish_result(session, reopened.id, None)
    mark_demo(session, first, second, *session.execute(select(AppraisalStar).where(AppraisalStar.round_id == rnd.id))
              .scalars(), *session.execute(select(AppraisalCorrection).where(AppraisalCorrection.result_id == reopened.id))
              .scalars(), *session.execute(select(RecordVersion).where(
                  RecordVersion.table_name == "appraisal_result", RecordVersion.record_id == str(reopened.id))).scalars())


def _mark_new(session, table, round_id):
    model = AppraisalEntry if table == "appraisal_entry" else AppraisalResult
    for row in session.execute(select(model).where(model.round_id == round_id)).scalars():
        mark_demo(session, row)


def load(session):
    have = set(session.execute(select(DemoRecord.table_name)).scalars())
    templates = {}
    for code, rubric in shipped_rubrics().items():
        row = session.execute(select(AppraisalTemplate).where(AppraisalTemplate.code == rubric.code)).scalar_one_or_none()
        if row is None:
            row = template_row(rubric)
            session.add(row)
            mark_demo(session, row)
        templates[code] = row
    campus = session.execute(select(Campus).where(Campus.code == "HQ")).scalar_one_or_none()
    if campus is None or "staff" not in have:
        return
    users = _users(session)
    people = session.execute(select(Staff).where(Staff.campus_id == campus.id, Staff.active.is_(True))
                             .order_by(Staff.staff_no).limit(STAFF_IN_ROUND)).scalars().all()
    member_staff = {session.execute(select(Staff.id).where(Staff.user_id == u.id)).scalar() for u, _ in users}
    people = [p for p in people if p.id not in member_staff] or people
    template = templates["annual_logistics_sample"]
    today = date.today()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    secretary = users[0][0]
    last = _round(session, template, f"{last_month:%Y年%m月} 后勤岗位考核（演示）", last_month,
                  this_month - timedelta(days=1), secretary, people, users)
    _fill(session, last, people, users, submit_members=range(len(users)))
    transition(session, AppraisalRound, last.id, "close", user=None)
    result = closing.compute(session, last)
    if result.waiting:
        closing.decide_tie(session, last.id, list(result.tie.candidates[:result.tie.places]))
    closing.finalise_round(session, last.id, None)
    _mark_new(session, "appraisal_result", last.id)
    _publish(session, last)
    current = _round(session, template, f"{this_month:%Y年%m月} 后勤岗位考核（演示）", this_month,
                     (this_month + timedelta(days=32)).replace(day=1) - timedelta(days=1), secretary, people, users)
    _fill(session, current, people, users, submit_members=(0, 1))

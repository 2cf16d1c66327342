"""The staff in a round's scope: by campus, department or position, or a hand pick (each once)."""
from __future__ import annotations

from sqlalchemy import select

from app.models import Staff
from app.rules import N_, RuleError

from .models import DRAFT, AppraisalRoundStaff
from .services import ERR_ROUND_NOT_DRAFT as ERR_NOT_DRAFT

ERR_PICK = N_("Choose a campus, a department or a position")



def add_scope(session, rnd, campus_id=None, department_id=None, position_id=None, staff_ids=None) -> int:
    if rnd.status != DRAFT:
        raise RuleError(ERR_NOT_DRAFT, field="staff")
    query = select(Staff.id).where(Staff.active.is_(True))
    if staff_ids is not None:
        query = query.where(Staff.id.in_(list(staff_ids)))
    elif not (campus_id or department_id or position_id):
        raise RuleError(ERR_PICK, field="campus_id")
    if campus_id:
        query = query.where(Staff.campus_id == campus_id)
    if department_id:
        query = query.where(Staff.department_id == department_id)
    if position_id:
        query = query.where(Staff.position_id == position_id)
    have = set(session.execute(select(AppraisalRoundStaff.staff_id)
                               .where(AppraisalRoundStaff.round_id == rnd.id)).scalars())
    added = 0
    for staff_id in session.execute(query.order_by(Staff.staff_no)).scalars():
        if staff_id not in have:
            session.add(AppraisalRoundStaff(round_id=rnd.id, staff_id=staff_id, graded=True))
            have.add(staff_id)
            added += 1
    session.flush()
    return added

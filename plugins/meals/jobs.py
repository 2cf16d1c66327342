"""The committee's scheduled job (core jobs): external members' personal data anonymised once
their term is over (setting: terms after), audited, repeatable (writes by key)."""
from __future__ import annotations

from sqlalchemy import select, update

from app.audit import audit_job
from app.models import utcnow
from app.school_calendar import terms as calendar_terms

from . import committee_rules as cr
from .models import Committee, Member
from .services import setting

ANONYMOUS = "—"


def anonymise_job(ctx):
    """Daily: name, phone and child's class of external members due; staff members' data belongs
    to the staff record and is left alone."""
    session = ctx.session
    today = ctx.period.start
    after = int(setting("meals_anonymise_after_terms"))
    rows = session.execute(select(Member, Committee.campus_id).join(Committee, Committee.id == Member.committee_id)
                           .where(Member.staff_id.is_(None), Member.anonymised_at.is_(None),
                                  Member.term_to.is_not(None), Member.term_to < today)).all()
    cache, due = {}, []
    for member, campus_id in rows:
        if campus_id not in cache:
            cache[campus_id] = [(t.id, t.start_date, t.end_date) for t in calendar_terms(session, campus_id)]
        if cr.anonymisation_due(member.term_to, today, cache[campus_id], after):
            due.append(member.id)
    # One audit entry for the job, naming the members, not one per row: a row's entry would keep
    # the old name in the log, which is what anonymising removes (PIPL art. 19).
    with audit_job(session, "meals_anonymise", members=due, terms_after=after, day=today.isoformat()):
        for start in range(0, len(due), 500):
            session.execute(update(Member).where(Member.id.in_(due[start:start + 500])).values(
                name=ANONYMOUS, phone=None, child_class=None, anonymised_at=utcnow())
                .execution_options(synchronize_session=False))
    return len(due), f"{len(due)} external members anonymised"

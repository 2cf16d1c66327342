"""The committee's scheduled job (core jobs): external members' personal data anonymised once
their term is over (setting: terms after), audited, repeatable (writes by key)."""
from __future__ import annotations

from sqlalchemy import select

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
    cache, done = {}, 0
    for member, campus_id in rows:
        if campus_id not in cache:
            cache[campus_id] = [(t.id, t.start_date, t.end_date) for t in calendar_terms(session, campus_id)]
        if cr.anonymisation_due(member.term_to, today, cache[campus_id], after):
            member.name, member.phone, member.child_class = ANONYMOUS, None, None
            member.anonymised_at = utcnow()
            done += 1
    return done, f"{done} external members anonymised"

"""Retention (PIPL art. 19; DOMAIN.md *setting* 180 days): visitors not seen for the
retention period lose name, ID number, phone and address; their visits keep
purpose, times, host and campus for statistics. Run by `flask houqin purge-visitors`."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, select, update

from app.audit import audit_job
from app.locks import unlocked
from app.models import utcnow

from .models import ANONYMISED, ON_SITE, Appointment, Visit, Visitor


def _purge_where(days: int):
    cutoff = utcnow() - timedelta(days=days)
    on_site = select(Visit.visitor_id).where(Visit.status == ON_SITE)
    return and_(Visitor.last_visit_at < cutoff, Visitor.anonymised_at.is_(None), Visitor.id.not_in(on_site)), cutoff


def purge_candidates(session, days: int) -> int:
    where, _cutoff = _purge_where(days)
    return session.execute(select(func.count(Visitor.id)).where(where)).scalar_one()


def purge_visitors(session, days: int) -> int:
    """Anonymise name, ID number, phone (and address) of visitors not seen for `days`;
    their visits keep purpose, times, host and campus for statistics. One audit entry."""
    where, cutoff = _purge_where(days)
    now = utcnow()
    # Anonymisation is one of the two writes that may touch locked records (PIPL art. 19 outranks
    # a lock): audited by this job's entry.
    with audit_job(session, "purge_visitors", retention_days=days, cutoff=cutoff) as job, \
            unlocked(session, "visitor retention (PIPL art. 19)"):
        ids = session.execute(select(Visitor.id).where(where)).scalars().all()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            session.execute(update(Visitor).where(Visitor.id.in_(chunk)).values(
                name=ANONYMISED, id_number=None, id_hash=None, phone=None, phone_hash=None, phone_last4=None,
                organisation=None, anonymised_at=now).execution_options(synchronize_session=False))
            session.execute(update(Visit).where(Visit.visitor_id.in_(chunk)).values(
                visitor_name=ANONYMISED, plate=None, note=None).execution_options(synchronize_session=False))
        session.execute(update(Appointment).where(
            Appointment.expected_date < cutoff.date(), Appointment.visitor_name != ANONYMISED).values(
            visitor_name=ANONYMISED, visitor_phone=None, plate=None).execution_options(synchronize_session=False))
        job.params["visitors"] = len(ids)
    return len(ids)


def purge_job(ctx) -> tuple[int, str]:
    """The daily job: the retention setting's purge, committed by the job runner with its run."""
    from flask import current_app

    days = current_app.extensions["houqin_settings"].get("visitor_retention_days")
    count = purge_visitors(ctx.session, days)
    return count, f"{count} visitors anonymised (retention {days} days)"

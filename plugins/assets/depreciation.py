"""The month-end depreciation run (政府会计准则第3号, monthly straight line).

`run_month(session, month)` stores each card's row for the month — what its plan
(rules.Plan, a closed form of the month) says is due after what is already booked — and
moves the card's accumulated total in the same transaction. Unique per card and month, so a
second run of a month changes nothing; months missed since the last run are run first, in
order; a month up to the last closed month is refused; a card dated in a closed (or already
run) month is caught up in the next run as one sum, and its card says so. One audit entry per
run (app.audit.audit_job). Called by the core monthly job, `flask houqin depreciate` and the
keeper's button."""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import and_, exists, func, or_, select, update

from app.audit import audit_job
from app.bulk import insert_rows
from app.periods import local_today
from app.rules import N_, RuleError

from . import rules
from .models import Asset, AssetEvent, ClosedMonth, DepreciationRow, DepreciationRun

ERR_MONTH_CLOSED = N_("%(month)s is closed: months up to %(closed)s are locked")
ERR_MONTH_FUTURE = N_("%(month)s has not begun: depreciation runs for this month or earlier ones")
ERR_NOT_RUN = N_("%(month)s has not been run yet: run it before closing it")
ERR_ALREADY_CLOSED = N_("%(month)s is already closed")
ROW_COLUMNS = ("asset_id", "month", "amount", "accumulated", "net", "campus_id", "category_id", "run_id")


def last_closed(session) -> Optional[date]:
    return session.execute(select(func.max(ClosedMonth.month))).scalar()


def last_run(session) -> Optional[date]:
    return session.execute(select(func.max(DepreciationRun.month))).scalar()


def open_month(session) -> date:
    """The first month a new row may go to: after the last closed month, never before this one's run."""
    closed = last_closed(session)
    return rules.add_months(closed, 1) if closed else rules.as_month(local_today())


def pending_months(session, month: date) -> list[date]:
    """The months a run for `month` processes, oldest first: the ones missed since the last run."""
    month = rules.as_month(month)
    last = last_run(session)
    if last is None or last >= month:
        return [] if last is not None and session.execute(
            select(DepreciationRun.id).where(DepreciationRun.month == month)).first() else [month]
    return [rules.add_months(last, i) for i in range(1, rules.month_number(month) - rules.month_number(last) + 1)]


def check_month(session, month: date, today: Optional[date] = None) -> date:
    month = rules.as_month(month, "month")
    label = month.strftime("%Y-%m")
    if month > rules.as_month(today or local_today()):
        raise RuleError(ERR_MONTH_FUTURE, field="month", month=label)
    closed = last_closed(session)
    if closed is not None and month <= closed:
        raise RuleError(ERR_MONTH_CLOSED, field="month", month=label, closed=closed.strftime("%Y-%m"))
    return month


def run_month(session, month, *, user_id=None, trigger: str = "manual", today: Optional[date] = None,
              commit_chunks=None) -> list[DepreciationRun]:
    """Run every pending month up to `month`, in order; returns the runs made (none when the
    month was already run). The caller commits."""
    month = check_month(session, month, today)
    runs = []
    for m in pending_months(session, month):
        runs.append(_run_one(session, m, user_id=user_id, trigger=trigger, commit_chunks=commit_chunks))
    return runs


def _candidates(month: date):
    a = Asset.__table__.c
    return (select(a.id, a.dep_base, a.dep_months, a.dep_first, a.disposed_on, a.opening_accumulated,
                   a.accumulated_depreciation, a.campus_id, a.category_id)
            .where(a.dep_base > 0, a.dep_first <= month,
                   or_(a.depreciated_through.is_(None), a.depreciated_through < month),
                   a.accumulated_depreciation < a.opening_accumulated + a.dep_base,
                   # a disposed card's plan stops at its disposal month (当月减少当月不再计提), and
                   # it is disposed (and locked) only once its months before are booked
                   # (lifecycle.check_booked_before_disposal)
                   a.status != "disposed",
                   # a card already booked for this month is never booked twice (the unique row)
                   ~exists().where(DepreciationRow.__table__.c.asset_id == a.id,
                                   DepreciationRow.__table__.c.month == month))
            .order_by(a.id))


def _run_one(session, month: date, *, user_id, trigger, commit_chunks) -> DepreciationRun:
    started = time.perf_counter()
    label = month.strftime("%Y-%m")
    run = DepreciationRun(month=month, user_id=user_id, trigger=trigger)
    session.add(run)
    session.flush()
    rows, caught, total = [], [], Decimal("0.00")
    with audit_job(session, "assets_depreciation", month=label, trigger=trigger) as job:
        for (aid, base, months, first, disposed, opening, booked, campus_id, category_id) in session.execute(
                _candidates(month)):
            plan = rules.Plan(Decimal(base), months, first, rules.as_month(disposed) if disposed else None)
            acc = Decimal(opening) + plan.accumulated(month)
            due = acc - Decimal(booked)
            if due <= 0:
                continue
            rows.append((aid, month, due, acc, Decimal(opening) + Decimal(base) - acc, campus_id, category_id,
                         run.id))
            total += due
            if due != plan.amount(month):
                caught.append(aid)
        table = DepreciationRow.__table__
        insert_rows(session, table, ROW_COLUMNS, rows)  # COPY on PostgreSQL
        # the cards follow their stored rows in one statement (no per-card round trip): an UPDATE
        # ... FROM join. As `id IN (SELECT ...)` with a correlated subquery, PostgreSQL planned the
        # IN as a subplan run again for every card when its statistics predated the run's rows
        # (a bench run killed after 8 minutes; 6.6 s when they were fresh).
        # SQLite keeps the subquery form (UPDATE ... FROM needs SQLite 3.33, and its plan is stable).
        a = Asset.__table__
        if session.get_bind().dialect.name == "postgresql":
            session.execute(update(a).where(a.c.id == table.c.asset_id, table.c.month == month)
                            .values(accumulated_depreciation=table.c.accumulated, depreciated_through=month))
        else:
            stored = select(table.c.accumulated).where(table.c.asset_id == a.c.id, table.c.month == month) \
                .scalar_subquery()
            session.execute(update(a).where(a.c.id.in_(select(table.c.asset_id).where(table.c.month == month)))
                            .values(accumulated_depreciation=stored, depreciated_through=month))
        # a statement on the table leaves the session's cards as they were loaded: a later step in
        # the same transaction (the demo's disposal, a split) would read, and write back, the
        # figures from before the run
        _expire_cards(session)
        if caught:
            # by key lists, not an executemany: the cards' lock check (disposed cards) reads its WHERE
            for i in range(0, len(caught), 500):
                session.execute(update(a).where(a.c.id.in_(caught[i:i + 500])).values(caught_up_in=month))
            session.execute(AssetEvent.__table__.insert(), [
                {"asset_id": aid, "kind": "caught_up", "on": month, "user_id": user_id,
                 "detail": {"month": label}, "at": run.at} for aid in caught])
        job.rows.append(f"assets_depreciation:{len(rows)}")
    run.cards, run.total = len(rows), total
    run.seconds = Decimal(f"{time.perf_counter() - started:.3f}")
    session.flush()
    return run


def _expire_cards(session) -> None:
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Asset):
            session.expire(obj, ["accumulated_depreciation", "depreciated_through", "caught_up_in"])


def close_month(session, month, *, user_id=None) -> ClosedMonth:
    """The Director closes a month (and every earlier one with it): its rows are final."""
    month = rules.as_month(month, "month")
    label = month.strftime("%Y-%m")
    closed = last_closed(session)
    if closed is not None and month <= closed:
        raise RuleError(ERR_ALREADY_CLOSED, field="month", month=label)
    if session.execute(select(DepreciationRun.id).where(DepreciationRun.month == month)).first() is None:
        raise RuleError(ERR_NOT_RUN, field="month", month=label)
    row = ClosedMonth(month=month, closed_by_id=user_id)
    session.add(row)
    session.flush()
    return row


def month_end_job(ctx):
    """The core monthly job: on the 1st, the month just ended (missed ones first)."""
    month = ctx.period.previous().start
    if last_closed(ctx.session) is not None and month <= last_closed(ctx.session):
        return 0, f"{month:%Y-%m} closed"
    runs = run_month(ctx.session, month, user_id=getattr(ctx.user, "id", None), trigger="job", today=ctx.now.date())
    return sum(r.cards for r in runs), ", ".join(f"{r.month:%Y-%m}: {r.cards} cards, {r.total}" for r in runs)


def rows_of(session, asset_id: int, limit: int = 600):
    return session.execute(select(DepreciationRow).where(DepreciationRow.asset_id == asset_id)
                           .order_by(DepreciationRow.month.desc()).limit(limit)).scalars().all()


def accumulated_at(session, month: date, *where):
    """Per card, the stored accumulated total at the end of `month` (the last row on or before it)."""
    t = DepreciationRow.__table__.c
    latest = select(t.asset_id, func.max(t.month).label("m")).where(t.month <= month, *where) \
        .group_by(t.asset_id).subquery()
    return select(t.asset_id, t.accumulated).join(latest, and_(t.asset_id == latest.c.asset_id,
                                                                 t.month == latest.c.m))

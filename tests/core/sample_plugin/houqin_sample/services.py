"""The sample's verbs, each a few lines on core's services (docs/plugins.md quotes them)."""
import os
import time
from decimal import Decimal

from sqlalchemy import func, select

from app.models import utcnow
from app.numbering import next_number
from app.periods import local_date
from app.rules import N_, RuleError

from .models import SampleMonthTotal, SampleRequest


def number_request(session, request, user) -> None:
    """A new request takes its number when it is saved, in the saving transaction: the sequence has
    no gaps (a failed save gives the number back)."""
    request.requested_by_id = user.id
    request.created_at = request.created_at or utcnow()
    request.number = next_number("sample.request", period=local_date(request.created_at), session=session).text


ERR_NO_AMOUNT = N_("A request needs an amount above zero")


def may_submit(request, ctx) -> None:
    """The submit transition's guard: a rule of the domain, with its message on the field."""
    if request.amount is None or request.amount <= 0:
        raise RuleError(ERR_NO_AMOUNT, field="amount")


def month_end(ctx):
    """The monthly job: the month just ended (ctx.period is the month the run is due in)."""
    month = ctx.period.previous()
    if os.environ.get("HOUQIN_SAMPLE_JOB_FAIL") == month.key:
        raise RuntimeError(f"sample failure for {month.key}")
    time.sleep(float(os.environ.get("HOUQIN_SAMPLE_JOB_SLEEP") or 0))
    start, end = month.utc_range()
    count, amount = ctx.session.execute(select(func.count(SampleRequest.id), func.sum(SampleRequest.amount)).where(
        SampleRequest.status == "approved", SampleRequest.decided_at >= start, SampleRequest.decided_at < end)).one()
    row = ctx.session.execute(select(SampleMonthTotal).where(SampleMonthTotal.month == month.key)).scalar_one_or_none()
    if row is None:
        row = SampleMonthTotal(month=month.key, runs=0)
        ctx.session.add(row)
    row.approved, row.amount, row.runs, row.computed_at = count, amount or Decimal("0"), row.runs + 1, utcnow()
    return 1, f"{month.key}: {count} approved"

"""Numbers that are never given twice: asset codes per category and year, meeting numbers per
committee and year, request numbers.

A plugin declares its sequences in its manifest (`Plugin.sequences`):

    Sequence("assets.card", "{scope}{period}{n:04d}", period="year")          # gaps allowed
    Sequence("meals.meeting", "{period}-{n:02d}", period="year", gaps=False)  # no gaps

and takes the next number with `next_number("assets.card", scope=category.code, period=acquired_on)`
(a date is turned into the sequence's period in the local calendar; None: the current one).

Each (sequence, scope, period) is one counter row moved by one atomic
`INSERT ... ON CONFLICT DO UPDATE SET last_value = last_value + 1 RETURNING last_value`, so
concurrent requests — threads, processes, hosts — never get the same number, on SQLite and
PostgreSQL alike.

- `gaps=False`: the number is taken inside the caller's transaction. Call it when the record is
  saved, in the transaction that saves it: a rollback gives the number back, and concurrent savers
  of the same sequence wait for each other's commit (the counter row is locked until then).
- `gaps=True`: on PostgreSQL the number is taken and committed at once on a connection of its own,
  so concurrent requests never wait on each other's transactions; a rolled-back record leaves a
  gap. SQLite has one writer at a time, so there the caller's transaction is used (a second
  connection would wait for the caller's own write lock).
`count=n` takes a block of n consecutive numbers in one statement (imports).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Optional, Union

from .periods import MONTH, YEAR, Period


@dataclass(frozen=True)
class Sequence:
    key: str
    format: Union[str, Callable[[int, str, str], str]] = "{n}"  # fields: n, scope, period
    gaps: bool = True
    period: Optional[str] = None  # "year" | "month" | None: what a date given as period becomes
    label: Any = ""
    start: int = 1

    def render(self, n: int, scope: str, period: str) -> str:
        if callable(self.format):
            return self.format(n, scope, period)
        return self.format.format(n=n, scope=scope, period=period)

    def period_key(self, period) -> str:
        if period is None:
            return Period.current(self.period).key if self.period else ""
        if isinstance(period, (date, datetime)):
            if self.period is None:
                raise ValueError(f"sequence {self.key!r} has no period: give none")
            return Period.of(self.period, period).key
        if isinstance(period, Period):
            return period.key
        return str(period)


@dataclass(frozen=True)
class Number:
    value: int
    text: str
    key: str
    scope: str
    period: str

    def __str__(self) -> str:
        return self.text


def sequence(key) -> Sequence:
    if isinstance(key, Sequence):
        return key
    from flask import current_app

    known = current_app.extensions["houqin"].sequences
    if key not in known:
        raise KeyError(f"no sequence {key!r} is declared (declared: {', '.join(sorted(known)) or 'none'})")
    return known[key]


def _upsert(conn, seq: Sequence, scope: str, period: str, count: int) -> int:
    from .models.numbering import SequenceCounter

    table = SequenceCounter.__table__
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported (DESIGN.md)
        raise RuntimeError(f"numbering does not support {conn.dialect.name}")
    stmt = (insert(table).values(key=seq.key, scope=scope, period=period, last_value=seq.start - 1 + count)
            .on_conflict_do_update(index_elements=["key", "scope", "period"],
                                   set_={"last_value": table.c.last_value + count})
            .returning(table.c.last_value))
    return conn.execute(stmt).scalar_one()


def next_number(key, scope: Any = "", period: Any = None, *, session=None, count: int = 1
                ) -> Union[Number, list[Number]]:
    """The next number of a declared sequence (a list of `count` when count > 1)."""
    seq = sequence(key)
    scope = "" if scope is None else str(scope)
    period_key = seq.period_key(period)
    if len(scope) > 80 or len(period_key) > 20:
        raise ValueError("scope or period too long for a sequence")
    if count < 1:
        raise ValueError("count must be at least 1")
    if session is None:
        from .extensions import db

        session = db.session
    bind = session.get_bind()
    own = seq.gaps and bind.dialect.name == "postgresql" and hasattr(bind, "connect") \
        and not hasattr(bind, "in_transaction")
    if own:
        # An autonomous transaction: committed now, so no caller waits on another's counter lock.
        with bind.connect() as conn:
            last = _upsert(conn, seq, scope, period_key, count)
            conn.commit()
    else:
        last = _upsert(session.connection(), seq, scope, period_key, count)
    numbers = [Number(n, seq.render(n, scope, period_key), seq.key, scope, period_key)
               for n in range(last - count + 1, last + 1)]
    return numbers[0] if count == 1 else numbers


def current_value(key, scope: Any = "", period: Any = None, *, session=None) -> int:
    """The last number given (0 when none yet)."""
    from sqlalchemy import select

    from .models.numbering import SequenceCounter

    seq = sequence(key)
    if session is None:
        from .extensions import db

        session = db.session
    return session.execute(select(SequenceCounter.last_value).where(
        SequenceCounter.key == seq.key, SequenceCounter.scope == ("" if scope is None else str(scope)),
        SequenceCounter.period == seq.period_key(period))).scalar() or 0


__all__ = ["Sequence", "Number", "next_number", "current_value", "sequence", "YEAR", "MONTH"]

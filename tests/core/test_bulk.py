"""app.bulk.insert_rows: the same rows whichever path writes them (COPY on PostgreSQL, executemany
elsewhere), values kept exactly (money to the fen, dates, NULLs, text with tabs, new lines and
backslashes), constant defaults filled in, computed ones refused, and the caller's transaction
owning the rows."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, Numeric, String, Table, func, select

from app.bulk import insert_rows
from tests.conftest import unique


@pytest.fixture()
def scratch(app, ctx):
    """A table of this test's own, dropped afterwards."""
    from app.extensions import db

    meta = MetaData()
    table = Table(unique("bulk_").lower(), meta, Column("id", Integer, primary_key=True),
                  Column("amount", Numeric(14, 2), nullable=False), Column("month", Date),
                  Column("note", String(200)), Column("kind", String(10), default="plain"),
                  Column("stamp", String(40), default=lambda: "made"))
    with app.app_context():
        meta.create_all(db.engine)
    yield ctx.session, table
    ctx.session.rollback()
    with app.app_context():
        meta.drop_all(db.engine)


ROWS = [(Decimal("1234567.89"), date(2026, 11, 1), "格力柜式空调\t1号楼\n101 \\ 备注", "x"),
        (Decimal("0.01"), None, None, "y"),
        (Decimal("-0.50"), date(1999, 12, 31), "", "z")]
ROWS_STAMPED = [row + ("s",) for row in ROWS]


def test_rows_come_back_exactly_as_given(scratch):
    session, table = scratch
    assert insert_rows(session, table, ("amount", "month", "note", "kind", "stamp"), iter(ROWS_STAMPED)) == 3
    got = session.execute(select(table.c.amount, table.c.month, table.c.note, table.c.kind, table.c.stamp)
                          .order_by(table.c.id)).all()
    assert [tuple(r) for r in got] == ROWS_STAMPED


def test_a_constant_default_is_filled_and_a_computed_one_must_be_given(scratch):
    session, table = scratch
    with pytest.raises(ValueError, match="computed default"):
        insert_rows(session, table, ("amount",), [(Decimal("1.00"),)])
    insert_rows(session, table, ("amount", "stamp"), [(Decimal("2.00"), "given")])
    assert session.execute(select(table.c.kind, table.c.stamp)).one() == ("plain", "given")
    with pytest.raises(ValueError, match="no column"):
        insert_rows(session, table, ("amount", "nope"), [(1, 2)])


def test_many_rows_in_chunks_and_a_rollback_takes_them_back(scratch):
    session, table = scratch
    rows = [(Decimal(i) / 100, date(2026, 1 + i % 12, 1), f"n{i}", "k", "s") for i in range(12_345)]
    assert insert_rows(session, table, ("amount", "month", "note", "kind", "stamp"), rows) == 12_345
    total = session.execute(select(func.count(), func.sum(table.c.amount))).one()
    assert total == (12_345, sum(r[0] for r in rows))
    session.rollback()
    assert session.execute(select(func.count()).select_from(table)).scalar() == 0


def test_an_empty_batch_writes_nothing(scratch):
    session, table = scratch
    assert insert_rows(session, table, ("amount", "stamp"), []) == 0
    assert session.execute(select(func.count()).select_from(table)).scalar() == 0


def test_postgresql_takes_the_rows_by_copy_and_sqlite_by_executemany(scratch):
    from sqlalchemy import event

    session, table = scratch
    seen = []
    engine = session.get_bind()

    def watch(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement.split()[0].upper(), executemany))

    event.listen(engine, "before_cursor_execute", watch)
    try:
        insert_rows(session, table, ("amount", "stamp"), [(Decimal(i), "s") for i in range(7000)])
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    if engine.dialect.name == "postgresql":
        assert not [s for s in seen if s[0] == "INSERT"]  # COPY runs on the driver's cursor
    else:
        assert [s for s in seen if s[0] == "INSERT"] and len([s for s in seen if s[0] == "INSERT"]) <= 2
    assert session.execute(select(func.count()).select_from(table)).scalar() == 7000

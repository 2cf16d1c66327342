"""Bulk seeding for the asset benches: PostgreSQL's COPY (text format) on the session's own
connection, inside its transaction; elsewhere SQLAlchemy's executemany insert. No ORM objects,
no flush hooks: 2.4 million depreciation rows through insert() never finished on PostgreSQL;
COPY takes them in a few minutes. The COPY itself is bench.common.copy_rows, which the
visitors' bench writes with too."""
from __future__ import annotations

from sqlalchemy import Table, insert

from bench.common import copy_rows


def columns_of(table: Table, row: dict) -> list[str]:
    """The row's columns, and every column with a plain default the row leaves out."""
    out = list(row)
    for c in table.columns:
        if c.name not in row and c.default is not None and c.default.is_scalar:
            out.append(c.name)
    return out


def bulk_insert(session, table: Table, rows: list[dict], chunk: int = 100_000) -> int:
    """Insert `rows` (dicts with the same keys) into `table`; returns how many."""
    if not rows:
        return 0
    if session.get_bind().dialect.name != "postgresql":
        for i in range(0, len(rows), 10_000):
            session.execute(insert(table), rows[i:i + 10_000])
        return len(rows)
    names = columns_of(table, rows[0])
    defaults = {c.name: c.default.arg for c in table.columns if c.name in names and c.default is not None
                and c.default.is_scalar}
    dbapi = session.connection().connection.driver_connection
    for i in range(0, len(rows), chunk):
        copy_rows(dbapi, table.name, names, [tuple(r.get(n, defaults.get(n)) for n in names)
                                             for r in rows[i:i + chunk]])
    return len(rows)

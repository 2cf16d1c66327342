"""Bulk seeding for the asset benches: PostgreSQL's COPY (text format) on the session's own
connection, inside its transaction; elsewhere SQLAlchemy's executemany insert. No ORM objects,
no flush hooks: 2.4 million depreciation rows through insert() never finished on PostgreSQL;
COPY takes them in a few minutes. (tests/plugins/visitors/bench.py has the same writer for its
raw connection: one in bench/common.py would serve both.)"""
from __future__ import annotations

import io
from datetime import datetime

from sqlalchemy import Table, insert

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _pg(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    text = str(value)
    return text.translate(_ESCAPES) if any(c in text for c in "\\\t\n\r") else text


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
    cursor = session.connection().connection.driver_connection.cursor()
    sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    try:
        for i in range(0, len(rows), chunk):
            text = "".join("\t".join(_pg(r.get(n, defaults.get(n))) for n in names) + "\n" for r in rows[i:i + chunk])
            if hasattr(cursor, "copy_expert"):  # psycopg2, the driver of postgresql://
                cursor.copy_expert(sql, io.StringIO(text))
            else:  # psycopg 3
                with cursor.copy(sql) as copy:
                    copy.write(text)
    finally:
        cursor.close()
    return len(rows)

"""Many rows into one table in the session's transaction, for jobs that write tens of thousands
of rows at once (the assets' month-end run stores a row per card: 100,000 in a large school).

On PostgreSQL with psycopg 3 (the pinned driver) the rows go in by COPY, which the server takes
several times faster than INSERT statements of a thousand rows each; everywhere else (SQLite,
another driver) by the driver's executemany of one compiled INSERT, in chunks. Either way: no ORM objects, no
flush hooks, no audit entries of their own (the caller's job writes one for the run), and the
rows are part of the caller's transaction (a rollback takes them back)."""
from __future__ import annotations

from typing import Iterable, Sequence

from sqlalchemy import Table, insert

CHUNK = 5000


def insert_rows(session, table: Table, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (tuples of values in `columns` order; Python values as the columns take them:
    Decimal, date, int, str, None) into `table`; returns how many. Columns left out get their
    server default; a constant Python default is filled in, a computed one must be given."""
    names = list(columns)
    unknown = [n for n in names if n not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column(s) {unknown}")
    # COPY knows only the server's defaults: a column left out whose default is Python's is
    # filled here when it is a constant, and must be named when it is computed
    extra = []
    for c in table.columns:
        if c.name not in names and c.default is not None:
            if not c.default.is_scalar:
                raise ValueError(f"{table.name}.{c.name} has a computed default: give its value")
            extra.append(c.default.arg)
            names.append(c.name)
    if extra:
        tail = tuple(extra)
        rows = (tuple(row) + tail for row in rows)
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql" and type(driver).__module__.split(".")[0] == "psycopg":
        count = 0
        quoted = ", ".join(connection.dialect.identifier_preparer.quote(n) for n in names)
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY {connection.dialect.identifier_preparer.format_table(table)} ({quoted}) "
                             "FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    order = compiled.positiontup
    if order is not None and sorted(order) == sorted(names):
        # a positional driver (sqlite3, PyMySQL, ...): the INSERT is compiled once and each row
        # becomes the driver's tuple through the columns' own bind processors (Decimal, date as
        # SQLAlchemy would store them), half the time of executemany through SQLAlchemy's
        # per-row parameter dictionaries (100,000 rows of 8 values on SQLite: 0.8 -> 0.4 s)
        processors = [(names.index(key), table.c[key].type.dialect_impl(dialect).bind_processor(dialect))
                      for key in order]
        plain = all(f is None for _, f in processors)

        def driver_row(row):
            if plain:
                return tuple(row[i] for i, _ in processors)
            return tuple(row[i] if f is None else f(row[i]) for i, f in processors)

        def send(batch):
            connection.exec_driver_sql(compiled.string, batch)
    else:  # a driver with named parameters: SQLAlchemy's executemany, a dictionary a row
        statement = insert(table)

        def driver_row(row):
            return dict(zip(names, row))

        def send(batch):
            session.execute(statement, batch)
    count, chunk = 0, []
    for row in rows:
        chunk.append(driver_row(row))
        if len(chunk) >= CHUNK:
            send(chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        send(chunk)
        count += len(chunk)
    return count

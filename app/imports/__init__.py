"""The one importer for Excel and CSV files (staff, rooms, the asset ledger, rubric templates ...).

A plugin declares an `Importer`: its columns (Chinese and English header names, required or not,
a parser per column — lookups are parsers), a row check, a match key and the write. Core does
the rest the same way for every importer (`run`):

1. read the first sheet of an .xlsx, .xls or .csv (app/imports/readers.py), decided by content;
2. find the header row (below any title rows) and map the columns by their names;
3. parse and check every row, collecting every error by row and column — a value longer than
   its field is an error, never cut; lookups by name that match two records are errors listing
   the candidates;
4. drop rows whose match key is already in the database (importing a file twice creates
   nothing twice) or twice in the file (an error);
5. only when no row has an error: write all rows in one transaction, as one audited job.

`run` is a generator of `Progress` events ending in a `Result`, so a page can show progress on
files of thousands of rows (app/views/imports.py streams it)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from ..rules import N_, RuleError
from .readers import ReadError, cell_text, read_table

ERR_REQUIRED = N_("This field is required.")
ERR_TOO_LONG = N_("At most %(max)d characters (this has %(n)d).")
ERR_HEADERS = N_("Missing columns: %(columns)s. Download the template and keep its header row.")
ERR_EMPTY = N_("The file holds no rows to import.")
ERR_DUP_FILE = N_("%(label)s %(value)s appears twice in the file (also row %(row)d).")
ERR_WRITE = N_("The rows could not be saved (someone may have changed the same records meanwhile): nothing was imported. Try again.")
HEADER_SCAN_ROWS = 30
PROGRESS_EVERY = 250


@dataclass(frozen=True)
class ImportColumn:
    """One column. `parse(value, row)` turns the cell (text, number or date) into the stored
    value or raises RuleError; without a parser the text is kept as it is (length-checked).
    `max_length`: the field's length, taken from the importer's model column of the same key
    when not given. `aliases`: further header names the office's own sheets use."""

    key: str
    zh: str
    en: str
    required: bool = False
    parse: Callable[[Any, "Row"], Any] | None = None
    max_length: int | None = None
    example: str = ""
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass
class RowError:
    row: int          # the spreadsheet's row number (1-based, as Excel shows it)
    column: str       # the column's name in the user's language ("" for the whole row)
    message: str
    key: str = ""
    value: str = ""   # what the cell held (shown beside the message)


@dataclass
class Row:
    """What a parser sees: the row's number, its cells by key, the values parsed so far (in
    column order: a room lookup can use the campus column before it) and the import's state."""

    number: int
    raw: dict[str, Any]
    values: dict[str, Any]
    state: "ImportState"


@dataclass
class ImportState:
    """Per import: the importer's lookups cache (`cache`), the user's campus ids (None: all)."""

    campus_ids: list[int] | None
    lang: str = "zh"
    cache: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, load: Callable[[], Any]):
        """A lookup table loaded once per import (one query for 5,000 rows, not 5,000)."""
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]


@dataclass
class Progress:
    stage: str   # "read" | "check" | "write"
    done: int
    total: int


@dataclass
class Result:
    created: int = 0
    skipped: int = 0          # rows already in the database (same match key)
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    message: str | None = None  # a whole-file problem (unreadable, missing columns ...)
    header: list[str] = field(default_factory=list)
    data: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells) for the error workbook
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.message is None and not self.errors


class Importer:
    """Subclass and declare. Everything but `columns` and `write` has a default."""

    name: str = ""
    title: Any = ""
    model: Any = None          # its String columns give the columns' max_length
    columns: list[ImportColumn] = []
    max_rows: int = 5000
    template_rows: list[list[str]] | None = None  # sample rows (default: each column's example)
    key_column: str | None = None  # the column a duplicate key is reported on (its label names the key)
    empty_message: str = ERR_EMPTY

    # -- the declaration's behaviour ----------------------------------------------------------
    def check(self, values: dict, row: Row) -> Iterable[RuleError] | None:
        """Rules across columns; raise or return RuleErrors, each naming its field."""
        return None

    def key(self, values: dict):
        """The match key (None: every row is new). Rows whose key exists are not imported again."""
        return None

    def existing(self, keys: set, state: ImportState) -> dict:
        """key -> existing record, for the keys of this file (one query)."""
        return {}

    def conflict(self, existing, values: dict) -> RuleError | None:
        """An existing record with the same key: None skips the row (already imported); a
        RuleError makes it an error (the key belongs to a different record)."""
        return None

    def write(self, records: list[dict], state: ImportState) -> None:
        raise NotImplementedError

    def key_label(self, key) -> str:
        return str(key if not isinstance(key, tuple) else " / ".join(str(k) for k in key))

    # -- derived ------------------------------------------------------------------------------
    def max_length(self, column: ImportColumn) -> int | None:
        if column.max_length is not None:
            return column.max_length
        table = getattr(self.model, "__table__", None)
        col = table.c.get(column.key) if table is not None else None
        return getattr(col.type, "length", None) if col is not None else None

    def headers(self, lang: str) -> list[str]:
        return [f"{c.zh} {c.en}" for c in self.columns]


def _norm(text: str) -> str:
    return "".join(ch for ch in str(text) if not ch.isspace() and ch not in "*＊:：()（）").casefold()


def header_map(importer: Importer, cells: list) -> dict[int, ImportColumn]:
    names = {}
    for col in importer.columns:
        for name in (col.zh, col.en, f"{col.zh}{col.en}", f"{col.zh} {col.en}", *col.aliases):
            names.setdefault(_norm(name), col)
    found: dict[int, ImportColumn] = {}
    taken = set()
    for idx, cell in enumerate(cells):
        col = names.get(_norm(cell_text(cell))) if cell is not None else None
        if col is not None and col.key not in taken:
            found[idx] = col
            taken.add(col.key)
    return found


def find_header(importer: Importer, rows: list[list]) -> tuple[int, dict[int, ImportColumn]]:
    """The header row: among the first rows, the first holding every required column, else the
    one naming the most columns (the caller reports what is missing)."""
    required = {c.key for c in importer.columns if c.required}
    best, best_map = -1, {}
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = header_map(importer, cells)
        keys = {c.key for c in mapping.values()}
        if mapping and required <= keys:
            return i, mapping
        if len(mapping) > len(best_map):
            best, best_map = i, mapping
    return best, best_map


def _message(err: RuleError, translate) -> str:
    return err.format(translate)


def run(importer: Importer, stream, filename: str, *, state: ImportState, translate=None,
        max_unpacked: int = 200 * 1024 * 1024, session=None, job_params: dict | None = None
        ) -> Iterator[Progress | Result]:
    """Read, check and (when every row is right) write; yields Progress, then the Result."""
    translate = translate or (lambda s: s)
    started = time.perf_counter()
    result = Result()
    lang = state.lang

    def finish():
        result.seconds = time.perf_counter() - started
        return result

    yield Progress("read", 0, 0)
    try:
        table = read_table(stream, max_rows=importer.max_rows, max_unpacked=max_unpacked)
    except (ReadError, RuleError) as err:
        result.message = _message(err, translate)
        yield finish()
        return
    index, mapping = find_header(importer, table)
    if index < 0:
        result.message = translate(importer.empty_message) if not table else translate(ERR_HEADERS) % {
            "columns": ", ".join(c.label(lang) for c in importer.columns if c.required)}
        yield finish()
        return
    present = {c.key for c in mapping.values()}
    missing = [c for c in importer.columns if c.required and c.key not in present]
    result.header = [cell_text(c) for c in table[index]]
    if missing:
        result.message = translate(ERR_HEADERS) % {"columns": ", ".join(c.label(lang) for c in missing)}
        yield finish()
        return
    body = [(index + 2 + n, cells) for n, cells in enumerate(table[index + 1:])]
    body = [(no, cells) for no, cells in body if any(cell_text(v) for v in cells)]
    if not body:
        result.message = translate(importer.empty_message)
        yield finish()
        return
    if len(body) > importer.max_rows:
        result.message = translate(N_("At most %(max)d rows per import.")) % {"max": importer.max_rows}
        yield finish()
        return
    result.rows = len(body)
    result.data = body
    labels = {c.key: c.label(lang) for c in importer.columns}
    lengths = {c.key: importer.max_length(c) for c in importer.columns}
    order = sorted(mapping.items())
    records: list[tuple[int, dict]] = []
    yield Progress("check", 0, len(body))
    for done, (number, cells) in enumerate(body, start=1):
        raw = {col.key: (cells[i] if i < len(cells) else None) for i, col in order}
        values: dict[str, Any] = {}
        row = Row(number, raw, values, state)
        errors: list[RowError] = []

        def add(err: RuleError, key: str | None):
            key = err.field or key or ""
            shown = cell_text(raw.get(key)) if key else ""
            errors.append(RowError(number, labels.get(key, ""), _message(err, translate), key,
                                   shown if len(shown) <= 60 else shown[:60] + "…"))

        for col in importer.columns:
            value = raw.get(col.key)
            text = cell_text(value)
            if not text:
                if col.required:
                    add(RuleError(ERR_REQUIRED), col.key)
                values[col.key] = None
                continue
            limit = lengths[col.key]
            if limit and col.parse is None and len(text) > limit:
                add(RuleError(ERR_TOO_LONG, max=limit, n=len(text)), col.key)
                continue
            try:
                parsed = col.parse(value, row) if col.parse else text
            except RuleError as err:
                add(err, col.key)
                continue
            if limit and isinstance(parsed, str) and len(parsed) > limit:
                add(RuleError(ERR_TOO_LONG, max=limit, n=len(parsed)), col.key)
                continue
            values[col.key] = parsed
        if not errors:
            try:
                for err in importer.check(values, row) or ():
                    add(err, None)
            except RuleError as err:
                add(err, None)
        if errors:
            result.errors.extend(errors)
        else:
            records.append((number, values))
        if done % PROGRESS_EVERY == 0:
            yield Progress("check", done, len(body))
    yield Progress("check", len(body), len(body))

    # Match keys: twice in the file is an error; already in the database is skipped (or a
    # conflict when the importer says the record behind the key is another one).
    seen: dict[Any, int] = {}
    keyed = []
    for number, values in records:
        key = importer.key(values)
        if key is not None and key in seen:
            column = labels.get(importer.key_column or "", "")
            err = RuleError(ERR_DUP_FILE, label=column, value=importer.key_label(key), row=seen[key])
            result.errors.append(RowError(number, column, _message(err, translate).strip(),
                                          importer.key_column or ""))
            continue
        if key is not None:
            seen[key] = number
        keyed.append((number, key, values))
    existing = importer.existing({k for _, k, _ in keyed if k is not None}, state) if seen else {}
    fresh = []
    for number, key, values in keyed:
        if key is not None and key in existing:
            clash = importer.conflict(existing[key], values)
            if clash is not None:
                result.errors.append(RowError(number, labels.get(clash.field or "", ""),
                                              _message(clash, translate), clash.field or ""))
            else:
                result.skipped += 1
            continue
        fresh.append(values)
    result.errors.sort(key=lambda e: e.row)
    if result.errors:
        yield finish()
        return

    yield Progress("write", 0, len(fresh))
    if fresh:
        from ..audit import audit_job

        try:
            with audit_job(session, f"{importer.name}_import", file=filename, rows=len(fresh),
                           skipped=result.skipped, **(job_params or {})):
                importer.write(fresh, state)
            session.commit()
        except RuleError as err:
            session.rollback()
            result.message = _message(err, translate)
            yield finish()
            return
        except Exception as exc:  # a unique constraint hit by a concurrent change, say
            from sqlalchemy.exc import SQLAlchemyError

            session.rollback()
            if not isinstance(exc, SQLAlchemyError):
                raise
            result.message = translate(ERR_WRITE)
            yield finish()
            return
    result.created = len(fresh)
    yield Progress("write", len(fresh), len(fresh))
    yield finish()


def run_to_end(events: Iterator[Progress | Result]) -> Result:
    result = None
    for event in events:
        if isinstance(event, Result):
            result = event
    return result


__all__ = ["ImportColumn", "ImportState", "Importer", "Progress", "Result", "Row", "RowError", "run",
           "run_to_end"]

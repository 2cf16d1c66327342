"""Streaming xlsx export.

Pure function of its inputs (no Flask globals) so views, CLI commands and
benchmarks share it. Callers pass already-translated text; this module only
decides layout and number formats.
"""
from __future__ import annotations

import math
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence
from xml.sax.saxutils import escape

import xlsxwriter

TITLE_ROW, SUBTITLE_ROW, META_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2, 4, 5
MIN_WIDTH, MAX_WIDTH = 8, 60
# Header length alone would leave formatted dates/amounts showing "####".
_KIND_MIN_WIDTH = {"date": 14, "datetime": 20, "money": 14}
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NUM_FORMATS = {
    ("date", "zh"): 'yyyy"年"m"月"d"日"',
    ("date", "en"): "d mmm yyyy",
    ("datetime", "zh"): 'yyyy"年"m"月"d"日" hh:mm',
    ("datetime", "en"): "d mmm yyyy hh:mm",
}
_KIND_FORMATS = {"money": '"¥"#,##0.00', "decimal": "#,##0.00", "int": "0"}
KINDS = frozenset({"text", "int", "decimal", "money", "date", "datetime", "bool"})


@dataclass(frozen=True)
class Column:
    header: str                      # already translated text (caller translates)
    value: Callable[[Any], Any]      # row -> cell value
    kind: str = "text"               # one of KINDS
    width: float | None = None       # characters; None = derived from header


@dataclass(frozen=True)
class Labels:
    exported_at: str
    exported_by: str
    yes: str
    no: str


def _lang(locale: str) -> str:
    return "zh" if (locale or "").lower().startswith("zh") else "en"


def display_width(text: str) -> int:
    """Width in Excel 'characters': wide/fullwidth (CJK) glyphs take two cells."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(col: Column) -> float:
    if col.width is not None:
        return col.width
    floor = max(MIN_WIDTH, _KIND_MIN_WIDTH.get(col.kind, 0))
    # +2 leaves room for the autofilter drop-down arrow.
    return float(min(MAX_WIDTH, max(floor, display_width(col.header) + 2)))


def format_timestamp(dt: datetime, locale: str) -> str:
    # Local helper instead of Babel/strftime("%b"): strftime month names follow
    # the process C locale, which would make output depend on the host.
    if _lang(locale) == "zh":
        return f"{dt.year}年{dt.month}月{dt.day}日 {dt:%H:%M}"
    return f"{dt.day} {_EN_MONTHS[dt.month - 1]} {dt.year} {dt:%H:%M}"


def _sheet_name(name: str | None) -> str | None:
    # Excel rejects []:*?/\ , leading/trailing apostrophes and names > 31 chars.
    if not name:
        return None
    name = re.sub(r"[\[\]:*?/\\]", " ", name).strip().strip("'").strip()[:31]
    return None if not name or name.lower() == "history" else name


def _write_text(ws, r: int, c: int, s: str, fmt=None) -> None:
    # In constant_memory mode xlsxwriter emits any string that starts with
    # "<r>" and ends with "</r>" as raw rich-text XML (unescaped), so such user
    # text could inject cells/formulas into the sheet XML. Pre-wrap it as a
    # genuine, escaped rich-text run: the cell then reads back as the exact text.
    if s.startswith("<r>") and s.endswith("</r>"):
        s = f'<r><t xml:space="preserve">{escape(s)}</t></r>'
    # Always write_string, never write(): "=..", "+..", "-..", "@.." stay text.
    ws.write_string(r, c, s, fmt)


def _cell_writer(kind: str, labels: Labels) -> Callable[..., None]:
    def text(ws, r, c, v, fmt):
        _write_text(ws, r, c, v if isinstance(v, str) else str(v), fmt)

    def number(ws, r, c, v, fmt):
        if isinstance(v, (int, float, Decimal)):
            f = float(v)
            if math.isfinite(f):  # Excel has no NaN/Inf; xlsxwriter raises on them
                ws.write_number(r, c, f, fmt)
                return
        text(ws, r, c, v, None)

    def when(ws, r, c, v, fmt):
        # Excel serials cannot express dates before 1900; show them as text.
        if isinstance(v, date) and v.year >= 1900:
            if isinstance(v, datetime) and v.tzinfo is not None:
                v = v.replace(tzinfo=None)  # caller already converted to local time
            ws.write_datetime(r, c, v, fmt)
        else:
            text(ws, r, c, v.isoformat() if isinstance(v, date) else v, None)

    def boolean(ws, r, c, v, fmt):
        _write_text(ws, r, c, labels.yes if v else labels.no, fmt)

    if kind in ("int", "decimal", "money"):
        return number
    if kind in ("date", "datetime"):
        return when
    return boolean if kind == "bool" else text


def write_xlsx(fileobj_or_path, rows: Iterable[Any], columns: Sequence[Column], *,
               institution: str, title: str, exported_by: str, exported_at: datetime,
               locale: str, labels: Labels, sheet_name: str | None = None) -> int:
    """Stream `rows` into an xlsx workbook; returns the number of data rows."""
    if not columns:
        raise ValueError("at least one column is required")
    bad = {c.kind for c in columns} - KINDS
    if bad:
        raise ValueError(f"unknown column kind(s): {sorted(bad)}")
    lang = _lang(locale)
    wb = xlsxwriter.Workbook(fileobj_or_path, {
        # constant_memory flushes each row to a temp file once the next row
        # starts, so memory stays flat however many rows are exported.
        "constant_memory": True, "tmpdir": tempfile.gettempdir(),
        # Never reinterpret user text as formulas, links or numbers.
        "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    try:
        ws = wb.add_worksheet(_sheet_name(sheet_name) or _sheet_name(title))
        plan = []
        for i, col in enumerate(columns):
            code = _NUM_FORMATS.get((col.kind, lang)) or _KIND_FORMATS.get(col.kind)
            plan.append((col.value, _cell_writer(col.kind, labels),
                         wb.add_format({"num_format": code}) if code else None))
            ws.set_column(i, i, column_width(col))  # must precede row writes
        head_fmt = wb.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1})
        ws.freeze_panes(FIRST_DATA_ROW, 0)

        # Rows strictly top-to-bottom: constant_memory discards earlier rows.
        ws.set_row(TITLE_ROW, 22)  # taller row for the larger institution font
        _write_text(ws, TITLE_ROW, 0, institution, wb.add_format({"bold": True, "font_size": 14}))
        _write_text(ws, SUBTITLE_ROW, 0, title, wb.add_format({"bold": True, "font_size": 12}))
        _write_text(ws, META_ROW, 0,
                    f"{labels.exported_at}: {format_timestamp(exported_at, locale)}"
                    f"  {labels.exported_by}: {exported_by}")
        for c, col in enumerate(columns):
            _write_text(ws, HEADER_ROW, c, col.header, head_fmt)

        count = 0
        for r, row in enumerate(rows, start=FIRST_DATA_ROW):  # lazy: never list()
            for c, (get, write, fmt) in enumerate(plan):
                v = get(row)
                if v is None:
                    ws.write_blank(r, c, None, fmt)
                else:
                    write(ws, r, c, v, fmt)
            count += 1

        # autofilter is stored on the sheet, not in row data, so setting it
        # after streaming is allowed even in constant_memory mode.
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + count, len(columns) - 1)
    except BaseException:
        # Closing releases xlsxwriter's mkstemp row-data file (it is only
        # unlinked on close); the target then holds a truncated workbook.
        try:
            wb.close()
        except Exception:
            pass
        raise
    wb.close()
    return count


def export_to_tempfile(rows: Iterable[Any], columns: Sequence[Column], **kw) -> tuple[str, int]:
    """Write to a closed NamedTemporaryFile; the caller streams and deletes it."""
    with tempfile.NamedTemporaryFile(delete=False, suffix=".xlsx") as fh:
        path = fh.name
    try:
        count = write_xlsx(path, rows, columns, **kw)
    except BaseException:
        os.unlink(path)
        raise
    return path, count

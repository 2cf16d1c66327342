"""Streaming xlsx export.

Pure function of its inputs (no Flask globals) so views, CLI commands and
benchmarks share it. Callers pass already-translated text; this module only
decides layout and number formats.
"""
from __future__ import annotations

import gc
import math
import os
import re
import tempfile
import unicodedata
from io import StringIO
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence
from xml.sax.saxutils import escape

import xlsxwriter
from xlsxwriter.utility import _datetime_to_excel_datetime, _preserve_whitespace, _utf16_len, _utf16_truncate
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

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


def _safe_text(s: str) -> str:
    # In constant_memory mode xlsxwriter emits any string that starts with
    # "<r>" and ends with "</r>" as raw rich-text XML (unescaped), so such user
    # text could inject cells/formulas into the sheet XML. Pre-wrap it as a
    # genuine, escaped rich-text run: the cell then reads back as the exact text.
    if s.startswith("<r>") and s.endswith("</r>"):
        return f'<r><t xml:space="preserve">{escape(s)}</t></r>'
    return s


def _write_text(ws, r: int, c: int, s: str, fmt=None) -> None:
    # Always write_string, never write(): "=..", "+..", "-..", "@.." stay text.
    ws.write_string(r, c, _safe_text(s), fmt)


# Excel's day 61 is 1 March 1900: from then on a date's serial is its distance
# from 30 Dec 1899 (Excel counts a 29 Feb 1900 that never was). Earlier dates
# go through xlsxwriter's own conversion.
_SERIAL_EPOCH = date(1899, 12, 30).toordinal()
_FIRST_PLAIN_SERIAL = date(1900, 3, 1)
_FIRST_PLAIN_TIME = datetime(1900, 3, 1)
_DAY_ZERO = date(1899, 12, 31).toordinal()
_TEXT, _NUMBER, _WHEN, _BOOL = "text", "number", "when", "bool"
_NUMERIC = (int, float, Decimal)


def excel_serial(v: datetime) -> float:
    """The Excel serial of a naive datetime from 1 March 1900 on, in xlsxwriter's own arithmetic
    (days since 31 Dec 1899 plus the fraction of the day, then +1 for Excel's 29 Feb 1900), so
    the float is the very same as write_datetime's."""
    return ((v.toordinal() - _DAY_ZERO)
            + (float(v.hour * 3600 + v.minute * 60 + v.second) + float(v.microsecond) / 1e6) / 86400) + 1


# Cell codes of StreamingWorksheet.write_cells.
_STR, _NUM, _BLANK = 1, 2, 3
# What may need xlsxwriter's own escaping: XML specials, control characters, Excel's _xHHHH_
# escapes, the two non-characters, leading/trailing whitespace. Text without any of these is
# written as is (the same bytes xlsxwriter would write, see tests/core/test_export_xlsx.py).
_NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
# The same test over a row's texts joined by a private-use character, one search per row instead
# of one per cell: a text's start or end is the joined string's or next to a separator. A text
# holding the separator itself can only make a row take the careful path, never skip it.
_ROW_SEPARATOR = "\ue000"
_ROW_NEEDS_ESCAPING = re.compile(
    r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|(?:^|\ue000)\s|\s(?:\ue000|$)")


class StreamingWorksheet(Worksheet):
    """A constant_memory worksheet that writes a data row's XML in one piece.

    xlsxwriter's write_string/write_number store each cell as a tuple and write it out when the
    next row starts, at ~8 µs per cell; a month of the visitor register is ~400,000 cells.
    write_rows() emits exactly the XML xlsxwriter would (same <row> element from its own
    _write_row, same <c> elements, same escaping, same style indexes in the same order) with
    a few string operations per cell, after every row written the ordinary way. A test compares
    the sheet XML with xlsxwriter's own writers byte for byte, so an xlsxwriter upgrade that
    changes its output fails there first."""

    def __init__(self):
        super().__init__()
        self._style_attr: dict[int, str] = {}
        self._col_names: dict[int, str] = {}

    def _style(self, fmt) -> str:
        # Style indexes are assigned on first use, as xlsxwriter does when it writes the cell.
        attr = self._style_attr.get(id(fmt))
        if attr is None:
            attr = self._style_attr[id(fmt)] = f' s="{fmt._get_xf_index()}"'
        return attr

    def _text(self, ref: str, style: str, text: str) -> str:
        if len(text) > self.xls_strmax // 2 and _utf16_len(text) > self.xls_strmax:
            text = _utf16_truncate(text, self.xls_strmax)
        if _NEEDS_ESCAPING.search(text) is None:
            return f'<c r="{ref}"{style} t="inlineStr"><is><t>{text}</t></is></c>'
        # The rare text that needs escaping takes xlsxwriter's own steps, in its order.
        text = self._escape_control_characters(text)
        if text.startswith("<r>") and text.endswith("</r>"):
            return f'<c r="{ref}"{style} t="inlineStr"><is>{text}</is></c>'
        preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{preserve}>{self._escape_data(text)}</t></is></c>'

    def write_rows(self, rows: Iterable[Any], plan: list, first_row: int, yes: str, no: str) -> int:
        """Type and write every data row, top to bottom from `first_row`; returns how many.

        `plan` is write_xlsx's (column, getter, kind, format) per column. The common values are
        typed and written here in one pass (text, numbers, dates, yes/no, blanks); a row whose
        text needs escaping or cutting, and any value of another kind, goes through `cells_of`,
        the reference typing (tests/core/test_export_xlsx.py writes `cells_of`'s cells with
        xlsxwriter's own writers and compares the sheets byte for byte)."""
        date_1904 = self.date_1904
        self._write_single_row(first_row)  # flush the rows written the ordinary way (title, header)
        probe = StringIO()
        fh, self.fh = self.fh, probe
        self._write_row(first_row, None)   # xlsxwriter's own <row ...> for a plain row
        self.fh = fh
        row_tag = probe.getvalue().replace(f'r="{first_row + 1}"', 'r="{}"', 1)
        if row_tag.count("{}") != 1 or row_tag.count("{") != 1:
            raise RuntimeError("unexpected <row> element from xlsxwriter")
        if plan and plan[-1][0] >= self.xls_colmax:
            raise ValueError("too many columns for a worksheet")
        styles = {}  # column -> ' s="N"', assigned on first use as xlsxwriter does
        typed = _row_cells(plan, styles, self._style, yes, no)
        strmax_half = self.xls_strmax // 2
        write = fh.write
        count, r, last_written, out = 0, first_row - 1, None, []
        col_min = col_max = None
        for r, row in enumerate(rows, start=first_row):
            count += 1
            if not count % 10_000:
                gc.collect(0)
            if r >= self.xls_rowmax:
                raise ValueError(f"row {r} is outside the worksheet")
            n = str(r + 1)
            parts, texts = [], []
            span = typed(row, n, parts.append, texts.append)
            careful = span is None
            if not careful:
                first, last = span
            if not careful and texts:
                joined = _ROW_SEPARATOR.join(texts)
                careful = len(joined) > strmax_half or _ROW_NEEDS_ESCAPING.search(joined) is not None
            if careful:
                cells = cells_of(row, plan, yes, no, date_1904)
                if not cells:
                    continue
                parts = self._careful_row(n, cells)
                first, last = cells[0][0], cells[-1][0]
            elif first is None:
                continue  # nothing in the row: xlsxwriter writes no <row> for it
            if col_min is None or first < col_min:
                col_min = first
            if col_max is None or last > col_max:
                col_max = last
            last_written = r
            parts.append("</row>")
            out.append(row_tag.format(n) + "".join(parts))
            if len(out) >= 200:  # the file is written in pieces of 200 rows
                write("".join(out))
                out.clear()
        write("".join(out))
        if last_written is not None:
            self._check_dimensions(last_written, col_min)
            self._check_dimensions(last_written, col_max)
            self.previous_row = last_written
        return count

    def _careful_row(self, number: str, cells) -> list[str]:
        """A row's cells with every text through `_text` (escaping, truncation)."""
        names = self._col_names
        parts = []
        for col, code, value, fmt in cells:
            name = names.get(col)
            if name is None:
                name = names[col] = xl_col_to_name(col)
            style = "" if fmt is None else self._style(fmt)
            if code == _STR:
                parts.append(self._text(name + number, style, value))
            elif code == _NUM:
                parts.append(f'<c r="{name}{number}"{style}><v>{value:.16G}</v></c>')
            else:
                parts.append(f'<c r="{name}{number}"{style}/>')
        return parts


def _row_cells(plan: list, styles: dict, style_of, yes: str, no: str):
    """A function (row, n, add, add_text) -> (first column, last column) written, (None, None)
    for an empty row, or None when the row needs the careful path: write_rows' typing of one row
    with the columns unrolled (one generated function per export, so that each cell costs no loop
    step, no unpacking and no test of its kind). It adds each cell's XML with `add` and each text
    with `add_text` (for the row's one escaping search); cells_of is the reference it follows."""
    env = {"_FIRST_PLAIN_SERIAL": _FIRST_PLAIN_SERIAL, "_FIRST_PLAIN_TIME": _FIRST_PLAIN_TIME,
           "_SERIAL_EPOCH": _SERIAL_EPOCH, "_NUMERIC": _NUMERIC, "excel_serial": excel_serial, "date": date,
           "datetime": datetime, "isfinite": math.isfinite, "str": str, "float": float, "styles": styles,
           "style_of": style_of, "yes": yes, "no": no}
    lines = ["def cells(row, n, add, add_text):", "    first = last = None"]
    for c, get, kind, fmt in plan:
        env[f"g{c}"], env[f"f{c}"] = get, fmt
        head = repr(f'<c r="{xl_col_to_name(c)}')
        if fmt is None:
            style = ""
        else:  # the style index is given on first use, as xlsxwriter does
            lines.append(f"    s{c} = styles.get({c})")
            style = f" + s{c}"
        lazy = [] if fmt is None else [f"        if s{c} is None:", f"            s{c} = styles[{c}] = style_of(f{c})"]
        seen = [f"        if first is None:", f"            first = {c}", f"        last = {c}"]
        lines.append(f"    v = g{c}(row)")
        if kind is _TEXT:
            lines += ["    if v is not None:", "        if v.__class__ is not str:", "            v = str(v)",
                      "        if v:", "            add_text(v)"]
            lines += ["    " + x for x in lazy]
            lines += [f"            add({head} + n + '\"'{style} + ' t=\"inlineStr\"><is><t>' + v + '</t></is></c>')"]
            lines += ["    " + x for x in seen]
        elif kind is _BOOL:
            lines += ["    if v is not None:", "        v = yes if v else no", "        add_text(v)"]
            lines += lazy
            lines += [f"        add({head} + n + '\"'{style} + ' t=\"inlineStr\"><is><t>' + v + '</t></is></c>')"]
            lines += seen
        elif kind is _WHEN:
            lines += ["    if v is not None:",
                      "        if v.__class__ is date and v >= _FIRST_PLAIN_SERIAL:",
                      "            t = f'><v>{float(v.toordinal() - _SERIAL_EPOCH):.16G}</v></c>'",
                      "        elif v.__class__ is datetime and v.tzinfo is None and v >= _FIRST_PLAIN_TIME:",
                      "            t = f'><v>{excel_serial(v):.16G}</v></c>'",
                      "        else:", "            return None"]
            lines += lazy
            lines += [f"        add({head} + n + '\"'{style} + t)"]
            lines += seen
        else:  # _NUMBER
            lines += ["    if v is not None:",
                      "        if v.__class__ in _NUMERIC and isfinite(x := float(v)):",
                      "            t = f'><v>{x:.16G}</v></c>'",
                      "        else:", "            return None"]
            lines += lazy
            lines += [f"        add({head} + n + '\"'{style} + t)"]
            lines += seen
        if fmt is not None:  # a blank keeps its column's format; xlsxwriter drops an unformatted one
            lines += ["    else:"] + lazy + [f"        add({head} + n + '\"'{style} + '/>')"] + seen
    lines.append("    return first, last")
    exec(compile("\n".join(lines), "<xlsx row cells>", "exec"), env)  # noqa: S102 (our own source)
    return env["cells"]


def cells_of(row, plan: list, yes: str, no: str, date_1904: bool) -> list[tuple[int, int, Any, Any]]:
    """The reference typing of one row: (column, _STR | _NUM | _BLANK, value, format or None) for
    each cell that is written, columns ascending. `write_rows` writes the same in one pass."""
    cells = []
    add = cells.append
    for c, get, kind, fmt in plan:
        v = get(row)
        if v is None:
            if fmt is not None:  # xlsxwriter drops an unformatted blank anyway
                add((c, _BLANK, None, fmt))
        elif kind is _TEXT:
            # Always text, never a formula: "=..", "+..", "-..", "@.." stay text.
            if v.__class__ is not str:
                v = str(v)
            if v:
                if v.startswith("<r>"):
                    v = _safe_text(v)
                add((c, _STR, v, fmt))
        elif kind is _BOOL:
            add((c, _STR, yes if v else no, fmt))
        elif kind is _WHEN and v.__class__ is date and v >= _FIRST_PLAIN_SERIAL:
            add((c, _NUM, float(v.toordinal() - _SERIAL_EPOCH), fmt))
        elif kind is _WHEN and v.__class__ is datetime and v.tzinfo is None and v >= _FIRST_PLAIN_TIME:
            add((c, _NUM, excel_serial(v), fmt))
        elif kind is _NUMBER and v.__class__ in _NUMERIC and math.isfinite(f := float(v)):
            add((c, _NUM, f, fmt))  # Excel has no NaN/Inf; xlsxwriter raises on them
        else:
            cell = _fallback_cell(c, v, fmt, kind, date_1904)
            if cell is not None:
                add(cell)
    return cells


def _fallback_cell(c: int, v, fmt, code: str, date_1904: bool):
    """The cells the fast paths of write_xlsx leave: datetimes with a zone or before March 1900,
    dates before 1900, numbers of other types (bool, Decimal), and what Excel cannot hold as a
    number or date (written as text, unformatted). None = leave the cell empty."""
    if code is _NUMBER and isinstance(v, _NUMERIC):
        f = float(v)
        if math.isfinite(f):
            return (c, _NUM, f, fmt)
    elif code is _WHEN and isinstance(v, date):
        # Excel serials cannot express dates before 1900; show them as text.
        if v.year >= 1900:
            if isinstance(v, datetime) and v.tzinfo is not None:
                v = v.replace(tzinfo=None)  # caller already converted to local time
            return (c, _NUM, _datetime_to_excel_datetime(v, date_1904, False), fmt)
        v = v.isoformat()
    s = v if isinstance(v, str) else str(v)
    return (c, _STR, _safe_text(s), None) if s else None


def write_xlsx(fileobj_or_path, rows: Iterable[Any], columns: Sequence[Column], *,
               institution: str, title: str, exported_by: str, exported_at: datetime,
               locale: str, labels: Labels, sheet_name: str | None = None) -> int:
    """Stream `rows` into an xlsx workbook; returns the number of data rows.

    A value of None, or text that is empty, leaves its cell blank (keeping the
    column's number format)."""
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
    gc_was_enabled = gc.isenabled()
    try:
        ws = wb.add_worksheet(_sheet_name(sheet_name) or _sheet_name(title), worksheet_class=StreamingWorksheet)
        plan = []
        for i, col in enumerate(columns):
            code = _NUM_FORMATS.get((col.kind, lang)) or _KIND_FORMATS.get(col.kind)
            kind = (_NUMBER if col.kind in ("int", "decimal", "money") else
                    _WHEN if col.kind in ("date", "datetime") else
                    _BOOL if col.kind == "bool" else _TEXT)
            plan.append((i, col.value, kind, wb.add_format({"num_format": code}) if code else None))
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

        # The innermost loop of every export (the 10,000-staff export writes 170,000 cells, a
        # month of the visitor register 400,000, the asset ledger 1.9 million): write_rows.
        # Building each row makes short-lived tuples and lists, which keeps triggering the cyclic
        # garbage collector, and a full collection of a web worker's heap (~100 ms) landed in
        # every third export. They make no reference cycles: pause the automatic collector and
        # collect only what the rows made, once per 10,000 rows.
        gc.disable()
        count = ws.write_rows(rows, plan, FIRST_DATA_ROW, _safe_text(labels.yes), _safe_text(labels.no))

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
    finally:
        if gc_was_enabled:
            gc.enable()
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

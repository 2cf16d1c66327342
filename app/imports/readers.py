"""Reading a spreadsheet someone uploads: .xlsx (openpyxl, its XML parsed by defusedxml), .xls
(xlrd 2.x, which reads only the old binary format) and .csv as Excel and WPS save it — UTF-8
with or without a BOM, GB18030/GBK on Chinese Windows, UTF-16 for "Unicode text". The format
is decided from the bytes, not the name. Every reader returns the first sheet as lists of cell
values (str, int, float, date, datetime or None), and refuses a file that would unpack past a
limit. No Flask, no database."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from typing import BinaryIO

from ..filetypes import ERR_DAMAGED, OLE_MAGIC, ZIP_MAGIC, FileRefused, check_zip
from ..rules import N_

ERR_UNREADABLE = N_("The file could not be read as a spreadsheet (.xlsx, .xls or .csv).")
ERR_MACRO_BOOK = N_("Office files with macros are not accepted: save it without macros (e.g. as .docx or .xlsx).")
ERR_TEXT = N_("The CSV file is neither UTF-8 nor GB18030/GBK text.")
ERR_TOO_MANY = N_("At most %(max)d rows per import.")


class ReadError(FileRefused):
    pass


def read_table(stream: BinaryIO, *, max_rows: int, max_unpacked: int) -> list[list]:
    """The first sheet's rows (at most `max_rows` non-empty ones after the header area, plus a
    margin for title rows); trailing empty cells dropped."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(ZIP_MAGIC):
        rows = _xlsx(stream, max_rows, max_unpacked)
    elif head.startswith(OLE_MAGIC):
        rows = _xls(stream, max_rows)
    else:
        rows = _csv(stream.read(), max_rows)
    return rows


def _limit(rows_iter, max_rows: int):
    out, filled = [], 0
    for row in rows_iter:
        values = list(row)
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()
        out.append(values)
        filled += bool(values)
        # header and title rows come on top of the data rows
        if filled > max_rows + 20:
            raise ReadError(ERR_TOO_MANY, max=max_rows)
    while out and not out[-1]:
        out.pop()
    return out


def _xlsx(stream: BinaryIO, max_rows: int, max_unpacked: int) -> list[list]:
    from openpyxl import DEFUSEDXML, load_workbook

    # A zip bomb stops here, before anything is inflated: declared sizes are summed.
    try:
        archive = check_zip(stream, max_unpacked)
    except FileRefused as err:
        if err.message == ERR_DAMAGED:
            raise ReadError(ERR_UNREADABLE) from None
        raise
    names = {n.lower() for n in archive.namelist()}
    if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in names):
        raise ReadError(ERR_MACRO_BOOK)
    if "xl/workbook.xml" not in names:
        raise ReadError(ERR_UNREADABLE)
    assert DEFUSEDXML, "defusedxml must be installed: openpyxl parses the sheets' XML with it"
    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        sheet = next((ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"),
                     book.worksheets[0])
        rows = _limit(sheet.iter_rows(values_only=True), max_rows)
        book.close()
        return rows
    except ReadError:
        raise
    except Exception:  # openpyxl and defusedxml raise many kinds for a damaged or hostile file
        raise ReadError(ERR_UNREADABLE) from None


def _xls(stream: BinaryIO, max_rows: int) -> list[list]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=stream.read(), on_demand=True)
        sheet = book.sheet_by_index(0)
        mode = book.datemode

        def cell(c):
            if c.ctype == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate.xldate_as_datetime(c.value, mode)
                except (xlrd.xldate.XLDateError, ValueError, OverflowError):
                    return c.value
                return value.date() if value.time() == time(0) else value
            if c.ctype == xlrd.XL_CELL_BOOLEAN:
                return bool(c.value)
            if c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                return None
            return c.value

        if sheet.nrows > max_rows + 20:
            raise ReadError(ERR_TOO_MANY, max=max_rows)
        rows = _limit(([cell(c) for c in sheet.row(i)] for i in range(sheet.nrows)), max_rows)
        book.release_resources()
        return rows
    except ReadError:
        raise
    except Exception:  # xlrd raises XLRDError, struct errors, IndexError ... on damaged files
        raise ReadError(ERR_UNREADABLE) from None


def decode_text(data: bytes) -> str:
    """CSV bytes as text: a BOM decides; else UTF-8 if it is valid UTF-8; else GB18030 (which
    contains GBK and GB2312: what Excel and WPS write on Chinese Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError(ERR_TEXT) from None


def _csv(data: bytes, max_rows: int) -> list[list]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(ERR_UNREADABLE)  # a binary file that is no spreadsheet
    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        raise ReadError(ERR_TEXT) from None
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    try:
        return _limit(csv.reader(io.StringIO(text, newline=""), dialect), max_rows)
    except csv.Error:
        raise ReadError(ERR_UNREADABLE) from None


def cell_text(value) -> str:
    """A cell as the text a person typed: 13800138000.0 -> "13800138000", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()

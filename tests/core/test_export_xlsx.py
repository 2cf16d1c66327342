"""Tests for app.export.xlsx, read back with openpyxl."""
from __future__ import annotations

import gc
import os
import re
import tempfile
import tracemalloc
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from app.export.xlsx import (
    Column,
    Labels,
    column_width,
    display_width,
    export_to_tempfile,
    format_timestamp,
    write_xlsx,
)

ZH = Labels(exported_at="导出时间", exported_by="导出人", yes="是", no="否")
EN = Labels(exported_at="Exported", exported_by="Exported by", yes="Yes", no="No")
AT = datetime(2026, 11, 22, 8, 30)

COLUMNS = [
    Column("名称", lambda r: r["name"]),
    Column("数量", lambda r: r["qty"], "int"),
    Column("单价", lambda r: r["price"], "decimal"),
    Column("金额", lambda r: r["amount"], "money"),
    Column("日期", lambda r: r["day"], "date"),
    Column("时间", lambda r: r["ts"], "datetime"),
    Column("启用", lambda r: r["on"], "bool"),
]
ROWS = [
    {"name": "扫帚", "qty": 3, "price": Decimal("12.50"), "amount": Decimal("37.50"),
     "day": date(2026, 1, 2), "ts": datetime(2026, 1, 2, 9, 15), "on": True},
    {"name": None, "qty": None, "price": None, "amount": None,
     "day": None, "ts": None, "on": False},
]


def _kw(locale="zh", labels=ZH, **over):
    kw = dict(institution="第一实验小学", title="物资清单", exported_by="张三",
              exported_at=AT, locale=locale, labels=labels)
    kw.update(over)
    return kw


def _write(rows, columns=COLUMNS, **kw):
    buf = BytesIO()
    n = write_xlsx(buf, rows, columns, **_kw(**kw))
    buf.seek(0)
    return n, openpyxl.load_workbook(buf).active


@pytest.fixture
def zh_sheet():
    return _write(iter(ROWS))


def test_returns_row_count_and_headers_in_row_5(zh_sheet):
    n, ws = zh_sheet
    assert n == 2
    assert [c.value for c in ws[5]] == [c.header for c in COLUMNS]
    assert all(c.font.bold for c in ws[5])
    assert ws["A5"].fill.fgColor.rgb.endswith("D9D9D9")
    assert ws["A5"].border.left.style == "thin"
    assert ws.max_row == 7


def test_title_block(zh_sheet):
    _, ws = zh_sheet
    assert ws["A1"].value == "第一实验小学"
    assert ws["A1"].font.bold and ws["A1"].font.sz == 14
    assert ws["A2"].value == "物资清单"
    assert ws["A3"].value == "导出时间: 2026年11月22日 08:30  导出人: 张三"
    assert all(c.value is None for c in ws[4])


def test_title_block_english():
    _, ws = _write([], locale="en", labels=EN, exported_by="Alice")
    assert ws["A3"].value == "Exported: 22 Nov 2026 08:30  Exported by: Alice"


@pytest.mark.parametrize("dt,locale,expected", [
    (datetime(2026, 11, 22, 8, 30), "zh", "2026年11月22日 08:30"),
    (datetime(2026, 11, 22, 8, 30), "zh_Hans_CN", "2026年11月22日 08:30"),
    (datetime(2026, 11, 22, 8, 30), "en", "22 Nov 2026 08:30"),
    (datetime(2026, 3, 5, 17, 4), "en_GB", "5 Mar 2026 17:04"),
    (datetime(2026, 3, 5, 17, 4), "zh", "2026年3月5日 17:04"),
])
def test_format_timestamp(dt, locale, expected):
    assert format_timestamp(dt, locale) == expected


def test_freeze_panes_and_autofilter(zh_sheet):
    _, ws = zh_sheet
    assert ws.freeze_panes == "A6"
    assert ws.auto_filter.ref == "A5:G7"


def test_autofilter_with_no_rows():
    n, ws = _write(iter([]))
    assert n == 0
    assert ws.auto_filter.ref == "A5:G5"
    assert [c.value for c in ws[5]] == [c.header for c in COLUMNS]


@pytest.mark.parametrize("locale,labels,date_fmt,dt_fmt", [
    ("zh", ZH, 'yyyy"年"m"月"d"日"', 'yyyy"年"m"月"d"日" hh:mm'),
    ("en", EN, "d mmm yyyy", "d mmm yyyy hh:mm"),
])
def test_number_formats_and_values_per_kind(locale, labels, date_fmt, dt_fmt):
    _, ws = _write(iter(ROWS), locale=locale, labels=labels)
    name, qty, price, amount, day, ts, on = ws[6]
    assert (name.value, name.data_type) == ("扫帚", "s")
    assert qty.value == 3 and qty.number_format == "0"
    assert price.value == 12.5 and price.number_format == "#,##0.00"
    assert amount.value == 37.5 and amount.number_format == '"¥"#,##0.00'
    assert day.value == datetime(2026, 1, 2) and day.number_format == date_fmt
    assert ts.value == datetime(2026, 1, 2, 9, 15) and ts.number_format == dt_fmt
    assert on.value == labels.yes and on.data_type == "s"
    assert ws["G7"].value == labels.no


def test_none_is_blank_but_keeps_column_format(zh_sheet):
    _, ws = zh_sheet
    assert [c.value for c in ws[7]][:6] == [None] * 6
    assert ws["E7"].number_format == 'yyyy"年"m"月"d"日"'
    assert ws["D7"].number_format == '"¥"#,##0.00'


def test_aware_datetime_written_as_local_wall_time():
    tz = timezone(timedelta(hours=8))
    cols = [Column("t", lambda r: r, "datetime")]
    _, ws = _write([datetime(2026, 1, 2, 9, 15, tzinfo=tz)], cols)
    assert ws["A6"].value == datetime(2026, 1, 2, 9, 15)


INJECTIONS = ["=1+1", "+86 138", "-5", "@SUM(A1)", '=HYPERLINK("http://x","y")',
              "=cmd|' /C calc'!A0", "http://example.com", "0012", "1e5"]


@pytest.mark.parametrize("kind", ["text", "int", "money", "date"])
def test_formula_injection_stays_string(kind):
    cols = [Column("v", lambda r: r, kind)]
    _, ws = _write(iter(INJECTIONS), cols)
    for i, s in enumerate(INJECTIONS, start=6):
        cell = ws.cell(i, 1)
        assert cell.data_type == "s", s
        assert cell.value == s


def test_injection_in_headers_and_title_block_stays_string():
    cols = [Column("=1+1", lambda r: r)]
    _, ws = _write(["x"], cols, institution="@SUM(A1)", title="-5", exported_by="+1")
    for ref in ("A1", "A2", "A3", "A5"):
        assert ws[ref].data_type == "s"
    assert (ws["A1"].value, ws["A2"].value, ws["A5"].value) == ("@SUM(A1)", "-5", "=1+1")


def test_rich_string_xml_injection_is_neutralised():
    # xlsxwriter's constant_memory mode writes "<r>...</r>" strings as raw XML.
    evil = '<r><t>a</t></r></is></c><c r="Z9"><f>1+1</f></c><c r="Z8" t="inlineStr"><is><r><t>b</t></r>'
    texts = [evil, "<r>x &amp; <y></r>", "<r></r>"]
    _, ws = _write(iter(texts), [Column("v", lambda r: r)])
    assert [ws.cell(i, 1).value for i in range(6, 9)] == texts
    assert ws["Z9"].value is None and ws["Z8"].value is None


def test_non_str_text_is_stringified():
    cols = [Column("v", lambda r: r)]
    _, ws = _write([123, Decimal("1.50"), date(2026, 1, 2)], cols)
    assert [(ws.cell(i, 1).value, ws.cell(i, 1).data_type) for i in (6, 7, 8)] == [
        ("123", "s"), ("1.50", "s"), ("2026-01-02", "s")]


def test_unrepresentable_values_fall_back_to_text():
    _, ws = _write([{"n": Decimal("NaN"), "d": date(1899, 1, 1)}],
                   [Column("n", lambda r: r["n"], "decimal"), Column("d", lambda r: r["d"], "date")])
    assert (ws["A6"].value, ws["B6"].value) == ("NaN", "1899-01-01")


def test_unknown_kind_rejected():
    with pytest.raises(ValueError):
        write_xlsx(BytesIO(), [], [Column("x", lambda r: r, "percent")], **_kw())


@pytest.mark.slow
def test_large_generator_streams_without_materialising():
    total = 100_000
    state = {"produced": 0, "max_ahead": 0}

    def gen():
        for i in range(total):
            state["produced"] += 1
            yield i

    def seen(i):
        # How far the generator has run ahead of the row being written.
        state["max_ahead"] = max(state["max_ahead"], state["produced"] - i)
        return f"物品-{i}"

    cols = [Column("名称", seen), Column("数量", lambda i: i, "int"),
            Column("日期", lambda i: date(2026, 1, 1), "date")]
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        tracemalloc.start()
        base, _ = tracemalloc.get_traced_memory()
        n = write_xlsx(path, gen(), cols, **_kw())
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert n == total
        assert state["max_ahead"] == 1
        assert peak - base < 50 * 1024 * 1024, f"peak growth {(peak - base) / 2**20:.1f} MB"
        ws = openpyxl.load_workbook(path, read_only=True).active
        last = next(ws.iter_rows(min_row=5 + total, max_row=5 + total, values_only=True))
        assert last[:2] == (f"物品-{total - 1}", total - 1)
    finally:
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        os.unlink(path)


def test_display_width_counts_cjk_double():
    assert display_width("Name") == 4
    assert display_width("姓名") == 4
    assert display_width("身份证号ID") == 10
    assert display_width("（全角）ＡＢ") == 12  # fullwidth forms are wide too


def test_column_width_rules():
    assert column_width(Column("ID", str)) == 8                  # min
    assert column_width(Column("身份证号码", str)) == 12          # 5 CJK * 2 + 2
    assert column_width(Column("Description", str)) == 13
    assert column_width(Column("长" * 100, str)) == 60            # max
    assert column_width(Column("日期", str, "date")) == 14        # fits a formatted date
    assert column_width(Column("时间", str, "datetime")) == 20
    assert column_width(Column("x", str, width=33.5)) == 33.5     # explicit wins


def test_column_widths_written_to_sheet():
    cols = [Column("身份证号码", str), Column("ID", str), Column("x", str, width=30)]
    _, ws = _write([], cols)
    widths = [ws.column_dimensions[c].width for c in "ABC"]
    for got, want in zip(widths, (12, 8, 30)):
        assert abs(got - want) < 1, widths


def test_sheet_name_sanitised():
    _, ws = _write([], title="食堂/采购:明细[2026]" + "长" * 40)
    assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
    _, ws = _write([], sheet_name="Stock")
    assert ws.title == "Stock"


def test_export_to_tempfile_returns_closed_file():
    path, n = export_to_tempfile(iter(ROWS), COLUMNS, **_kw())
    try:
        assert path.endswith(".xlsx") and n == 2
        assert openpyxl.load_workbook(path).active["A6"].value == "扫帚"
    finally:
        os.unlink(path)


def test_failure_mid_stream_cleans_up(tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def boom():
        yield ROWS[0]
        raise RuntimeError("db went away")

    with pytest.raises(RuntimeError):
        export_to_tempfile(boom(), COLUMNS, **_kw())
    # Neither the .xlsx nor xlsxwriter's row-data scratch file is left behind.
    assert list(scratch.iterdir()) == []


# -- fast paths of the writer --------------------------------------------------------


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(1904, 2, 29),
                                 date(2000, 2, 29), date(2026, 11, 22), date(9999, 12, 31)])
def test_dates_read_back_as_the_same_day(day):
    # From March 1900 dates are written as serial numbers directly; earlier ones by
    # xlsxwriter (Excel counts a 29 Feb 1900 that never was).
    _, ws = _write([day], [Column("d", lambda r: r, "date")])
    assert ws["A6"].value == datetime(day.year, day.month, day.day)
    assert ws["A6"].number_format == 'yyyy"年"m"月"d"日"'


def test_date_serials_are_those_xlsxwriter_writes():
    import xlsxwriter

    days = [date(1900, 1, 1) + timedelta(days=n) for n in range(0, 50_000, 7)] + [date(1900, 2, 28), date(1900, 3, 1)]

    def serials(xlsx: BytesIO) -> list[str]:
        return re.findall(r'<c r="A\d+" s="\d+"><v>([^<]*)</v></c>',
                          zipfile.ZipFile(xlsx).read("xl/worksheets/sheet1.xml").decode())

    ours, theirs = BytesIO(), BytesIO()
    write_xlsx(ours, days, [Column("d", lambda r: r, "date")], **_kw())
    wb = xlsxwriter.Workbook(theirs, {"constant_memory": True})
    ws, fmt = wb.add_worksheet(), wb.add_format({"num_format": "yyyy-mm-dd"})
    for i, day in enumerate(days):
        ws.write_datetime(i, 0, day, fmt)
    wb.close()
    assert serials(ours) == serials(theirs) and len(serials(ours)) == len(days)


def test_empty_text_leaves_the_cell_blank():
    _, ws = _write(["", None, "x", " "], [Column("v", lambda r: r)])
    assert [ws.cell(i, 1).value for i in range(6, 10)] == [None, None, "x", " "]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(enabled):
    was = gc.isenabled()

    def boom():
        yield ROWS[0]
        raise RuntimeError("db went away")

    try:
        gc.enable() if enabled else gc.disable()
        _write(iter(ROWS))
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError):
            write_xlsx(BytesIO(), boom(), COLUMNS, **_kw())
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


# -- the screens' export: a query of columns, the same cells as the model objects give -----


def _export_cells(resp):
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(BytesIO(resp.data)).active
    # row 3 holds the export time
    return [[(c.value, c.number_format) for c in row] for row in ws.iter_rows() if row[0].row != 3]


@pytest.fixture()
def related_staff(app, campuses, ctx, uid):
    """Staff with every kind of export column filled in (relations, a login, choices,
    masked phone, dates) and text that must stay text; returns their number prefix."""
    from sqlalchemy import select

    from app.audit import acting_as
    from app.models import Department, HouqinUser, Position, Staff

    prefix = uid("XC")
    positions = ctx.session.execute(select(Position)).scalars().all()
    dept = ctx.session.execute(select(Department).where(Department.campus_id == campuses["TA"])).scalars().first()
    texts = ["=1+1", "@SUM(A1)", "<r><t>a</t></r>", "", None, " 空格 "]
    with acting_as(None, "tests", "cli"):
        for i in range(24):
            login = None
            if i % 3 == 0:
                login = HouqinUser(first_name="导", last_name="出", username=f"{prefix}-{i}",
                                   email=f"{prefix}-{i}@test", active=True)
            text = texts[i % len(texts)]
            ctx.session.add(Staff(
                name=f"导出{i}", staff_no=f"{prefix}-{i:02d}", gender="MF"[i % 2] if i % 4 else None,
                work_phone=text, personal_phone=f"1381234{i:04d}" if i % 5 else None,
                position=positions[i % len(positions)] if i % 7 else None, employment_type="contract",
                campus_id=campuses["TA"], department=dept if i % 2 else None,
                hire_date=date(2020, 1, 1) + timedelta(days=i), health_cert_no=text,
                qualification_cert=text, active=bool(i % 2), user=login))
        ctx.session.commit()
    return prefix


@pytest.mark.parametrize("username,lang", [("director_a", "zh"), ("auditor_a", "en")])
def test_staff_export_of_columns_writes_what_the_model_objects_write(app, client_as, related_staff, monkeypatch,
                                                                     username, lang):
    from app.views.org import StaffView

    client = client_as(username, lang=lang)
    url = f"/staffview/export/?_flt_0_staff_no={related_staff}&_oc_StaffView=name&_od_StaffView=desc"
    by_columns = _export_cells(client.get(url))
    of_objects = StaffView.export_query
    monkeypatch.setattr(StaffView, "export_query",
                        lambda self, as_rows=False: None if as_rows else of_objects(self))
    assert _export_cells(client.get(url)) == by_columns
    assert len(by_columns) == 4 + 24
    assert by_columns[4][0][0] == "导出9" and by_columns[-1][0][0] == "导出0"  # the screen's order: name descending


def test_staff_export_loads_related_records_in_one_statement_each(app, client_as, related_staff, count_statements):
    client = client_as("director_a")
    with count_statements() as counter:
        client.get(f"/staffview/export/?_flt_0_staff_no={related_staff}")
    # user+roles+campuses, permissions, the staff, then position, campus, department and the
    # logins (with their roles and campuses): no statement per row
    assert counter.count <= 12, counter.statements


# -- the streaming row writer writes what xlsxwriter itself would -------------------------------

TRICKY_TEXT = [
    "扫帚", "a & b", "<b>bold</b>", 'say "hi"', "two\nlines", "tab\there", "bell\x07", "nul\x00x",
    "_x0041_ literal", " leading", "trailing ", "\u3000全角空格", "<r>not rich</r>", "\ufffe\uffff",
    "=1+1", "@SUM(A1)", "emoji 😀", "x" * 40_000, "😀" * 17_000, "",
]


def _tricky_rows():
    for i, text in enumerate(TRICKY_TEXT):
        yield {"name": text, "qty": [3, True, Decimal("2.5"), float("nan"), None][i % 5],
               "price": Decimal("12.50") if i % 2 else None, "amount": [Decimal("1234.5"), float("inf"), 7][i % 3],
               "day": [date(2026, 1, 2), date(1899, 12, 1), date(1900, 1, 15), None][i % 4],
               "ts": [datetime(2026, 1, 2, 9, 15, 7, 123456), datetime(1900, 2, 1, 12),
                      datetime(2026, 3, 1, 23, 59, 59, tzinfo=timezone(timedelta(hours=8))), None][i % 4],
               "on": [True, False, None][i % 3]}


def _sheet_parts(path_or_buf) -> dict[str, bytes]:
    with zipfile.ZipFile(path_or_buf) as z:
        return {n: z.read(n) for n in ("xl/worksheets/sheet1.xml", "xl/styles.xml")}


_EMPTY_ROW = {"name": None, "qty": None, "price": None, "amount": None, "day": None, "ts": None, "on": None}
# first a row whose number columns hold what is written as unformatted text (their styles are
# then given later, by the next row), an empty row (no <row> at all), then the tricky ones
_ODD_ROWS = [{"name": None, "qty": "n/a", "price": float("nan"), "amount": "—", "day": "someday", "ts": None, "on": None},
             _EMPTY_ROW, {"name": "x", "qty": 1, "price": None, "amount": 2, "day": None, "ts": None, "on": False}]


@pytest.mark.parametrize("odd", [False, True])
def test_streamed_rows_are_byte_for_byte_what_xlsxwriter_writes(monkeypatch, odd):
    """write_rows() types and writes each row's XML itself for speed; with the reference typing
    (cells_of) written by xlsxwriter's own cell writers in its place, the sheet and styles come
    out identical (an xlsxwriter upgrade that changes its output fails here)."""
    from app.export import xlsx as module

    def rows():
        return [*_ODD_ROWS, *_tricky_rows(), _EMPTY_ROW] if odd else _tricky_rows()

    fast = BytesIO()
    assert write_xlsx(fast, rows(), COLUMNS, **_kw()) == len(TRICKY_TEXT) + (4 if odd else 0)

    def reference_write_rows(self, rows, plan, first_row, yes, no):
        count = 0
        for row_number, row in enumerate(rows, start=first_row):
            count += 1
            for col, code, value, fmt in module.cells_of(row, plan, yes, no, self.date_1904):
                if code == module._STR:
                    self.write_string(row_number, col, value, fmt)
                elif code == module._NUM:
                    self.write_number(row_number, col, value, fmt)
                else:
                    self.write_blank(row_number, col, None, fmt)
        return count

    monkeypatch.setattr(module.StreamingWorksheet, "write_rows", reference_write_rows)
    slow = BytesIO()
    write_xlsx(slow, rows(), COLUMNS, **_kw())
    assert _sheet_parts(fast) == _sheet_parts(slow)
    if odd:
        return
    fast.seek(0)
    sheet = openpyxl.load_workbook(fast).active
    names = [row[0] for row in sheet.iter_rows(min_row=6, values_only=True)]
    # (Control characters, "_xHHHH_" and the non-characters travel as Excel's _xHHHH_ escapes,
    # which Excel decodes and openpyxl does not: those are left out of the read-back.)
    plain = [i for i in range(17) if i not in (6, 7, 8, 13)]
    assert [names[i] for i in plain] == [TRICKY_TEXT[i] for i in plain]


@pytest.mark.parametrize("seed", range(3))
def test_excel_serials_are_xlsxwriters_to_the_last_bit(seed):
    import random

    from xlsxwriter.utility import _datetime_to_excel_datetime

    from app.export.xlsx import excel_serial

    rng = random.Random(seed)
    start = datetime(1900, 3, 1)
    for _ in range(5000):
        v = start + timedelta(days=rng.randrange(0, 80_000), seconds=rng.randrange(0, 86_400),
                              microseconds=rng.choice([0, rng.randrange(0, 1_000_000)]))
        assert excel_serial(v) == _datetime_to_excel_datetime(v, False, False), v

"""Importer benchmark: a 5,000-row import (the asset ledger's target in issue 14: ≤ 10 s) through
the one importer, as the Director, on the staff import (lookups of campus, position and
department per row; every row checked; one audited job) and the room import (a building made
on first mention); then the same files again, which must add nothing and is a read-only pass.
Each figure is one run (an import changes the data: a repeat would be the second import)."""
from __future__ import annotations

import io
import time

from .common import Context, Result

SECTION = "imports"
PLUGINS = ""
ROWS = 5000
TARGET_S = 10.0


def _staff_book(campus_code: str) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet()
    ws.append(["示例幼儿园教职工名册"])
    ws.append([])
    ws.append(["姓名", "工号", "性别", "个人电话", "岗位", "用工形式", "园区", "入职日期", "健康证有效期至"])
    for n in range(ROWS):
        ws.append([f"导入{n}", f"BI{n:05d}", "女" if n % 2 else "男", f"138{n:08d}", "保育员", "在编", campus_code,
                   "2020-09-01", "2027-06-30"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _rooms_csv(campus_code: str) -> bytes:
    lines = ["园区,楼栋,房间,编号,楼层,类型,班级,面积"]
    lines += [f"{campus_code},{n // 100 + 1}号楼,{n % 100 + 100},R{n:05d},{n % 6 + 1},教室,小{n % 9}班,60.5"
              for n in range(ROWS)]
    return "\r\n".join(lines).encode("gb18030")


def _timed(client, url: str, data: bytes, name: str) -> tuple[float, int]:
    started = time.perf_counter()
    resp = client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    return (time.perf_counter() - started) * 1000, resp.status_code


def run(ctx: Context) -> list[Result]:
    director = ctx.client("director")
    code = "HQ"
    results = []
    ctx.notes += [f"{ROWS:,} rows per file; one run each (a repeat would be the second import, measured "
                  "as such); times are the whole POST: upload parse, read, check, write, commit"]
    for label, url, data, name in (
            ("staff import (.xlsx, title rows)", "/staffview/import/", _staff_book(code), "staff.xlsx"),
            ("room import (GB18030 .csv)", "/roomview/import/", _rooms_csv(code), "rooms.csv")):
        with ctx.record() as rec:
            ms, status = _timed(director, url, data, name)
        ok = status == 302
        results.append(Result(name=f"{label}, {ROWS:,} new rows", user="Director", median_ms=ms,
                              statements=str(len(rec)), target=f"≤ {TARGET_S:g} s",
                              passed=ok and ms <= TARGET_S * 1000, note="" if ok else f"HTTP {status}", runs=1))
        with ctx.record() as rec:
            ms, status = _timed(director, url, data, name)
        results.append(Result(name=f"{label}, the same file again (adds nothing)", user="Director",
                              median_ms=ms, statements=str(len(rec)), target=f"≤ {TARGET_S:g} s",
                              passed=status == 302 and ms <= TARGET_S * 1000, runs=1))
    return results

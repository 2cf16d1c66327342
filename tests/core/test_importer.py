"""The one importer: every format an office saves (xlsx, xls, CSV in UTF-8 with or without BOM,
GB18030/GBK, UTF-16), the header below a title row, values never cut, lookups by name with
ambiguity named, campuses checked, match keys (a file imported twice creates nothing twice),
the errors workbook, the template from the declaration, progress, and hostile files."""
from __future__ import annotations

import io
import json
import os
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from app.imports import ImportColumn, Importer, ImportState, Progress, Result, lookups, run
from app.models import AuditLog, Building, Room, Staff

DATA = os.path.join(os.path.dirname(__file__), "data")
HEAD = ["姓名", "工号", "性别", "用工形式", "园区"]


def _xlsx(rows, header=HEAD, title=None):
    book = openpyxl.Workbook()
    ws = book.active
    if title:
        ws.append([title])
        ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    return buf


def _csv(rows, header=HEAD, encoding="utf-8", sep=","):
    text = "\r\n".join(sep.join(str(v) for v in r) for r in [header] + rows) + "\r\n"
    return io.BytesIO(text.encode(encoding))


def _post(client, buf, name, **kw):
    return client.post("/staffview/import/", data={"file": (buf, name)}, content_type="multipart/form-data", **kw)


def _count(ctx, prefix):
    return ctx.session.execute(select(func.count(Staff.id)).where(Staff.staff_no.like(prefix + "%"))).scalar()


def _flat(body):
    return body.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("encoding,sep", [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("gbk", ","),
                                          ("utf-16", "\t")])
def test_csv_as_excel_and_wps_save_it_imports(app, client_as, uid, ctx, encoding, sep):
    prefix = uid("CSV")
    rows = [[f"欧阳{n}", f"{prefix}-{n}", "女", "劳务派遣", "测试A园"] for n in range(3)]
    resp = _post(client_as("director_a"), _csv(rows, encoding=encoding, sep=sep), "名册.csv")
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    names = ctx.session.execute(select(Staff.name).where(Staff.staff_no.like(prefix + "%"))).scalars().all()
    assert sorted(names) == ["欧阳0", "欧阳1", "欧阳2"]  # decoded, not mojibake


def test_an_old_xls_with_a_title_row_imports_dates_and_phones(app, client_as, ctx):
    with open(os.path.join(DATA, "staff-title-row.xls"), "rb") as fh:  # written by xlwt, read by xlrd
        resp = _post(client_as("director_a"), io.BytesIO(fh.read()), "名册.xls")
    assert resp.status_code == 302
    person = ctx.session.execute(select(Staff).where(Staff.staff_no == "XLS-0001")).scalar_one()
    assert person.name == "周晓梅" and str(person.hire_date) == "2019-09-01"
    assert person.personal_phone == "13800138000"  # a number cell, not "13800138000.0"


def test_the_header_is_found_below_a_title_row_and_english_headers_work(app, client_as, uid, ctx):
    prefix = uid("TTL")
    header = ["Name", "Staff number", "Gender", "Employment type", "Campus"]
    buf = _xlsx([["Li Na", f"{prefix}-1", "female", "contract", "TA"]], header=header, title="2026 staff list")
    assert _post(client_as("director_a"), buf, "staff.xlsx").status_code == 302
    assert _count(ctx, prefix) == 1


def test_a_value_longer_than_its_field_is_an_error_never_cut(app, client_as, uid, ctx):
    prefix = uid("LONG")
    resp = _post(client_as("director_a"), _xlsx([["王" * 5000, f"{prefix}-1", "女", "在编", "TA"]]), "s.xlsx")
    body = _flat(resp.get_data(as_text=True))
    assert "<td>2</td><td>姓名</td><td>最多50个字符（此处为5000个）。</td>" in body
    assert _count(ctx, prefix) == 0


def test_the_same_file_imported_twice_creates_nothing_twice(app, client_as, uid, ctx):
    prefix = uid("TWICE")
    rows = [[f"孙{n}", f"{prefix}-{n}", "男", "在编", "TA"] for n in range(5)]
    c = client_as("director_a")
    assert _post(c, _xlsx(rows), "s.xlsx").status_code == 302
    again = _post(c, _xlsx(rows + [["孙新", f"{prefix}-new", "男", "在编", "TA"]]), "s.xlsx", follow_redirects=True)
    body = again.get_data(as_text=True)
    assert "已导入 1 行" in body and "5 行此前已导入" in body
    assert _count(ctx, prefix) == 6


def test_a_number_already_on_someone_else_is_an_error(app, client_as, uid, ctx):
    no = uid("TAKEN")
    c = client_as("director_a")
    assert _post(c, _xlsx([["钱多多", no, "男", "在编", "TA"]]), "s.xlsx").status_code == 302
    body = _post(c, _xlsx([["钱少少", no, "男", "在编", "TA"]]), "s.xlsx").get_data(as_text=True)
    assert f"工号 {no} 已属于 钱多多" in body


def test_errors_come_back_as_a_workbook_with_an_error_column(app, client_as, uid, login_fn):
    prefix = uid("ERRWB")
    rows = [[f"李{n}", f"{prefix}-{n}", "男", "在编", "TA"] for n in range(3)]
    rows[1][3] = "临时工"
    c = client_as("director_a")
    body = _post(c, _xlsx(rows), "s.xlsx").get_data(as_text=True)
    link = body.split('class="btn btn-sm btn-default hq-errors-download" href="', 1)[1].split('"', 1)[0]
    resp = c.get(link)
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in cells if r and r[0] == "行")
    assert header[1:6] == HEAD and header[-1] == "错误"
    bad = next(r for r in cells if r and r[0] == 3)
    assert bad[-1] == "用工形式: 未知的值：临时工。" or "临时工" in bad[-1]
    assert client_as("admin_a").get(link).status_code == 404  # only the importer's own


def test_the_template_is_made_from_the_declaration(app, client_as):
    from app.views.staff_import import StaffImporter

    resp = client_as("director_a").get("/staffview/import/template/")
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    header = [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))]
    assert header == [f"{c.zh} {c.en}" for c in StaffImporter.columns]
    notes = {r[0]: r for r in book.worksheets[1].iter_rows(values_only=True)}
    assert notes["姓名 Name"][1] == "是 yes" and notes["姓名 Name"][2] == 50  # required, Staff.name's length


def test_thousands_of_rows_stream_their_progress(app, client_as, uid, ctx):
    prefix = uid("PROG")
    rows = [[f"进度{n}", f"{prefix}-{n}", "女", "在编", "TA"] for n in range(1200)]
    resp = _post(client_as("director_a"), _xlsx(rows), "s.xlsx", headers={"Accept": "application/x-ndjson"})
    events = [json.loads(line) for line in resp.get_data(as_text=True).splitlines()]
    checks = [e["done"] for e in events if e.get("stage") == "check"]
    assert checks[:2] == [0, 250] and checks[-1] == 1200
    assert events[-1]["done"] and events[-1]["redirect"].endswith("/staffview/list/")
    assert _count(ctx, prefix) == 1200


def test_a_zip_bomb_is_refused_before_it_is_inflated(app, client_as, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UNPACKED_BYTES", 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    buf.seek(0)
    body = _post(client_as("director_a"), buf, "bomb.xlsx").get_data(as_text=True)
    assert "解压后超过 1 MB" in body


def test_entities_in_a_sheet_are_refused_billion_laughs(app, client_as):
    src = _xlsx([["甲", "B1", "女", "在编", "TA"]])
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">' + b"".join(
                    b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 9)) + b"]>"
                data = lol + data.split(b"?>", 1)[-1].replace(b"<v>", b"<v>&lol8;", 1)
            zout.writestr(info, data)
    out.seek(0)
    body = _post(client_as("director_a"), out, "lol.xlsx").get_data(as_text=True)
    assert "无法读取该文件" in body


# -- lookups and campus checks, through the engine with an importer declared here -------------

class DutyImporter(Importer):
    """What a plugin declares: a person and a room by name, on a campus."""

    name = "duty_test"
    columns = [
        ImportColumn("campus", "园区", "Campus", True, parse=lookups.campus),
        ImportColumn("person", "负责人", "Person in charge", True, parse=lookups.staff),
        ImportColumn("room", "房间", "Room", parse=lookups.room),
    ]
    written: list = []

    def write(self, records, state):
        DutyImporter.written = records


def _run(app, importer, buf, campus_ids):
    from app.extensions import db

    with app.test_request_context():
        events = list(run(importer, buf, "x.xlsx", state=ImportState(campus_ids=campus_ids), session=db.session))
    assert isinstance(events[-1], Result) and any(isinstance(e, Progress) for e in events)
    return events[-1]


@pytest.fixture()
def namesakes(app, ctx, campuses, uid):
    """Two staff of one name on campus TA (two 王伟 in one school is normal), one on TB, and a room."""
    from app.audit import acting_as

    name = "王伟" + uid("")
    with acting_as(None, "tests", "cli"):
        people = [Staff(name=name, staff_no=uid("W"), campus_id=campuses[c], employment_type="established",
                        active=True) for c in ("TA", "TA", "TB")]
        building = Building(name=uid("楼"), campus_id=campuses["TA"], active=True)
        ctx.session.add_all(people + [building])
        ctx.session.flush()
        ctx.session.add(Room(building_id=building.id, campus_id=campuses["TA"], name="201", code=uid("R"),
                             kind="classroom", active=True))
        ctx.session.commit()
    return name, people, building


def test_a_name_two_people_share_is_an_error_listing_both_and_a_staff_number_works(app, campuses, namesakes):
    name, people, building = namesakes
    result = _run(app, DutyImporter(), _xlsx([["TA", name, f"{building.name} 201"]],
                                             header=["园区", "负责人", "房间"]), None)
    assert len(result.errors) == 1 and result.errors[0].column == "负责人"
    message = result.errors[0].message
    assert people[0].staff_no in message and people[1].staff_no in message and people[2].staff_no not in message
    ok = _run(app, DutyImporter(), _xlsx([["TA", people[1].staff_no, f"{building.name} 201"]],
                                         header=["园区", "负责人", "房间"]), None)
    assert ok.ok and DutyImporter.written[0]["person"] == people[1].id


def test_a_room_is_found_by_building_and_name_and_a_missing_one_is_named(app, campuses, namesakes):
    name, people, building = namesakes
    result = _run(app, DutyImporter(), _xlsx([["TA", people[0].staff_no, f"{building.name}/201"],
                                              ["TA", people[0].staff_no, "不存在的房间"]],
                                             header=["园区", "负责人", "房间"]), None)
    assert [e.row for e in result.errors] == [3] and "不存在的房间" in result.errors[0].message


def test_a_row_for_a_campus_the_user_is_not_linked_to_is_an_error(app, campuses, namesakes):
    name, people, building = namesakes
    result = _run(app, DutyImporter(), _xlsx([["TB", people[2].staff_no, ""]], header=["园区", "负责人", "房间"]),
                  [campuses["TA"]])
    assert (2, "campus") in [(e.row, e.key) for e in result.errors]
    assert "不属于您" in result.errors[0].message or "not one of yours" in result.errors[0].message


def test_nothing_is_written_when_any_row_fails_and_one_job_is_audited(app, client_as, uid, ctx):
    prefix = uid("ALL")
    rows = [[f"郑{n}", f"{prefix}-{n}", "女", "在编", "TA"] for n in range(50)]
    rows[49][4] = "不存在园"
    c = client_as("director_a")
    _post(c, _xlsx(rows), "s.xlsx")
    assert _count(ctx, prefix) == 0
    rows[49][4] = "TA"
    before = ctx.session.execute(select(func.count(AuditLog.id)).where(AuditLog.job == "staff_import")).scalar()
    assert _post(c, _xlsx(rows), "s.xlsx").status_code == 302
    assert _count(ctx, prefix) == 50
    after = ctx.session.execute(select(func.count(AuditLog.id)).where(AuditLog.job == "staff_import")).scalar()
    assert after == before + 1

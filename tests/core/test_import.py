"""Staff import from Excel: all or nothing, with row and column named."""
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from app.models import Staff

HEADER = ["姓名 Name", "工号 Staff number", "性别 Gender", "个人电话 Personal phone", "用工形式 Employment type",
          "园区 Campus", "健康证发证日期 Health certificate issued", "健康证有效期至 Health certificate expires"]


def _book(rows, header=HEADER):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    return buf


def _post(client, buf, name="staff.xlsx"):
    return client.post("/staffview/import/", data={"file": (buf, name)}, content_type="multipart/form-data")


def _count(db, prefix):
    return db.session.execute(select(func.count(Staff.id)).where(Staff.staff_no.like(prefix + "%"))).scalar()


def test_the_template_downloads_with_both_languages_in_the_header(app, client_as):
    resp = client_as("director_a").get("/staffview/import/template/")
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    assert ws.cell(1, 1).value == "姓名 Name"


def test_a_clean_file_imports_every_row(app, client_as, uid, ctx):
    prefix = uid("IMP")
    rows = [[f"员工{i}", f"{prefix}-{i}", "女", "13800138000", "外聘", "TA", "2026-01-01", "2027-01-01"] for i in range(20)]
    resp = _post(client_as("director_a"), _book(rows))
    assert resp.status_code == 302
    assert _count(ctx, prefix) == 20


def test_one_bad_row_among_a_thousand_imports_nothing_and_names_row_and_column(app, client_as, uid, ctx):
    prefix = uid("BAD")
    rows = [[f"员工{i}", f"{prefix}-{i}", "男", "13800138000", "在编", "TA", None, None] for i in range(1000)]
    rows[536][3] = "1380013800x"  # letters in the phone, spreadsheet row 538
    resp = _post(client_as("director_a"), _book(rows))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "<td>538</td><td>个人电话</td><td>电话号码只能包含数字</td>" in body.replace("\n", "").replace(" ", "")
    assert _count(ctx, prefix) == 0


def test_errors_are_in_english_for_an_english_user(app, client_as, uid):
    rows = [["", uid("E"), "女", "", "在编", "TA", None, None]]
    body = _post(client_as("director_a", lang="en"), _book(rows)).get_data(as_text=True)
    assert "Name" in body and "This field is required." in body


def test_duplicate_numbers_in_the_file_and_in_the_database_are_named(app, client_as, uid):
    no = uid("D")
    rows = [["甲", no, "女", "", "在编", "TA", None, None], ["乙", no, "女", "", "在编", "TA", None, None]]
    body = _post(client_as("director_a"), _book(rows)).get_data(as_text=True)
    assert f"工号 {no} 在文件中重复出现" in body


def test_campus_must_be_one_of_the_importers(app, client_as, uid):
    body = _post(client_as("director_a"), _book([["丙", uid("C"), "女", "", "在编", "不存在园", None, None]])).get_data(as_text=True)
    assert "园区不存在或不属于您" in body


@pytest.mark.parametrize("payload,name", [(b"PK\x03\x04 not an excel file", "staff.xlsx"),
                                          (b"\x00\x01\x02binary", "staff.xlsx"), (b"", "empty.xlsx")])
def test_a_wrong_or_empty_file_gets_a_message_not_a_traceback(app, client_as, payload, name):
    resp = _post(client_as("director_a"), io.BytesIO(payload), name)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "请选择 Excel" in body or "无法读取该文件" in body or "文件中没有教职工数据" in body


def test_a_file_with_only_a_header_says_there_are_no_rows(app, client_as):
    body = _post(client_as("director_a"), _book([])).get_data(as_text=True)
    assert "文件中没有教职工数据" in body


def test_a_file_missing_required_columns_says_which(app, client_as):
    body = _post(client_as("director_a"), _book([["x"]], header=["姓名"])).get_data(as_text=True)
    assert "缺少列" in body and "工号" in body

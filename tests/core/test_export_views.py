"""Export to Excel from the screens: current filter, masking, no file left behind."""
import glob
import io
import os
import tempfile

import openpyxl


def test_an_export_leaves_no_temporary_file_behind(app, client_as):
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "*.xlsx")))
    resp = client_as("director_a").get("/staffview/export/")
    assert resp.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert book.active.cell(5, 1).value  # header row present
    resp.close()
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "*.xlsx"))) - before == set()


def test_export_headers_follow_the_language(app, client_as):
    zh = openpyxl.load_workbook(io.BytesIO(client_as("director_a").get("/staffview/export/").data)).active
    en = openpyxl.load_workbook(io.BytesIO(client_as("director_a", lang="en").get("/staffview/export/").data)).active
    assert zh.cell(5, 1).value == "姓名" and en.cell(5, 1).value == "Name"


def test_personal_phones_are_masked_in_the_export_for_auditors(app, client_as, campuses, ctx):
    from app.audit import acting_as
    from app.models import Staff

    with acting_as(None, "tests", "cli"):
        ctx.session.add(Staff(name="导出测试", staff_no="EXP-MASK", employment_type="contract", campus_id=campuses["TA"],
                              personal_phone="13611112222", active=True))
        ctx.session.commit()
    def cells(user):
        book = openpyxl.load_workbook(io.BytesIO(client_as(user).get("/staffview/export/?_flt_0_staff_no=EXP-MASK").data))
        return {c.value for row in book.active.iter_rows() for c in row}
    assert "136****2222" in cells("auditor_a") and "13611112222" not in cells("auditor_a")
    assert "13611112222" in cells("director_a")

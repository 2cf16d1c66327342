"""Export to Excel from the screens: current filter, masking, no file left behind."""
import glob
import io
import os
import tempfile

import openpyxl


def test_an_export_leaves_no_temporary_file_behind(app, client_as, tmp_path, monkeypatch):
    # A folder of its own: other processes' exports in the shared /tmp are not this one's.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    c = client_as("director_a")
    resp = c.get("/staffview/export/")
    assert resp.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert book.active.cell(5, 1).value  # header row present
    resp.close()
    assert glob.glob(os.path.join(str(tmp_path), "*")) == []


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


def test_the_audit_log_export_shows_changes_as_text_not_html(app, client_as, campuses, ctx, uid):
    from app.audit import acting_as
    from app.models import Staff

    number = uid("AUD")
    with acting_as(None, "tests", "cli"):
        staff = Staff(name="审计导出", staff_no=number, employment_type="contract", campus_id=campuses["TA"],
                      work_phone="021-12345678", active=True)
        ctx.session.add(staff)
        ctx.session.commit()
        staff.work_phone = "021-87654321"
        staff.name = "审计导出<&>"
        ctx.session.commit()
        record = str(staff.id)
    book = openpyxl.load_workbook(io.BytesIO(client_as("auditor_a").get(
        f"/auditlogview/export/?_flt_0_table_name=staff&_flt_0_record_id={record}&_flt_0_action=update").data))
    changes = [c.value for row in book.active.iter_rows(min_row=6) for c in row
               if isinstance(c.value, str) and "021-87654321" in c.value]
    assert changes, "the update is exported"
    assert "<b>" not in changes[0] and "<br>" not in changes[0] and "&amp;" not in changes[0]
    assert "工作电话: " in changes[0] and "work_phone" not in changes[0]  # the field's label, in the reader's language
    assert "\n" in changes[0] and "审计导出<&>" in changes[0]

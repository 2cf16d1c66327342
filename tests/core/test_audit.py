"""Audit log: every write path leaves who, when, which record, old -> new; personal
fields masked; bulk jobs as one entry; nobody can change the log."""
import io

import openpyxl
from sqlalchemy import select, update

from app.models import AuditLog, Staff


def _entries(db, table, record_id=None, action=None):
    q = select(AuditLog).where(AuditLog.table_name == table)
    if record_id is not None:
        q = q.where(AuditLog.record_id == str(record_id))
    if action:
        q = q.where(AuditLog.action == action)
    return db.session.execute(q.order_by(AuditLog.id)).scalars().all()


def _add_staff(client, campus_id, no, **over):
    data = {"name": "赵敏", "staff_no": no, "gender": "F", "work_phone": "", "personal_phone": "13912345678",
            "employment_type": "contract", "campus": str(campus_id), **over}
    assert client.post("/staffview/add", data=data).status_code == 302


def test_a_view_edit_records_user_field_and_old_and_new_values(app, client_as, campuses, uid, ctx):
    c = client_as("director_a")
    no = uid("A")
    _add_staff(c, campuses["TA"], no)
    staff = ctx.session.execute(select(Staff).where(Staff.staff_no == no)).scalar_one()
    created = _entries(ctx, "staff", staff.id, "create")
    assert len(created) == 1 and created[0].actor == "director_a" and created[0].source == "web"
    assert created[0].changes["personal_phone"] == [None, "139****5678"]  # masked in the log
    data = {"name": "赵敏敏", "staff_no": no, "gender": "F", "work_phone": "", "personal_phone": "139****5678",
            "employment_type": "contract", "campus": str(campuses["TA"]), "active": "y"}
    assert c.post(f"/staffview/edit/{staff.id}", data=data).status_code == 302
    ctx.session.rollback()  # end the read snapshot, see what requests wrote
    updated = _entries(ctx, "staff", staff.id, "update")
    assert updated[-1].changes["name"] == ["赵敏", "赵敏敏"]
    assert "personal_phone" not in updated[-1].changes  # the masked value was not written back
    assert ctx.session.get(Staff, staff.id).personal_phone == "13912345678"


def test_an_api_write_is_recorded_as_api(app, api_as, campuses, uid, ctx):
    client, headers = api_as("director_a")
    no = uid("B")
    resp = client.post("/api/v1/staff/", json={"name": "钱进", "staff_no": no, "employment_type": "agency",
                                               "campus": campuses["TA"]}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    entry = _entries(ctx, "staff", resp.get_json()["id"], "create")[0]
    assert entry.source == "api" and entry.actor == "director_a"


def test_an_import_is_one_entry_naming_the_job_and_its_rows(app, client_as, uid, ctx):
    c = client_as("director_a")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["姓名", "工号", "用工形式", "园区"])
    nos = [uid("I") for _ in range(3)]
    for no in nos:
        ws.append(["孙悦", no, "在编", "TA"])
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    before = len(_entries(ctx, "staff_import"))
    resp = c.post("/staffview/import/", data={"file": (buf, "staff.xlsx")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    jobs = _entries(ctx, "staff_import")
    assert len(jobs) == before + 1
    assert jobs[-1].action == "job" and jobs[-1].changes["params"]["file"] == "staff.xlsx"
    assert len(jobs[-1].changes["rows"]) == 3
    ids = ctx.session.execute(select(Staff.id).where(Staff.staff_no.in_(nos))).scalars().all()
    assert all(not _entries(ctx, "staff", i, "create") for i in ids)  # not one entry per row


def test_a_cli_write_is_recorded_with_the_command(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["houqin", "sync-roles"])
    assert result.exit_code == 0, result.output
    from app.audit import acting_as

    with acting_as(None, "cli-test", "cli"):
        from app.models import Position

        ctx.session.add(Position(name_zh="测试岗位" + str(id(ctx)), name_en="Test post"))
        ctx.session.commit()
    entry = _entries(ctx, "position", action="create")[-1]
    assert entry.actor == "cli-test" and entry.source == "cli"


def test_a_bulk_update_statement_is_one_entry_with_its_row_count(app, client_as, campuses, uid, ctx):
    c = client_as("director_a")
    no = uid("U")
    _add_staff(c, campuses["TA"], no)
    ctx.session.execute(update(Staff).where(Staff.staff_no == no).values(active=False))
    ctx.session.commit()
    entry = _entries(ctx, "staff", action="bulk-update")[-1]
    assert entry.changes["rowcount"] == 1 and entry.changes["values"] == {"active": False}


def test_nobody_can_change_or_delete_the_log(app, client_as, ctx):
    c = client_as("admin_a")
    entry = ctx.session.execute(select(AuditLog).limit(1)).scalar_one()
    assert c.get(f"/auditlogview/edit/{entry.id}").status_code in (403, 404)
    assert c.post(f"/auditlogview/delete/{entry.id}").status_code in (403, 404, 405)
    assert c.get("/auditlogview/add").status_code in (403, 404)


def test_admin_director_and_auditor_read_the_log_and_others_do_not(app, client_as):
    for user in ("admin_a", "auditor_a", "director_a"):
        assert client_as(user).get("/auditlogview/list/").status_code == 200
    for user in ("staff_a", "gatekeeper_a"):
        assert client_as(user).get("/auditlogview/list/").status_code == 403


def test_a_bulk_update_names_the_rows_by_their_values(app, client_as, campuses, uid, ctx):
    c = client_as("director_a")
    no = uid("W")
    _add_staff(c, campuses["TA"], no)
    ctx.session.execute(update(Staff).where(Staff.staff_no == no).values(gender="M"))
    ctx.session.commit()
    entry = _entries(ctx, "staff", action="bulk-update")[-1]
    assert no in entry.changes["where"]


def test_the_audit_log_can_be_searched_by_time(app, client_as):
    resp = client_as("auditor_a").get("/auditlogview/list/?_flt_1_at=2026-01-01+00:00:00")
    assert resp.status_code == 200

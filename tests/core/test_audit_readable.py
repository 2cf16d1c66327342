"""The change history in words (issue 13, point 5): the Director reads it; an entry names the
record's kind and name in the reader's language, with field labels, choice labels and related
records' names instead of codes and ids, and local times; one settings save is one entry; a
job's rows fold away; nobody can change it."""
import re

from sqlalchemy import select


def _staff(ctx, campuses, uid, **over):
    from app.audit import acting_as
    from app.models import Staff

    with acting_as(None, "tests", "cli"):
        staff = Staff(name=over.pop("name", "审计员工"), staff_no=uid("R"), employment_type="contract",
                      campus_id=campuses["TA"], work_phone="021-12345678", active=True, **over)
        ctx.session.add(staff)
        ctx.session.commit()
        return staff


def test_an_update_reads_in_words_for_the_director(app, client_as, campuses, ctx, uid):
    from app.audit import acting_as

    staff = _staff(ctx, campuses, uid, name="王审计")
    with acting_as(None, "tests", "cli"):
        staff.employment_type = "agency"
        staff.campus_id = campuses["TB"]
        staff.hire_date = __import__("datetime").date(2026, 9, 1)
        ctx.session.commit()
    url = f"/auditlogview/list/?_flt_0_table_name=staff&_flt_0_record_id={staff.id}&_flt_0_action=update"
    page = client_as("director_a", lang="en").get(url).get_data(as_text=True)
    assert "Staff member 王审计" in page  # the kind and the name, not "staff" and an id
    assert "Employment type: Contract" in page and "Agency" in page and "employment_type" not in page
    assert "Campus: 测试A园 → 测试B园" in page and "campus_id" not in page
    assert "Hire date: — → 1 Sep 2026" in page
    zh = client_as("director_a").get(url).get_data(as_text=True)
    assert "教职工 王审计" in zh
    assert "用工形式" in zh and "测试A园 → 测试B园" in zh


def test_times_in_the_log_read_in_local_time(app, client_as, ctx, campuses, uid):
    from app.audit import acting_as
    from app.models import AuditLog

    with acting_as(None, "tests", "cli"):
        entry = AuditLog(actor="tests", action="update", table_name="staff", record_id="999999", source="cli",
                         changes={"health_cert_expiry": [None, "2026-12-31"],
                                  "created_at": [None, "2026-12-01T02:30:00+00:00"]})
        ctx.session.add(entry)
        ctx.session.commit()
    page = client_as("director_a", lang="en").get(
        "/auditlogview/list/?_flt_0_record_id=999999").get_data(as_text=True)
    assert "31 Dec 2026" in page and "10:30" in page  # Asia/Shanghai: UTC+8


def test_one_settings_save_is_one_entry(app, client_as, campuses, ctx):
    from app.models import AuditLog

    before = ctx.session.execute(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)).scalar() or 0
    client = client_as("director_a", lang="en")
    response = client.post("/settings/", data={"closing_time": "18:00", f"closing_time@{campuses['TA']}": "16:45",
                                               f"closing_time@{campuses['TB']}": "16:15"})
    assert response.status_code == 302
    ctx.session.rollback()
    entries = ctx.session.execute(select(AuditLog).where(AuditLog.id > before)).scalars().all()
    assert len(entries) == 1, [(e.action, e.table_name) for e in entries]
    page = client.get(f"/auditlogview/show/{entries[0].id}").get_data(as_text=True)
    assert "Settings saved" in page and "16:45" in page and "测试A园" in page and "16:15" in page
    client.post("/settings/", data={"closing_time": "18:00", f"closing_time@{campuses['TA']}": "",
                                    f"closing_time@{campuses['TB']}": ""})


def test_a_long_job_is_summarised_and_its_rows_fold_away(app, client_as, ctx):
    from app.audit import acting_as, audit_job
    from app.models import AuditLog

    with acting_as(None, "tests", "cli"):
        ctx.session.add(AuditLog(actor="tests", action="job", table_name="import", job="import", source="cli",
                                 changes={"params": {"file": "staff.xlsx"},
                                          "rows": [f"create:staff#{i}" for i in range(40)]}))
        ctx.session.commit()
        entry_id = ctx.session.execute(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)).scalar()
    page = client_as("auditor_a", lang="en").get(f"/auditlogview/show/{entry_id}").get_data(as_text=True)
    assert "40 records" in page and "<details>" in page and "35 more" in page
    assert audit_job  # the helper jobs use


def test_the_log_stays_read_only_for_the_director(app, client_as, ctx):
    from app.models import AuditLog

    entry = ctx.session.execute(select(AuditLog).limit(1)).scalar_one()
    c = client_as("director_a")
    assert c.get(f"/auditlogview/edit/{entry.id}").status_code in (403, 404)
    assert c.post(f"/auditlogview/delete/{entry.id}").status_code in (403, 404, 405)
    assert c.get("/auditlogview/add").status_code in (403, 404)
    assert re.search(r"/auditlogview/list/", c.get("/").get_data(as_text=True))  # in the Director's menu


"""Reports as the office uses them (issue 13, point 7): statistics to Excel and A4, the register
of every campus says which campus, gatekeepers by name, the evacuation list's phones (whole for
Director/Admin only) and the roll call of the campus's active staff."""
import io
import re

import openpyxl


def _today(app):
    from app.i18n import local_now

    with app.app_context():
        return local_now().date().isoformat()


def test_statistics_export_to_excel_and_print_on_a4(app, client_as, gate, uid):
    gate.visit(name=uid("统计导出"))
    client = client_as("director_a", lang="en")
    page = client.get("/gate/reports/statistics").get_data(as_text=True)
    assert "print.css" in page and "hq-print-button" in page and 'id="hq-statistics-xlsx"' in page
    xlsx = client.get("/gate/reports/statistics?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    cells = {c for row in openpyxl.load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True) for c in row}
    assert {"Per day", "By purpose", "Visits"} <= cells


def test_the_register_of_every_campus_shows_the_campus_and_gatekeepers_by_name(app, client_as, gate, uid):
    name_a, name_b = uid("甲登"), uid("乙登")
    gate.visit("TA", name=name_a)
    gate.visit("TB", username="gatekeeper_b", name=name_b)
    today = _today(app)
    client = client_as("director_a", lang="en")
    xlsx = client.get(f"/gate/reports/register?from={today}&to={today}&format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    header = rows[4]
    assert "Campus" in header
    by_name = {r[header.index("Name")]: r for r in rows[5:]}
    assert by_name[name_a][header.index("Campus")] == "测试A园"
    assert by_name[name_b][header.index("Campus")] == "测试B园"
    gatekeeper = by_name[name_b][header.index("Gatekeeper on duty")]
    assert gatekeeper and gatekeeper != "gatekeeper_b" and "Gate" in gatekeeper  # "Gate B", not the login
    one = client.get(f"/gate/reports/register?from={today}&to={today}&campus_id={gate.campuses['TA']}")
    assert "<th>Campus</th>" not in one.get_data(as_text=True)  # one campus: said in the form, not per row


def test_the_evacuation_list_shows_phones_to_the_director_only_and_a_roll_call(app, client_as, gate, uid,
                                                                              mobile_no):
    from app.privacy import mask_phone

    phone, name = mobile_no(), uid("疏散")
    gate.visit(name=name, phone=phone)
    colleague = gate.staff("TA", name=uid("点名"), work_phone="021-11112222")
    director = client_as("director_a", lang="en").get(
        f"/gate/reports/evacuation?campus_id={gate.campuses['TA']}").get_data(as_text=True)
    assert phone in director
    gatekeeper = client_as("gatekeeper_a", lang="en").get("/gate/reports/evacuation").get_data(as_text=True)
    assert phone not in gatekeeper and mask_phone(phone) in gatekeeper
    roll = gatekeeper[gatekeeper.index('id="hq-roll-call"'):]
    from app.extensions import db
    from app.models import Staff

    with app.app_context():
        staff_name = db.session.get(Staff, colleague).name
    assert "Roll call" in roll and staff_name in roll and "021-11112222" in roll and "☐" in roll
    assert re.search(r"Staff \d+", roll)
    assert "测试B园" not in roll  # the gate's own campus only

"""The visitor register (print and Excel), statistics with offline charts, the
evacuation list and the dashboard tiles."""
import io
import re

import openpyxl
from sqlalchemy import select


def test_the_register_prints_and_exports_the_days_visits(app, client_as, gate, uid, resident_id):
    from app.i18n import local_now

    name, number = uid("登记"), resident_id()
    gate.visit(name=name, id_number=number, plate="沪C12345", party_size=2)
    with app.app_context():
        today = local_now().date().isoformat()
    c = client_as("auditor_a", lang="en")
    page = c.get(f"/gate/reports/register?from={today}&to={today}").get_data(as_text=True)
    assert name in page and "沪C12345" in page and "@page" not in page
    assert "visitors.css" in page  # A4 print layout
    xlsx = c.get(f"/gate/reports/register?from={today}&to={today}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[4]
    assert "Document number" in header and "Time in" in header
    (mine,) = [r for r in rows[5:] if r[header.index("Name")] == name]
    assert mine[header.index("Document number")] == number[:3] + "*" * 11 + number[-4:]
    assert mine[header.index("Party size")] == 2


def test_register_text_is_never_a_formula_in_excel(app, client_as, gate, uid):
    from app.i18n import local_now

    name = "=HYPERLINK(" + uid("x")[-4:]
    gate.visit(name=name, note="@SUM(A1)")
    with app.app_context():
        today = local_now().date().isoformat()
    xlsx = client_as("director_a").get(f"/gate/reports/register?from={today}&to={today}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == name]
    assert cells and cells[0].data_type == "s"


def test_statistics_draw_offline_svg_charts_and_count_refusals(app, client_as, gate, uid, resident_id):
    number = resident_id()
    gate.blocklist("统计黑", id_number=number)
    gate.visit(name=uid("统计"), purpose_id=gate.purpose("维修/施工"), host_id=gate.staff("TA", name="统计老师"))
    gate.visit(name=uid("拒绝"), id_number=number)
    page = client_as("director_a", lang="en").get("/gate/reports/statistics").get_data(as_text=True)
    assert page.count("<svg") == 4
    for title in ("Visits per day", "Visits by purpose", "Visits by host department", "Visits by hour of day"):
        assert f"<title>{title}</title>" in page
    assert "Repair / works" in page  # purposes are named in the user's language
    assert int(re.search(r'id="hq-turned-away">(\d+)<', page).group(1)) >= 1
    assert "stroke-dasharray" in page and "<pattern" in page  # a line per series, patterned parts per hour
    assert ">Hour of day<" in page and ">Date<" in page  # axis titles in the user's language
    assert "hq-print-button" in page and "onclick" not in page  # printable, without inline script
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert not [s for s in scripts if s.startswith("http") or s.startswith("//")]


def test_statistics_are_for_the_office_not_the_gate(app, client_as):
    assert client_as("gatekeeper_a").get("/gate/reports/statistics").status_code in (302, 403)


def test_the_evacuation_list_has_everyone_on_site_with_host_and_host_phone(app, client_as, gate, uid):
    from app.extensions import db
    from plugins.visitors.models import Visit

    host = gate.staff("TB", name="疏散老师", work_phone="021-55556666")
    name = uid("疏散")
    gate.visit("TB", username="gatekeeper_b", name=name, host_id=host, party_size=3)
    page = client_as("gatekeeper_b", lang="en").get("/gate/reports/evacuation").get_data(as_text=True)
    row = page[page.index(name):]
    row = row[:row.index("</tr>")]
    assert "疏散老师" in row and "021-55556666" in row and "<td>3</td>" in row
    with app.app_context():
        people = sum(db.session.execute(select(Visit.party_size).where(
            Visit.status == "on_site", Visit.campus_id == gate.campuses["TB"])).scalars())
    assert f"Head count {people}" in page


def test_the_dashboard_shows_the_gate_tiles(app, client_as, gate):
    gate.visit()
    board = client_as("gatekeeper_a", lang="en").get("/").get_data(as_text=True)
    for tile in ("widget-gate-on-site", "widget-gate-today", "widget-gate-expected"):
        assert tile in board
    assert "widget-gate-overrides" not in board  # only for those who decide
    assert "widget-gate-on-site" not in client_as("assetkeeper_a").get("/").get_data(as_text=True)


def test_overstays_tile_lists_visitors_after_closing(app, client_as, gate, uid):
    from app.audit import acting_as
    from app.extensions import db

    name = uid("晚归")
    gate.visit("TB", username="gatekeeper_b", name=name)
    settings = app.extensions["houqin_settings"]
    with app.app_context(), acting_as(None, "tests", "cli"):
        settings.set(db.session, "closing_time", "00:00", campus_id=gate.campuses["TB"])
        db.session.commit()
    try:
        board = client_as("gatekeeper_b").get("/").get_data(as_text=True)
        assert "widget-gate-overstays" in board and name in board
    finally:
        with app.app_context(), acting_as(None, "tests", "cli"):
            settings.set(db.session, "closing_time", None, campus_id=gate.campuses["TB"])  # inherit again
            db.session.commit()


def test_statistics_export_to_excel_with_every_breakdown(app, client_as, gate, uid):
    from app.i18n import local_now

    gate.visit(name=uid("表"), purpose_id=gate.purpose("维修/施工"), party_size=3)
    with app.app_context():
        today = local_now().date()
    c = client_as("director_a", lang="en")
    page = c.get("/gate/reports/statistics").get_data(as_text=True)
    assert 'id="hq-statistics-xlsx"' in page
    xlsx = c.get(f"/gate/reports/statistics?from={today}&to={today}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert rows[1][0].startswith("Visitor statistics")
    header = rows[4]
    assert header[:4] == ("Breakdown", "Item", "Visits", "Share (%)")
    body = rows[5:]
    assert {r[0] for r in body} == {"Per day", "By purpose", "By host department", "By hour of day"}
    (day,) = [r for r in body if r[0] == "Per day"]
    assert day[2] >= 1 and day[4] >= 3 and day[3] == 100.0
    assert any(r[0] == "By purpose" and r[1] == "Repair / works" for r in body)
    assert sum(r[2] for r in body if r[0] == "By hour of day") == day[2]

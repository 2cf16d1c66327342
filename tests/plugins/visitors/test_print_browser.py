"""The gate's A4 print pages printed by the headless browser to PDF and read back: the visitor
register (landscape), the evacuation list and the statistics (portrait) each span several
pages with their page numbers, table headers repeated on every page and the signature lines
on the last (core's print layout; core's own page is tested in tests/browser/test_print.py)."""
from __future__ import annotations

import pytest

VISITS = 60  # on site at the print campus: several pages of each list
@pytest.fixture(scope="module")
def gate_print_campus(live_app, resident_id):
    """A campus with VISITS visitors on site today, hosted by one teacher."""
    from sqlalchemy import select

    from app.audit import acting_as
    from app.extensions import db
    from app.models import Campus, Staff
    from plugins.visitors import services
    from plugins.visitors.intake import clean_sign_in
    from plugins.visitors.models import Purpose

    with live_app.app_context(), acting_as(None, "tests", "cli"):
        campus = Campus(name="浏览器门卫打印园", code="TGPRINT", address="打印路2号", active=True)
        db.session.add(campus)
        db.session.flush()
        host = Staff(name="打印老师", staff_no="GPR-HOST", campus_id=campus.id, work_phone="021-11112222",
                     employment_type="established", active=True)
        db.session.add(host)
        db.session.commit()
        purposes = db.session.execute(select(Purpose.id).order_by(Purpose.id)).scalars().all()
        gatekeeper = live_app.appbuilder.sm.find_user(username="gatekeeper_a")
        for i in range(VISITS):
            data, errors = clean_sign_in({
                "campus_id": str(campus.id), "doc_type": "resident_id", "id_number": resident_id(),
                "name": f"打印访客{i:02d}", "phone": "", "organisation": "新华书店", "host_id": str(host.id),
                "purpose_id": str(purposes[i % len(purposes)]), "host_confirmation": "phone",
                "party_size": "1", "plate": "", "badge": f"P{i:02d}", "note": ""})
            assert not errors, errors
            services.sign_in(db.session, data, gatekeeper)
        db.session.commit()
        return campus.id


def test_the_register_prints_on_a4_landscape(page, live_server, browser_login, gate_print_campus, print_pdf,
                                             save_screen):
    browser_login(page, live_server, "director")
    page.goto(f"{live_server}/gate/reports/register?campus_id={gate_print_campus}")
    save_screen(page, "print-register-zh")
    pdf = print_pdf(page, name="print-register-zh")
    pdf.assert_layout(title="来客登记簿", header="证件号码", signatures=["值班门卫：", "审核人：", "日期："],
                      landscape=True)
    assert "打印访客00" in pdf.compact[0] and "打印访客59" in pdf.compact[-1]


def test_the_evacuation_list_prints_on_a4_portrait(page, live_server, browser_login, gate_print_campus,
                                                   print_pdf, save_screen):
    browser_login(page, live_server, "director")
    for lang, title, header, signatures in (
            ("zh", "疏散名单", "已清点", ["清点人：", "负责人：", "日期："]),
            ("en", "Evacuation list", "Accounted for", ["Counted by:", "Person in charge:", "Date:"])):
        page.goto(f"{live_server}/lang/{lang}")
        page.goto(f"{live_server}/gate/reports/evacuation?campus_id={gate_print_campus}")
        save_screen(page, f"print-evacuation-{lang}")
        pdf = print_pdf(page, name=f"print-evacuation-{lang}")
        pdf.assert_layout(title=title, header=header, signatures=signatures, landscape=False)
    assert "打印访客59" in "".join(pdf.compact)


def test_the_statistics_print_with_charts_and_tables(page, live_server, browser_login, gate_print_campus,
                                                     print_pdf, save_screen):
    """Ninety days: the charts, then a per-day table running over pages with its header on each."""
    from datetime import date, timedelta

    last = date.today()
    first = last - timedelta(days=89)
    browser_login(page, live_server, "director")
    for lang, title, header, signatures in (
            ("zh", "来访统计", "入内人数", ["制表人：", "审核人：", "日期："]),
            ("en", "Visitor statistics", "People admitted", ["Prepared by:", "Checked by:", "Date:"])):
        page.goto(f"{live_server}/lang/{lang}")
        page.goto(f"{live_server}/gate/reports/statistics?campus_id={gate_print_campus}&from={first}&to={last}")
        save_screen(page, f"statistics-{lang}")
        pdf = print_pdf(page, name=f"print-statistics-{lang}")
        table = [n for n, text in enumerate(pdf.texts, start=1) if header in text]
        assert len(table) >= 2 and table == list(range(table[0], table[-1] + 1)), table
        pdf.assert_layout(title=title, header=header, signatures=signatures, landscape=False, min_pages=3,
                          table_pages=table)

"""Core's A4 print pages, printed by the headless browser to PDF (page.pdf()) and read back:
page count, the table header and the running title repeated on every page, page numbers on
every page, the signature lines on the last one, and the page's orientation. The visitors
plugin prints its own pages the same way (tests/plugins/visitors/test_print_browser.py)."""
from __future__ import annotations

import pytest

ROSTER_STAFF = 70  # three landscape A4 pages


@pytest.fixture(scope="module")
def print_campus(live_app):
    """A campus with enough active staff for a roster of several pages."""
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Campus, Staff

    with live_app.app_context(), acting_as(None, "tests", "cli"):
        campus = Campus(name="浏览器打印园", code="TPRINT", address="打印路1号", active=True)
        db.session.add(campus)
        db.session.flush()
        for i in range(ROSTER_STAFF):
            db.session.add(Staff(name=f"打印员工{i:02d}", staff_no=f"PR{i:04d}", campus_id=campus.id,
                                 work_phone="021-12345678", employment_type="contract", active=True))
        db.session.commit()
        return campus.id


def test_the_staff_roster_prints_on_a4_landscape(page, live_server, browser_login, print_campus, print_pdf,
                                                 save_screen):
    browser_login(page, live_server, "director")
    page.goto(f"{live_server}/staffview/roster/?campus_id={print_campus}")
    save_screen(page, "print-roster-zh")
    pdf = print_pdf(page, name="print-roster-zh")
    pdf.assert_layout(title="教职工花名册", header="健康证有效期至", signatures=["制表人：", "审核人：", "日期："],
                      landscape=True, min_pages=3)
    assert "打印员工00" in pdf.compact[0] and f"打印员工{ROSTER_STAFF - 1:02d}" in pdf.compact[-1]
    assert "浏览器打印园" in pdf.texts[0] and "示例幼儿园" in pdf.texts[0]
    page.goto(f"{live_server}/lang/en")
    page.goto(f"{live_server}/staffview/roster/?campus_id={print_campus}")
    save_screen(page, "print-roster-en")
    pdf = print_pdf(page, name="print-roster-en")
    pdf.assert_layout(title="Staff roster", header="Health certificate expires",
                      signatures=["Prepared by:", "Checked by:", "Date:"], landscape=True, min_pages=3)

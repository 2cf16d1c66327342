"""Issue 13, point 9: no list is wider than its panel at 1366 px, in Chinese and in English, with
the action buttons in view; long cells are shortened with the full text on hover. Every list
screen of core (Flask-AppBuilder's security screens included) and of the gate plugin is found
from the registered views, so a new list is measured without touching this file. The rows made
here are long on purpose: the longest a form accepts."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

WIDTH = {"width": 1366, "height": 768}
PARTS = {"core", "visitors"}
def resident_id() -> str:
    from plugins.visitors import rules

    first17 = "31010419870704" + str(os.getpid() % 1000).zfill(3)
    return first17 + rules.resident_id_check_char(first17)


LONG = "北京市海淀区中关村南大街二十七号院三号楼东侧临街商铺一层（近人民大学地铁站A口）新华书店配送中心"


def list_screens(app) -> list[tuple[str, str]]:
    """(view name, list URL) of every registered list screen of core and the gate plugin."""
    from flask_appbuilder.baseviews import BaseModelView

    registry = app.extensions["houqin"]
    screens = []
    with app.test_request_context():
        from flask import url_for

        for view in app.appbuilder.baseviews:
            name = type(view).__name__
            owner = registry.owners.get(name) or ("core" if name in registry.host_views else None)
            if owner not in PARTS or not isinstance(view, BaseModelView):
                continue
            if f"{view.endpoint}.list" in app.view_functions:
                screens.append((name, url_for(f"{view.endpoint}.list")))
    return sorted(screens)


@pytest.fixture(scope="module")
def long_rows(live_app, live_seed):
    """One row of each gate list with its text fields as long as they may be, a long role name
    and a long e-mail address, so each list shows what a busy office's would."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from app.audit import acting_as
    from app.extensions import db
    from app.i18n import local_now
    from app.models import Department, Staff
    from plugins.visitors import services
    from plugins.visitors.intake import clean_sign_in
    from plugins.visitors.models import Appointment, BlocklistEntry, DutyLog, PatrolRound, Purpose

    ta = live_seed["campuses"]["TA"]
    with live_app.app_context(), acting_as(None, "tests", "cli"):
        if db.session.execute(select(Purpose.id).where(Purpose.name_zh.like("宽度%"))).first():
            return
        purpose = Purpose(name_zh="宽度测试：校外培训机构上门洽谈合作事宜", sort_order=99,
                          name_en="Width test: an outside training organisation discussing cooperation")
        dept = Department(name="后勤保障处膳食科与校园环境维护综合管理办公室", campus_id=ta)
        db.session.add_all([purpose, dept])
        db.session.flush()
        host = Staff(name="欧阳宽度测试", staff_no="BW-0001", campus_id=ta, department_id=dept.id, active=True,
                     work_phone="021-66778899-1234", employment_type="established")
        db.session.add(host)
        db.session.flush()
        data, errors = clean_sign_in({
            "campus_id": str(ta), "doc_type": "resident_id", "id_number": resident_id(),
            "name": "司马宽度测试访客", "phone": "13912345678", "organisation": LONG[:100],
            "purpose_id": str(purpose.id), "reason": (LONG * 3)[:200], "host_id": str(host.id),
            "host_confirmation": "phone", "party_size": "12", "plate": "沪A·D12345", "badge": "W-0099",
            "note": (LONG * 6)[:500]})
        assert not errors, errors
        gatekeeper = live_app.appbuilder.sm.find_user(username="gatekeeper_a")
        services.sign_in(db.session, data, gatekeeper)
        db.session.add(Appointment(reference_code="WIDTH001", host_id=host.id, campus_id=ta,
                                   visitor_name="诸葛宽度测试预约人", visitor_phone="13812345678",
                                   organisation=LONG[:100], purpose_id=purpose.id, expected_date=date.today(),
                                   party_size=3, plate="沪B·12345", reason=(LONG * 3)[:200]))
        db.session.add(BlocklistEntry(name="宽度测试黑名单人员", reason=(LONG * 6)[:500], campus_id=ta,
                                      id_masked="3101**********123X", phone_masked="139****5678",
                                      valid_until=date.today() + timedelta(days=30)))
        log = DutyLog(campus_id=ta, day=local_now().date() - timedelta(days=400), shift="night",
                      gatekeeper_id=gatekeeper.id, handover_note=LONG * 4)
        db.session.add(log)
        db.session.flush()
        db.session.add(PatrolRound(duty_log_id=log.id, findings=(LONG * 6)[:500]))
        sm = live_app.appbuilder.sm
        sm.add_role("宽度测试：暑期施工期间的临时门卫与资产管理员（含读权限）")
        sm.add_user("width_tester_with_a_long_login", "宽度测试", "欧阳", "width.tester.long.address@houqin-school.example.org",
                    sm.find_role("Staff"), password="Test-Pass-2026!!")
        db.session.commit()


MEASURE = """() => {
  const out = [];
  document.querySelectorAll('.table-responsive').forEach((box) => {
    const table = box.querySelector('table');
    if (!table || !box.offsetParent) { return; }
    const buttons = table.querySelector('tbody tr td .btn');
    out.push({panel: box.clientWidth, table: table.offsetWidth,
              buttons: buttons ? buttons.getBoundingClientRect().right : 0});
  });
  return {page: document.documentElement.scrollWidth, tables: out};
}"""


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("en-GB", "en")])
def test_no_list_is_wider_than_its_panel_at_1366_px(new_context, live_app, live_server, long_rows, browser_login,
                                                    save_screen, locale, lang):
    screens = list_screens(live_app)
    assert {"VisitView", "StaffView", "HouqinUserView", "HouqinRoleView", "AuditLogView"} <= {n for n, _ in screens}
    page = new_context(locale=locale, viewport=WIDTH).new_page()
    browser_login(page, live_server, "admin_a")
    too_wide = []
    for name, url in screens:
        response = page.goto(live_server + url)
        assert response.status == 200, (name, response.status)
        found = page.evaluate(MEASURE)
        save_screen(page, f"list-{name}-{lang}")
        if found["page"] > WIDTH["width"]:
            too_wide.append((name, "page", found["page"]))
        for table in found["tables"]:
            if table["table"] > table["panel"] + 1:
                too_wide.append((name, "table", table["table"], table["panel"]))
            if table["buttons"] > WIDTH["width"]:
                too_wide.append((name, "buttons out of view", table["buttons"]))
    assert not too_wide, "\n".join(map(str, too_wide))


def test_a_shortened_cell_shows_its_full_text_on_hover_and_the_show_page_has_the_folded_columns(
        page, live_server, long_rows, browser_login):
    browser_login(page, live_server, "director_a")
    page.goto(live_server + "/blocklistview/list/")
    cell = page.locator(".hq-clip", has_text="北京市海淀区").first
    expect(cell).to_be_visible()
    assert cell.get_attribute("title").startswith(LONG[:40])
    box = cell.bounding_box()
    assert box["width"] < 400
    page.goto(live_server + "/visitview/list/?_flt_0_visitor_name=司马宽度测试访客")
    headers = page.locator(".table-responsive table thead th").all_inner_texts()
    assert "姓名" in headers and not any(word in h for h in headers for word in ("车牌", "来访证号", "人数"))
    page.locator(".table-responsive table tbody tr").first.locator("a[href*='/show/']").click()
    expect(page.locator(".table-responsive table").first).to_contain_text("W-0099")  # the badge: folded, not lost

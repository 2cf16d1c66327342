"""Issue 16's main flow on a phone (390 px wide) in a real browser: a teacher reports a broken light
with a photo (first forgetting the room and what is wrong), the keeper dispatches it from the to-do
list, the repairer records the fix from their queue, the teacher confirms it from her to-do list;
the 维修记录单 printed on A4; a glance in English."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _room(live_app, campus_code="TA"):
    from sqlalchemy import select

    from app.audit import acting_as
    from app.extensions import db
    from app.models import Building, Campus, Room

    with live_app.app_context(), acting_as(None, "browser-tests", "cli"):
        campus = db.session.execute(select(Campus).where(Campus.code == campus_code)).scalar_one()
        building = Building(campus_id=campus.id, name="教学楼", active=True)
        db.session.add(building)
        db.session.flush()
        room = Room(building=building, name="201", kind="classroom", class_name="大一班", active=True)
        db.session.add(room)
        db.session.commit()
        return room.id


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "light.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (240, 230, 120)).save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return str(path)


def _logout(page, browser_logout):
    """On a phone the user menu sits behind the navbar's toggle."""
    toggle = page.locator(".navbar-toggle").first
    if toggle.is_visible():
        toggle.click()
        # Bootstrap's collapse animates ("collapsing") before it is open ("in"): a click on the
        # user menu during the animation can be lost on a busy machine
        expect(page.locator(".navbar-collapse.collapse.in")).to_be_visible()
        expect(page.locator("#user-menu")).to_be_visible()
    browser_logout(page)


def _fits(page):
    """Nothing wider than the phone: no sideways scrolling."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width


def test_a_broken_light_is_reported_dispatched_fixed_and_confirmed_on_a_phone(page, live_app, live_server,
                                                                              browser_login, browser_logout,
                                                                              browser_uid, save_screen, print_pdf,
                                                                              tmp_path):
    page.set_viewport_size(PHONE)
    room = _room(live_app)
    tag = browser_uid("灯管不亮")

    # the teacher reports, first forgetting the room and what is wrong
    browser_login(page, live_server, "staff_a")
    page.goto(f"{live_server}/repairview/report")
    page.click("#repair-submit")
    expect(page.locator("#group-room .help-block")).to_contain_text("请选择故障所在的房间")
    expect(page.locator("#group-description .help-block")).to_contain_text("请说明故障情况")
    save_screen(page, "assets-repair-report-errors-zh")
    page.select_option("#room", str(room))
    page.fill("#description", f"{tag}：大一班教室靠窗的灯管不亮")
    page.select_option("#urgency", "normal")
    page.set_input_files("#photos", _photo(tmp_path))
    _fits(page)
    save_screen(page, "assets-repair-report-zh")
    page.click("#repair-submit")
    expect(page.locator("body")).to_contain_text("待派工")
    expect(page.locator("body")).to_contain_text("light.jpg")
    request_url = page.url
    save_screen(page, "assets-repair-reported-zh")
    _logout(page, browser_logout)

    # the keeper sees it waiting on the to-do list and dispatches it
    browser_login(page, live_server, "assetkeeper_a")
    page.goto(f"{live_server}/todo/")
    expect(page.locator("body")).to_contain_text(tag)
    page.goto(request_url)
    page.click("#repair-dispatch-link")
    with live_app.app_context():
        repairer = live_app.appbuilder.sm.find_user(username="repairer_a").id
    page.select_option("#repairer", str(repairer))
    page.click("#repair-submit")
    expect(page.locator("body")).to_contain_text("已派工")
    page.goto(f"{live_server}/assets/repairs/open")
    expect(page.locator("#repair-list")).to_contain_text(tag)
    _fits(page)
    save_screen(page, "assets-repair-open-zh")
    _logout(page, browser_logout)

    # the repairer records the fix from the queue, on the phone
    browser_login(page, live_server, "repairer_a")
    page.goto(f"{live_server}/assets/repairs/queue")
    expect(page.locator("#repair-list")).to_contain_text(tag)
    _fits(page)
    save_screen(page, "assets-repair-queue-zh")
    page.locator(".hq-repair-card", has_text=tag).locator("a.repair-fix").click()
    page.fill("#cost", "-1")
    page.click("#repair-submit")
    expect(page.locator("#group-work .help-block")).to_contain_text("请说明维修内容")
    expect(page.locator("#group-cost .help-block")).to_contain_text("费用不能小于零")
    page.fill("#work", "更换LED灯管")
    page.fill("#materials", "LED灯管1支")
    page.fill("#cost", "28.00")
    save_screen(page, "assets-repair-fix-zh")
    page.click("#repair-submit")
    expect(page.locator("body")).to_contain_text("已修复，待验收")
    _logout(page, browser_logout)

    # the teacher confirms from her to-do list
    browser_login(page, live_server, "staff_a")
    page.goto(f"{live_server}/todo/")
    expect(page.locator("body")).to_contain_text(tag)
    save_screen(page, "assets-repair-todo-zh")
    page.locator("button", has_text="验收维修").first.click()
    page.goto(request_url)
    expect(page.locator("body")).to_contain_text("已验收")
    _logout(page, browser_logout)

    # the log of the month, printed on A4
    browser_login(page, live_server, "assetkeeper_a")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/assets/repairs/reports/log")
    expect(page.locator("#report-rows")).to_contain_text(tag)
    save_screen(page, "assets-repair-log-zh")
    pdf = print_pdf(page, name="assets-repair-log-zh")
    pdf.assert_layout(title="维修记录单", header="报修时间", signatures=["资产管理员：", "后勤主任："], landscape=True,
                      min_pages=1)
    page.goto(f"{live_server}/assets/repairs/reports/stats")
    expect(page.locator("#repair-summary")).to_contain_text("过夜")
    save_screen(page, "assets-repair-stats-zh")

    # a glance in English, on the phone
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/lang/en")
    page.goto(request_url)
    expect(page.locator("body")).to_contain_text("Confirmed")
    page.goto(f"{live_server}/repairview/report")
    expect(page.locator("#repair-form-page")).to_contain_text("What is wrong")
    _fits(page)
    save_screen(page, "assets-repair-report-en")
    page.goto(f"{live_server}/assets/repairs/open")
    save_screen(page, "assets-repair-open-en")
    page.goto(live_server + "/lang/zh")

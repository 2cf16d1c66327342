"""The to-do list on a 390-px phone, as a teacher with a parent waiting at the gate finds it: the
count in the navbar without opening the menu, the waiting visitor with 同意入内/拒绝 in view,
one tap to let them in, and a new visitor appearing on the open page by itself (the page polls
every 30 s: the test moves the page's clock on). Screens of the new pages in both languages."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
# `resident_id` (a fresh valid ID number) is the gate's fixture: tests/plugins/visitors/conftest.py
@pytest.fixture(scope="module")
def host(live_app, live_seed):
    """staff_a's own staff record on campus TA (made once, or found)."""
    from sqlalchemy import select

    from app.audit import acting_as
    from app.extensions import db
    from app.models import Staff

    with live_app.app_context(), acting_as(None, "tests", "cli"):
        user = live_app.appbuilder.sm.find_user(username="staff_a")
        pk = db.session.execute(select(Staff.id).where(Staff.user_id == user.id)).scalar()
        if pk is None:
            staff = Staff(name="周丽", staff_no="BT-HOST-1", campus_id=live_seed["campuses"]["TA"], active=True,
                          work_phone="021-66778899", employment_type="established", user_id=user.id)
            db.session.add(staff)
            db.session.commit()
            pk = staff.id
    return pk


def arrive(live_app, live_seed, resident_id, host_id, name, organisation="新华书店"):
    """A visitor signed in at the TA desk for `host_id`, waiting for the host's answer."""
    from sqlalchemy import select

    from app.audit import acting_as
    from app.extensions import db
    from plugins.visitors import services
    from plugins.visitors.intake import clean_sign_in
    from plugins.visitors.models import Purpose

    with live_app.app_context(), acting_as(None, "tests", "cli"):
        purpose = db.session.execute(select(Purpose.id).where(Purpose.name_zh == "家长")).scalar_one()
        data, errors = clean_sign_in({
            "campus_id": str(live_seed["campuses"]["TA"]), "doc_type": "resident_id", "id_number": resident_id(),
            "name": name, "phone": "", "organisation": organisation, "purpose_id": str(purpose),
            "host_id": str(host_id), "host_confirmation": "", "party_size": "2", "plate": "", "badge": "",
            "note": ""})
        assert not errors, errors
        gatekeeper = live_app.appbuilder.sm.find_user(username="gatekeeper_a")
        visit = services.sign_in(db.session, data, gatekeeper)
        db.session.commit()
        return visit.id


def host_response(live_app, visit_id):
    from app.extensions import db
    from plugins.visitors.models import Visit

    with live_app.app_context():
        visit = db.session.get(Visit, visit_id)
        return visit.host_response, visit.status


def in_view(page, locator):
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] \
        and box["y"] + box["height"] <= PHONE["height"]


def test_a_host_lets_a_waiting_visitor_in_from_the_to_do_list_on_a_phone(
        new_context, live_server, live_app, live_seed, host, browser_login, browser_uid, save_screen, resident_id):
    name = "家长" + browser_uid("A")[-4:]
    visit_id = arrive(live_app, live_seed, resident_id, host, name)
    ctx = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.clock.install()
    browser_login(page, live_server, "staff_a")

    count = page.locator("#hq-todo-count")
    expect(count).to_be_visible()  # beside the institution's name: no menu to open
    assert int(count.inner_text()) >= 1 and in_view(page, page.locator("#hq-todo-link"))
    page.locator("#hq-todo-link").click()
    expect(page).to_have_url(f"{live_server}/todo/")
    item = page.locator(".hq-todo-item", has_text=name)
    expect(item).to_be_visible()
    let_in, decline = item.get_by_role("button", name="同意入内"), item.get_by_role("button", name="拒绝")
    expect(let_in).to_be_visible()
    expect(decline).to_be_visible()
    assert in_view(page, let_in) and in_view(page, decline)  # both in view, no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert let_in.bounding_box()["height"] >= 40  # a thumb's target
    save_screen(page, "todo-phone-zh")

    # a second parent arrives while the page is open: the next poll shows them
    other = "家长" + browser_uid("B")[-4:]
    arrive(live_app, live_seed, resident_id, host, other, organisation="")
    before = int(count.inner_text())
    page.clock.fast_forward("00:31")
    expect(page.locator(".hq-todo-item", has_text=other)).to_be_visible()
    expect(count).to_have_text(str(before + 1))

    with page.expect_navigation():
        let_in.click()
    expect(page).to_have_url(f"{live_server}/todo/")
    expect(page.locator(".alert-success")).to_contain_text(name)
    expect(page.locator(".hq-todo-item", has_text=name)).to_have_count(0)
    assert host_response(live_app, visit_id) == ("confirmed", "on_site")
    expect(count).to_have_text(str(before))

    page.locator("#lang-switch").click() if page.locator("#lang-switch").is_visible() else \
        page.goto(f"{live_server}/lang/en")
    page.goto(f"{live_server}/todo/")
    expect(page.locator(".hq-todo-item", has_text=other)).to_contain_text("is waiting for you")
    expect(page.locator(".hq-todo-item", has_text=other).get_by_role("button", name="Let in")).to_be_visible()
    save_screen(page, "todo-phone-en")


def test_the_dashboard_shows_the_first_waiting_items(new_context, live_server, live_app, live_seed, host,
                                                     browser_login, browser_uid, save_screen, resident_id):
    name = "送书" + browser_uid("C")[-4:]
    arrive(live_app, live_seed, resident_id, host, name)
    for lang, locale in (("zh", "zh-CN"), ("en", "en-GB")):
        page = new_context(locale=locale, viewport={"width": 1366, "height": 900}).new_page()
        browser_login(page, live_server, "staff_a")
        tile = page.locator("#widget-todo")
        expect(tile).to_be_visible()
        expect(tile.locator(".hq-todo-item", has_text=name)).to_be_visible()
        save_screen(page, f"todo-dashboard-{lang}")
        page.goto(f"{live_server}/todo/")
        save_screen(page, f"todo-page-{lang}")
        page.goto(f"{live_server}/staffview/mine/")
        expect(page.locator("#panel-visitors-hosted")).to_be_visible()
        save_screen(page, f"staff-record-panels-{lang}")


@pytest.mark.parametrize("viewport, is_phone", [(PHONE, True), ({"width": 1366, "height": 768}, False)])
def test_the_visits_list_keeps_let_in_and_decline_in_view_for_the_host(
        new_context, live_server, live_app, live_seed, host, browser_login, browser_uid, save_screen, resident_id,
        viewport, is_phone):
    """Issue 13, point 4: the host's 同意入内/拒绝 on the visits list, in view without scrolling
    sideways, on a 390-px phone (each row a card) and on a PC."""
    name = "列表" + browser_uid("L")[-4:]
    visit_id = arrive(live_app, live_seed, resident_id, host, name)
    options = dict(viewport=viewport, is_mobile=True, has_touch=True) if is_phone else dict(viewport=viewport)
    page = new_context(**options).new_page()
    browser_login(page, live_server, "staff_a")
    page.goto(f"{live_server}/visitview/list/?_flt_0_visitor_name={name}")
    row = page.locator(".table-responsive table tbody tr", has_text=name)
    let_in, decline = row.get_by_role("button", name="同意入内"), row.get_by_role("button", name="拒绝")
    expect(let_in).to_be_visible()
    expect(decline).to_be_visible()
    width = viewport["width"]
    for button in (let_in, decline):
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
        assert box["y"] + box["height"] <= viewport["height"], box  # no scrolling down to the row either
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if is_phone:
        assert let_in.bounding_box()["height"] >= 30  # a thumb's target
    save_screen(page, f"visits-list-host-{'phone' if is_phone else 'pc'}-zh")
    with page.expect_navigation():
        let_in.click()
    assert host_response(live_app, visit_id) == ("confirmed", "on_site")

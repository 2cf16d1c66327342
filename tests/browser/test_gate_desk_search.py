"""Issue 13, point 8 at the desk: purpose and host found by typing (Chinese, and pinyin initials
for the host: "zl" finds 张丽), Enter meaning one thing in every state of the form, and the
language switch keeping the page and what was typed."""
from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect


def new_resident_id() -> str:
    from plugins.visitors import rules

    rng = random.Random()
    first17 = f"330106{rng.randrange(1960, 2000)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}" \
              f"{rng.randrange(1000):03d}"
    return first17 + rules.resident_id_check_char(first17)


@pytest.fixture(scope="module")
def zhang_li(live_app, live_seed):
    """张丽 of 后勤处 on campus TA, a host for the desk (made once)."""
    from sqlalchemy import select

    from app.audit import acting_as
    from app.extensions import db
    from app.models import Staff

    with live_app.app_context(), acting_as(None, "tests", "cli"):
        pk = db.session.execute(select(Staff.id).where(Staff.staff_no == "BT-ZL-1")).scalar()
        if pk is None:
            staff = Staff(name="张丽", staff_no="BT-ZL-1", campus_id=live_seed["campuses"]["TA"], active=True,
                          work_phone="021-66001122", employment_type="established")
            db.session.add(staff)
            db.session.commit()
            pk = staff.id
    return pk


def active_name(page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.id")


def test_purpose_and_host_are_found_by_typing_and_zl_finds_zhang_li(page, live_server, zhang_li, browser_login,
                                                                    save_screen):
    browser_login(page, live_server, "gatekeeper_a")
    page.goto(f"{live_server}/gate/desk/")
    purpose = page.locator("#f-purpose_id")
    purpose.click()
    page.keyboard.type("家")  # Chinese characters
    option = page.locator("[role=listbox]:visible [role=option]").first
    expect(option).to_contain_text("家长")
    page.keyboard.press("Enter")  # takes the highlighted entry, then the next field
    expect(purpose).to_have_value(re.compile("家长"))
    assert page.locator("#f-purpose_id-choice").input_value() != ""
    assert active_name(page) == "reason"

    host = page.locator("#f-host_id")
    host.click()
    page.keyboard.type("zl")  # pinyin initials
    expect(page.locator("[role=listbox]:visible [role=option]").first).to_contain_text("张丽")
    save_screen(page, "gate-desk-host-search-zh")
    page.keyboard.press("Enter")
    assert page.locator("#f-host_id-choice").input_value() == str(zhang_li)
    expect(host).to_have_value(re.compile("张丽"))
    assert active_name(page) == "host_confirmation"

    host.fill("")
    host.type("zhangli")  # the full pinyin too
    expect(page.locator("[role=listbox]:visible [role=option]").first).to_contain_text("张丽")
    page.keyboard.press("Escape")


def test_enter_means_the_same_in_every_state_of_the_desk_form(page, live_server, zhang_li, browser_login):
    browser_login(page, live_server, "gatekeeper_a")
    page.goto(f"{live_server}/gate/desk/")
    # empty form: Enter anywhere goes to the first thing missing, the document number
    page.locator("#f-organisation").press("Enter")
    assert active_name(page) == "id_number"
    # a new number: Enter looks it up (nobody), then goes on to the name
    number = new_resident_id()
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    expect(page.locator("#hq-lookup-note")).not_to_be_empty()
    expect(page.locator("#f-name")).to_be_focused()
    page.keyboard.type("回车测试")
    page.keyboard.press("Enter")  # the purpose is still missing: there, not a refused sign-in
    expect(page.locator("#f-purpose_id")).to_be_focused()
    page.keyboard.type("家长")
    page.keyboard.press("Enter")
    page.locator("#f-badge").fill("ENT1")
    with page.expect_navigation():
        page.locator("#f-badge").press("Enter")  # nothing missing: signs in
    expect(page.locator(".alert-success")).to_contain_text("回车测试")

    # signed out, the same number comes back with another name: the desk asks keep-or-change, and
    # Enter goes to that choice
    page.locator("#out-badge").fill("ENT1")
    with page.expect_navigation():
        page.locator("#out-badge").press("Enter")
    page.locator("#f-id_number").fill(number)
    page.locator("#f-id_number").press("Enter")  # a returning visitor: filled from the last visit
    expect(page.locator("#f-name")).to_have_value("回车测试")
    expect(page.locator("#f-host_id")).to_be_focused()  # the first detail still empty
    page.locator("#f-name").fill("回车测试改名")
    with page.expect_navigation():
        page.locator("#f-name").press("Enter")
    expect(page.locator("#hq-stored")).to_be_visible()
    page.locator("#f-name").press("Enter")
    assert page.evaluate("document.activeElement.name") == "stored_details"


def test_switching_language_keeps_the_desk_and_what_was_typed(page, live_server, zhang_li, browser_login,
                                                               save_screen):
    browser_login(page, live_server, "gatekeeper_a")
    page.goto(f"{live_server}/gate/desk/")
    desk_url = page.url
    number = new_resident_id()
    page.locator("#f-id_number").fill(number)
    page.locator("#f-name").fill("切换语言")
    page.locator("#f-organisation").fill("新华书店")
    page.locator("#f-host_id").click()
    page.keyboard.type("zl")
    page.keyboard.press("Enter")
    with page.expect_navigation():
        page.locator("#lang-switch").click()
    expect(page.locator("#lang-switch")).to_have_text(re.compile("中文"))
    assert re.fullmatch(re.escape(desk_url) + r"(\?campus_id=\d+)?", page.url), page.url
    desk_url = page.url
    expect(page.locator("#f-id_number")).to_have_value(number)
    expect(page.locator("#f-name")).to_have_value("切换语言")
    expect(page.locator("#f-organisation")).to_have_value("新华书店")
    expect(page.locator("#f-host_id")).to_have_value(re.compile("张丽"))
    assert page.locator("#f-host_id-choice").input_value() == str(zhang_li)
    expect(page.locator("label[for=f-host_id]")).to_have_text("Host")
    save_screen(page, "gate-desk-after-switch-en")

    # after a refused sign-in (the page of a POST), the switch opens the desk itself, kept as typed
    page.locator("#f-name").fill("")
    with page.expect_navigation():
        page.locator("#hq-sign-in button[type=submit]").click()
    expect(page.locator("#e-name")).to_be_visible()
    with page.expect_navigation():
        page.locator("#lang-switch").click()
    assert page.url == desk_url
    expect(page.locator("#f-organisation")).to_have_value("新华书店")
    expect(page.locator("#lang-switch")).to_have_text(re.compile("English"))


def test_a_look_up_answering_while_the_purpose_list_is_open_keeps_its_purpose(page, live_server, browser_login):
    """Typed fast: the returning visitor's look-up answers while the gatekeeper is already in the
    name or the purpose box. Its purpose stays (the box once cleared it on leaving), the answer
    does not pull the focus away from where they type, and Enter reaches the sign-in."""
    browser_login(page, live_server, "gatekeeper_a")
    page.goto(f"{live_server}/gate/desk/")
    number = new_resident_id()
    page.locator("#f-id_number").fill(number)
    page.locator("#f-name").fill("快打")
    page.locator("#f-purpose_id").press("ArrowDown")
    page.locator("#f-purpose_id").press("Tab")
    page.locator("#f-badge").fill("FAST")
    with page.expect_navigation():
        page.locator("#f-badge").press("Enter")
    page.locator("#out-badge").fill("FAST")
    with page.expect_navigation():
        page.locator("#out-badge").press("Enter")
    for attempt in range(3):
        page.goto(f"{live_server}/gate/desk/")
        page.locator("#f-id_number").fill(number)
        page.locator("#f-name").fill(f"快打{attempt}")  # leaving the number starts its look-up
        page.locator("#f-purpose_id").press("ArrowDown")
        page.locator("#f-purpose_id").press("Tab")
        with page.expect_navigation():
            page.locator("#f-name").press("Enter")
        expect(page.locator("#hq-stored")).to_be_visible()  # the desk's question, not a lost purpose

"""The gate desk in a real browser, driven with the keyboard only, as at 7:30 with
parents waiting: a new visitor, a returning visitor found by ID number, the
on-site list, a blocklisted ID refused, a Director approving the override from a
second browser, sign-out, and the desk in English."""
from __future__ import annotations

import itertools
import random

import pytest
from playwright.sync_api import expect

_seq = itertools.count(1)


def resident_id() -> str:
    from plugins.visitors import rules

    rng = random.Random(9000 + next(_seq))
    first17 = f"310104{rng.randrange(1960, 2000)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    return first17 + rules.resident_id_check_char(first17)


@pytest.fixture(scope="module")
def desk_data(live_app, live_seed):
    """A host on campus TA linked to nobody, and a blocklisted ID number."""
    from app.audit import acting_as
    from app.extensions import db
    from app.privacy import mask_id
    from plugins.visitors.intake import hashes
    from plugins.visitors.models import BlocklistEntry

    blocked = resident_id()
    with live_app.app_context(), acting_as(None, "tests", "cli"):
        id_hash, _ = hashes(live_app.config["SECRET_KEY"], blocked, None)
        db.session.add(BlocklistEntry(name="黑名单人员", id_hash=id_hash, id_masked=mask_id(blocked),
                                      reason="扰乱秩序", campus_id=None))
        db.session.commit()
    return {"blocked": blocked}


def type_into_desk(page, id_number, name=None, phone=None, organisation=None, badge=None):
    """Keyboard only, in the order of the paper register: ID number, then Tab through the fields."""
    page.keyboard.type(id_number)
    if name is None:  # returning visitor: Enter looks them up and fills the form from the last visit
        page.keyboard.press("Enter")
        # not wait_for_function("..."): a string predicate is eval()ed in the page, which the CSP refuses
        expect(page.locator("#f-name")).not_to_have_value("")
        assert page.evaluate("document.activeElement.name") == "badge"  # purpose and host came from last time
        page.keyboard.type(badge)
        for _ in range(3):
            page.keyboard.press("Shift+Tab")  # back to the host confirmation
        page.keyboard.press("ArrowDown")  # confirmed by phone
        for _ in range(3):
            page.keyboard.press("Tab")  # party size, plate, badge
        with page.expect_navigation():
            page.keyboard.press("Enter")  # signs in
        return
    else:
        page.keyboard.press("Tab")
        page.keyboard.type(name)
    page.keyboard.press("Tab")  # -> phone
    if phone:
        page.keyboard.type(phone)
    page.keyboard.press("Tab")  # -> organisation
    if organisation:
        page.keyboard.type(organisation)
    page.keyboard.press("Tab")  # -> purpose
    page.keyboard.press("ArrowDown")  # first purpose
    page.keyboard.press("Tab")  # -> details
    page.keyboard.press("Tab")  # -> host
    page.keyboard.press("ArrowDown")  # first host
    page.keyboard.press("Tab")  # -> host confirmation
    page.keyboard.press("ArrowDown")  # confirmed by phone
    page.keyboard.press("Tab")  # -> party size
    page.keyboard.press("Tab")  # -> plate
    page.keyboard.press("Tab")  # -> badge
    if badge:
        page.keyboard.type(badge)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # signs in


def test_the_gate_desk_works_from_the_keyboard_alone(page, new_context, live_server, desk_data, browser_login,
                                                      browser_uid, save_screen):
    browser_login(page, live_server, "gatekeeper_a")
    page.goto(f"{live_server}/gate/desk/")
    assert page.evaluate("document.activeElement.name") == "id_number"  # focus starts in the ID field
    save_screen(page, "gate-desk-zh")

    # a new visitor
    number, name, badge = resident_id(), browser_uid("新客"), "K" + browser_uid("")[-3:]
    type_into_desk(page, number, name=name, phone="13912345678", organisation="顺丰速运", badge=badge)
    on_site = page.locator("#hq-on-site")
    assert on_site.locator("tr", has_text=badge).count() == 1
    # she leaves; she comes back later: found by her ID number, details filled from the last visit
    on_site.locator("tr", has_text=badge).get_by_role("button").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # one key signs out from the on-site list
    assert page.locator("#hq-on-site tr", has_text=badge).count() == 0
    page.locator("#f-id_number").focus()
    type_into_desk(page, number, badge=badge + "R")
    returning = page.locator("#hq-on-site tr", has_text=badge + "R")
    assert name in returning.inner_text() and "顺丰速运" in returning.inner_text()  # details from the last visit

    # a blocklisted ID number is refused with a red warning, and the refusal is recorded
    page.locator("#f-id_number").focus()
    type_into_desk(page, desk_data["blocked"], name=browser_uid("拒"), badge=None)
    refused = page.locator("#hq-refused")
    refused.wait_for()
    assert "alert-danger" in refused.get_attribute("class")
    page.locator("#override-note").focus()
    page.keyboard.type("家长会，班主任陪同")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # sends the override request to the Director
    pending = page.locator("#hq-pending-override")
    pending.wait_for()

    # the Director, in another browser, sees the waiting request and approves it
    director_ctx = new_context()
    director = director_ctx.new_page()
    browser_login(director, live_server, "director_a")
    director.goto(f"{live_server}/gate/desk/")
    director.get_by_text("家长会，班主任陪同").first.wait_for()
    form = director.locator("form[action*='/decide']").last  # the newest waiting request
    form.locator("input[name=reason]").fill("班主任到门口接")
    with director.expect_navigation():
        form.locator("button[value=approve]").click()

    # the gate sees the decision without a reload and admits the visitor
    page.locator("#hq-pending-override form.hq-admit:not([hidden])").wait_for(timeout=15000)
    assert "班主任到门口接" in pending.inner_text()
    page.locator("#hq-pending-override form.hq-admit button").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#hq-on-site tr", has_text="拒").count() == 1

    # sign out by badge number, keyboard only
    page.locator("#hq-on-site tr", has_text=badge + "R").wait_for()
    page.locator("input[name=badge]").last.focus()
    page.keyboard.type(badge + "R")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#hq-on-site tr", has_text=badge + "R").count() == 0

    # and the desk reads in English after one click on the navbar switch
    page.locator("#lang-switch").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/gate/desk/")
    body = page.inner_text("body")
    assert "Gate desk" in body and "Sign in" in body and "On site now" in body
    assert "门卫登记台" not in body
    save_screen(page, "gate-desk-en")

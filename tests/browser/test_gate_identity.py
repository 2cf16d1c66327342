"""Point 1 of issue 13 in a real browser: a person on site typed again at the desk (lower-case x,
spaces) is refused; the desk names the open visit and its badge, and the offered button signs
that visit out, after which the person is signed in again."""
from __future__ import annotations

import random

from playwright.sync_api import expect


def resident_id_with_x() -> str:
    from plugins.visitors import rules

    rng = random.Random()
    while True:
        first17 = f"320102{rng.randrange(1960, 2000)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}" \
                  f"{rng.randrange(1000):03d}"
        if rules.resident_id_check_char(first17) == "X":
            return first17 + "X"


def _sign_in(page, number, name, badge):
    page.locator("#f-id_number").fill(number)
    page.locator("#f-name").fill(name)
    page.locator("#f-phone").fill("13812340000")
    page.locator("#f-purpose_id").press("ArrowDown")  # the purpose search's first entry
    page.locator("#f-purpose_id").press("Tab")
    page.locator("#f-badge").fill(badge)
    with page.expect_navigation():
        page.locator("#hq-sign-in button[type=submit]").click()


def test_a_person_on_site_is_refused_and_the_open_visit_is_signed_out_from_the_offer(
        page, live_server, browser_login, browser_uid, save_screen):
    browser_login(page, live_server, "gatekeeper_a")
    page.goto(f"{live_server}/gate/desk/")
    number, name, badge = resident_id_with_x(), browser_uid("重复"), "D" + browser_uid("")[-3:]
    _sign_in(page, number, name, badge)
    expect(page.locator("#hq-on-site tr", has_text=badge)).to_have_count(1)

    # Typed again as gatekeepers type: spaces and a lower-case x. The look-up already warns.
    typed = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
    page.locator("#f-id_number").fill(typed)
    page.locator("#f-id_number").press("Enter")
    expect(page.locator("#e-id_number")).to_contain_text("已在园内")
    assert page.evaluate("document.activeElement.name") == "id_number"
    _sign_in(page, typed, name, "E" + badge[1:])
    alert = page.locator("#hq-already-on-site")
    expect(alert).to_contain_text(f"访客证 {badge}")
    expect(page.locator("#hq-on-site tr", has_text=badge)).to_have_count(1)  # nothing was added
    save_screen(page, "gate-desk-already-on-site-zh")
    with page.expect_navigation():
        alert.get_by_role("button").click()
    expect(page.locator("#hq-on-site tr", has_text=badge)).to_have_count(0)
    _sign_in(page, typed, name, badge)
    expect(page.locator("#hq-on-site tr", has_text=badge)).to_have_count(1)


def test_the_gatekeeper_lands_on_the_desk_a_wrong_check_digit_keeps_focus_and_f2_reaches_badge_sign_out(
        page, live_server, browser_login):
    browser_login(page, live_server, "gatekeeper_a")
    assert page.url.rstrip("/").endswith("/gate/desk")  # point 8: the desk after signing in
    number = resident_id_with_x()
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    page.locator("#f-id_number").fill(wrong)
    page.locator("#f-id_number").press("Enter")
    expect(page.locator("#e-id_number")).not_to_be_empty()
    assert page.evaluate("document.activeElement.name") == "id_number"
    assert page.locator("label[for=out-badge] kbd").inner_text() == "F2"  # the shortcut, on screen
    page.keyboard.press("F2")
    assert page.evaluate("document.activeElement.id") == "out-badge"

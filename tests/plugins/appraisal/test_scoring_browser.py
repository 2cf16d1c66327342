"""The scoring screen in a browser (issue 17 point 12), in Chinese and in English: a member fills
and submits a sheet with the keyboard only (the first cell has the focus; Tab, arrows and Enter
move; each cell saves itself), the secretary enters counts, the Director closes and finalises,
deciding a tie at the quota boundary. Screens of each page are saved for a person to look at."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.plugins.appraisal.conftest import Appraisal

# Each cell saves itself over the network: on a shared, busy machine an answer can take longer than
# Playwright's 5 s default.
expect.set_options(timeout=20_000)

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}
TEXT = {"zh": {"saved": "已保存", "submitted": "已提交", "close": "结束评分", "tie": "确定并列人选",
               "finalise": "确定本轮结果", "save": "保存", "done": "已确定"},
        "en": {"saved": "Saved", "submitted": "Submitted", "close": "Close scoring", "tie": "Decide the tie",
               "finalise": "Finalise the round", "save": "Save", "done": "Finalised"}}


@pytest.fixture(scope="module")
def live_appraisal(live_app, live_seed):
    return Appraisal(live_app, live_seed["campuses"])


def _prepare(live_appraisal):
    """Five staff, three members (two fill through the verbs), certificates and bonuses entered:
    everyone the member scores full marks reaches 100, so the quota of one leaves a tie."""
    from plugins.appraisal import entries

    r = live_appraisal.round(members=3, staff=5)
    live_appraisal.fill(r, value=lambda m, p, item: "15" if item == "head" else "20", members=[1, 2])
    with live_appraisal.ctx() as session:
        for p in r["staff"]:
            entries.save_entries(session, r["round"], None, p, "certificate", {"yes": "1", "evidence": "健康证"})
            entries.save_entries(session, r["round"], None, p, "bonus", {"count_award": "5"})
        session.commit()
    return r


def _no_cell_in_error(page):
    """No cell shows an error; when one does, the failure names the cell and what it says."""
    try:
        expect(page.locator("td.hq-cell.has-error")).to_have_count(0)
    except AssertionError:
        cells = page.eval_on_selector_all(
            "td.hq-cell.has-error",
            "tds => tds.map(td => { const i = td.querySelector('input.hq-score');"
            " return [i.dataset.r, i.dataset.c, i.value, (td.querySelector('.hq-cell-msg') || {}).textContent]; })")
        raise AssertionError(f"cells in error (row, column, value, message): {cells}") from None


@pytest.mark.browser
@pytest.mark.parametrize("lang,locale", [("zh", "zh-CN"), ("en", "en-GB")])
def test_a_member_scores_by_keyboard_the_secretary_counts_the_director_finalises(
        new_context, live_server, live_appraisal, browser_login, save_screen, lang, locale):
    t = TEXT[lang]
    r = _prepare(live_appraisal)
    member, member_id, _ = r["members"][0]
    sheet = live_appraisal.sheet_id(r["round"], member_id)

    # -- the member, keyboard only ----------------------------------------------------------------
    page = new_context(locale=locale, viewport=WIDE).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(page, live_server, member)
    page.goto(f"{live_server}/lang/{lang}")
    page.goto(f"{live_server}/appraisal/sheet/{sheet}/")
    first = page.locator("input.hq-score").first
    expect(first).to_be_focused()
    for _person in r["staff"]:
        for value in ("20", "20", "15"):
            page.keyboard.type(value)
            page.keyboard.press("Tab")   # to the next cell
    expect(page.locator("td.hq-cell.hq-done")).to_have_count(15)
    # a low score asks for a comment: a box appears under it with the focus; Enter saves both
    low = page.locator('input.hq-score[data-r="4"][data-c="1"]')
    low.focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    comment = page.locator('td.hq-cell:has(input.hq-score[data-r="4"][data-c="1"]) input.hq-comment')
    expect(comment).to_be_focused()
    page.keyboard.type("工作失误")
    page.keyboard.press("Enter")
    expect(low).to_be_focused()
    _no_cell_in_error(page)
    page.keyboard.press("Control+a")
    page.keyboard.type("20")
    page.keyboard.press("ArrowUp")
    expect(page.locator("td.hq-cell.hq-done")).to_have_count(15)
    # arrows move between cells; a correction is saved too
    first.focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator('input.hq-score[data-r="1"][data-c="0"]')).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(first).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    expect(page.locator('input.hq-score[data-r="0"][data-c="1"]')).to_be_focused()
    # out of range: the cell says so, and it is not saved
    page.keyboard.press("Control+a")
    page.keyboard.type("25")
    page.keyboard.press("Tab")
    expect(page.locator("td.hq-cell.has-error")).to_have_count(1)
    page.keyboard.press("Shift+Tab")
    corrected = page.locator('input.hq-score[data-r="0"][data-c="1"]')
    expect(corrected).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type("20")
    page.keyboard.press("Tab")
    expect(corrected).to_have_value("20.00")
    _no_cell_in_error(page)
    save_screen(page, f"appraisal-sheet-{lang}")
    # Enter down the last column reaches the submit button; Enter submits
    page.locator('input.hq-score[data-r="4"][data-c="2"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("#hq-submit-button")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".hq-sheet-state")).to_contain_text(t["submitted"])
    expect(page.locator("input.hq-score").first).to_have_attribute("readonly", "")

    phone = new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    browser_login(phone, live_server, member)
    phone.goto(f"{live_server}/lang/{lang}")
    phone.goto(f"{live_server}/appraisal/sheet/{sheet}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    save_screen(phone, f"appraisal-sheet-phone-{lang}")

    # -- the secretary enters counts ---------------------------------------------------------------
    page = new_context(locale=locale, viewport=WIDE).new_page()
    browser_login(page, live_server, r["secretary"][0])
    page.goto(f"{live_server}/lang/{lang}")
    page.goto(f"{live_server}/appraisal/entry/{r['round']}/{r['staff'][4]}")
    form = page.locator("#entry-attendance")
    form.locator('input[name="count_late"]').fill("1")
    form.locator('input[name="comment"]').fill("迟到一次")
    with page.expect_navigation():
        form.get_by_role("button", name=t["save"]).click()
    expect(page.locator("#entry-attendance input[name=count_late]")).to_have_value("1.00")
    save_screen(page, f"appraisal-entry-{lang}")

    # -- the Director closes, decides the tie, finalises ------------------------------------------
    page = new_context(locale=locale, viewport=WIDE).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(page, live_server, "director_a")
    page.goto(f"{live_server}/lang/{lang}")
    page.goto(f"{live_server}/appraisalroundview/show/{r['round']}")
    with page.expect_navigation():
        page.get_by_role("button", name=t["close"]).click()
    page.goto(f"{live_server}/appraisal/round/{r['round']}/")
    tie = page.locator("#hq-tie")
    expect(tie).to_be_visible()
    expect(page.locator("#hq-finalise-button")).to_be_disabled()
    save_screen(page, f"appraisal-finalise-{lang}")
    tie.locator('input[name="chosen"]').first.check()
    with page.expect_navigation():
        tie.get_by_role("button", name=t["tie"]).click()
    with page.expect_navigation():
        page.get_by_role("button", name=t["finalise"]).click()
    expect(page.locator(".hq-round-state")).to_have_text(t["done"])
    expect(page.locator("#hq-standings tbody tr")).to_have_count(5)
    save_screen(page, f"appraisal-results-{lang}")

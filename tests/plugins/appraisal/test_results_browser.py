"""A person's own result in a browser (issue 18 point 8), in Chinese and in English: a staff member
signs in on a phone, sees only their own result, files an appeal; the Director answers it and
reopens the result, corrects it, re-finalises and republishes. Screens are saved for a person."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.plugins.appraisal.conftest import Appraisal
from tests.plugins.appraisal.published import published_round

expect.set_options(timeout=20_000)

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}
TEXT = {"zh": {"file": "提交申诉", "filed": "申诉已提交", "send": "发送答复", "reopen": "重新打开该结果",
               "correct": "更正该项", "refinalise": "重新定稿", "republish": "重新公布", "final": "已定稿",
               "answered": "已答复"},
        "en": {"file": "File the appeal", "filed": "Appeal filed", "send": "Send the answer", "reopen": "Reopen this result",
               "correct": "Correct the item", "refinalise": "Re-finalise", "republish": "Republish", "final": "Final",
               "answered": "Answered"}}


@pytest.fixture(scope="module")
def live_appraisal(live_app, live_seed):
    return Appraisal(live_app, live_seed["campuses"])


@pytest.mark.browser
@pytest.mark.parametrize("lang,locale", [("zh", "zh-CN"), ("en", "en-GB")])
def test_a_person_appeals_on_a_phone_and_the_director_answers_and_reopens(
        new_context, live_server, live_appraisal, browser_login, save_screen, lang, locale):
    t = TEXT[lang]
    p = published_round(live_appraisal)
    login, _, _ = p["staff"][2]
    mine, other = p["results"][2], p["results"][1]

    phone = new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    browser_login(phone, live_server, login)
    phone.goto(f"{live_server}/lang/{lang}")
    phone.goto(f"{live_server}/appraisal/results/")
    expect(phone.locator("#hq-my-results tbody tr")).to_have_count(1)
    save_screen(phone, f"appraisal-my-results-phone-{lang}")
    phone.locator("#hq-my-results a").first.click()
    expect(phone.locator("#hq-person-sheet")).to_be_visible()
    assert phone.url.endswith(f"/result/{mine}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    phone.locator("#hq-appeal-text").fill("服务质量评分偏低，请复核。")
    with phone.expect_navigation():
        phone.get_by_role("button", name=t["file"]).click()
    expect(phone.locator(".hq-appeal-text")).to_have_text("服务质量评分偏低，请复核。")
    save_screen(phone, f"appraisal-appeal-phone-{lang}")
    # Another's result is not there for them.
    assert phone.goto(f"{live_server}/appraisal/results/result/{other}/").status == 404

    page = new_context(locale=locale, viewport=WIDE).new_page()
    browser_login(page, live_server, "director_a")
    page.goto(f"{live_server}/lang/{lang}")
    page.goto(f"{live_server}/appraisal/results/result/{mine}/")
    page.locator(".hq-answer-form textarea").fill("已复核：服务质量更正为 20 分。")
    with page.expect_navigation():
        page.get_by_role("button", name=t["send"]).click()
    expect(page.locator(".hq-appeal-state")).to_have_text(t["answered"])
    page.locator(".hq-reopen-form input[name=reason]").fill("申诉复核")
    with page.expect_navigation():
        page.get_by_role("button", name=t["reopen"]).click()
    form = page.locator(".hq-correct-form")
    form.locator("select[name=item]").select_option("quality")
    form.locator("input[name=value]").fill("20")
    form.locator("input[name=reason]").fill("复核检查记录")
    with page.expect_navigation():
        form.get_by_role("button", name=t["correct"]).click()
    save_screen(page, f"appraisal-reopened-{lang}")
    with page.expect_navigation():
        page.get_by_role("button", name=t["refinalise"]).click()
    with page.expect_navigation():
        page.get_by_role("button", name=t["republish"]).click()
    expect(page.locator(".hq-result-state")).to_have_text(t["final"])
    expect(page.locator(".hq-versions li")).to_have_count(1)
    save_screen(page, f"appraisal-republished-{lang}")

    phone.goto(f"{live_server}/appraisal/results/result/{mine}/")
    expect(phone.locator(".hq-appeal-answer")).to_contain_text("已复核")
    save_screen(phone, f"appraisal-answer-phone-{lang}")


@pytest.mark.browser
def test_the_personal_sheet_and_the_summary_print_on_a4(new_context, live_server, live_appraisal, browser_login,
                                                         print_pdf, save_screen):
    """个人考核表: A4 portrait through core's print layout, signature lines for the person and the
    committee; the committee summary with its chart, printed the same way."""
    p = published_round(live_appraisal)
    page = new_context(locale="zh-CN", viewport=WIDE).new_page()
    browser_login(page, live_server, p["staff"][0][0])
    page.goto(f"{live_server}/lang/zh")
    pdf = print_pdf(page, f"{live_server}/appraisal/results/result/{p['results'][0]}/print/", name="appraisal-sheet-zh")
    save_screen(page, "appraisal-print-sheet-zh")
    text = "".join(pdf.compact)
    assert "个人考核表" in text and "被考核人（签字）" in text and "校考核小组（签字）" in text
    assert "病假条流感" in text and pdf.landscape == [False] * pdf.pages
    assert all(f"{n}/{pdf.pages}" in t for n, t in enumerate(pdf.compact, start=1))
    director = new_context(locale="zh-CN", viewport=WIDE).new_page()
    browser_login(director, live_server, "director_a")
    director.goto(f"{live_server}/lang/zh")
    summary = print_pdf(director, f"{live_server}/appraisal/results/round/{p['round']}/summary/",
                        name="appraisal-summary-zh")
    save_screen(director, "appraisal-summary-zh")
    flat = "".join(summary.compact)
    assert "考核汇总" in flat and "等次分布" in flat and "后勤主任" in flat

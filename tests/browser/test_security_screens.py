"""Screens of the security work, in both languages, for people to look at (tests/browser/artifacts/
screens/): an error page (a list asked for a page it does not have) and the login page while the
throttle holds an account."""
import re

from playwright.sync_api import expect


def test_an_error_page_in_both_languages(page, live_server, browser_login, save_screen):
    browser_login(page, live_server, "director_a")
    for lang, words in (("zh", "页码无效"), ("en", "Not a valid page number.")):
        if lang == "en":
            page.click("#lang-switch")
            expect(page.locator("#lang-switch")).to_have_text(re.compile("中文"))
        response = page.goto(live_server + "/staffview/list/?page_StaffView=99999999999999999999")
        assert response.status == 400
        expect(page.locator(".hq-error")).to_contain_text(words)
        save_screen(page, f"error-400-{lang}")


def test_the_login_page_while_the_throttle_holds_an_account(new_context, live_server, live_app, save_screen):
    from limits.storage import MemoryStorage
    from limits.strategies import MovingWindowRateLimiter

    throttle = live_app.extensions["houqin_throttle"]
    saved = throttle.enabled, throttle.limiter
    throttle.enabled, throttle.limiter = True, MovingWindowRateLimiter(MemoryStorage())
    try:
        for locale, words in (("zh-CN", "登录失败次数过多"), ("en-GB", "Too many failed sign-ins")):
            page = new_context(locale=locale).new_page()
            for _ in range(6):
                page.goto(live_server + "/login/")
                page.fill("#username", "staff_a")
                page.fill("#password", "wrong-password")
                page.locator("form[name=login] [type=submit]").click()
                page.wait_for_load_state("load")
            expect(page.locator(".alert")).to_contain_text(words)
            save_screen(page, f"login-throttled-{locale[:2]}")
            throttle.limiter = MovingWindowRateLimiter(MemoryStorage())
    finally:
        throttle.enabled, throttle.limiter = saved

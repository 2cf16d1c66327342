"""The shell in a real browser: log in, Chinese by default, the navbar language
switch both ways, log out; an English browser's first visit is in English.
Also saves screenshots of the main screens in both languages for review."""
import re

from playwright.sync_api import expect

LOGIN_SUBMIT = "form[name=login] [type=submit]"


def _open_menu(page, category: str, item: str):
    """Open a navbar category and return its item's link (visible once opened)."""
    nav = page.locator(".navbar")
    # Not get_by_role(name=...): the Font Awesome icon's ::before glyph is part of the accessible name.
    nav.locator("a.dropdown-toggle", has_text=_exactly(category)).click()
    link = nav.locator("li.open > .dropdown-menu a", has_text=_exactly(item))
    expect(link).to_be_visible()
    return link


def _exactly(text: str):
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def test_director_sees_chinese_switches_to_english_and_back_then_logs_out(
        page, live_server, browser_login, browser_logout):
    browser_login(page, live_server, "director")
    heading = page.locator("h2.hq-dash-title")
    expect(heading).to_have_text("工作台")
    expect(page.locator("html")).not_to_have_attribute("lang", "en")
    _open_menu(page, "组织机构", "教职工")
    expect(page.locator("#lang-switch")).to_have_text(re.compile("English"))

    page.click("#lang-switch")
    expect(heading).to_have_text("Dashboard")
    _open_menu(page, "Organisation", "Staff")
    expect(page.locator(".navbar")).not_to_contain_text("组织机构")
    expect(page.locator("#lang-switch")).to_have_text(re.compile("中文"))

    page.click("#lang-switch")
    expect(heading).to_have_text("工作台")
    staff = _open_menu(page, "组织机构", "教职工")
    staff.click()
    expect(page).to_have_url(re.compile(r"/staffview/list/"))
    expect(page.get_by_text("王芳")).to_be_visible()

    browser_logout(page)
    expect(page.locator("#username")).to_be_visible()
    expect(page.locator("#password")).to_be_visible()
    expect(page.locator(LOGIN_SUBMIT)).to_have_value("登录")
    expect(page.locator("#user-menu")).to_have_count(0)


def test_first_visit_with_an_english_browser_shows_the_login_page_in_english(new_context, live_server):
    page = new_context(locale="en-GB").new_page()
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator(LOGIN_SUBMIT)).to_have_value("Sign In")
    expect(page.locator("label[for=username]")).to_have_text(re.compile("Username"))
    expect(page.locator("#lang-switch")).to_have_text(re.compile("中文"))


def test_first_visit_with_a_chinese_browser_shows_the_login_page_in_chinese(page, live_server):
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator(LOGIN_SUBMIT)).to_have_value("登录")
    expect(page.locator("label[for=username]")).to_have_text(re.compile("用户名"))


SCREENS = [
    ("dashboard", "/", ("zh", "en")),
    ("staff-list", "/staffview/list/", ("zh", "en")),
    ("settings", "/settings/", ("zh", "en")),
    ("staff-import", "/staffview/import/", ("zh",)),
    ("staff-add", "/staffview/add", ("zh", "en")),
]


def test_screenshots_of_the_main_screens_for_review(page, live_server, browser_login, save_screen):
    """Not a check of the looks: the PNGs in tests/browser/artifacts/screens/ are for people."""
    browser_login(page, live_server, "director")
    for lang in ("zh", "en"):
        if lang == "en":
            page.click("#lang-switch")
            expect(page.locator("#lang-switch")).to_have_text(re.compile("中文"))
        for name, path, langs in SCREENS:
            if lang not in langs:
                continue
            response = page.goto(live_server + path)
            assert response is not None and response.status == 200, (path, response and response.status)
            page.wait_for_load_state("networkidle")
            save_screen(page, f"{name}-{lang}.png")


def test_every_menu_fits_on_one_line_at_1280_and_1366_px_in_both_languages(new_context, live_server, browser_login):
    """The Director sees every menu of core and the plugins: on the office PC's screen they stay
    on one line of the navbar (they wrapped onto a second line once the fourth plugin came)."""
    for width in (1280, 1366):
        for locale in ("zh-CN", "en-GB"):
            page = new_context(locale=locale, viewport={"width": width, "height": 768}).new_page()
            browser_login(page, live_server, "director")
            expect(page.locator("#user-menu")).to_be_visible()
            tops = page.eval_on_selector_all(
                ".navbar .navbar-nav > li", "items => items.map(li => li.getBoundingClientRect().top)")
            assert len(tops) >= 8, (page.url, tops)  # the menus, the language switch and the user
            assert max(tops) - min(tops) < 5, (width, locale, tops)
            page.context.close()

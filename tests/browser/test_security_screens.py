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


def _role_id(live_app, name):
    with live_app.app_context():
        return live_app.appbuilder.sm.find_role(name).id


def test_the_security_screens_read_in_the_users_language(new_context, live_app, live_server, browser_login,
                                                         save_screen):
    """Issue 13, point 10: 是/否, role names as chips, a role's permissions grouped by screen, 名称
    over the names of things, and the office's work first in the menu, 用户权限 last."""
    gatekeeper = _role_id(live_app, "Gatekeeper")
    words = {"zh": ("是", "门卫", "名称", "来访记录", "查看列表", "用户权限", "系统管理", "门卫"),
             "en": ("Yes", "Gatekeeper", "Name", "Visits", "List", "Security", "Administration", "Gate")}
    for locale, lang in (("zh-CN", "zh"), ("en-GB", "en")):
        yes, chip, name, screen, verb, security, administration, gate = words[lang]
        page = new_context(locale=locale, viewport={"width": 1366, "height": 768}).new_page()
        browser_login(page, live_server, "admin_a")
        page.goto(live_server + "/")
        toggles = page.locator(".navbar-nav:not(.navbar-right) li.dropdown > a.dropdown-toggle")
        expect(toggles.first).to_be_visible()
        menus = [t.strip() for t in toggles.all_inner_texts()]
        assert menus[0] == gate and menus[-2:] == [administration, security], menus

        page.goto(live_server + "/users/list/")
        row = page.locator("table tbody tr", has_text="gatekeeper_a")
        expect(row.locator(".hq-chip", has_text=chip)).to_be_visible()
        expect(row).to_contain_text(yes)
        assert "True" not in page.locator(".table-responsive table").inner_text()
        save_screen(page, f"security-users-{lang}")
        row.locator("a[href*='/users/show/']").click()
        expect(page.locator(".hq-chip", has_text=chip).first).to_be_visible()
        assert "True" not in page.locator(".panel-body").first.inner_text()
        save_screen(page, f"security-user-show-{lang}")

        page.goto(live_server + "/roles/list/")
        expect(page.locator(".table-responsive table thead")).to_contain_text(name)
        assert page.evaluate("document.documentElement.scrollHeight") < 2000  # no 30,000-px string
        save_screen(page, f"security-roles-{lang}")

        page.goto(live_server + f"/roles/show/{gatekeeper}")
        group = page.locator(".hq-permissions tr", has_text=screen).first
        expect(group).to_be_visible()
        expect(group.locator(".hq-chip", has_text=verb).first).to_be_visible()
        assert "can_list" not in page.locator(".hq-permissions").inner_text()
        save_screen(page, f"security-role-show-{lang}")

        page.goto(live_server + "/campusview/list/")
        expect(page.locator(".table-responsive table thead")).to_contain_text(name)
        for path, shot in (("/groups/list/", "groups"), ("/permissions/list/", "permissions"),
                           ("/viewmenus/list/", "viewmenus"), ("/permissionviews/list/", "permission-views")):
            assert page.goto(live_server + path).status == 200
            save_screen(page, f"security-{shot}-{lang}")

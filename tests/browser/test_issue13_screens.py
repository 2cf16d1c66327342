"""The screens issue 13 added or changed, at 1366 px in both languages: the change history in
words, the settings' retention job, the evacuation list with its roll call, the staff record a
colleague sees. Each is saved for a person to look at; none is wider than the window."""
from __future__ import annotations

import pytest

SCREENS = [
    ("director_a", "/auditlogview/list/", "audit-log"),
    ("director_a", "/settings/", "settings-retention-job"),
    ("director_a", "/gate/reports/evacuation", "evacuation-roll-call"),
    ("staff_a", "/staffview/list/", "staff-list-colleague"),
]


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("en-GB", "en")])
def test_the_changed_screens_fit_1366_px(new_context, live_server, browser_login, save_screen, locale, lang):
    for username, path, name in SCREENS:
        page = new_context(locale=locale, viewport={"width": 1366, "height": 768}).new_page()
        browser_login(page, live_server, username)
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        save_screen(page, f"issue13-{name}-{lang}")
        assert width <= 1366, (path, lang, width)

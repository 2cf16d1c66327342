"""The school calendar and the scheduled jobs in a real browser: the Director enters an academic
year and its terms (a mistake shown on the field, what was typed kept), in Chinese and English;
the Admin is warned that run-due never ran, opens the jobs, runs the visitors' purge now and reads
its history. Screenshots in both languages for review."""
import re

from playwright.sync_api import expect


def _date(page, selector, value):
    # FAB's date picker re-reads what is typed on blur; set the value as the picker would.
    page.eval_on_selector(selector, "(el, v) => { el.value = v; }", value)


def _submit(page):
    page.locator("form#model_form [type=submit], form [type=submit].btn-primary").first.click()


def test_the_director_keeps_the_school_calendar(page, live_server, browser_login, save_screen):
    browser_login(page, live_server, "director")
    page.goto(live_server + "/academicyearview/add")
    page.fill("#name", "2121-2122")
    _date(page, "#start_date", "2121-09-01")
    _date(page, "#end_date", "2122-07-10")
    _submit(page)
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(live_server + "/academicyearview/add")
    page.fill("#name", "重叠的学年")
    _date(page, "#start_date", "2122-07-01")
    _date(page, "#end_date", "2123-06-30")
    _submit(page)
    expect(page.get_by_text("日期与2121-2122学年重叠")).to_be_visible()
    expect(page.locator("#name")).to_have_value("重叠的学年")
    save_screen(page, "calendar-year-error-zh")

    page.goto(live_server + "/termview/add")
    page.select_option("#academic_year", label="2121-2122学年")
    page.select_option("#number", label="第一学期")
    _date(page, "#start_date", "2121-09-01")
    _date(page, "#end_date", "2122-01-20")
    _submit(page)
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(live_server + "/termview/list/")
    expect(page.get_by_text("2121-2122学年").first).to_be_visible()
    save_screen(page, "calendar-terms-zh")
    page.goto(live_server + "/lang/en")
    page.goto(live_server + "/termview/list/")
    expect(page.get_by_text("2121-2122 academic year").first).to_be_visible()
    expect(page.get_by_text("First term").first).to_be_visible()
    save_screen(page, "calendar-terms-en")
    page.goto(live_server + "/lang/zh")


def test_the_admin_is_warned_runs_a_job_now_and_reads_its_history(page, live_server, browser_login, save_screen):
    browser_login(page, live_server, "admin_a")
    warning = page.locator("#hq-jobs-widget")
    expect(warning).to_contain_text("定时任务从未运行过")
    save_screen(page, "jobs-dashboard-warning-zh")
    warning.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/jobs/$"))
    row = page.locator("#hq-jobs tr", has_text="visitors.purge")
    expect(row).to_contain_text("每天03:00")
    save_screen(page, "jobs-zh")
    row.get_by_role("button").click()
    expect(page.locator(".alert-success")).to_contain_text("已完成")
    page.goto(live_server + "/lang/en")
    page.goto(live_server + "/jobs/")
    expect(page.locator("#hq-jobs")).to_contain_text("Daily at 03:00")
    save_screen(page, "jobs-en")
    page.locator("#hq-jobs tr", has_text="visitors.purge").get_by_role("link", name="History").click()
    expect(page.locator("table.table-bordered")).to_contain_text("Anonymise visitors past the retention period")
    save_screen(page, "jobs-history-en")
    page.goto(live_server + "/lang/zh")

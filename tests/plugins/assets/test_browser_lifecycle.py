"""Issue 15's main flow in a real browser: a teacher requests a purchase; the Director approves it
with the 园委会's decision; the keeper records the receipt and three people confirm it (the
teacher from her to-do list) and the card appears; it is lent and returned; its disposal is
requested, approved and the 报损/报废 form printed; a glance in English."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def ids(live_app, *usernames):
    with live_app.app_context():
        return [live_app.appbuilder.sm.find_user(username=u).id for u in usernames]


def category_id(live_app, code):
    from sqlalchemy import select

    from app.extensions import db
    from plugins.assets.models import AssetCategory

    with live_app.app_context():
        return db.session.execute(select(AssetCategory.id).where(AssetCategory.code == code)).scalar_one()


def test_a_purchase_is_approved_received_lent_returned_and_disposed(page, live_app, live_server, browser_login,
                                                                     browser_logout, browser_uid, save_screen,
                                                                     print_pdf):
    from app.periods import local_today

    tag = browser_uid("一体机")
    today = local_today().isoformat()
    keeper_id, staff_id, director_id = ids(live_app, "assetkeeper_a", "staff_a", "director_a")

    # a teacher requests
    browser_login(page, live_server, "staff_a")
    page.goto(f"{live_server}/purchaseview/add")
    page.fill("#description", tag)
    page.fill("#quantity", "1")
    page.fill("#estimated_unit_price", "0")
    page.fill("#reason", "大班教室多媒体")
    page.locator("form#model_form button[type=submit], form button[type=submit]").first.click()
    expect(page.locator("body")).to_contain_text("单价必须大于零")  # on the field, the rest kept
    expect(page.locator("#description")).to_have_value(tag)
    page.fill("#estimated_unit_price", "880.00")
    page.locator("form#model_form button[type=submit], form button[type=submit]").first.click()
    page.goto(f"{live_server}/purchaseview/list/")
    expect(page.locator("body")).to_contain_text(tag)
    save_screen(page, "assets-purchase-list-zh")
    browser_logout(page)

    # the Director approves with the committee's decision
    browser_login(page, live_server, "director_a")
    page.goto(f"{live_server}/todo/")
    page.locator("a", has_text="待审批申购").first.click()
    expect(page.locator("#committee-approval")).to_be_visible()
    page.fill("#committee_date", today)
    page.fill("#committee_note", "园委会同意购置")
    save_screen(page, "assets-purchase-approve-zh")
    page.locator("#committee-approval button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已批准")
    purchase_url = page.url
    browser_logout(page)

    # the keeper records the receipt
    browser_login(page, live_server, "assetkeeper_a")
    page.goto(purchase_url)
    page.click("#start-receipt")
    page.fill("#supplier", "区政府采购点")
    page.fill("#invoice_no", "FP-20261201")
    page.select_option("#category", str(category_id(live_app, "A02091104")))
    page.fill("#life_months", "60")
    page.select_option("#witness", str(staff_id))
    page.select_option("#reviewer", str(director_id))
    save_screen(page, "assets-receipt-form-zh")
    page.click("#action-submit")
    expect(page.locator("#sign-receipt")).to_be_visible()
    page.click("#sign-receipt button")
    expect(page.locator("body")).to_contain_text("已确认")
    browser_logout(page)

    # the witness confirms from her to-do list, the reviewer from the receipt
    browser_login(page, live_server, "staff_a")
    page.goto(f"{live_server}/todo/")
    expect(page.locator("body")).to_contain_text("待确认的验收")
    save_screen(page, "assets-todo-receipt-zh")
    page.locator("button", has_text="确认验收").first.click()
    browser_logout(page)
    browser_login(page, live_server, "director_a")
    page.goto(f"{live_server}/todo/")
    page.locator("button", has_text="确认验收").first.click()
    browser_logout(page)

    # the card appeared; it is lent and returned
    browser_login(page, live_server, "assetkeeper_a")
    page.goto(f"{live_server}/assetview/list/?_flt_2_name={tag}")
    page.locator("table.table-hover tbody tr a[href*='/assetview/show/']").first.click()
    expect(page.locator("#asset-history")).to_contain_text("已入库")
    card_url = page.url
    page.click("#step-LoanView-lend")
    page.fill("#class_name", "大一班")
    page.fill("#due_on", "2000-01-01")
    page.click("#action-submit")
    expect(page.locator("#group-due_on .help-block")).to_contain_text("应还日期不能早于借出日期")
    page.fill("#due_on", today)
    page.click("#action-submit")
    expect(page.locator("#asset-history")).to_contain_text("已借出")
    page.click("#step-LoanView-give_back_form")
    page.fill("#return_condition", "完好")
    page.click("#action-submit")
    expect(page.locator("#asset-history")).to_contain_text("已归还")
    save_screen(page, "assets-card-lifecycle-zh")

    # disposal: requested with a justification, approved by the Director, the form printed
    page.click("#step-DisposalView-start")
    page.fill("#reason", "屏幕损坏，无法修复")
    page.click("#action-submit")
    expect(page.locator("#group-justification .help-block")).to_contain_text("书面理由")
    page.fill("#justification", "厂家检测屏幕总成损坏，维修费用超过购置价的一半")
    page.click("#action-submit")
    expect(page.locator("body")).to_contain_text("待后勤主任审批")
    disposal_url = page.url
    browser_logout(page)
    browser_login(page, live_server, "director_a")
    page.goto(disposal_url)
    page.locator("#hq-t-approve button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已批准")
    page.click("#disposal-form-link")
    expect(page.locator("#df-reason")).to_contain_text("屏幕损坏")
    save_screen(page, "assets-disposal-form-zh")
    pdf = print_pdf(page, name="assets-disposal-form-zh")
    pdf.assert_layout(title="固定资产报损（报废）表", header="资产名称",
                      signatures=["资产管理员：", "使用部门负责人：", "后勤主任：", "审批机关："], landscape=False,
                      min_pages=1)
    page.goto(card_url)
    expect(page.locator("body")).to_contain_text("已处置")
    expect(page.locator("#card-steps")).to_have_count(0)

    # a glance in English
    page.goto(live_server + "/lang/en")
    page.goto(disposal_url)
    expect(page.locator("body")).to_contain_text("Approved")
    page.goto(f"{live_server}/assets/lifecycle/disposals")
    expect(page.locator("#report-rows thead")).to_contain_text("Kind of disposal")
    save_screen(page, "assets-disposals-en")

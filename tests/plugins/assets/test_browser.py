"""The keeper's main flow in a real browser: import a small ledger (a bad row first: nothing
written, the row and column named; then fixed), run the month, open a card with its history and
stored rows, print the property list of a classroom, glance at the ledger in English."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def ledger_csv(tag: str, room: str, chairs_price: str) -> bytes:
    lines = ["XX幼儿园固定资产台账",
             "原标签号,资产名称,分类名称,分类代码,数量,计量单位,单价,取得日期,存放地点,保管人,使用年限(月)",
             f"{tag}-1,台式计算机,台式计算机,A02010105,1,台,5999.00,2024-03-15,{room},,72",
             f"{tag}-2,幼儿椅,教学实验椅凳,A05010304,40,把,{chairs_price},2023-09-01,{room},,60",
             f"{tag}-3,立式钢琴,乐器,A02450100,1,台,15800.00,2022-08-20,{room},,60"]
    return ("\n".join(lines) + "\n").encode("gbk")


@pytest.fixture(scope="module")
def classroom(live_app, live_seed):
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Building, Room

    with live_app.app_context(), acting_as(None, "tests", "cli"):
        b = Building(campus_id=live_seed["campuses"]["TA"], name="资产楼", active=True)
        db.session.add(b)
        db.session.flush()
        room = Room(building=b, name="大一班", kind="classroom", class_name="大一班", active=True)
        db.session.add(room)
        db.session.commit()
        return room.id


def upload(page, base, data):
    page.goto(base + "/assetview/import/")
    page.set_input_files("#file", files=[{"name": "台账.csv", "mimeType": "text/csv", "buffer": data}])
    page.click("#hq-import-form button[type=submit]")


def test_the_keeper_imports_runs_the_month_and_prints_a_classroom(page, live_server, browser_login, browser_uid,
                                                                  classroom, save_screen, print_pdf):
    tag = browser_uid("ZC")
    browser_login(page, live_server, "assetkeeper_a")
    upload(page, live_server, ledger_csv(tag, "资产楼 大一班", "-98.50"))
    errors = page.locator(".hq-import-errors")
    expect(errors).to_be_visible()
    cells = errors.locator("tbody tr td")
    expect(cells.nth(0)).to_have_text("4")
    expect(cells.nth(1)).to_have_text("单价")
    save_screen(page, "assets-import-errors-zh")
    page.goto(f"{live_server}/assetview/list/?_flt_0_legacy_no={tag}")
    expect(page.locator("body")).not_to_contain_text(f"{tag}-1")  # nothing was written

    upload(page, live_server, ledger_csv(tag, "资产楼 大一班", "98.50"))
    expect(page.locator("#hq-import-result .alert-success")).to_be_visible()
    page.goto(f"{live_server}/assets/depreciation/")
    page.click("#run-button")
    expect(page.locator("#runs tbody tr").first).to_contain_text(page.locator("#run-month").input_value())
    save_screen(page, "assets-month-end-zh")

    page.goto(f"{live_server}/assetview/list/?_flt_0_legacy_no={tag}-1")
    page.locator("table.table-hover tbody tr a[href*='/assetview/show/']").first.click()
    expect(page.locator("#asset-history")).to_contain_text("导入")
    expect(page.locator("#asset-depreciation tbody tr").first).to_contain_text("¥")
    save_screen(page, "assets-card-zh")

    page.goto(f"{live_server}/assets/reports/property-list?room_id={classroom}")
    expect(page.locator("#pl-subject")).to_contain_text("大一班")
    save_screen(page, "assets-property-list-zh")
    pdf = print_pdf(page, name="assets-property-list-zh")
    pdf.assert_layout(title="财产清单", header="资产编号", signatures=["保管人：", "部门负责人：", "资产管理员："],
                      landscape=False, min_pages=1)
    assert "幼儿椅" in "".join(pdf.texts)

    page.goto(live_server + "/lang/en")
    page.goto(f"{live_server}/assets/reports/ledger")
    expect(page.locator("h2.hq-print-title")).to_have_text("Asset ledger")
    expect(page.locator("table.hq-ledger thead")).to_contain_text(re.compile("Accumulated depreciation"))
    save_screen(page, "assets-ledger-en")

"""Rooms and files in a real browser: a room list imported from a WPS CSV (a bad row first:
nothing imported, row and column named, progress shown by the page's script; then fixed), the
room list, a photo attached to a room with its thumbnail, and the same in English. Saves the
screens for review (tests/browser/artifacts/screens/)."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw

expect = pytest.importorskip("playwright.sync_api").expect


def rooms_csv(tag: str, floor: str) -> bytes:
    lines = ["东园房间清单（2026学年第一学期）", "",
             "园区,楼栋,房间,编号,楼层,类型,班级,面积,容纳人数",
             f"TA,教学楼{tag},101,JX{tag}-101,1,活动室,小一班,62.5,30",
             f"TA,教学楼{tag},102,JX{tag}-102,{floor},活动室,小二班,60,30",
             f"TA,教学楼{tag},201,JX{tag}-201,2,功能室,,80,40",
             f"TA,综合楼{tag},厨房,ZH{tag}-1,1,厨房,,120,",
             f"TA,综合楼{tag},保健室,ZH{tag}-2,2,保健室,,20,"]
    return "\r\n".join(lines).encode("gbk")


def photo() -> bytes:
    im = Image.new("RGB", (800, 600), (235, 242, 250))
    draw = ImageDraw.Draw(im)
    draw.rectangle((80, 80, 720, 520), outline=(40, 90, 160), width=12)
    draw.line((80, 300, 720, 300), fill=(40, 90, 160), width=6)
    buf = io.BytesIO()
    im.save(buf, "JPEG")
    return buf.getvalue()


def import_file(page, base, data: bytes, name: str):
    page.goto(base + "/roomview/import/")
    page.set_input_files("#file", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.click("#hq-import-form button[type=submit]")


def test_rooms_are_imported_listed_and_take_a_photo_in_both_languages(page, live_server, browser_login,
                                                                    browser_uid, save_screen):
    tag = browser_uid("")
    browser_login(page, live_server, "director")
    for lang in ("zh", "en"):
        if lang == "en":
            page.click("#lang-switch")
            expect(page.locator("#lang-switch")).to_have_text(re.compile("中文"))
            tag = browser_uid("")
        import_file(page, live_server, rooms_csv(tag, "一楼"), "rooms.csv")
        errors = page.locator(".hq-import-errors")
        expect(errors).to_be_visible()
        expect(errors.locator("tbody tr")).to_have_count(1)
        cells = errors.locator("tbody tr td")
        expect(cells.nth(0)).to_have_text("5")  # the title, a blank line, the header: row 5
        expect(cells.nth(1)).to_have_text("楼层" if lang == "zh" else "Floor")
        expect(page.locator(".hq-errors-download")).to_be_visible()
        save_screen(page, f"room-import-errors-{lang}.png")

        import_file(page, live_server, rooms_csv(tag, "1"), "rooms.csv")
        page.wait_for_url(re.compile(r"/roomview/list/"), timeout=15000)
        page.goto(live_server + f"/roomview/list/?_flt_2_name=&_flt_0_code=JX{tag}")
        expect(page.locator("table tbody tr", has_text=f"教学楼{tag}")).to_have_count(3)
        page.goto(live_server + "/roomview/list/?psize_RoomView=25")
        save_screen(page, f"room-list-{lang}.png")

        page.goto(live_server + f"/roomview/list/?_flt_0_code=JX{tag}-101")
        page.locator("table tbody tr a[href*='/roomview/show/']").first.click()
        panel = page.locator(".hq-attachments")
        expect(panel).to_be_visible()
        page.set_input_files(".hq-upload input[type=file]", files=[
            {"name": "活动室平面图.jpg", "mimeType": "image/jpeg", "buffer": photo()},
            {"name": "消防检查.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
        page.click(".hq-upload button[type=submit]")
        expect(page.locator(".hq-attachment")).to_have_count(2)
        expect(page.locator(".hq-thumb")).to_have_count(1)
        # decoded, not only listed (no wait_for_function("..."): the CSP refuses a string eval)
        assert page.locator(".hq-thumb").evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
        save_screen(page, f"room-attachments-{lang}.png")

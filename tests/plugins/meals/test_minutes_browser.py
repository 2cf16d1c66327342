"""The committee's main flow in Chromium: create a meeting, take attendance and see the quorum, enter
the month's account and see the flag, add an action item, approve, publish, print the notice (A4,
read back from the PDF), and see the item carried into the next meeting; then the meeting page and
the notice in English. Screens are kept for a person to look at (zh and en, 1366 px)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def committee(live_app, live_seed):
    """A committee of campus TA: its chair is mealcommittee_a's staff record; a teacher and a parent."""
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Staff

    from plugins.meals.models import Committee, CommitteeCampus, Member

    ta = live_seed["campuses"]["TA"]
    with live_app.app_context(), acting_as(None, "tests", "cli"):
        user = live_app.appbuilder.sm.find_user(username="mealcommittee_a")
        chair = Staff(name="伙委主任", staff_no="MB-CHAIR", campus_id=ta, active=True, user_id=user.id)
        teacher = Staff(name="王老师", staff_no="MB-T1", campus_id=ta, active=True)
        db.session.add_all([chair, teacher])
        db.session.flush()
        c = Committee(name="浏览器伙委会", campus_id=ta, active=True)
        db.session.add(c)
        db.session.flush()
        db.session.add(CommitteeCampus(committee_id=c.id, campus_id=ta))
        start = date(2020, 1, 1)
        members = [Member(committee_id=c.id, staff_id=chair.id, role="chair", term_from=start),
                   Member(committee_id=c.id, staff_id=teacher.id, role="teacher_rep", term_from=start, secretary=True),
                   Member(committee_id=c.id, staff_id=chair.id, role="finance", term_from=start),
                   Member(committee_id=c.id, name="李家长", phone="13912345678", child_class="大一班", role="parent_rep",
                          term_from=start)]
        db.session.add_all(members)
        db.session.commit()
        return {"id": c.id, "campus": ta, "chair": members[0].id, "teacher": members[1].id, "finance": members[2].id,
                "parent": members[3].id}


def meeting_ids(live_app, committee_id):
    from sqlalchemy import select

    from app.extensions import db
    from plugins.meals.models import Meeting

    with live_app.app_context():
        return db.session.execute(select(Meeting.id).where(Meeting.committee_id == committee_id)
                                  .order_by(Meeting.held_on)).scalars().all()


def add_meeting(page, live_server, committee, held_on):
    page.goto(f"{live_server}/meetingview/add")
    page.select_option("select#committee", str(committee["id"]))
    day = page.locator("#held_on")
    day.click()
    day.press_sequentially(held_on.isoformat())
    day.press("Escape")
    page.fill("#starts_at", "15:30")
    page.fill("#place", "综合楼会议室")
    page.select_option("select#chair", str(committee["chair"]))
    page.locator("form#model_form [type=submit], form [type=submit].btn-primary").first.click()


def test_a_meeting_from_attendance_to_the_notice_and_the_next_meeting(page, live_server, live_app, browser_login,
                                                                       committee, print_pdf, save_screen):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, live_server, "mealcommittee_a")
    held = date.today() - timedelta(days=2)
    add_meeting(page, live_server, committee, held)
    (pk,) = meeting_ids(live_app, committee["id"])
    page.goto(f"{live_server}/meetingview/show/{pk}")
    expect(page.locator("#meals-quorum")).to_contain_text("尚未登记出席情况")
    for member in (committee["chair"], committee["finance"], committee["teacher"]):
        page.locator(f"tr[data-member='{member}'] button[name=present][value='1']").click()
    expect(page.locator("#meals-quorum")).to_contain_text("已达法定人数")
    # the month's account, 3 % surplus: flagged
    page.goto(f"{live_server}/feeaccountview/add")
    page.select_option("select#campus", str(committee["campus"]))
    page.fill("#year", str(held.year))
    page.fill("#month", str(held.month))
    page.select_option("select#kind", "children")
    page.fill("#fees_collected", "10,000.00")
    page.fill("#staples", "9700")
    page.locator("form [type=submit].btn-primary").first.click()
    page.goto(f"{live_server}/meetingview/show/{pk}")
    expect(page.locator("#meals-accounts-table .meals-flag")).to_contain_text("超出")
    # an action item
    page.fill("#items-description", "公示下月带量食谱")
    page.select_option("#items-owner_member_id", str(committee["teacher"]))
    page.fill("#items-due_on", (held + timedelta(days=14)).isoformat())
    page.locator("#meals-items-form button").click()
    expect(page.locator("#meals-raised-table")).to_contain_text("公示下月带量食谱")
    save_screen(page, "meals-minutes-zh")
    for name in ("circulate", "approve", "publish"):
        page.locator(f"#hq-t-{name} button[type=submit]").click()
        expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#meals-notice-link")).to_be_visible()
    page.locator("#meals-notice-link").click()
    save_screen(page, "meals-notice-zh")
    pdf = print_pdf(page, name="meals-notice-zh")
    text = " ".join(pdf.texts)
    assert "伙委会公示" in text and "13912345678" not in text and "5678" not in text and "大一班" not in text
    assert pdf.landscape == [False] * pdf.pages
    # the next meeting carries the open item
    add_meeting(page, live_server, committee, held + timedelta(days=1))
    nxt = meeting_ids(live_app, committee["id"])[-1]
    page.goto(f"{live_server}/meetingview/show/{nxt}")
    expect(page.locator("#meals-carried-table")).to_contain_text("公示下月带量食谱")
    save_screen(page, "meals-next-meeting-zh")
    page.goto(f"{live_server}/actionitemview/list/?_flt_0_committee={committee['id']}")
    expect(page.locator("body")).to_contain_text("公示下月带量食谱")
    save_screen(page, "meals-tracker-zh")
    # in English
    page.goto(f"{live_server}/lang/en")
    page.goto(f"{live_server}/meetingview/show/{pk}")
    expect(page.locator("#meals-quorum")).to_contain_text("Quorum met")
    save_screen(page, "meals-minutes-en")
    page.goto(f"{live_server}/meals/reports/notice/{pk}")
    expect(page.locator(".hq-print-title")).to_contain_text("Public notice of the meal committee")
    save_screen(page, "meals-notice-en")
    page.goto(f"{live_server}/meals/reports/ledger?campus_id={committee['campus']}")
    save_screen(page, "meals-ledger-en")
    page.goto(f"{live_server}/actionitemview/list/?_flt_0_committee={committee['id']}")
    expect(page.locator("body")).to_contain_text("Action items")
    save_screen(page, "meals-tracker-en")
    page.goto(f"{live_server}/meetingview/show/{nxt}")
    save_screen(page, "meals-next-meeting-en")

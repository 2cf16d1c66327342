"""The meeting and its minutes through the screens: numbering per committee and year, attendance
and the quorum, the sections, action items carried into the next meeting, approval with its
snapshot, immutability, a correction as a new version, publication and the notice."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select


def minutes(client, pk):
    resp = client.get(f"/meetingview/show/{pk}")
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def test_a_new_meeting_takes_the_next_number_of_its_committee_and_year(app, meals, client_as):
    c = meals.committee()
    web = client_as("mealcommittee_a")
    resp = web.post("/meetingview/add", data={"committee": str(c["id"]), "held_on": "2026-03-05", "starts_at": "15:30",
                                              "place": "会议室", "chair": str(c["chair"]), "minute_taker": ""})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    resp = web.post("/meetingview/add", data={"committee": str(c["id"]), "held_on": "2026-04-02", "starts_at": "15:30",
                                              "place": "会议室", "chair": "", "minute_taker": ""})
    from plugins.meals.models import Meeting

    numbers = [n for (n,) in meals.rows(select(Meeting.number).where(Meeting.committee_id == c["id"])
                                        .order_by(Meeting.held_on))]
    assert numbers == ["2026年第1次", "2026年第2次"]


def test_a_time_of_day_that_is_not_one_is_refused_on_its_field(meals, client_as):
    c = meals.committee()
    resp = client_as("mealcommittee_a", lang="en").post("/meetingview/add", data={
        "committee": str(c["id"]), "held_on": "2026-03-05", "starts_at": "25:99", "place": "会议室"})
    assert resp.status_code == 200 and "Enter a time" in resp.get_data(as_text=True)


def test_attendance_shows_whether_the_quorum_is_met(meals, client_as):
    c = meals.committee(parents=2, staff_members=2)  # five current members: three needed
    pk = meals.meeting(c["id"], chair_id=c["chair"])
    web = client_as("mealcommittee_a", lang="en")
    page = minutes(web, pk)  # no verdict before anyone's attendance is recorded
    assert "Attendance not recorded yet — 5 current members; 3 needed for the quorum" in page
    assert "No quorum" not in page and "Held without quorum" not in page
    for member in c["members"][:2]:
        assert web.post(f"/meetingview/attend/{pk}", data={"member_id": member, "present": "1"}).status_code == 302
    page = minutes(web, pk)
    assert "No quorum" in page and "If the meeting stays without quorum" in page
    web.post(f"/meetingview/attend/{pk}", data={"member_id": c["parents"][0], "present": "1"})
    page = minutes(web, pk)
    assert "Quorum met" in page and "3 of 5 current members present; 3 needed" in page


def test_an_absence_needs_its_reason_and_the_page_keeps_what_was_typed(meals, client_as):
    c = meals.committee()
    pk = meals.meeting(c["id"])
    resp = client_as("mealcommittee_a", lang="en").post(f"/meetingview/attend/{pk}", data={
        "member_id": c["parents"][0], "present": "0", "absence_reason": ""})
    assert resp.status_code == 422 and "Give the reason for the absence" in resp.get_data(as_text=True)


def test_a_due_date_before_the_meeting_is_refused_and_nothing_is_saved(meals, client_as):
    from plugins.meals.models import ActionItem

    c = meals.committee()
    pk = meals.meeting(c["id"], held_on=date(2026, 5, 10))
    resp = client_as("mealcommittee_a", lang="en").post(f"/meetingview/item/{pk}", data={
        "description": "更换排风扇", "owner_member_id": str(c["members"][1]), "due_on": "2026-05-01"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "The due date cannot be before the meeting (2026-05-10)" in body
    assert 'value="更换排风扇"' in body
    assert meals.rows(select(ActionItem.id).where(ActionItem.meeting_id == pk)) == []


def test_an_open_item_is_carried_into_every_later_meeting_until_done(meals, client_as):
    c = meals.committee()
    first = meals.meeting(c["id"], held_on=date(2026, 1, 8), chair_id=c["chair"])
    web = client_as("mealcommittee_a", lang="en")
    assert web.post(f"/meetingview/item/{first}", data={"description": "公示带量食谱", "owner_member_id": str(c["members"][1]),
                                                       "due_on": "2026-01-20"}).status_code == 302
    second = meals.meeting(c["id"], held_on=date(2026, 2, 8))
    third = meals.meeting(c["id"], held_on=date(2026, 3, 8))
    page = minutes(web, second)
    assert "公示带量食谱" in page and "meals-status-overdue" in page
    from plugins.meals.models import ActionItem

    (item_id,), = meals.rows(select(ActionItem.id).where(ActionItem.meeting_id == first))
    resp = web.post(f"/actionitemview/done/{item_id}", data={"done_on": "2026-02-20", "done_note": "已在公告栏公示",
                                                             "next": f"/meetingview/show/{third}"})
    assert resp.status_code == 302
    assert "已在公告栏公示" in minutes(web, third)  # done since the last meeting: reported once more
    fourth = meals.meeting(c["id"], held_on=date(2026, 4, 8))
    assert "公示带量食谱" not in minutes(web, fourth)
    # once only: a second "done" is refused, the first stays
    again = web.post(f"/actionitemview/done/{item_id}", data={"done_on": "2026-02-21", "done_note": "再次"},
                     follow_redirects=True)
    assert "already Done" in again.get_data(as_text=True)
    assert meals.get(ActionItem, item_id).done_note == "已在公告栏公示"


def test_marking_done_needs_a_note_on_its_field(meals, client_as):
    c = meals.committee()
    first = meals.meeting(c["id"], held_on=date(2026, 1, 8))
    web = client_as("mealcommittee_a", lang="en")
    web.post(f"/meetingview/item/{first}", data={"description": "检查冷库", "owner_member_id": str(c["members"][1])})
    later = meals.meeting(c["id"], held_on=date(2026, 2, 8))
    from plugins.meals.models import ActionItem

    (item_id,), = meals.rows(select(ActionItem.id).where(ActionItem.meeting_id == first))
    resp = web.post(f"/actionitemview/done/{item_id}", data={"done_on": "2026-02-01", "done_note": "",
                                                             "item_id": item_id, "next": f"/meetingview/show/{later}"})
    assert resp.status_code == 422 and "Say how the item was handled" in resp.get_data(as_text=True)


def test_approve_locks_the_minutes_snapshots_the_items_and_publish_gives_the_notice(meals, client_as):
    from app.versions import versions
    from plugins.meals.models import Meeting

    c = meals.committee()
    pk = meals.meeting(c["id"], chair_id=c["chair"])
    web = client_as("mealcommittee_a", lang="en")
    web.post(f"/meetingview/item/{pk}", data={"description": "核对退费名单", "owner_member_id": str(c["members"][1])})
    for member in c["members"] + c["parents"]:
        web.post(f"/meetingview/attend/{pk}", data={"member_id": member, "present": "1"})
    assert web.post(f"/meetingview/do/circulate/{pk}").status_code == 302
    assert web.post(f"/meetingview/do/approve/{pk}").status_code == 302
    meeting = meals.get(Meeting, pk)
    assert meeting.status == "approved" and meeting.quorum_met is True
    with meals.app.app_context():
        kept = versions(meals.session(), Meeting, pk)
        assert kept and kept[0].data["extra"]["Action items"][0]["item"] == "核对退费名单"
    # immutable: no new section row, no edit
    resp = web.post(f"/meetingview/menu/{pk}", data={"day": "2026-06-01", "meal": "lunch", "dishes": "米饭"},
                    follow_redirects=True)
    assert "locked" in resp.get_data(as_text=True)
    assert web.get(f"/meetingview/notice/{pk}").status_code == 404
    assert web.get(f"/meals/reports/notice/{pk}").status_code == 404  # not published yet
    assert web.post(f"/meetingview/do/publish/{pk}").status_code == 302
    notice = web.get(f"/meals/reports/notice/{pk}").get_data(as_text=True)
    assert "Public notice" in notice
    for phone in c["phones"]:
        assert phone not in notice and phone[-4:] not in notice
    assert "中一班" not in notice


def test_only_the_chair_or_a_director_approves(meals, client_as):
    from plugins.meals.models import Meeting

    c = meals.committee(chair=None)  # the chair is someone else than mealcommittee_a
    pk = meals.meeting(c["id"], chair_id=c["chair"])
    web = client_as("mealcommittee_a", lang="en")
    web.post(f"/meetingview/do/circulate/{pk}")
    resp = web.post(f"/meetingview/do/approve/{pk}")
    assert resp.status_code == 422 and "Only the chair of this meeting or a Director" in resp.get_data(as_text=True)
    assert meals.get(Meeting, pk).status == "circulated"
    assert client_as("director_a").post(f"/meetingview/do/approve/{pk}").status_code == 302
    assert meals.get(Meeting, pk).status == "approved"


def test_a_correction_is_a_new_version_that_keeps_the_old_one_readable(meals, client_as):
    from plugins.meals.models import Meeting

    c = meals.committee()
    pk = meals.meeting(c["id"], chair_id=c["chair"])
    web = client_as("mealcommittee_a")
    web.post(f"/meetingview/do/circulate/{pk}")
    web.post(f"/meetingview/do/approve/{pk}")
    assert web.post(f"/meetingview/do/reopen/{pk}", data={"reason": "更正"}).status_code == 403  # Director only
    director = client_as("director_a")
    assert director.post(f"/meetingview/do/reopen/{pk}", data={"reason": "更正金额"}).status_code == 302
    assert meals.get(Meeting, pk).status == "draft"
    page = director.get(f"/versions/meals_meeting/{pk}")
    assert page.status_code == 200 and "更正金额" in page.get_data(as_text=True)


def test_a_meeting_without_quorum_is_marked_and_its_decisions_wait_for_the_next(meals, client_as):
    c = meals.committee()
    pk = meals.meeting(c["id"], held_on=date(2026, 6, 5), chair_id=c["chair"])
    director = client_as("director_a", lang="en")
    from app.audit import acting_as
    from plugins.meals.models import Meeting

    with meals.app.app_context(), acting_as(None, "tests", "cli"):
        m = meals.session().get(Meeting, pk)
        m.decisions = "下月起公示食谱"
        meals.session().commit()
    director.post(f"/meetingview/do/circulate/{pk}")
    director.post(f"/meetingview/do/approve/{pk}")
    director.post(f"/meetingview/do/publish/{pk}")
    assert meals.get(Meeting, pk).quorum_met is False
    printed = director.get(f"/meals/reports/minutes/{pk}").get_data(as_text=True)
    assert "Held without quorum" in printed
    assert "Held without quorum" in director.get(f"/meals/reports/notice/{pk}").get_data(as_text=True)
    nxt = meals.meeting(c["id"], held_on=date(2026, 7, 5))
    page = minutes(director, nxt)
    assert "to confirm (held without quorum)" in page and "下月起公示食谱" in page


def staff_owners(meals, committee_id, n):
    """n more members of the committee, each a staff member of their own (n distinct owner names)."""
    from app.audit import acting_as
    from plugins.meals.models import Member

    staff = [meals.staff_for(name=f"负责人{i}") for i in range(n)]
    with meals.app.app_context(), acting_as(None, "tests", "cli"):
        rows = [Member(committee_id=committee_id, staff_id=sid, role="teacher_rep", term_from=date(2020, 1, 1))
                for sid in staff]
        meals.session().add_all(rows)
        meals.session().commit()
        return [m.id for m in rows]


def add_items(meals, meeting_id, committee_id, owners, prefix="事项"):
    from app.audit import acting_as
    from plugins.meals.models import ActionItem, Meeting

    with meals.app.app_context(), acting_as(None, "tests", "cli"):
        held = meals.session().get(Meeting, meeting_id).held_on
        meals.session().add_all([ActionItem(meeting_id=meeting_id, committee_id=committee_id, raised_on=held,
                                            description=f"{prefix}{i}", owner_member_id=owner)
                                 for i, owner in enumerate(owners)])
        meals.session().commit()


def test_the_minutes_page_costs_the_same_statements_with_one_or_many_carried_items(meals, client_as, count_statements):
    c = meals.committee()
    first = meals.meeting(c["id"], held_on=date(2026, 1, 8))
    web = client_as("mealcommittee_a")
    web.post(f"/meetingview/item/{first}", data={"description": "事项", "owner_member_id": str(c["members"][1])})
    later = meals.meeting(c["id"], held_on=date(2026, 2, 8))
    minutes(web, later)
    with count_statements() as one:
        minutes(web, later)
    # twelve more, each owned by a different staff member, and two by parents
    add_items(meals, first, c["id"], staff_owners(meals, c["id"], 12) + c["parents"])
    minutes(web, later)
    with count_statements() as many:
        page = minutes(web, later)
    assert page.count('class="meals-carried-item"') == 15 and "负责人11" in page
    assert many.count == one.count, (one.statements, many.statements)
    # the user, the meeting, its members with the attendance, menus, accounts, nutrition, feedback, the
    # previous meeting, the items of (a) and (g), versions, approvals, the to-do badge, attachments
    assert one.count == 13, one.statements


def test_a_person_with_two_memberships_counts_once_for_the_quorum(meals, client_as):
    from app.audit import acting_as
    from plugins.meals.models import Member

    c = meals.committee(parents=1, staff_members=1)  # chair, a teacher, a parent: two needed
    with meals.app.app_context(), acting_as(None, "tests", "cli"):
        chair = meals.session().get(Member, c["chair"])
        finance = Member(committee_id=c["id"], staff_id=chair.staff_id, role="finance", term_from=date(2020, 1, 1))
        meals.session().add(finance)
        meals.session().commit()
        finance_id = finance.id
    pk = meals.meeting(c["id"])
    web = client_as("mealcommittee_a", lang="en")
    web.post(f"/meetingview/attend/{pk}", data={"member_id": c["chair"], "present": "1"})
    web.post(f"/meetingview/attend/{pk}", data={"member_id": finance_id, "present": "1"})
    page = minutes(web, pk)
    assert "No quorum" in page and "1 of 3 current members present; 2 needed" in page


def test_the_tracker_and_the_notice_cost_the_same_statements_however_many_items(meals, client_as, count_statements):
    """Exact counts. The tracker once loaded each staff owner's record on its own (one statement per
    distinct staff owner on page 1: in a full run the Director's page 1 held other tests' items,
    13 statements against 11 once the new undated items filled it); owners then came in one, their
    staff records in one more (selectin); their names now come with the rows (ActionItem.owner_name)."""
    c = meals.committee()
    first = meals.meeting(c["id"], held_on=date(2026, 1, 8), chair_id=c["chair"])
    web = client_as("director_a")
    web.post(f"/meetingview/item/{first}", data={"description": "跟踪", "owner_member_id": str(c["members"][1])})
    later = meals.meeting(c["id"], held_on=date(2026, 2, 8), chair_id=c["chair"])
    for name in ("circulate", "approve", "publish"):
        web.post(f"/meetingview/do/{name}/{later}")
    tracker = f"/actionitemview/list/?_flt_0_committee={c['id']}"  # this committee's: the shared database holds more
    pages = (tracker, f"/meals/reports/notice/{later}", f"/meals/reports/minutes/{later}")

    def cost(url):
        web.get(url)  # warm: a kept page part (menu, search form) is rebuilt after changes elsewhere
        with count_statements() as n:
            assert web.get(url).status_code == 200
        return n

    before = {url: cost(url) for url in pages}
    # The tracker: the user, the filtered committee (read once: the filters are applied once for the
    # count and the page's keys), the page's keys, its rows with the owners', committees' and
    # meetings' names, the to-do badge; one item is a short page, counted from its keys (a full page
    # adds the capped COUNT, below). The notice and the printed minutes read what they show, once each.
    assert {url: n.count for url, n in before.items()} == dict(zip(pages, (5, 5, 12))), \
        {url: n.statements for url, n in before.items()}
    # thirty more, undated (first on the Director's unfiltered page 1), owned by twenty staff and the parents
    owners = staff_owners(meals, c["id"], 20)
    add_items(meals, first, c["id"], (owners + c["parents"] * 5)[:30], prefix="批量")
    for url in pages:
        after = cost(url)
        if url == tracker:  # now a full page: the same statements and the COUNT of its filter
            counts = [sum("count(*)" in s.lower() for s in n.statements) for n in (before[url], after)]
            assert after.count == before[url].count + 1 and counts[1] == counts[0] + 1, \
                (url, before[url].statements, after.statements)
        else:
            assert after.count == before[url].count, (url, before[url].statements, after.statements)
    listed = web.get(tracker).get_data(as_text=True)
    assert len({f"负责人{i}" for i in range(20)} & set(re.findall(r"负责人\d+", listed))) >= 10
    assert "批量29" in web.get(f"/meals/reports/minutes/{later}").get_data(as_text=True)


def test_the_meeting_page_reads_its_meeting_once_for_the_page_and_its_panels(meals, client_as, count_statements):
    """FAB's show reads the record, then the workflow panel and the attachments panel read it again
    with the view's row access, and the panel asked the database whether it is locked: core's data
    interface keeps the row for the request and the panel tells the lock from the loaded state."""
    c = meals.committee()
    pk = meals.meeting(c["id"], held_on=date(2026, 2, 8))
    web = client_as("mealcommittee_a")
    minutes(web, pk)
    with count_statements() as n:
        page = minutes(web, pk)
    reads = [s for s in n.statements if "meals_meeting.id AS meals_meeting_id" in s and "meals_meeting.id = " in s]
    assert len(reads) == 1, reads
    assert not [s for s in n.statements if re.match(r"SELECT \S+ AS anon_1\s+FROM meals_meeting", s)]
    assert 'name="file"' in page  # the draft still takes files: the lock told from the loaded state

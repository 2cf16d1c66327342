"""The meeting's own rules through the screens and the API where the other tests leave them out:
members entered on the committee's screen, the chair and minute-taker of a meeting, the attendees'
confirmation of circulated minutes, the quorum setting, a file too large, approved minutes refused
for editing in the user's language, and the dashboard tiles' figures."""
from __future__ import annotations

import io
import re
from datetime import date

from sqlalchemy import select


def field_errors(body):
    return [" ".join(h.split()) for h in re.findall(r'alert alert-danger">(.*?)</div>', body, re.S)]


def test_members_are_a_staff_member_or_a_named_external_person_with_a_term(meals, client_as):
    from plugins.meals.models import Member

    c = meals.committee(parents=0, staff_members=0)
    web = client_as("mealcommittee_a", lang="en")
    staff = meals.staff_for(name="赵老师")
    base = {"committee": str(c["id"]), "role": "parent_rep", "term_from": "2026-01-01", "term_to": ""}
    cases = [({"staff": str(staff), "name": "赵老师"}, "A staff member's name comes from the staff record"),
             ({"name": "  "}, "Choose a staff member or enter the name of an external member"),
             ({"name": "钱家长", "term_to": "2025-12-31"}, "The end of the term cannot be before its start")]
    for extra, message in cases:
        resp = web.post("/memberview/add", data={**base, **extra})
        body = resp.get_data(as_text=True)
        assert resp.status_code == 200 and any(message in e for e in field_errors(body)), (extra, field_errors(body))
    assert meals.rows(select(Member.id).where(Member.committee_id == c["id"])) == [(c["chair"],)]
    assert web.post("/memberview/add", data={**base, "name": "钱家长", "phone": "13800001111",
                                             "child_class": ""}).status_code == 302
    (name, child_class), = meals.rows(select(Member.name, Member.child_class).where(
        Member.committee_id == c["id"], Member.staff_id.is_(None)))
    assert (name, child_class) == ("钱家长", None)  # the child's class is optional


def test_the_chair_and_minute_taker_are_members_of_the_meetings_committee(meals, client_as, api_as):
    from plugins.meals.models import Meeting

    c = meals.committee()
    other = meals.committee()
    web = client_as("mealcommittee_a", lang="en")
    resp = web.post("/meetingview/add", data={"committee": str(c["id"]), "held_on": "2026-03-05", "starts_at": "15:30",
                                              "place": "会议室", "chair": str(other["chair"]), "minute_taker": ""})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert any("Choose a member of this committee on the meeting date (2026-03-05)" in e for e in field_errors(body))
    assert meals.rows(select(Meeting.id).where(Meeting.committee_id == c["id"])) == []
    api, headers = api_as("mealcommittee_a")
    bad = api.post("/api/v1/mealsmeeting/", json={"committee": c["id"], "held_on": "2026-03-05", "starts_at": "15:00",
                                                  "place": "会议室", "minute_taker": other["members"][1]}, headers=headers)
    assert bad.status_code == 422 and "minute_taker" in bad.get_json()["message"]
    ok = api.post("/api/v1/mealsmeeting/", json={"committee": c["id"], "held_on": "2026-03-05", "starts_at": "15:00",
                                                 "place": "会议室", "chair": c["chair"]}, headers=headers)
    assert ok.status_code == 201
    pk = ok.get_json()["id"]
    moved = api.put(f"/api/v1/mealsmeeting/{pk}", json={"chair": other["chair"]}, headers=headers)
    assert moved.status_code == 422 and "chair" in moved.get_json()["message"]
    assert meals.get(Meeting, pk).chair_id == c["chair"]


def test_attendees_confirm_circulated_minutes_parents_through_the_minute_taker(meals, client_as):
    from plugins.meals.models import Attendance

    c = meals.committee(parents=1)
    pk = meals.meeting(c["id"], chair_id=c["chair"])
    web = client_as("mealcommittee_a", lang="en")  # the chair's own login
    for member in (c["chair"], c["parents"][0]):
        web.post(f"/meetingview/attend/{pk}", data={"member_id": member, "present": "1"})
    rows = dict(meals.rows(select(Attendance.member_id, Attendance.id).where(Attendance.meeting_id == pk)))
    early = web.post(f"/meetingview/confirm/{pk}", data={"attendance_id": rows[c["chair"]]})
    assert early.status_code == 422 and "Confirmations are recorded while the minutes are circulated" in \
        early.get_data(as_text=True)
    web.post(f"/meetingview/do/circulate/{pk}")
    page = web.get(f"/meetingview/show/{pk}").get_data(as_text=True)
    assert page.count("Record confirmation") == 2
    for member in (c["chair"], c["parents"][0]):
        assert web.post(f"/meetingview/confirm/{pk}", data={"attendance_id": rows[member]}).status_code == 302
    got = {m: (confirmed, via) for m, confirmed, via in meals.rows(select(
        Attendance.member_id, Attendance.confirmed, Attendance.confirmed_via_minute_taker).where(
        Attendance.meeting_id == pk))}
    assert got == {c["chair"]: (True, False), c["parents"][0]: (True, True)}  # the parent told the minute-taker
    assert "to the minute-taker" in web.get(f"/meetingview/show/{pk}").get_data(as_text=True)


def test_the_quorum_follows_its_setting(app, meals, client_as):
    from app.extensions import db

    c = meals.committee(parents=2, staff_members=1)  # four current members
    pk = meals.meeting(c["id"])
    web = client_as("mealcommittee_a", lang="en")
    for member in c["members"][:2]:
        web.post(f"/meetingview/attend/{pk}", data={"member_id": member, "present": "1"})
    settings = app.extensions["houqin_settings"]
    assert "No quorum" in web.get(f"/meetingview/show/{pk}").get_data(as_text=True)  # 2 of 4 is not more than half
    try:
        with app.app_context():
            settings.set(db.session, "meals_quorum_rule", "at_least_half")
            db.session.commit()
        page = web.get(f"/meetingview/show/{pk}").get_data(as_text=True)
        assert "Quorum met" in page and "2 of 4 current members present; 2 needed" in page
    finally:
        with app.app_context():
            settings.set(db.session, "meals_quorum_rule", "more_than_half")
            db.session.commit()


def test_a_file_too_large_is_refused_in_the_users_language(app, meals, client_as):
    from app.extensions import db

    c = meals.committee()
    pk = meals.meeting(c["id"])
    settings = app.extensions["houqin_settings"]
    with app.app_context():
        was = settings.get("attachment_max_mb")
        settings.set(db.session, "attachment_max_mb", 1)
        db.session.commit()
    try:
        body = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)
        resp = client_as("mealcommittee_a").post(f"/attachments/meals.meeting/{pk}/upload",
                                                 data={"file": [(io.BytesIO(body), "发票.pdf")]},
                                                 content_type="multipart/form-data", headers={"Accept": "application/json"})
        assert resp.status_code == 413 and "发票.pdf" in resp.get_json()["message"] and "MB" in resp.get_json()["message"]
        assert re.search(r"[\u4e00-\u9fff]", resp.get_json()["message"].replace("发票", ""))  # in Chinese
    finally:
        with app.app_context():
            settings.set(db.session, "attachment_max_mb", was)
            db.session.commit()


def test_approved_minutes_cannot_be_edited_and_say_so_in_the_users_language(meals, client_as):
    from plugins.meals.models import Meeting

    c = meals.committee()
    pk = meals.meeting(c["id"], chair_id=c["chair"])
    web = client_as("mealcommittee_a")
    web.post(f"/meetingview/do/circulate/{pk}")
    web.post(f"/meetingview/do/approve/{pk}")
    resp = web.post(f"/meetingview/edit/{pk}", data={"held_on": "2026-01-01", "starts_at": "09:00", "place": "别处",
                                                     "decisions": "改过的决定"}, follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert re.search(r"已锁定|锁定", body), body[:500]
    kept = meals.get(Meeting, pk)
    assert kept.place == "会议室" and kept.decisions is None
    en = client_as("mealcommittee_a", lang="en").post(f"/meetingview/item/{pk}", data={
        "description": "补充", "owner_member_id": str(c["members"][1])}, follow_redirects=True)
    assert "locked" in en.get_data(as_text=True)


def test_the_dashboard_tiles_show_the_next_meeting_and_the_overdue_items(meals, client_as):
    c = meals.committee(campuses=("TA",))
    first = meals.meeting(c["id"], held_on=date(2026, 1, 8))
    web = client_as("mealcommittee_a", lang="en")
    web.post(f"/meetingview/item/{first}", data={"description": "过期事项", "owner_member_id": str(c["members"][1]),
                                                "due_on": "2026-01-20"})
    page = web.get("/").get_data(as_text=True)
    tile = page.split('id="widget-meals-overdue"')[1].split('id="widget-meals-rate"')[0]
    count = int(re.search(r"<strong[^>]*>\s*(\d+)\s*</strong>", tile).group(1))
    assert count >= 1 and "Overdue action items" in tile
    nxt = page.split('id="widget-meals-next"')[1].split('id="widget-meals-overdue"')[0]
    assert "Next committee meeting" in nxt
    # the tile's link lists the overdue items, not every open one
    web.post(f"/meetingview/item/{first}", data={"description": "未到期事项", "owner_member_id": str(c["members"][1]),
                                                "due_on": "2099-01-01"})
    link = re.search(r'href="([^"]+)"', tile).group(1).replace("&amp;", "&")
    listed = web.get(link + f"&_flt_0_committee={c['id']}").get_data(as_text=True)
    assert "过期事项" in listed and "未到期事项" not in listed

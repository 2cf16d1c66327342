"""Section (g): the owner of a new action item is one of the committee's members current on the
meeting date — on the minutes page (the drop-down offers only them, and a posted id of anyone else
is refused on the owner field, what was typed kept, nothing saved), in the rules and in the API
(owner named by membership or by staff record). Correcting an item on the tracker or the API keeps
its rules too."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

MEETING_DAY = date(2026, 5, 10)


def items_of(meals, meeting_id):
    from plugins.meals.models import ActionItem

    return meals.rows(select(ActionItem.id, ActionItem.owner_member_id, ActionItem.owner_staff_id)
                      .where(ActionItem.meeting_id == meeting_id))


def owner_help(body):
    """The message under the owner drop-down of the new-item form (empty when none)."""
    block = body.split('id="meals-items-form"')[1].split("</form>")[0]
    group = block.split('for="items-owner_member_id"')[0].rsplit('<div class="form-group', 1)[1]
    rest = block.split('for="items-owner_member_id"')[1].split('<div class="form-group')[0]
    found = re.search(r'<span class="help-block">(.*?)</span>', rest, re.S)
    return ("has-error" in group, found.group(1).strip() if found else "")


def ended_member(meals, committee_id, term_to):
    from app.audit import acting_as
    from plugins.meals.models import Member

    with meals.app.app_context(), acting_as(None, "tests", "cli"):
        m = Member(committee_id=committee_id, name="往届家长", phone=None, role="parent_rep", term_from=date(2020, 1, 1),
                   term_to=term_to)
        meals.session().add(m)
        meals.session().commit()
        return m.id


def test_the_page_offers_only_the_members_current_on_the_meeting_date(meals, client_as):
    c = meals.committee()
    gone = ended_member(meals, c["id"], MEETING_DAY.replace(day=1))
    other = meals.committee()
    pk = meals.meeting(c["id"], held_on=MEETING_DAY)
    body = client_as("mealcommittee_a", lang="en").get(f"/meetingview/show/{pk}").get_data(as_text=True)
    select_html = body.split('id="items-owner_member_id"')[1].split("</select>")[0]
    offered = {int(v) for v in re.findall(r'value="(\d+)"', select_html)}
    assert offered == set(c["members"] + c["parents"])
    assert gone not in offered and not offered & set(other["members"] + other["parents"])


def test_an_owner_from_another_committee_is_refused_on_the_owner_field(meals, client_as):
    c = meals.committee()
    other = meals.committee()
    pk = meals.meeting(c["id"], held_on=MEETING_DAY)
    resp = client_as("mealcommittee_a", lang="en").post(f"/meetingview/item/{pk}", data={
        "description": "更换排风扇", "owner_member_id": str(other["members"][1]), "due_on": "2026-05-20"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert owner_help(body) == (True, "The owner must be a member of this committee on the meeting date (2026-05-10)")
    assert 'value="更换排风扇"' in body and 'value="2026-05-20"' in body  # what was typed is kept
    assert items_of(meals, pk) == []


def test_a_member_whose_term_ended_before_the_meeting_is_refused_in_chinese(meals, client_as):
    c = meals.committee()
    gone = ended_member(meals, c["id"], date(2026, 4, 30))
    pk = meals.meeting(c["id"], held_on=MEETING_DAY)
    resp = client_as("mealcommittee_a").post(f"/meetingview/item/{pk}", data={
        "description": "更换排风扇", "owner_member_id": str(gone)})
    assert resp.status_code == 422
    has_error, message = owner_help(resp.get_data(as_text=True))
    assert has_error and message == "负责人须为会议当日本委员会的成员（2026-05-10）"
    assert items_of(meals, pk) == []


def test_no_owner_and_no_description_are_both_reported_at_once(meals, client_as):
    c = meals.committee()
    pk = meals.meeting(c["id"], held_on=MEETING_DAY)
    resp = client_as("mealcommittee_a", lang="en").post(f"/meetingview/item/{pk}", data={
        "description": "  ", "owner_member_id": "", "due_on": "2026-05-01"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert owner_help(body) == (True, "Choose the owner among the members of the committee")
    assert "Describe the action item" in body and "The due date cannot be before the meeting (2026-05-10)" in body
    assert items_of(meals, pk) == []


def test_a_member_of_the_committee_is_taken(meals, client_as):
    c = meals.committee()
    pk = meals.meeting(c["id"], held_on=MEETING_DAY)
    resp = client_as("mealcommittee_a").post(f"/meetingview/item/{pk}", data={
        "description": "公示食谱", "owner_member_id": str(c["parents"][0]), "due_on": "2026-05-10"})
    assert resp.status_code == 302
    (_, member_id, staff_id), = items_of(meals, pk)
    assert (member_id, staff_id) == (c["parents"][0], None)


def test_the_api_refuses_an_owner_who_is_not_a_member_and_takes_a_member_by_staff_record(meals, api_as):
    c = meals.committee()
    other = meals.committee()
    gone = ended_member(meals, c["id"], date(2026, 4, 30))
    outsider_staff = meals.staff_for(name="非成员")
    pk = meals.meeting(c["id"], held_on=MEETING_DAY)
    api, headers = api_as("mealcommittee_a")

    def post(**body):
        return api.post("/api/v1/mealsactionitem/", json={"meeting": pk, "description": "检查冷库", **body},
                        headers=headers)

    for body, field in (({"owner_member": other["members"][1]}, "owner_member"), ({"owner_member": gone}, "owner_member"),
                        ({"owner_staff": outsider_staff}, "owner_staff"), ({}, "owner_member")):
        resp = post(**body)
        assert resp.status_code == 422 and field in resp.get_json()["message"], (body, resp.get_json())
    assert items_of(meals, pk) == []
    from plugins.meals.models import Member

    chair = meals.get(Member, c["chair"])
    both = post(owner_member=c["members"][1], owner_staff=chair.staff_id)  # two different people
    assert both.status_code == 422 and "owner_staff" in both.get_json()["message"]
    by_staff = post(owner_staff=chair.staff_id)
    assert by_staff.status_code == 201, by_staff.get_json()
    shown = api.get(f"/api/v1/mealsactionitem/{by_staff.get_json()['id']}", headers=headers).get_json()["result"]
    assert (shown["owner_member_id"], shown["owner_staff_id"]) == (c["chair"], None)  # recorded as the membership


def test_the_api_adds_no_item_to_approved_minutes_and_keeps_the_rules_when_correcting(meals, api_as, client_as):
    c = meals.committee()
    pk = meals.meeting(c["id"], held_on=MEETING_DAY, chair_id=c["chair"])
    api, headers = api_as("mealcommittee_a")
    made = api.post("/api/v1/mealsactionitem/", json={"meeting": pk, "description": "公示食谱",
                                                      "owner_member": c["members"][1]}, headers=headers)
    assert made.status_code == 201
    item_id = made.get_json()["id"]
    blank = api.put(f"/api/v1/mealsactionitem/{item_id}", json={"description": "   "}, headers=headers)
    assert blank.status_code == 422 and "description" in blank.get_json()["message"]
    early = api.put(f"/api/v1/mealsactionitem/{item_id}", json={"due_on": "2026-05-01"}, headers=headers)
    assert early.status_code == 422 and "due_on" in early.get_json()["message"]
    web = client_as("mealcommittee_a")
    for name in ("circulate", "approve"):
        assert web.post(f"/meetingview/do/{name}/{pk}").status_code == 302
    late = api.post("/api/v1/mealsactionitem/", json={"meeting": pk, "description": "补充事项",
                                                      "owner_member": c["members"][1]}, headers=headers)
    assert late.status_code == 409 and late.get_json()["message"]
    assert len(items_of(meals, pk)) == 1


def test_the_tracker_refuses_a_blank_description_on_its_field(meals, client_as):
    from plugins.meals.models import ActionItem

    c = meals.committee()
    pk = meals.meeting(c["id"], held_on=MEETING_DAY)
    web = client_as("mealcommittee_a", lang="en")
    web.post(f"/meetingview/item/{pk}", data={"description": "检查消毒柜", "owner_member_id": str(c["members"][1])})
    (item_id, _, _), = items_of(meals, pk)
    resp = web.post(f"/actionitemview/edit/{item_id}", data={"description": " ", "due_on": "2026-05-01"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "The due date cannot be before the meeting (2026-05-10)" in body
    assert "Describe the action item" in body  # both at once, each on its field
    assert meals.get(ActionItem, item_id).description == "检查消毒柜"

"""Route by route, which catalogue role may use the committee's screens, prints and API; campus
scoping (a committee serves the campuses it names; a member of another campus sees nothing of it);
Staff read published minutes only."""
from __future__ import annotations

import pytest

USERS = {"Admin": "admin_a", "Director": "director_a", "Gatekeeper": "gatekeeper_a", "Staff": "staff_a",
         "Auditor": "auditor_a", "AssetKeeper": "assetkeeper_a", "MealCommittee": "mealcommittee_a",
         "Appraiser": "appraiser_a"}
EDITORS = {"Admin", "Director", "MealCommittee"}
READERS = EDITORS | {"Auditor"}

MATRIX = [
    ("GET", "/meetingview/list/", READERS | {"Staff"}),
    ("GET", "/meetingview/add", EDITORS),
    ("POST", "/meetingview/attend/999999", EDITORS),
    ("POST", "/meetingview/do/approve/999999", EDITORS),
    ("POST", "/meetingview/do/reopen/999999", {"Admin", "Director"}),
    ("GET", "/actionitemview/list/", READERS),
    ("POST", "/actionitemview/done/999999", EDITORS),
    ("GET", "/feeaccountview/list/", READERS),
    ("GET", "/feeaccountview/add", EDITORS),
    ("GET", "/settlementview/list/", READERS),
    ("GET", "/committeeview/list/", READERS),
    ("GET", "/memberview/list/", READERS),
    ("GET", "/memberview/add", EDITORS),
    ("GET", "/meals/reports/ledger", READERS),
    ("GET", "/meals/reports/notice/999999", READERS | {"Staff"}),
    ("GET", "/meals/reports/minutes/999999", READERS | {"Staff"}),
    ("GET", "/api/v1/mealsmeeting/", READERS | {"Staff"}),
    ("POST", "/api/v1/mealsmeeting/", EDITORS),
    ("GET", "/api/v1/mealsaccount/", READERS),
    ("POST", "/api/v1/mealsaccount/", EDITORS),
    ("GET", "/api/v1/mealsmember/", READERS),
    ("GET", "/api/v1/mealsactionitem/", READERS),
    ("POST", "/api/v1/mealsactionitem/999999/complete", EDITORS),
    ("GET", "/api/v1/mealscommittee/", READERS),
    ("GET", "/api/v1/mealsnutrition/", READERS),
    ("GET", "/api/v1/mealsfeedback/", READERS),
    ("GET", "/api/v1/mealsmenu/", READERS),
]


def allowed(resp) -> bool:
    if resp.status_code in (401, 403):
        return False
    if resp.status_code == 302 and "/login" in resp.headers.get("Location", ""):
        return False
    return True


@pytest.mark.parametrize("role", list(USERS))
def test_each_role_reaches_exactly_its_meal_committee_routes(app, client_as, api_as, role):
    web = client_as(USERS[role])
    api, headers = api_as(USERS[role])
    wrong = []
    for method, url, roles in MATRIX:
        if url.startswith("/api/"):
            resp = api.open(url, method=method, json={}, headers=headers)
        else:
            resp = web.open(url, method=method)
        if allowed(resp) != (role in roles):
            wrong.append((method, url, resp.status_code))
        assert resp.status_code != 500, (method, url)
    assert not wrong, wrong


def test_a_committee_is_seen_from_every_campus_it_serves_and_no_other(meals, client_as):
    only_b = meals.committee(campuses=("TB",), chair=None)
    both = meals.committee(campuses=("TA", "TB"))
    b_meeting = meals.meeting(only_b["id"])
    both_meeting = meals.meeting(both["id"])
    web = client_as("mealcommittee_a")  # campus TA
    assert web.get(f"/meetingview/show/{both_meeting}").status_code == 200
    assert web.get(f"/meetingview/show/{b_meeting}").status_code == 404
    assert web.post(f"/meetingview/attend/{b_meeting}", data={"member_id": only_b["members"][0],
                                                              "present": "1"}).status_code == 404
    assert web.get(f"/meals/reports/minutes/{b_meeting}").status_code == 404
    from urllib.parse import quote

    from plugins.meals.models import Committee

    def listed(committee):  # searched by name: the shared test database holds many committees
        name = meals.get(Committee, committee["id"]).name
        return name in web.get(f"/committeeview/list/?_flt_3_name={quote(name)}").get_data(as_text=True)

    assert listed(both) and not listed(only_b)
    assert client_as("director").get(f"/meetingview/show/{b_meeting}").status_code == 200  # unscoped


def test_staff_read_published_minutes_and_notices_only(meals, client_as):
    c = meals.committee()
    draft = meals.meeting(c["id"])
    published = meals.meeting(c["id"], chair_id=c["chair"])
    director = client_as("director_a")
    for name in ("circulate", "approve", "publish"):
        assert director.post(f"/meetingview/do/{name}/{published}").status_code == 302
    staff = client_as("staff_a")
    assert staff.get(f"/meetingview/show/{draft}").status_code == 404
    assert staff.get(f"/meals/reports/minutes/{draft}").status_code == 404
    assert staff.get(f"/meetingview/show/{published}").status_code == 200
    assert staff.get(f"/meals/reports/notice/{published}").status_code == 200
    assert staff.post(f"/meetingview/item/{published}", data={"description": "x"}).status_code in (302, 403)
    assert staff.post(f"/meetingview/do/reopen/{published}", data={"reason": "x"}).status_code in (302, 403)
    from plugins.meals.models import Meeting

    assert meals.get(Meeting, published).status == "published"

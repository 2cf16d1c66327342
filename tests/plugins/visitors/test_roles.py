"""Route by route, which catalogue role may use the gate's screens and API."""
import pytest

USERS = {"Admin": "admin_a", "Director": "director_a", "Gatekeeper": "gatekeeper_a", "Staff": "staff_a",
         "Auditor": "auditor_a", "AssetKeeper": "assetkeeper_a", "MealCommittee": "mealcommittee_a"}
GATE = {"Admin", "Director", "Gatekeeper"}
READERS = {"Admin", "Director", "Auditor"}

MATRIX = [
    ("GET", "/gate/desk/", GATE),
    ("POST", "/gate/desk/lookup", GATE),
    ("GET", "/gate/desk/poll", GATE),
    ("GET", "/gate/desk/override/0/status", GATE),
    ("POST", "/gate/desk/override/0/decide", {"Admin", "Director"}),
    ("GET", "/visitview/list/", READERS | {"Gatekeeper", "Staff"}),
    ("GET", "/visitview/export/", READERS | {"Gatekeeper"}),
    ("GET", "/visitorview/list/", READERS),
    ("GET", "/appointmentview/list/", READERS | {"Gatekeeper", "Staff"}),
    ("GET", "/appointmentview/add", {"Admin", "Director", "Staff"}),
    ("GET", "/blocklistview/list/", READERS),
    ("GET", "/blocklistview/add", {"Admin", "Director"}),
    ("GET", "/purposeview/list/", READERS),
    ("GET", "/purposeview/add", {"Admin", "Director"}),
    ("GET", "/dutylogview/list/", READERS | {"Gatekeeper"}),
    ("GET", "/dutylogview/add", {"Admin", "Gatekeeper"}),
    ("GET", "/overrideview/list/", READERS),
    ("GET", "/gate/reports/register", READERS | {"Gatekeeper"}),
    ("GET", "/gate/reports/statistics", READERS),
    ("GET", "/gate/reports/evacuation", READERS | {"Gatekeeper"}),
    ("GET", "/api/v1/visit/", READERS | {"Gatekeeper", "Staff"}),
    ("POST", "/api/v1/visit/", {"Admin", "Director", "Gatekeeper"}),
]


def allowed(resp) -> bool:
    if resp.status_code in (401, 403):
        return False
    if resp.status_code == 302 and "/login" in resp.headers.get("Location", ""):
        return False
    return True


@pytest.mark.parametrize("role", list(USERS))
def test_each_role_reaches_exactly_its_gate_routes(app, client_as, api_as, role):
    web = client_as(USERS[role])
    api, headers = api_as(USERS[role])
    wrong = []
    for method, url, roles in MATRIX:
        if url.startswith("/api/"):
            resp = api.open(url, method=method, json={}, headers=headers)
        else:
            resp = web.open(url, method=method, json={} if method == "POST" else None)
        if allowed(resp) != (role in roles):
            wrong.append((method, url, resp.status_code))
    assert not wrong, wrong


def test_the_gate_menu_shows_what_the_role_may_open(app, client_as):
    desk = client_as("gatekeeper_a", lang="en").get("/").get_data(as_text=True)
    assert 'href="/gate/desk/"' in desk and "/blocklistview/list/" not in desk
    office = client_as("director_a", lang="en").get("/").get_data(as_text=True)
    for href in ("/gate/desk/", "/blocklistview/list/", "/purposeview/list/", "/gate/reports/statistics",
                 "/gate/reports/evacuation", "/gate/reports/register"):
        assert href in office

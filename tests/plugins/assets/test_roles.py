"""Route by route, which catalogue role may use the register, the lifecycle and repairs; campus
scoping; Staff see only the cards in their own custody (on the list, the card, the API and their
staff record)."""
from datetime import date

import pytest

USERS = {"Admin": "admin_a", "Director": "director_a", "Gatekeeper": "gatekeeper_a", "Staff": "staff_a",
         "Auditor": "auditor_a", "AssetKeeper": "assetkeeper_a", "MealCommittee": "mealcommittee_a",
         "Appraiser": "appraiser_a", "Accountant": "accountant_a", "Repairer": "repairer_a"}
READERS = {"Admin", "Director", "Auditor", "AssetKeeper", "Accountant"}
# issue 16: every staff member reports (the Auditor changes nothing); the 维修工 works their queue
REPORTERS = set(USERS) - {"Auditor"}
REPAIR_OFFICE = {"Admin", "Director", "AssetKeeper", "Auditor"}

MATRIX = [
    ("GET", "/assetview/list/", READERS | {"Staff"}),
    ("GET", "/assetview/add", {"Admin", "AssetKeeper"}),
    ("GET", "/assetview/export/", READERS),
    ("GET", "/assetview/import/", {"Admin", "AssetKeeper"}),
    ("POST", "/assetview/life/999999", {"Admin", "Director"}),
    ("GET", "/categoryview/list/", READERS),
    ("GET", "/categoryview/add", {"Admin", "AssetKeeper"}),
    ("GET", "/assets/depreciation/", READERS),
    ("POST", "/assets/depreciation/run", {"Admin", "AssetKeeper"}),
    ("POST", "/assets/depreciation/close", {"Admin", "Director"}),
    ("GET", "/depreciationrowview/list/", READERS),
    ("GET", "/reconciliationview/list/", READERS),
    ("GET", "/reconciliationview/add", {"Admin", "AssetKeeper"}),
    ("POST", "/reconciliationview/do/sign/999999", {"Admin", "AssetKeeper"}),
    ("POST", "/reconciliationview/do/confirm/999999", {"Admin", "Accountant"}),
    ("POST", "/reconciliationview/do/reopen/999999", {"Admin", "Director"}),
    ("GET", "/assets/reports/ledger", READERS),
    ("GET", "/assets/reports/summary", READERS),
    ("GET", "/assets/reports/schedule", READERS),
    ("GET", "/assets/reports/property-list", READERS | {"Staff"}),
    ("GET", "/api/v1/asset/", READERS | {"Staff"}),
    ("POST", "/api/v1/asset/", {"Admin", "AssetKeeper"}),
    ("GET", "/api/v1/assetcategory/", READERS),
    ("GET", "/api/v1/assetdepreciation/", READERS),
    ("GET", "/api/v1/assetreconciliation/", READERS),
    # issue 15: the keeper does everything but approve; the Director approves purchases and
    # disposals; Staff request purchases, see their loans, confirm receipts they are named in
    ("GET", "/purchaseview/list/", READERS | {"Staff"}),
    ("GET", "/purchaseview/add", {"Admin", "AssetKeeper", "Staff", "Director"}),
    ("POST", "/purchaseview/do/approve/999999", {"Admin", "Director"}),
    ("POST", "/purchaseview/do/reject/999999", {"Admin", "Director"}),
    ("GET", "/receiptview/list/", READERS | {"Staff"}),
    ("GET", "/receiptview/start/999999", {"Admin", "AssetKeeper"}),
    ("POST", "/receiptview/sign/999999", {"Admin", "AssetKeeper", "Staff", "Director", "Accountant"}),
    ("GET", "/loanview/list/", READERS | {"Staff"}),
    ("GET", "/loanview/lend/999999", {"Admin", "AssetKeeper"}),
    ("GET", "/transferview/start/999999", {"Admin", "AssetKeeper"}),
    ("POST", "/transferview/do/receive/999999", {"Admin", "AssetKeeper"}),
    ("GET", "/damageview/start/999999", {"Admin", "AssetKeeper"}),
    ("GET", "/disposalview/list/", READERS),
    ("GET", "/disposalview/start/999999", {"Admin", "AssetKeeper"}),
    ("POST", "/disposalview/do/approve/999999", {"Admin", "Director"}),
    ("GET", "/assets/lifecycle/recall", READERS),
    ("GET", "/assets/lifecycle/disposals", READERS),
    ("POST", "/api/v1/assetdisposal/999999/approve", {"Admin", "Director"}),
    ("POST", "/api/v1/assetpurchase/request", {"Admin", "AssetKeeper", "Staff", "Director"}),
    ("GET", "/api/v1/assetloan/", READERS | {"Staff"}),
    ("GET", "/repairview/report", REPORTERS),
    ("GET", "/repairview/list/", set(USERS)),
    ("GET", "/repairview/dispatch/999999", {"Admin", "AssetKeeper"}),
    ("GET", "/repairview/fix/999999", {"Admin", "AssetKeeper", "Repairer"}),
    ("POST", "/repairview/do/confirm/999999", REPORTERS),
    ("POST", "/repairview/do/send_back/999999", REPORTERS),
    ("POST", "/repairview/do/cancel/999999", {"Admin", "AssetKeeper"}),
    ("GET", "/assets/repairs/open", REPAIR_OFFICE),
    ("GET", "/assets/repairs/queue", {"Admin", "Repairer"}),
    ("GET", "/assets/repairs/reports/log", REPAIR_OFFICE),
    ("GET", "/assets/repairs/reports/stats", REPAIR_OFFICE),
    ("GET", "/api/v1/assetrepair/", set(USERS)),
    ("POST", "/api/v1/assetrepair/report", REPORTERS),
    ("POST", "/api/v1/assetrepair/999999/dispatch", {"Admin", "AssetKeeper"}),
    ("POST", "/api/v1/assetrepair/999999/fix", {"Admin", "AssetKeeper", "Repairer"}),
    ("POST", "/api/v1/assetrepair/999999/cancel", {"Admin", "AssetKeeper"}),
]


def allowed(resp) -> bool:
    if resp.status_code in (401, 403):
        return False
    if resp.status_code == 302 and "/login" in resp.headers.get("Location", ""):
        return False
    return True


@pytest.mark.parametrize("role", list(USERS))
def test_each_role_reaches_exactly_its_register_routes(app, client_as, api_as, role):
    web = client_as(USERS[role])
    api, headers = api_as(USERS[role])
    wrong = []
    for method, url, roles in MATRIX:
        if url.startswith("/api/"):
            resp = api.open(url, method=method, json={}, headers=headers)
        else:
            resp = web.open(url, method=method, data={} if method == "POST" else None)
        assert resp.status_code < 500, (method, url, resp.status_code)
        if allowed(resp) != (role in roles):
            wrong.append((method, url, resp.status_code))
    assert not wrong, wrong


def test_a_campus_bound_keeper_sees_only_their_campus(app, client_as, api_as, register):
    mine = register.card(name="本园电脑", legacy_no="SCOPE-A")
    other = register.card(campus="TB", name="他园电脑", legacy_no="SCOPE-B")
    web = client_as("assetkeeper_a")
    assert web.get(f"/assetview/show/{mine}").status_code == 200
    assert web.get(f"/assetview/show/{other}").status_code == 404
    listing = web.get("/assetview/list/?_flt_0_legacy_no=SCOPE").get_data(as_text=True)
    assert "SCOPE-A" in listing and "SCOPE-B" not in listing
    api, headers = api_as("assetkeeper_a")
    assert api.get(f"/api/v1/asset/{other}", headers=headers).status_code == 404
    assert client_as("director_a").get(f"/assetview/show/{other}").status_code == 200


def test_staff_see_the_assets_in_their_custody_and_nobody_elses(app, client_as, api_as, register):
    me = register.staff(username="staff_a")
    colleague = register.staff(name="同事")
    own = register.card(name="我的钢琴", code="A02450100", life=60, custodian_id=me, legacy_no="MINE-1")
    theirs = register.card(name="同事的钢琴", code="A02450100", life=60, custodian_id=colleague, legacy_no="THEIRS-1")
    web = client_as("staff_a")
    assert web.get(f"/assetview/show/{own}").status_code == 200
    assert web.get(f"/assetview/show/{theirs}").status_code == 404
    api, headers = api_as("staff_a")
    codes = {r["legacy_no"] for r in api.get("/api/v1/asset/?page_size=100", headers=headers).get_json()["result"]}
    assert "MINE-1" in codes and "THEIRS-1" not in codes
    record = web.get(f"/staffview/show/{me}").get_data(as_text=True)
    assert "我的钢琴" in record
    assert "同事的钢琴" not in web.get(f"/assets/reports/property-list?custodian_id={me}").get_data(as_text=True)
    assert web.get(f"/staffview/show/{colleague}").status_code in (200, 403, 404)
    if web.get(f"/staffview/show/{colleague}").status_code == 200:
        assert "同事的钢琴" not in web.get(f"/staffview/show/{colleague}").get_data(as_text=True)

"""Repairs through the REST API (issue 16, point 6) with the screens' rules and messages, 4xx
never 500, in the OpenAPI spec; and who sees which requests (point 5): the reporter their own, a
repairer those dispatched to them, the keeper their campus, the Director and the Auditor all."""
import pytest

from tests.plugins.assets.test_lifecycle import get, ids, user_id


def _report(client, headers, **body):
    return client.post("/api/v1/assetrepair/report", headers=headers, json=body)


def test_a_repair_runs_its_course_through_the_api(app, api_as, register, uid):
    from plugins.assets.models import Asset
    from plugins.assets.repair_models import RepairRequest

    room = register.room()
    card = register.card(room_id=room)
    teacher, th = api_as("staff_a")
    bad = _report(teacher, th, room_id=None, description=" ")
    assert bad.status_code == 422 and set(bad.get_json()["message"]) == {"room_id", "description"}
    assert _report(teacher, th, room_id="12", description="灯坏了").status_code == 422
    assert _report(teacher, th, room_id=2 ** 40, description="灯坏了").status_code in (404, 422)
    elsewhere = register.card(room_id=register.room())
    wrong = _report(teacher, th, room_id=room, asset_id=elsewhere, description="灯坏了")
    assert wrong.status_code == 422 and "asset_id" in wrong.get_json()["message"]
    text = uid("投影仪不亮")
    ok = _report(teacher, th, room_id=room, asset_id=card, description=text, urgency="urgent")
    assert ok.status_code == 201 and ok.get_json()["state"] == "reported", ok.get_json()
    pk = ok.get_json()["id"]
    assert get(app, Asset, card).status == "repair"
    # the teacher may not dispatch; nobody fixes before the dispatch
    assert teacher.post(f"/api/v1/assetrepair/{pk}/dispatch", headers=th, json={"vendor": "x"}).status_code == 403
    keeper, kh = api_as("assetkeeper_a")
    early = keeper.post(f"/api/v1/assetrepair/{pk}/fix", headers=kh, json={"work": "换灯泡"})
    assert early.status_code == 409 and "尚未派工" in early.get_json()["message"]
    none = keeper.post(f"/api/v1/assetrepair/{pk}/dispatch", headers=kh, json={})
    assert none.status_code == 422 and "repairer_id" in none.get_json()["message"]
    nobody = keeper.post(f"/api/v1/assetrepair/{pk}/dispatch", headers=kh, json={"repairer_id": user_id(app, "staff_a")})
    assert nobody.status_code == 422 and "repairer_id" in nobody.get_json()["message"]
    sent = keeper.post(f"/api/v1/assetrepair/{pk}/dispatch", headers=kh,
                       json={"repairer_id": user_id(app, "repairer_a")})
    assert sent.status_code == 200 and sent.get_json()["state"] == "dispatched", sent.get_json()
    repairer, rh = api_as("repairer_a")
    assert repairer.get(f"/api/v1/assetrepair/{pk}", headers=rh).status_code == 200
    bad_cost = repairer.post(f"/api/v1/assetrepair/{pk}/fix", headers=rh, json={"work": "换灯泡", "cost": "-3"})
    assert bad_cost.status_code == 422 and "cost" in bad_cost.get_json()["message"]
    for cost in ([1], {"a": 1}, True):
        assert repairer.post(f"/api/v1/assetrepair/{pk}/fix", headers=rh,
                             json={"work": "换灯泡", "cost": cost}).status_code == 422
    fixed = repairer.post(f"/api/v1/assetrepair/{pk}/fix", headers=rh,
                          json={"work": "更换灯泡", "materials": "灯泡", "cost": 18.5})
    assert fixed.status_code == 200 and fixed.get_json()["state"] == "fixed", fixed.get_json()
    other = keeper.post(f"/api/v1/assetrepair/{pk}/confirm", headers=kh, json={})
    assert other.status_code == 422 and "报修人" in str(other.get_json()["message"])
    done = teacher.post(f"/api/v1/assetrepair/{pk}/confirm", headers=th, json={})
    assert done.status_code == 200 and done.get_json()["state"] == "confirmed"
    assert teacher.post(f"/api/v1/assetrepair/{pk}/confirm", headers=th, json={}).status_code == 409
    assert get(app, Asset, card).status == "in_use" and get(app, RepairRequest, pk).cost is not None


def test_the_repair_api_is_in_the_spec(app, api_as):
    client, headers = api_as("admin_a")
    paths = set(client.get("/api/v1/_openapi", headers=headers).get_json()["paths"])
    for step in ("report", "{pk}/dispatch", "{pk}/fix", "{pk}/confirm", "{pk}/send_back", "{pk}/cancel"):
        assert f"/api/v1/assetrepair/{step}" in paths, step


@pytest.mark.parametrize("body", [[1, 2], "x", {"room_id": {"a": 1}, "description": "灯"},
                                  {"room_id": True, "description": "灯"}, {"description": ["灯"]},
                                  {"room_id": 1, "description": "灯", "urgency": 5}])
def test_bad_bodies_are_4xx_never_500(api_as, body):
    client, headers = api_as("staff_a")
    resp = client.post("/api/v1/assetrepair/report", headers=headers, json=body)
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)


def test_each_role_sees_the_requests_it_should(app, api_as, client_as, register, uid):
    from plugins.assets.repair_models import RepairRequest

    register.user("assetkeeper_tb", campus="TB")
    register.user("staff_second", role="Staff", campus="TA")
    teacher, th = api_as("staff_a")
    mine = _report(teacher, th, room_id=register.room(), description=uid("门把手脱落")).get_json()["id"]
    other_teacher, oh = api_as("staff_second")
    theirs = _report(other_teacher, oh, room_id=register.room(), description=uid("窗帘轨道坏")).get_json()["id"]
    assert teacher.get(f"/api/v1/assetrepair/{theirs}", headers=th).status_code == 404
    assert teacher.get(f"/api/v1/assetrepair/{mine}", headers=th).status_code == 200
    # someone else's request: neither seen nor confirmed
    assert teacher.post(f"/api/v1/assetrepair/{theirs}/confirm", headers=th, json={}).status_code == 404
    assert client_as("staff_a").get(f"/repairview/show/{theirs}").status_code == 404
    listed = {r["id"] for r in teacher.get("/api/v1/assetrepair/?q=(page_size:100,order_column:id,order_direction:desc)",
                                            headers=th).get_json()["result"]}
    assert mine in listed and theirs not in listed
    # a repairer sees only what is dispatched to them
    repairer, rh = api_as("repairer_a")
    assert repairer.get(f"/api/v1/assetrepair/{mine}", headers=rh).status_code == 404
    # the keeper of campus A sees both; the keeper of campus B neither; Director and Auditor all
    for who, sees in (("assetkeeper_a", True), ("assetkeeper_tb", False), ("director_a", True), ("auditor_a", True)):
        client, h = api_as(who)
        assert (client.get(f"/api/v1/assetrepair/{theirs}", headers=h).status_code == 200) is sees, who
    auditor, ah = api_as("auditor_a")
    assert auditor.post(f"/api/v1/assetrepair/{theirs}/cancel", headers=ah, json={"reason": "x"}).status_code == 403
    assert _report(auditor, ah, room_id=register.room(), description="审计不报修").status_code == 403
    assert get(app, RepairRequest, theirs).status == "reported" and ids(app, RepairRequest, id=mine)

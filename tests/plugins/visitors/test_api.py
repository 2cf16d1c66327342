"""/api/v1/visit/ for ID-card readers and kiosks: the desk's rules, the same
blocklist, 4xx with messages, never 500."""
import pytest


def sign_in_body(gate, **over):
    form = gate.form(**over)
    body = {k: v for k, v in form.items() if v != ""}
    body["campus_id"] = int(body["campus_id"])
    body["purpose_id"] = int(body["purpose_id"])
    return body


def test_a_kiosk_signs_a_visitor_in_and_out(app, api_as, gate, uid):
    from plugins.visitors.models import Visit

    client, headers = api_as("gatekeeper_a")
    name = uid("机")
    body = sign_in_body(gate, name=name, badge="k1" + name[-3:])
    del body["campus_id"]  # a kiosk login bound to one campus needs no campus
    resp = client.post("/api/v1/visit/", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    visit_id = resp.get_json()["id"]
    visit = gate.get(Visit, visit_id)
    assert visit.status == "on_site" and visit.visitor_name == name and visit.campus_id == gate.campuses["TA"]
    shown = client.get(f"/api/v1/visit/{visit_id}", headers=headers).get_json()["result"]
    assert shown["visitor_name"] == name and shown["status"] == "on_site"
    out = client.post(f"/api/v1/visit/{visit_id}/sign-out", json={}, headers=headers)
    assert out.status_code == 200 and out.get_json()["status"] == "left"
    again = client.post(f"/api/v1/visit/{visit_id}/sign-out", json={}, headers=headers)
    assert again.status_code == 422 and list(again.get_json()["message"]) == ["status"]


def test_sign_out_by_badge_through_the_api(app, api_as, gate, uid):
    from plugins.visitors.models import Visit

    badge = uid("P")[-6:]
    visit_id = gate.visit(badge=badge)
    client, headers = api_as("gatekeeper_a")
    resp = client.post("/api/v1/visit/sign-out", json={"badge": badge}, headers=headers)
    assert resp.status_code == 200 and resp.get_json()["id"] == visit_id
    assert gate.get(Visit, visit_id).status == "left"
    missing = client.post("/api/v1/visit/sign-out", json={"badge": badge}, headers=headers)
    assert missing.status_code == 422 and list(missing.get_json()["message"]) == ["badge"]


@pytest.mark.parametrize("over, field", [
    ({"id_number": "110105198501011235"}, "id_number"),
    ({"name": ""}, "name"),
    ({"phone": "abc"}, "phone"),
    ({"plate": "XX123"}, "plate"),
    ({"party_size": 500}, "party_size"),
    ({"purpose_id": "x"}, "purpose_id"),
    ({"purpose_id": 999999}, "purpose_id"),
    ({"host_id": 999999}, "host_id"),
    ({"doc_type": "library_card"}, "doc_type"),
    ({"host_confirmation": "telepathy"}, "host_confirmation"),
    ({"appointment_code": "ZZZZZZ"}, "appointment"),
])
def test_bad_input_answers_422_with_the_message_on_the_field(app, api_as, gate, over, field):
    client, headers = api_as("gatekeeper_a")
    resp = client.post("/api/v1/visit/", json={**sign_in_body(gate), **over}, headers=headers)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["message"]
    assert all(isinstance(m, str) and m for m in resp.get_json()["message"][field])


@pytest.mark.parametrize("payload", ["not json", "[1, 2]", "null", '{"name": {"nested": 1}}'])
def test_garbage_never_gives_a_500(app, api_as, payload):
    client, headers = api_as("gatekeeper_a")
    resp = client.post("/api/v1/visit/", data=payload, headers={**headers, "Content-Type": "application/json"})
    assert 400 <= resp.status_code < 500


def test_a_nested_value_is_refused_on_its_field(app, api_as, gate):
    client, headers = api_as("gatekeeper_a")
    resp = client.post("/api/v1/visit/", json={**sign_in_body(gate), "name": {"nested": 1}}, headers=headers)
    assert resp.status_code == 422 and "name" in resp.get_json()["message"]


def test_the_blocklist_applies_to_the_api_too(app, api_as, gate, resident_id, uid):
    from plugins.visitors.models import Visit

    number = resident_id()
    gate.blocklist("黑名单人", id_number=number)
    client, headers = api_as("gatekeeper_a")
    resp = client.post("/api/v1/visit/", json=sign_in_body(gate, id_number=number), headers=headers)
    assert resp.status_code == 403
    assert resp.get_json()["status"] == "turned_away" and "blocklist" in resp.get_json()["message"]
    assert gate.get(Visit, resp.get_json()["id"]).status == "turned_away"
    name = uid("同名")
    gate.blocklist(name)
    warn = client.post("/api/v1/visit/", json=sign_in_body(gate, name=name), headers=headers)
    assert warn.status_code == 409 and "name" in warn.get_json()["message"]
    ok = client.post("/api/v1/visit/", json={**sign_in_body(gate, name=name), "confirm_name_match": True},
                     headers=headers)
    assert ok.status_code == 201


def test_a_time_out_before_the_time_in_answers_422(app, api_as, gate):
    from plugins.visitors.models import Visit

    visit_id = gate.visit()
    client, headers = api_as("gatekeeper_a")
    for value in ("2001-01-01T08:00", "yesterday"):
        resp = client.post(f"/api/v1/visit/{visit_id}/sign-out", json={"time_out": value}, headers=headers)
        assert resp.status_code == 422 and list(resp.get_json()["message"]) == ["time_out"]
    assert gate.get(Visit, visit_id).status == "on_site"


def test_another_campus_cannot_use_the_api_on_our_visits(app, api_as, gate):
    visit_id = gate.visit()
    client, headers = api_as("gatekeeper_b")
    assert client.get(f"/api/v1/visit/{visit_id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/visit/{visit_id}/sign-out", json={}, headers=headers).status_code == 404
    body = sign_in_body(gate)  # campus TA
    assert client.post("/api/v1/visit/", json=body, headers=headers).status_code == 403


def test_staff_and_auditors_cannot_create_visits(app, api_as, gate):
    for user in ("staff_a", "auditor_a"):
        client, headers = api_as(user)
        assert client.post("/api/v1/visit/", json=sign_in_body(gate), headers=headers).status_code in (401, 403)


def test_the_api_has_no_edit_or_delete(app, api_as, gate):
    visit_id = gate.visit()
    client, headers = api_as("director_a")
    assert client.put(f"/api/v1/visit/{visit_id}", json={"note": "x"}, headers=headers).status_code in (403, 404, 405)
    assert client.delete(f"/api/v1/visit/{visit_id}", headers=headers).status_code in (403, 404, 405)


def test_the_visit_api_is_in_the_openapi_spec(app, api_as):
    client, headers = api_as("admin_a")
    spec = client.get("/api/v1/_openapi", headers=headers).get_json()
    paths = spec["paths"]
    assert "/api/v1/visit/" in paths and "post" in paths["/api/v1/visit/"]
    assert "/api/v1/visit/{pk}/sign-out" in paths and "/api/v1/visit/sign-out" in paths

"""REST API for the organisation: OpenAPI, JWT login, and 4xx (never 500) with the forms' messages."""


def test_openapi_is_served(app, api_as):
    client, headers = api_as("admin_a")
    spec = client.get("/api/v1/_openapi", headers=headers).get_json()
    assert {"/api/v1/staff/", "/api/v1/campus/", "/api/v1/department/"} <= set(spec["paths"])


def test_jwt_login_with_a_wrong_password_is_401(app):
    resp = app.test_client().post("/api/v1/security/login", json={"username": "staff_a", "password": "nope",
                                                                  "provider": "db"})
    assert resp.status_code == 401


def _staff(campus_id, no, **over):
    return {"name": "周杰", "staff_no": no, "employment_type": "established", "campus": campus_id, **over}


def test_bad_staff_input_is_422_with_the_same_messages(app, api_as, campuses, uid):
    client, headers = api_as("director_a")
    resp = client.post("/api/v1/staff/", json=_staff(campuses["TA"], uid("P"), work_phone="021-abc"),
                       headers={**headers, "Accept-Language": "zh"})
    assert resp.status_code == 422
    assert resp.get_json()["message"]["work_phone"] == ["电话号码只能包含数字"]
    resp = client.post("/api/v1/staff/?_l_=en", json=_staff(campuses["TA"], uid("P"), work_phone="021-abc"), headers=headers)
    assert resp.get_json()["message"]["work_phone"] == ["A phone number may contain only digits"]


def test_missing_name_duplicate_number_and_date_order_are_422(app, api_as, campuses, uid):
    client, headers = api_as("director_a")
    no = uid("P")
    assert client.post("/api/v1/staff/", json=_staff(campuses["TA"], no), headers=headers).status_code == 201
    dup = client.post("/api/v1/staff/", json=_staff(campuses["TA"], no), headers=headers)
    assert dup.status_code == 422 and "staff_no" in dup.get_json()["message"]
    missing = client.post("/api/v1/staff/", json={"staff_no": uid("P"), "employment_type": "contract",
                                                   "campus": campuses["TA"]}, headers=headers)
    assert missing.status_code == 422 and "name" in missing.get_json()["message"]
    order = client.post("/api/v1/staff/", json=_staff(campuses["TA"], uid("P"), health_cert_issued="2026-05-01",
                                                      health_cert_expiry="2026-01-01"), headers=headers)
    assert order.status_code == 422 and "health_cert_expiry" in order.get_json()["message"]


def test_garbage_input_is_4xx_never_500(app, api_as, campuses):
    client, headers = api_as("director_a")
    for body in ([1, 2], {"name": 5}, {"campus": "x"}, {"hire_date": "yesterday"}, {"unknown": 1}):
        resp = client.post("/api/v1/staff/", json=body, headers=headers)
        assert 400 <= resp.status_code < 500, (body, resp.status_code)
    assert client.post("/api/v1/staff/", data="not json", headers=headers).status_code == 400
    assert client.get("/api/v1/staff/?q=(((", headers=headers).status_code == 400
    assert client.put("/api/v1/staff/999999", json={"name": "x"}, headers=headers).status_code == 404


def test_personal_phone_is_masked_for_staff_and_a_masked_value_is_never_written_back(app, api_as, campuses, uid, ctx):
    from app.models import Staff

    client, headers = api_as("director_a")
    no = uid("M")
    created = client.post("/api/v1/staff/", json=_staff(campuses["TA"], no, personal_phone="13712345678"), headers=headers)
    pk = created.get_json()["id"]
    assert client.get(f"/api/v1/staff/{pk}", headers=headers).get_json()["result"]["personal_phone"] == "13712345678"
    auditor, aheaders = api_as("auditor_a")
    shown = auditor.get(f"/api/v1/staff/{pk}", headers=aheaders).get_json()["result"]["personal_phone"]
    assert shown == "137****5678"
    resp = client.put(f"/api/v1/staff/{pk}", json={**_staff(campuses["TA"], no), "personal_phone": "137****5678"},
                      headers=headers)
    assert resp.status_code == 200
    ctx.session.rollback()  # end the read snapshot, see what requests wrote
    assert ctx.session.get(Staff, pk).personal_phone == "13712345678"


def test_staff_cannot_be_deleted_through_the_api(app, api_as):
    client, headers = api_as("admin_a")
    assert client.delete("/api/v1/staff/1", headers=headers).status_code in (403, 404, 405)

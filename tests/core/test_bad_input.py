"""No 500 from bad input, on pages and API, on SQLite and PostgreSQL (the suite runs on both):
numbers past 64 bits in paths, rison, list arguments and JSON; non-object JSON; lone surrogates;
unknown sort columns; control characters (refused in JSON, stripped from forms and queries, never
stored). Every error answer on /api/ is JSON with a message; pages say it in the user's language."""
import json

import pytest
from sqlalchemy import func, select

HUGE = "99999999999999999999"  # > 2**64: SQLite overflows
WIDE = "3000000000"  # > 2**31: PostgreSQL's INTEGER overflows (and no row can have it)


# Counters no request ever sets (app/freshness.py's change counters).
NOT_FROM_REQUESTS = {"houqin_version.version"}


def test_every_whole_number_column_is_an_sql_integer():
    """The bound of app.guards (INT_MAX) is what these columns hold; a BigInteger column would need
    more. Decimal columns (money, areas) are bounded by their parsers (app.rules.parse_money's
    maximum) and the API's database-error guard."""
    from sqlalchemy import BigInteger

    from app.extensions import db
    from app.guards import INT_MAX
    from app.plugin import all_installed_models

    all_installed_models()
    wide = [f"{t.name}.{c.name}" for t in db.Model.metadata.tables.values() for c in t.columns
            if isinstance(c.type, BigInteger) and f"{t.name}.{c.name}" not in NOT_FROM_REQUESTS]
    assert wide == [] and INT_MAX == 2**31 - 1


@pytest.fixture()
def director_api(api_as):
    return api_as("director_a")


@pytest.mark.parametrize("method,path", [
    ("GET", f"/api/v1/staff/{HUGE}"), ("PUT", f"/api/v1/staff/{HUGE}"), ("GET", f"/api/v1/campus/{HUGE}"),
    ("DELETE", f"/api/v1/campus/{HUGE}"), ("PUT", f"/api/v1/department/{HUGE}"), ("PUT", f"/api/v1/staff/-{HUGE}"),
    ("GET", "/api/v1/staff/-1"), ("GET", f"/api/v1/department/-{HUGE}"), ("GET", f"/api/v1/staff/{WIDE}"),
    ("PUT", f"/api/v1/campus/{WIDE}"), ("DELETE", f"/api/v1/department/{WIDE}"),
])
def test_an_id_past_64_bits_in_an_api_path_is_404(director_api, method, path):
    """(GET of a negative id: 405, as the route takes only unsigned ids for GET and any for PUT.)"""
    client, headers = director_api
    resp = client.open(path, method=method, json={"name": "x"}, headers=headers)
    assert resp.status_code in ((404, 405) if "/-" in path else (404,)) and resp.get_json()["message"]


@pytest.mark.parametrize("q", [
    f"(page:{HUGE},page_size:10)", "(page:-5,page_size:10)", f"(page:0,page_size:{HUGE})",
    f"(filters:!((col:campus,opr:rel_o_m,value:{HUGE})))", f"(filters:!((col:name,opr:eq,value:{HUGE})))",
    f"(filters:!((col:campus,opr:rel_o_m,value:{WIDE})))", f"(page:{WIDE},page_size:10)",
    "(page:'x')", "(((",
])
def test_bad_rison_is_400(director_api, q):
    client, headers = director_api
    resp = client.get(f"/api/v1/staff/?q={q}", headers=headers)
    assert resp.status_code == 400 and resp.get_json()["message"], q


def test_an_unknown_order_column_in_the_api_is_400(director_api):
    client, headers = director_api
    resp = client.get("/api/v1/staff/?q=(order_column:nosuch,order_direction:asc)", headers=headers)
    assert resp.status_code == 400 and resp.get_json()["message"]


@pytest.mark.parametrize("body", [[1, 2], "text", 7, None, True])
def test_a_non_object_json_body_is_400(director_api, body, campuses):
    client, headers = director_api
    raw = json.dumps(body)
    for method, path in (("POST", "/api/v1/staff/"), ("PUT", "/api/v1/staff/1"), ("PUT", "/api/v1/campus/1"),
                         ("POST", "/api/v1/security/login")):
        resp = client.open(path, method=method, data=raw, content_type="application/json", headers=headers)
        assert resp.status_code == 400 and resp.get_json()["message"], (method, path, raw)


def _staff(campus_id, no, **over):
    return {"name": "坏输入", "staff_no": no, "employment_type": "contract", "campus": campus_id, **over}


@pytest.mark.parametrize("field,value", [
    ("campus", int(HUGE)), ("department", -int(HUGE)), ("position", 2**63), ("campus", int(WIDE)), ("campus", {"id": 1}),
    ("campus", {"x": {}}), ("department", [1]), ("campus", True),
])
def test_numbers_past_64_bits_and_objects_in_json_are_422_on_the_field(director_api, campuses, uid, field, value):
    client, headers = director_api
    resp = client.post("/api/v1/staff/", json=_staff(campuses["TA"], uid("BI"), **{field: value}), headers=headers)
    assert resp.status_code == 422 and field in resp.get_json()["message"], resp.get_json()


@pytest.mark.parametrize("raw,field", [
    ('"\\ud800"', "name"), ('"a\\udfffb"', "name"), ('"\\u0000"', "name"), ('"x\\u0007y"', "staff_no"),
    ("NaN", "name"), ("1e999", "name"),
])
def test_lone_surrogates_control_characters_and_non_numbers_in_json_are_refused(
        director_api, campuses, uid, ctx, raw, field):
    from app.models import Staff

    client, headers = director_api
    no = uid("SU")
    # nothing saved: this worker's database has as many staff after as before (a search by a part of
    # the number found other tests' staff, whose numbers come from other counters)
    before = ctx.session.execute(select(func.count(Staff.id))).scalar()
    body = json.dumps(_staff(campuses["TA"], no)).replace(f'"{field}": ', f'"{field}": {raw}, "_was": ', 1)
    resp = client.post("/api/v1/staff/", data=body, content_type="application/json", headers=headers)
    assert resp.status_code == 422 and field in resp.get_json()["message"], (raw, resp.get_json())
    ctx.session.rollback()
    assert ctx.session.execute(select(func.count(Staff.id))).scalar() == before


def test_text_with_line_breaks_and_tabs_is_fine_in_json(director_api, campuses, uid):
    client, headers = director_api
    resp = client.post("/api/v1/staff/", json=_staff(campuses["TA"], uid("TB"), qualification_cert="第一行\n第二行\t备注"),
                       headers=headers)
    assert resp.status_code == 201, resp.get_json()


def test_control_characters_typed_into_a_form_are_stripped_never_stored(client_as, campuses, uid, ctx):
    from app.models import Staff

    c = client_as("director_a")
    no = uid("CC")
    resp = c.post("/staffview/add", data={"name": "王\x00小\x07明\x1b", "staff_no": no, "employment_type": "contract",
                                         "gender": "M", "campus": str(campuses["TA"]), "health_cert_no": "JK\x00-1"})
    assert resp.status_code == 302
    staff = ctx.session.execute(select(Staff).where(Staff.staff_no == no)).scalar_one()
    assert staff.name == "王小明" and staff.health_cert_no == "JK-1"


def test_control_characters_in_a_query_are_stripped(client_as):
    c = client_as("director_a")
    assert c.get("/staffview/list/?_flt_0_name=%00%E7%8E%8B%07").status_code == 200
    assert c.get("/auditlogview/list/?_flt_0_actor=%00").status_code in (200, 403)


@pytest.mark.parametrize("url", [
    f"/staffview/list/?page_StaffView={HUGE}", "/staffview/list/?page_StaffView=-1", "/staffview/list/?page_StaffView=x",
    f"/staffview/list/?psize_StaffView={HUGE}", "/staffview/list/?_oc_StaffView=nosuch",
    "/staffview/list/?_oc_StaffView=staff_no&_od_StaffView=sideways",
])
def test_bad_list_arguments_are_400_with_a_message_in_the_users_language(login_fn, app, url):
    zh = login_fn(app, "director_a").get(url)
    en = login_fn(app, "director_a", lang="en").get(url)
    assert zh.status_code == en.status_code == 400
    assert "<html" in zh.get_data(as_text=True).lower()
    assert "Not a valid page number." in en.get_data(as_text=True) or \
        "This list cannot be sorted by that column." in en.get_data(as_text=True)
    assert "Not a valid" not in zh.get_data(as_text=True) and "cannot be sorted" not in zh.get_data(as_text=True)


def test_the_list_still_sorts_and_pages_by_what_it_offers(client_as):
    c = client_as("director_a")
    assert c.get("/staffview/list/?_oc_StaffView=staff_no&_od_StaffView=desc&page_StaffView=0&psize_StaffView=25"
                 ).status_code == 200


@pytest.mark.parametrize("url", [f"/staffview/show/{HUGE}", f"/staffview/edit/{HUGE}", f"/campusview/show/{HUGE}",
                                 f"/departmentview/edit/-{HUGE}", f"/staffview/show/{WIDE}", f"/campusview/edit/{WIDE}"])
def test_an_id_past_64_bits_in_a_page_path_is_404(client_as, url):
    assert client_as("director_a").get(url).status_code == 404


def test_api_errors_are_json_with_a_message(app, director_api, api_as, monkeypatch):
    client, headers = director_api
    answers = {
        400: client.get("/api/v1/staff/?q=(((", headers=headers),
        401: client.get("/api/v1/staff/"),
        403: api_as("staff_a")[0].post("/api/v1/campus/", json={"name": "x", "code": "x"},
                                      headers=api_as("staff_a")[1]),
        404: client.get("/api/v1/no-such-thing", headers=headers),
        405: client.patch("/api/v1/staff/1", headers=headers),
        422: client.post("/api/v1/staff/", json={}, headers=headers),
    }
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "CampusApi.info", lambda **kw: 1 / 0)
    answers[500] = client.get("/api/v1/campus/_info", headers=headers)
    for code, resp in answers.items():
        assert resp.status_code == code and resp.is_json, (code, resp.status_code, resp.get_data(as_text=True)[:200])
        assert isinstance(resp.get_json()["message"], (str, dict)) and resp.get_json()["message"], code


def test_info_descriptions_are_not_the_catalogues_header(director_api):
    client, headers = director_api
    info = client.get("/api/v1/staff/_info", headers=headers).get_json()
    for column in info["add_columns"] + info["edit_columns"]:
        assert "Project-Id-Version" not in column["description"] and "Project-Id-Version" not in column["label"]
    labels = {c["name"]: c["label"] for c in info["add_columns"]}
    assert labels["name"] == "姓名"


def test_the_openapi_document_says_ids_are_integers_and_errors_carry_a_message(api_as):
    client, headers = api_as("admin_a")
    doc = client.get("/api/v1/_openapi", headers=headers).get_json()
    ok = doc["paths"]["/api/v1/staff/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["properties"]["ids"]["items"]["type"] == "integer"
    # GET /<int:pk> answers the record's id as a number, as FAB 5 sends it (the spec said "string")
    one = doc["paths"]["/api/v1/staff/{pk}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert one["properties"]["id"]["type"] == "integer"
    for code in ("400", "401", "403", "404", "405", "422", "500"):
        assert code in doc["paths"]["/api/v1/staff/{pk}"]["put"]["responses"], code
    error = doc["components"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert error["required"] == ["message"]
    assert "429" in doc["paths"]["/api/v1/security/login"]["post"]["responses"]


def test_a_page_that_fails_says_so_in_the_users_language(app, login_fn, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "StaffView.list", lambda **kw: 1 / 0)
    zh = login_fn(app, "director_a").get("/staffview/list/")
    en = login_fn(app, "director_a", lang="en").get("/staffview/list/")
    assert zh.status_code == en.status_code == 500
    assert "系统内部错误" in zh.get_data(as_text=True) and "Internal error." in en.get_data(as_text=True)

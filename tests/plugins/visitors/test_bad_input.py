"""The gate's API and desk forms get core's guards (app.guards): what the probe sent them answers
4xx with a message, never 500, and nothing odd is stored; a browser's cookie cannot sign a visit
out without the page's CSRF token."""
import json
import re

import pytest
from sqlalchemy import select

from tests.seed import CHEAP_PASSWORD_HASH, PASSWORD

HUGE = "99999999999999999999"


@pytest.fixture()
def gk_api(api_as):
    return api_as("gatekeeper_a")


def test_a_visit_id_past_64_bits_is_404(gk_api):
    client, headers = gk_api
    for method, path in (("GET", f"/api/v1/visit/{HUGE}"), ("POST", f"/api/v1/visit/{HUGE}/sign-out")):
        resp = client.open(path, method=method, json={}, headers=headers)
        assert resp.status_code == 404 and resp.get_json()["message"], path


@pytest.mark.parametrize("body", [[1], "x", 5, [{"badge": "1"}]])
def test_non_object_bodies_on_sign_out_and_sign_in_are_400(gk_api, gate, body):
    client, headers = gk_api
    visit_id = gate.visit()
    for path in (f"/api/v1/visit/{visit_id}/sign-out", "/api/v1/visit/sign-out", "/api/v1/visit/"):
        resp = client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)
        assert resp.status_code == 400 and resp.get_json()["message"], path


def test_a_huge_campus_or_purpose_and_a_lone_surrogate_in_a_sign_in_are_422(gk_api, gate, ctx, uid):
    from plugins.visitors.models import Visit

    client, headers = gk_api
    name = uid("坏")
    body = {k: v for k, v in gate.form(name=name).items() if v != ""}
    for field, raw in (("campus_id", HUGE), ("purpose_id", HUGE), ("name", '"\\ud800"'), ("note", '"\\u0000x"'),
                       ("party_size", HUGE)):
        data = json.dumps({**body, field: "__raw__"}).replace('"__raw__"', raw)
        resp = client.post("/api/v1/visit/", data=data, content_type="application/json", headers=headers)
        assert resp.status_code == 422 and field in resp.get_json()["message"], (field, resp.get_json())
    assert ctx.session.execute(select(Visit).where(Visit.visitor_name == name)).first() is None


@pytest.mark.parametrize("url", [f"/visitview/list/?page_VisitView={HUGE}", "/visitview/list/?_oc_VisitView=nosuch",
                                 f"/visitorview/list/?psize_VisitorView={HUGE}"])
def test_bad_list_arguments_on_the_gates_lists_are_400(client_as, url):
    resp = client_as("director_a").get(url)
    assert resp.status_code == 400 and ("页码无效" in resp.get_data(as_text=True)
                                        or "不能按该列排序" in resp.get_data(as_text=True))


def test_the_desk_refuses_huge_numbers_without_a_500(client_as, gate, campuses):
    from plugins.visitors.models import Visit

    c = client_as("gatekeeper_a")
    visit_id = gate.visit()
    resp = c.post(f"/gate/desk/sign-out/{visit_id}", data={"left_at": f"{HUGE}:00"}, follow_redirects=True)
    assert resp.status_code == 200 and "alert-danger" in resp.get_data(as_text=True)
    assert gate.get(Visit, visit_id).status == "on_site"
    assert c.post("/gate/desk/sign-out-badge", data={"campus_id": HUGE, "badge": "1"}).status_code == 400
    assert c.post(f"/gate/desk/sign-out/{HUGE}").status_code == 404
    assert c.get(f"/gate/desk/?campus_id={HUGE}").status_code == 200
    assert c.get(f"/gate/desk/?appointment={HUGE}").status_code == 200
    assert c.post("/gate/desk/patrol", data={"campus_id": HUGE}).status_code == 400
    assert c.post(f"/gate/desk/override/{HUGE}/admit").status_code == 404


@pytest.mark.parametrize("body", [[1], "x", 7])
def test_the_desk_lookup_refuses_a_non_object_body(client_as, body):
    resp = client_as("gatekeeper_a").post("/gate/desk/lookup", data=json.dumps(body), content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["message"]


def test_control_characters_typed_at_the_desk_are_stripped_never_stored(client_as, gate, ctx, uid):
    from plugins.visitors.models import Visit

    name = uid("门")
    c = client_as("gatekeeper_a")
    resp = c.post("/gate/desk/sign-in", data=gate.form(name=name[:2] + "\x00" + name[2:] + "\x1b", note="备\x07注"))
    assert resp.status_code == 302, re.findall(r'help-block[^>]*>([^<]+)', resp.get_data(as_text=True))
    visit = ctx.session.execute(select(Visit).where(Visit.visitor_name == name)).scalar_one()
    assert visit.note == "备注"


def test_a_cookie_cannot_sign_a_visit_out_without_the_pages_csrf_token(app, gate):
    """The probe's case: POST /api/v1/visit/<id>/sign-out with only the session cookie."""
    from app import create_app
    from plugins.visitors.models import Visit

    prod = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       "SECRET_KEY": "gate-csrf-secret-0123456789abcdef0123456789", "TESTING": True,
                       "RATELIMIT_ENABLED": False, "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH})
    client = prod.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login/").get_data(as_text=True))
    assert client.post("/login/", data={"username": "gatekeeper_a", "password": PASSWORD,
                                        "csrf_token": token.group(1)}).status_code == 302
    visit_id = gate.visit()
    refused = client.post(f"/api/v1/visit/{visit_id}/sign-out", json={})
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["message"]
    assert gate.get(Visit, visit_id).status == "on_site"
    page = client.get("/gate/desk/").get_data(as_text=True)
    csrf = re.search(r'data-csrf="([^"]+)"', page).group(1)
    done = client.post(f"/api/v1/visit/{visit_id}/sign-out", json={}, headers={"X-CSRFToken": csrf})
    assert done.status_code == 200 and gate.get(Visit, visit_id).status == "left"


def test_numbers_past_32_bits_answer_4xx_on_postgresql_too(gk_api, client_as, gate):
    """PostgreSQL's INTEGER overflows past 2**31 (SQLite only past 2**63): the same answers on both."""
    wide = "3000000000"
    client, headers = gk_api
    for method, path in (("GET", f"/api/v1/visit/{wide}"), ("POST", f"/api/v1/visit/{wide}/sign-out")):
        assert client.open(path, method=method, json={}, headers=headers).status_code == 404
    resp = client.get(f"/api/v1/visit/?q=(filters:!((col:host_id,opr:eq,value:{wide})))", headers=headers)
    assert resp.status_code == 400
    body = {k: v for k, v in gate.form().items() if v != ""}
    for field in ("campus_id", "purpose_id", "host_id"):
        data = json.dumps({**body, field: "__raw__"}).replace('"__raw__"', wide)
        resp = client.post("/api/v1/visit/", data=data, content_type="application/json", headers=headers)
        assert resp.status_code == 422 and field in resp.get_json()["message"], field
    c = client_as("gatekeeper_a")
    assert c.get(f"/gate/desk/?appointment={wide}").status_code == 200
    assert c.post("/gate/desk/sign-out-badge", data={"campus_id": wide, "badge": "1"}).status_code == 400
    assert c.post("/gate/desk/lookup", json={"campus_id": int(wide)}).status_code == 422
    assert c.get(f"/gate/desk/override/{wide}/status").status_code == 404

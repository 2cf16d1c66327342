"""Sessions end when they should: a cookie replayed after logout is refused, a logout ends only
that browser's session, a new password or a deactivation ends every session and every JWT of the
user; a user who must change their password gets nothing from the API; a cookie-authenticated API
change needs the CSRF token. And the check costs no statement of its own."""
import re
import time

import pytest
from sqlalchemy import select

from tests.seed import CHEAP_PASSWORD_HASH, PASSWORD

NEW_PASSWORD = "Other-Pass-2026!!"


@pytest.fixture(scope="module")
def csrf_app(app):
    """As production (CSRF on), on the session's database."""
    from app import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "csrf-secret-0123456789abcdef0123456789", "TESTING": True,
        "RATELIMIT_ENABLED": False, "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
        "HOUQIN_SETTINGS_CACHE_SECONDS": 3600,
    })


@pytest.fixture()
def new_user(app, uid):
    """new_user(role="Auditor", must_change=False) -> username of a fresh login (password PASSWORD);
    Auditor: reads the core API."""
    def make(role="Auditor", must_change=False):
        from app.audit import acting_as
        from app.extensions import db

        name = uid("sess").lower()
        with app.app_context(), acting_as(None, "tests", "cli"):
            sm = app.appbuilder.sm
            user = sm.add_user(name, "Sess", "Ion", f"{name}@test.houqin", sm.find_role(role), password=PASSWORD)
            user.must_change_password = must_change
            db.session.commit()
        return name
    return make


def _token(app, username, password=PASSWORD):
    resp = app.test_client().post("/api/v1/security/login",
                                  json={"username": username, "password": password, "provider": "db"})
    return resp


def _bearer(app, username):
    resp = _token(app, username)
    assert resp.status_code == 200, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['access_token']}"}


def _csrf(client, url="/users/userinfo/"):
    page = client.get("/resetmypassword/form").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _signed_in(client) -> bool:
    resp = client.get("/users/userinfo/")
    return resp.status_code == 200


def test_a_session_cookie_replayed_after_logout_is_refused(app, login_fn, new_user):
    name = new_user()
    client = login_fn(app, name)
    assert _signed_in(client)
    stolen = client.get_cookie("session").value
    client.get("/logout/")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    resp = replay.get("/users/userinfo/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert replay.get("/api/v1/department/").status_code == 401


def test_logging_out_on_the_phone_leaves_the_gate_pc_signed_in(app, login_fn, new_user):
    name = new_user("Gatekeeper")
    gate_pc, phone = login_fn(app, name), login_fn(app, name)
    phone.get("/logout/")
    assert not _signed_in(phone)
    assert _signed_in(gate_pc)


def test_a_new_password_of_ones_own_ends_the_other_sessions_and_every_token(app, login_fn, new_user):
    name = new_user()
    here, elsewhere = login_fn(app, name), login_fn(app, name)
    headers = _bearer(app, name)
    assert app.test_client().get("/api/v1/department/", headers=headers).status_code == 200
    resp = here.post("/resetmypassword/form", data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert resp.status_code == 302
    assert _signed_in(here), "the session the password was changed in stays"
    assert not _signed_in(elsewhere)
    resp = app.test_client().get("/api/v1/department/", headers=headers)
    assert resp.status_code == 401 and resp.get_json()["message"]
    assert _token(app, name, NEW_PASSWORD).status_code == 200


def test_an_admins_password_reset_ends_every_session_and_token_of_the_user(app, login_fn, client_as, new_user, ctx):
    from app.models import HouqinUser

    name = new_user()
    session, headers = login_fn(app, name), _bearer(app, name)
    pk = ctx.session.execute(select(HouqinUser.id).where(HouqinUser.username == name)).scalar_one()
    admin = client_as("admin_a")
    resp = admin.post(f"/resetpassword/form?pk={pk}", data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert resp.status_code == 302
    assert not _signed_in(session)
    assert app.test_client().get("/api/v1/department/", headers=headers).status_code == 401
    assert _signed_in(admin)


def test_deactivation_ends_every_session_and_token(app, login_fn, new_user, ctx):
    from app.audit import acting_as
    from app.models import HouqinUser

    name = new_user()
    session, headers = login_fn(app, name), _bearer(app, name)
    refresh = _token(app, name)
    with acting_as(None, "tests", "cli"):
        user = ctx.session.execute(select(HouqinUser).where(HouqinUser.username == name)).scalar_one()
        user.active = False
        ctx.session.commit()
    assert not _signed_in(session)
    assert app.test_client().get("/api/v1/department/", headers=headers).status_code == 401
    assert refresh.status_code == 200
    with acting_as(None, "tests", "cli"):
        user.active = True  # back on: the old tokens stay refused (the stamp changed)
        ctx.session.commit()
    assert app.test_client().get("/api/v1/department/", headers=headers).status_code == 401


def test_a_refresh_token_from_before_a_new_password_is_refused(app, new_user, ctx):
    from app.audit import acting_as
    from app.models import HouqinUser

    name = new_user()
    resp = app.test_client().post("/api/v1/security/login", json={
        "username": name, "password": PASSWORD, "provider": "db", "refresh": True})
    refresh = {"Authorization": f"Bearer {resp.get_json()['refresh_token']}"}
    fresh = app.test_client().post("/api/v1/security/refresh", headers=refresh)
    assert fresh.status_code == 200
    new_access = {"Authorization": f"Bearer {fresh.get_json()['access_token']}"}
    assert app.test_client().get("/api/v1/department/", headers=new_access).status_code == 200
    with app.app_context(), acting_as(None, "tests", "cli"):
        from app.extensions import db

        user = db.session.execute(select(HouqinUser).where(HouqinUser.username == name)).scalar_one()
        app.appbuilder.sm.reset_password(user.id, NEW_PASSWORD)
    assert app.test_client().post("/api/v1/security/refresh", headers=refresh).status_code == 401
    assert app.test_client().get("/api/v1/department/", headers=new_access).status_code == 401


def test_the_session_and_user_check_is_one_statement_of_a_page(app, client_as, count_statements):
    """user + roles + groups + campuses + this browser's session row: one SELECT; permissions: one."""
    c = client_as("auditor_a")
    c.get("/staffview/list/")
    with count_statements() as counter:
        assert c.get("/staffview/list/").status_code == 200
    user_loads = [s for s in counter.statements if "FROM ab_user" in s]
    assert len(user_loads) == 1
    assert "houqin_user_session" in user_loads[0] and "ab_role" in user_loads[0]
    assert not any("houqin_user_session" in s for s in counter.statements if s is not user_loads[0])
    assert not any(s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")) for s in counter.statements)


def test_a_jwt_request_loads_its_user_once(app, api_as, count_statements):
    client, headers = api_as("auditor_a")
    with count_statements() as counter:
        assert client.get("/api/v1/department/", headers=headers).status_code == 200
    assert len([s for s in counter.statements if "FROM ab_user" in s]) == 1


def test_the_session_row_is_touched_at_most_every_few_minutes(app, client_as, count_statements, ctx):
    from app.models import UserSession
    from app.models.base import utcnow
    from datetime import timedelta

    c = client_as("staff_a")
    with c.session_transaction() as sess:
        sid = sess["_hq_sid"]
    row = ctx.session.get(UserSession, sid)
    row.last_seen = utcnow() - timedelta(minutes=10)
    ctx.session.commit()
    with count_statements() as counter:
        c.get("/users/userinfo/")
    assert len([s for s in counter.statements if s.lstrip().upper().startswith("UPDATE")]) == 1
    ctx.session.expire_all()
    assert utcnow() - ctx.session.get(UserSession, sid).last_seen < timedelta(minutes=1)
    with count_statements() as counter:
        c.get("/users/userinfo/")
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in counter.statements)


def test_a_user_who_must_change_their_password_gets_no_token(app, new_user):
    name = new_user(must_change=True)
    resp = _token(app, name)
    assert resp.status_code == 403
    assert "新密码" in resp.get_json()["message"] or "password" in resp.get_json()["message"]
    english = app.test_client().post("/api/v1/security/login?_l_=en", json={
        "username": name, "password": PASSWORD, "provider": "db"})
    assert english.status_code == 403 and "new password" in english.get_json()["message"]
    assert _token(app, name, "wrong-password").status_code == 401  # says nothing without the password


def test_a_user_who_must_change_their_password_cannot_use_the_api_with_the_cookie(app, login_fn, new_user):
    name = new_user(must_change=True)
    client = login_fn(app, name)
    resp = client.get("/api/v1/department/")
    assert resp.status_code == 403 and resp.get_json()["message"]
    client.post("/resetmypassword/form", data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert client.get("/api/v1/department/").status_code == 200


def test_a_cookie_authenticated_api_change_needs_the_csrf_token(csrf_app, campuses, uid, ctx):
    from app.models import Department

    client = csrf_app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login/", data={"username": "director_a", "password": PASSWORD,
                                        "csrf_token": token}).status_code == 302
    name = uid("CSRF")
    body = {"name": name, "campus": campuses["TA"]}
    refused = client.post("/api/v1/department/", json=body)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["message"]
    assert client.put("/api/v1/department/1", json=body).status_code == 400
    assert client.delete("/api/v1/department/999999").status_code == 400
    assert ctx.session.execute(select(Department).where(Department.name == name)).first() is None
    assert client.get("/api/v1/department/").status_code == 200  # reading needs no token
    # A page's script sends the token of the page (base.html's meta tag) in a header.
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    assert client.post("/api/v1/department/", json=body, headers={"X-CSRFToken": token}).status_code == 201
    # A JWT is no cookie: a cross-site page cannot send it, and no token is needed.
    jwt = csrf_app.test_client().post("/api/v1/security/login", json={
        "username": "director_a", "password": PASSWORD, "provider": "db"}).get_json()["access_token"]
    resp = csrf_app.test_client().post("/api/v1/department/", json={**body, "name": uid("JWT")},
                                       headers={"Authorization": f"Bearer {jwt}"})
    assert resp.status_code == 201


def test_an_invalid_or_foreign_bearer_token_is_401_even_with_a_cookie(app, client_as):
    c = client_as("director_a")
    for header in ("Bearer not-a-token", "Bearer a.b.c", "Basic dXNlcjpwYXNz", "Bearer "):
        resp = c.get("/api/v1/department/", headers={"Authorization": header})
        assert resp.status_code == 401 and resp.get_json()["message"], header


def test_an_old_session_activity_time_does_not_end_a_new_login(app, login_fn, new_user):
    """The idle sign-out starts counting at login, not at the last request of an earlier session."""
    name = new_user()
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_last_seen"] = time.time() - 3 * 3600
        sess["locale"] = "zh"
    assert client.post("/login/", data={"username": name, "password": PASSWORD}).status_code == 302
    assert _signed_in(client)


def test_a_response_sends_the_session_cookie_only_when_it_changed(app, login_fn, new_user):
    """A static file or a page answered while the user switched language must not send back the
    cookie it started with (it switched the language back): the cookie goes out only when the
    session changes, and the activity time is rewritten at most every 30 s."""
    name = new_user("Staff")
    client = login_fn(app, name)
    client.get("/")
    assert "Set-Cookie" not in client.get("/static/houqin/houqin.css").headers
    assert "Set-Cookie" not in client.get("/").headers
    switched = client.get("/lang/en")
    assert "Set-Cookie" in switched.headers
    assert "Set-Cookie" not in client.get("/static/houqin/houqin.css").headers

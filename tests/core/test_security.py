"""Security of the shell, on an app with CSRF and login throttling switched on
(as in production), sharing the session's database."""
import re
import time

import pytest
from sqlalchemy import func, select

PASSWORD = "Test-Pass-2026!!"


@pytest.fixture(scope="module")
def prod_app(app, tmp_instance):
    from app import create_app

    # Everything as in production but the database, which is the test session's.
    return create_app({
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "prod-like-secret-0123456789abcdef0123456789",
        "TESTING": True,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "AUTH_RATE_LIMIT": "5 per minute",
    })


def _csrf(client, url):
    page = client.get(url).get_data(as_text=True)
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    return m.group(1)


def _login(client, username, password=PASSWORD):
    token = _csrf(client, "/login/")
    return client.post("/login/", data={"username": username, "password": password, "csrf_token": token})


def test_forms_without_the_csrf_token_are_refused(prod_app, campuses):
    c = prod_app.test_client()
    assert _login(c, "director_a").status_code == 302
    resp = c.post("/staffview/add", data={"name": "无令牌", "staff_no": "CSRF-1", "employment_type": "contract",
                                          "campus": str(campuses["TA"])})
    assert resp.status_code == 400
    with prod_app.app_context():
        from app.extensions import db
        from app.models import Staff

        assert db.session.execute(select(Staff).where(Staff.staff_no == "CSRF-1")).first() is None


def test_the_jwt_login_works_with_csrf_on(prod_app):
    resp = prod_app.test_client().post("/api/v1/security/login",
                                       json={"username": "auditor_a", "password": PASSWORD, "provider": "db"})
    assert resp.status_code == 200 and "access_token" in resp.get_json()


def test_a_delete_by_get_is_refused_when_csrf_is_on(prod_app):
    c = prod_app.test_client()
    _login(c, "admin_a")
    with prod_app.app_context():
        from app.extensions import db
        from app.security import catalogue

        role = prod_app.appbuilder.sm.add_role("Throwaway-" + str(time.time_ns()))
        rid = role.id
        db.session.commit()
        c.get(f"/roles/delete/{rid}")
        assert prod_app.appbuilder.sm.find_role(role.name) is not None
        assert "Admin" in catalogue()


def test_wrong_login_says_the_same_for_unknown_users_and_wrong_passwords(prod_app):
    c1, c2 = prod_app.test_client(), prod_app.test_client()
    a = _login(c1, "nobody_here", "whatever")
    b = _login(c2, "auditor_a", "wrong-password")
    msg_a = c1.get("/login/").get_data(as_text=True)
    msg_b = c2.get("/login/").get_data(as_text=True)
    assert a.status_code == b.status_code == 302
    for page in (msg_a, msg_b):
        assert "登录失败" in page or "无效" in page or "Invalid login" in page
    strip = lambda p: re.sub(r'(value|nonce|content)="[^"]*"', "", p)  # noqa: E731
    assert strip(msg_a) == strip(msg_b)


def test_form_login_is_throttled_per_username_and_address(prod_app):
    c = prod_app.test_client()
    codes = [_login(c, "gatekeeper_b", "bad-password").status_code for _ in range(6)]
    assert codes[:5] == [302] * 5 and codes[5] == 429
    # another person behind the same school NAT is not locked out
    assert _login(prod_app.test_client(), "gatekeeper_a").status_code == 302


def test_jwt_login_is_throttled_too(prod_app):
    c = prod_app.test_client()
    codes = [c.post("/api/v1/security/login", json={"username": "mealcommittee_a", "password": "x",
                                                    "provider": "db"}).status_code for _ in range(6)]
    assert codes[-1] == 429 and 429 not in codes[:5]


def test_weak_passwords_are_refused(prod_app):
    from flask_appbuilder.validators import PasswordComplexityValidator
    from wtforms.validators import ValidationError

    with prod_app.test_request_context():
        for weak in ("password", "Short1!", "alllowercase123!"):
            field = type("F", (), {"data": weak})()
            with pytest.raises(ValidationError):
                PasswordComplexityValidator()(None, field)


def test_an_account_an_admin_created_must_change_its_password_first(prod_app):
    admin = prod_app.test_client()
    _login(admin, "admin_a")
    with prod_app.app_context():
        role_id = prod_app.appbuilder.sm.find_role("Staff").id
    name = f"newbie{time.time_ns() % 10**8}"
    token = _csrf(admin, "/users/add")
    resp = admin.post("/users/add", data={
        "first_name": "New", "last_name": "Bie", "username": name, "active": "y", "email": f"{name}@t.cn",
        "roles": str(role_id), "password": "Start-Pass-2026!!", "conf_password": "Start-Pass-2026!!",
        "csrf_token": token})
    assert resp.status_code == 302
    user = prod_app.test_client()
    assert _login(user, name, "Start-Pass-2026!!").status_code == 302
    first = user.get("/staffview/list/")
    assert first.status_code == 302 and "resetmypassword" in first.headers["Location"]
    token = _csrf(user, "/resetmypassword/form")
    user.post("/resetmypassword/form", data={"password": "Own-Choice-2026!!", "conf_password": "Own-Choice-2026!!",
                                             "csrf_token": token})
    assert user.get("/staffview/list/").status_code == 200


def test_idle_sessions_expire(prod_app):
    c = prod_app.test_client()
    _login(c, "staff_a")
    assert c.get("/").status_code == 200
    with c.session_transaction() as sess:
        sess["_last_seen"] = time.time() - 31 * 60
    resp = c.get("/staffview/list/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_session_cookie_is_httponly_and_samesite(prod_app):
    c = prod_app.test_client()
    resp = _login(c, "staff_a")
    cookie = next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _table_counts(db):
    from app.extensions import db as _db

    counts = {}
    for table in _db.Model.metadata.sorted_tables:
        counts[table.name] = db.session.execute(select(func.count()).select_from(table)).scalar()
    return counts


def test_get_requests_never_change_data(prod_app, app):
    """Every GET route, asked by an admin with real record ids, leaves every table as it was."""
    from app.extensions import db

    c = prod_app.test_client()
    _login(c, "admin_a")
    with prod_app.app_context():
        ids = {}
        for view in prod_app.appbuilder.baseviews:
            model = getattr(getattr(view, "datamodel", None), "obj", None)
            if model is not None and hasattr(model, "id"):
                ids[type(view).__name__] = db.session.execute(select(func.min(model.id))).scalar() or 1
        before = _table_counts(db)
        urls = []
        for rule in prod_app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.endswith("static") or "logout" in rule.rule:
                continue
            view_name = rule.endpoint.split(".")[0]
            values = {a: ("en" if a == "locale" else str(ids.get(view_name, 1))) for a in rule.arguments}
            urls.append(rule.build(values, append_unknown=False)[1])
        for url in urls:
            c.get(url)
        db.session.expire_all()
        after = _table_counts(db)
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert changed == {}


def test_production_keeps_the_strong_password_hash(prod_app):
    """The suite's cheap hash is the tests' own (tests/seed.py); a real install hashes with scrypt."""
    from werkzeug.security import check_password_hash

    assert "FAB_PASSWORD_HASH_METHOD" not in prod_app.config or \
        prod_app.config["FAB_PASSWORD_HASH_METHOD"].startswith("scrypt")
    with prod_app.app_context():
        sm = prod_app.appbuilder.sm
        user = sm.add_user("hash_check_" + str(time.time_ns()), "H", "C", f"hc{time.time_ns()}@t",
                           sm.find_role("Staff"), password="Strong-Pass-2026!!")
        assert user.password.startswith("scrypt:") and check_password_hash(user.password, "Strong-Pass-2026!!")
        from app.extensions import db

        db.session.delete(user)
        db.session.commit()

"""Who may change users and roles, and what they may not: Flask-AppBuilder's security REST API is
off (every write route of it answers 404 and changes nothing), catalogue roles change only through
the catalogue sync whatever the path, copied roles stay editable, and the last active Admin stays."""
import pytest
from sqlalchemy import select

from tests.seed import PASSWORD

SECURITY_APIS = ("permission_api", "role_api", "user_api", "view_menu_api", "permission_view_menu_api", "group_api")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def security_write_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every write route Flask-AppBuilder's security API would have, read from
    its classes (so a FAB upgrade that adds one is tried too), with real ids: Admin's role, admin_a."""
    from app.extensions import db
    from app.models import HouqinUser

    sm = app.appbuilder.sm
    with app.app_context():
        role_id = sm.find_role("Admin").id
        user_id = db.session.execute(select(HouqinUser.id).where(HouqinUser.username == "admin_a")).scalar_one()
    ids = {"security/roles": role_id, "security/users": user_id}
    out = []
    for name in SECURITY_APIS:
        cls = getattr(type(sm), name)
        for attr in dir(cls):
            for url, methods in getattr(getattr(cls, attr, None), "_urls", None) or []:
                pk = str(ids.get(cls.resource_name, 1))
                path = f"/api/{cls.version}/{cls.resource_name}{url}"
                for arg in ("<int:pk>", "<pk>", "<int:role_id>"):
                    path = path.replace(arg, pk)
                out += [(m, path) for m in methods if m in WRITE_METHODS]
    return sorted(set(out))


def _admin_permissions(ctx):
    from flask_appbuilder.security.sqla.models import Role

    ctx.session.rollback()
    return len(ctx.session.execute(select(Role).where(Role.name == "Admin")).scalar_one().permissions)


def test_every_write_route_of_the_security_api_is_gone(app, api_as, client_as, ctx):
    routes = security_write_routes(app)
    with app.app_context():
        admin_role = app.appbuilder.sm.find_role("Admin").id
    assert len(routes) >= 15 and ("POST", f"/api/v1/security/roles/{admin_role}/permissions") in routes
    before = _admin_permissions(ctx)
    client, headers = api_as("admin_a")
    web = client_as("admin_a")
    bodies = ({"permission_view_menu_ids": []}, {"name": "Admin"}, {}, None)
    for method, path in routes:
        for body in bodies:
            for answer in (client.open(path, method=method, json=body, headers=headers),
                           web.open(path, method=method, json=body)):
                assert answer.status_code == 404, (method, path, answer.status_code)
                assert answer.is_json and answer.get_json()["message"]
    assert _admin_permissions(ctx) == before
    assert client.get("/api/v1/security/roles/", headers=headers).status_code == 404
    # the JWT login and refresh stay
    assert client.post("/api/v1/security/login", json={"username": "admin_a", "password": PASSWORD,
                                                       "provider": "db"}).status_code == 200


def test_a_catalogue_role_cannot_change_by_any_path_but_the_sync(app, ctx):
    """Not the screens (tests/core/test_roles_ui.py), not the API (gone), not code: the flush refuses."""
    from flask_appbuilder.security.sqla.models import Role

    from app.security_rules import SecurityRuleError, catalogue_sync

    with app.app_context():
        from app.extensions import db

        admin = db.session.execute(select(Role).where(Role.name == "Admin")).scalar_one()
        count = len(admin.permissions)
        admin.permissions = []
        with pytest.raises(SecurityRuleError):
            db.session.commit()
        db.session.rollback()
        gate = db.session.execute(select(Role).where(Role.name == "Gatekeeper")).scalar_one()
        gate.name = "Gate"
        with pytest.raises(SecurityRuleError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.execute(select(Role).where(Role.name == "Staff")).scalar_one())
        with pytest.raises(SecurityRuleError):
            db.session.flush()
        db.session.rollback()
        with catalogue_sync():
            assert app.appbuilder.sm.sync_roles()["Admin"] == count
    assert _admin_permissions(ctx) == count


def test_a_copied_role_keeps_its_permissions_editable_on_the_screen(app, client_as, ctx, uid):
    from flask_appbuilder.security.sqla.models import Role

    from app.audit import acting_as

    source = ctx.session.execute(select(Role).where(Role.name == "Auditor")).scalar_one()
    with acting_as(None, "tests", "cli"):
        copy = Role(name=uid("Auditor variant "), permissions=list(source.permissions))
        ctx.session.add(copy)
        ctx.session.commit()
    keep = sorted(p.id for p in copy.permissions)[:2]
    c = client_as("admin_a")
    resp = c.post(f"/roles/edit/{copy.id}", data={"name": copy.name, "permissions": [str(k) for k in keep]})
    assert resp.status_code == 302
    ctx.session.rollback()
    assert sorted(p.id for p in ctx.session.get(Role, copy.id).permissions) == keep


@pytest.fixture()
def lone_admin(app, ctx):
    """admin_a as the only active administrator for the test (others set aside, then restored)."""
    from app.audit import acting_as
    from app.models import HouqinUser
    from app.security_rules import active_admin_ids

    with app.app_context():
        from app.extensions import db

        others = active_admin_ids(db.session)
    me = ctx.session.execute(select(HouqinUser).where(HouqinUser.username == "admin_a")).scalar_one()
    others.discard(me.id)
    with acting_as(None, "tests", "cli"):
        for user in ctx.session.execute(select(HouqinUser).where(HouqinUser.id.in_(others))).scalars():
            user.active = False
        ctx.session.commit()
    yield me
    with acting_as(None, "tests", "cli"):
        ctx.session.rollback()
        for user in ctx.session.execute(select(HouqinUser).where(HouqinUser.id.in_(others))).scalars():
            user.active = True
        ctx.session.commit()


def _edit_form(user, **over):
    data = {"first_name": user.first_name, "last_name": user.last_name, "username": user.username,
            "email": user.email, "active": "y", "roles": [str(r.id) for r in user.roles]}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("lang,words", [("zh", "最后一位"), ("en", "last active administrator")])
def test_the_last_admin_cannot_be_deactivated_stripped_or_deleted_on_the_screen(app, login_fn, lone_admin, ctx,
                                                                               lang, words):
    from flask_appbuilder.security.sqla.models import Role

    from app.models import HouqinUser

    c = login_fn(app, "admin_a", lang=lang)
    staff_role = ctx.session.execute(select(Role).where(Role.name == "Staff")).scalar_one()
    attempts = [
        ("post", f"/users/edit/{lone_admin.id}", _edit_form(lone_admin, active=None)),
        ("post", f"/users/edit/{lone_admin.id}", _edit_form(lone_admin, roles=[str(staff_role.id)])),
        ("post", f"/users/delete/{lone_admin.id}", {}),
    ]
    for method, url, data in attempts:
        resp = getattr(c, method)(url, data=data, follow_redirects=True)
        assert words in resp.get_data(as_text=True), url
        ctx.session.rollback()
        user = ctx.session.get(HouqinUser, lone_admin.id)
        assert user is not None and user.active and "Admin" in {r.name for r in user.roles}


def test_the_last_admin_stays_whatever_the_path(app, lone_admin):
    from app.models import HouqinUser
    from app.security_rules import SecurityRuleError

    with app.app_context():
        from app.extensions import db

        user = db.session.get(HouqinUser, lone_admin.id)
        user.active = False
        with pytest.raises(SecurityRuleError):
            db.session.commit()
        db.session.rollback()
        user = db.session.get(HouqinUser, lone_admin.id)
        user.roles = [r for r in user.roles if r.name != "Admin"]
        with pytest.raises(SecurityRuleError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(HouqinUser, lone_admin.id))
        with pytest.raises(SecurityRuleError):
            db.session.commit()
        db.session.rollback()


def test_with_a_second_admin_the_first_may_step_down(app, client_as, lone_admin, ctx, uid):
    from app.audit import acting_as
    from app.models import HouqinUser

    with app.app_context(), acting_as(None, "tests", "cli"):
        from app.extensions import db

        sm = app.appbuilder.sm
        name = uid("admin").lower()
        second = sm.add_user(name, "Second", "Admin", f"{name}@test.houqin", sm.find_role("Admin"), password=PASSWORD)
        second_id = second.id
        db.session.commit()
    c = client_as(name)
    resp = c.post(f"/users/edit/{lone_admin.id}", data=_edit_form(lone_admin, active=None), follow_redirects=True)
    assert resp.status_code == 200
    ctx.session.rollback()
    assert ctx.session.get(HouqinUser, lone_admin.id).active is False
    with acting_as(None, "tests", "cli"):
        ctx.session.get(HouqinUser, lone_admin.id).active = True
        ctx.session.get(HouqinUser, second_id).active = False
        ctx.session.commit()

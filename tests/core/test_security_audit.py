"""Security changes are in the audit log like any record: users created, edited, deactivated and
deleted, their roles and campuses, password resets (that it happened, never the password), roles
copied, changed and deleted, groups; readable on the audit log screen."""
import re

from sqlalchemy import select

from app.models import AuditLog
from tests.seed import PASSWORD

NEW_PASSWORD = "Reset-Pass-2026!!"


def _entries(ctx, table, record_id=None):
    ctx.session.rollback()
    q = select(AuditLog).where(AuditLog.table_name == table)
    if record_id is not None:
        q = q.where(AuditLog.record_id == str(record_id))
    return ctx.session.execute(q.order_by(AuditLog.id)).scalars().all()


def _merged(entries) -> dict:
    """One screen's save may flush more than once (FAB loads the chosen roles mid-way): the
    changes of those entries together."""
    out = {}
    for entry in entries:
        for key, change in entry.changes.items():
            out[key] = [out[key][0], change[1]] if key in out and isinstance(change, list) else change
    return out


def _role_id(ctx, name):
    from flask_appbuilder.security.sqla.models import Role

    return ctx.session.execute(select(Role.id).where(Role.name == name)).scalar_one()


def _user(ctx, username):
    from app.models import HouqinUser

    ctx.session.rollback()
    return ctx.session.execute(select(HouqinUser).where(HouqinUser.username == username)).scalar_one()


def _add_user_on_the_screen(client, ctx, name, role="Staff", campuses=()):
    resp = client.post("/users/add", data={
        "first_name": "审计", "last_name": "用户", "username": name, "active": "y", "email": f"{name}@test.houqin",
        "roles": [str(_role_id(ctx, role))], "campuses": [str(c) for c in campuses],
        "password": PASSWORD, "conf_password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    return _user(ctx, name)


def test_a_user_created_on_the_screen_is_logged_with_roles_and_campuses_never_the_password(
        app, client_as, ctx, campuses, uid):
    admin = client_as("admin_a")
    name = uid("aud").lower()
    user = _add_user_on_the_screen(admin, ctx, name, campuses=[campuses["TA"]])
    created = [e for e in _entries(ctx, "ab_user", user.id) if e.action == "create"]
    assert len(created) == 1 and created[0].actor == "admin_a" and created[0].source == "web"
    changes = created[0].changes
    assert changes["username"] == [None, name]
    assert changes["roles"] == [None, ["Staff"]]
    assert changes["campuses"] == [None, ["测试A园"]]
    assert changes["password"] == [None, "(hidden)"]
    assert user.password not in str(changes) and "login_count" not in changes


def test_roles_campuses_and_deactivation_on_the_screen_are_logged_old_and_new(app, client_as, ctx, campuses, uid):
    admin = client_as("admin_a")
    user = _add_user_on_the_screen(admin, ctx, uid("aud").lower(), campuses=[campuses["TA"]])
    form = {"first_name": user.first_name, "last_name": user.last_name, "username": user.username,
            "email": user.email, "active": "y", "roles": [str(_role_id(ctx, "Staff")), str(_role_id(ctx, "Gatekeeper"))],
            "campuses": [str(campuses["TA"]), str(campuses["TB"])]}
    before = len(_entries(ctx, "ab_user", user.id))
    assert admin.post(f"/users/edit/{user.id}", data=form).status_code == 302
    edits = _entries(ctx, "ab_user", user.id)[before:]
    assert {e.action for e in edits} == {"update"} and {e.actor for e in edits} == {"admin_a"}
    assert _merged(edits) == {"roles": [["Staff"], ["Gatekeeper", "Staff"]],
                              "campuses": [["测试A园"], ["测试A园", "测试B园"]]}
    form.pop("active")
    assert admin.post(f"/users/edit/{user.id}", data=form).status_code == 302
    assert _entries(ctx, "ab_user", user.id)[-1].changes == {"active": [True, False]}


def test_a_password_reset_and_ones_own_change_are_logged_without_the_password(app, client_as, login_fn, ctx, uid):
    admin = client_as("admin_a")
    user = _add_user_on_the_screen(admin, ctx, uid("aud").lower())
    own = login_fn(app, user.username)  # the account was made with a password to change
    own.post("/resetmypassword/form", data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    before = len(_entries(ctx, "ab_user", user.id))
    resp = admin.post(f"/resetpassword/form?pk={user.id}", data={"password": PASSWORD, "conf_password": PASSWORD})
    assert resp.status_code == 302
    reset = _entries(ctx, "ab_user", user.id)[before:]
    assert {e.actor for e in reset} == {"admin_a"}
    assert _merged(reset) == {"password": ["(hidden)", "(hidden)"], "must_change_password": [False, True]}
    own = login_fn(app, user.username)
    before = len(_entries(ctx, "ab_user", user.id))
    own.post("/resetmypassword/form", data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    change = _entries(ctx, "ab_user", user.id)[before:]
    assert {e.actor for e in change} == {user.username}
    assert _merged(change) == {"password": ["(hidden)", "(hidden)"], "must_change_password": [True, False]}
    hashes = _user(ctx, user.username).password
    assert all(hashes not in str(e.changes) for e in _entries(ctx, "ab_user", user.id))


def test_deleting_a_user_is_logged(app, client_as, ctx, uid):
    admin = client_as("admin_a")
    user = _add_user_on_the_screen(admin, ctx, uid("aud").lower())
    pk, name = user.id, user.username
    assert admin.post(f"/users/delete/{pk}").status_code == 302
    deleted = _entries(ctx, "ab_user", pk)[-1]
    assert deleted.action == "delete" and deleted.changes["username"] == [name, None]
    assert deleted.changes["roles"] == [["Staff"], None]


def test_a_copied_role_its_permission_changes_and_its_deletion_are_logged(app, client_as, ctx):
    from flask_appbuilder.security.sqla.models import Role

    admin = client_as("admin_a")
    source = ctx.session.get(Role, _role_id(ctx, "Appraiser"))
    admin.post("/roles/action_post", data={"action": "copyrole", "rowid": [str(source.id)]})
    ctx.session.rollback()
    copy = ctx.session.execute(select(Role).where(Role.name.like("Appraiser copy%")).order_by(Role.id.desc())).scalars().first()
    created = _entries(ctx, "ab_role", copy.id)
    assert created[0].action == "create" and created[0].changes["name"] == [None, copy.name]
    assert sorted(created[0].changes["permissions"]["added"]) == sorted(str(p) for p in source.permissions)
    keep = [str(p.id) for p in copy.permissions[:1]]
    dropped = sorted(str(p) for p in copy.permissions[1:])
    assert admin.post(f"/roles/edit/{copy.id}", data={"name": copy.name, "permissions": keep}).status_code == 302
    changed = _entries(ctx, "ab_role", copy.id)[-1]
    assert changed.action == "update" and changed.changes == {"permissions": {"added": [], "removed": dropped}}
    assert admin.post(f"/roles/delete/{copy.id}").status_code == 302
    assert _entries(ctx, "ab_role", copy.id)[-1].action == "delete"


def test_the_catalogue_sync_logs_what_it_changed(app, ctx):
    from flask_appbuilder.security.sqla.models import Role

    from app.audit import acting_as
    from app.security_rules import catalogue_sync

    with app.app_context(), acting_as(None, "cli", "cli"), catalogue_sync():
        from app.extensions import db

        role = db.session.execute(select(Role).where(Role.name == "MealCommittee")).scalar_one()
        removed = str(role.permissions[0])
        role.permissions = role.permissions[1:]
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["houqin", "sync-roles"]).exit_code == 0
    entry = _entries(ctx, "ab_role", _role_id(ctx, "MealCommittee"))[-1]
    assert entry.source == "cli" and entry.changes == {"permissions": {"added": [removed], "removed": []}}


def test_groups_are_logged(app, client_as, ctx, uid):
    from flask_appbuilder.security.sqla.models import Group

    admin = client_as("admin_a")
    name = uid("group")
    resp = admin.post("/groups/add", data={"name": name, "label": "审计组", "roles": [str(_role_id(ctx, "Auditor"))],
                                           "users": [str(_user(ctx, "auditor_a").id)]})
    assert resp.status_code == 302
    group = ctx.session.execute(select(Group).where(Group.name == name)).scalar_one()
    created = _entries(ctx, "ab_group", group.id)[0]
    assert created.changes["roles"] == [None, ["Auditor"]] and created.changes["users"] == [None, ["auditor_a"]]


def test_a_user_put_in_a_group_on_the_user_form_is_saved_and_logged(app, client_as, ctx, uid):
    """The user form's groups field: a house user in a group used to fail the flush (500)."""
    from flask_appbuilder.security.sqla.models import Group

    admin = client_as("admin_a")
    name = uid("group")
    assert admin.post("/groups/add", data={"name": name, "label": "门卫组",
                                           "roles": [str(_role_id(ctx, "Gatekeeper"))]}).status_code == 302
    group = ctx.session.execute(select(Group).where(Group.name == name)).scalar_one()
    resp = admin.post("/users/add", data={
        "first_name": "分组", "last_name": "用户", "username": name.lower(), "active": "y",
        "email": f"{name.lower()}@test.houqin", "roles": [str(_role_id(ctx, "Staff"))], "groups": [str(group.id)],
        "password": PASSWORD, "conf_password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-1500:]
    user = _user(ctx, name.lower())
    assert [g.name for g in user.groups] == [name]
    # the last creation of this id: SQLite hands a deleted user's id to the next one
    created = [e for e in _entries(ctx, "ab_user", user.id) if e.action == "create"]
    assert created[-1].changes["groups"] == [None, [name]]


def test_the_audit_log_screen_shows_security_entries(app, client_as, ctx, uid):
    admin = client_as("admin_a")
    user = _add_user_on_the_screen(admin, ctx, uid("aud").lower())
    page = client_as("auditor_a").get("/auditlogview/list/?_flt_0_table_name=ab_user&psize_AuditLogView=100")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # In words (issue 13, point 5): the field's label and the role's name, one line per change.
    assert user.username in text and re.search(r"(角色|Role)s?: — → [^<]*Staff", text)

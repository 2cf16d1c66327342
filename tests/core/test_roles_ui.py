"""Catalogue roles are read-only on the Roles screen; copies are the admin's own."""
from sqlalchemy import select


def test_a_catalogue_role_cannot_be_edited_or_deleted_in_the_ui(app, client_as, ctx):
    from flask_appbuilder.security.sqla.models import Role

    c = client_as("admin_a")
    role = ctx.session.execute(select(Role).where(Role.name == "Gatekeeper")).scalar_one()
    before = len(role.permissions)
    c.post(f"/roles/edit/{role.id}", data={"name": "Gatekeeper2", "permissions": []})
    c.post(f"/roles/delete/{role.id}")
    ctx.session.rollback()  # end the read snapshot, see what requests wrote
    role = ctx.session.get(Role, role.id)
    assert role is not None and role.name == "Gatekeeper" and len(role.permissions) == before


def test_copying_a_role_makes_a_variant_that_sync_leaves_alone(app, client_as, ctx):
    from flask_appbuilder.security.sqla.models import Role

    c = client_as("admin_a")
    role = ctx.session.execute(select(Role).where(Role.name == "Auditor")).scalar_one()
    c.post("/roles/action_post", data={"action": "copyrole", "rowid": [str(role.id)]})
    copy = ctx.session.execute(select(Role).where(Role.name.like("Auditor copy%"))).scalars().first()
    assert copy is not None and len(copy.permissions) == len(role.permissions)
    keep = {p.id for p in copy.permissions[:3]}
    with app.app_context():
        from app.extensions import db

        r = db.session.get(Role, copy.id)
        r.permissions = [p for p in r.permissions if p.id in keep]
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["houqin", "sync-roles"]).exit_code == 0
    ctx.session.rollback()  # end the read snapshot, see what requests wrote
    assert {p.id for p in ctx.session.get(Role, copy.id).permissions} == keep


def test_deactivating_staff_keeps_them_with_their_history(app, client_as, campuses, ctx):
    from app.audit import acting_as
    from app.models import Staff

    with acting_as(None, "tests", "cli"):
        s = Staff(name="将离职", staff_no="LEAVER-1", employment_type="contract", campus_id=campuses["TA"], active=True)
        ctx.session.add(s)
        ctx.session.commit()
    c = client_as("director_a")
    assert c.post("/staffview/action_post", data={"action": "deactivate", "rowid": [str(s.id)]}).status_code == 302
    ctx.session.rollback()  # end the read snapshot, see what requests wrote
    assert ctx.session.get(Staff, s.id).active is False
    assert c.post(f"/staffview/delete/{s.id}").status_code in (302, 403, 404)
    assert ctx.session.get(Staff, s.id) is not None

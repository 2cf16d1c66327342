"""A staff member reaches their own record (the user menu's "My staff record"), whatever campus
their login is bound to, with the panels plugins add; a colleague's record shows none of the
panels private to its owner."""
from __future__ import annotations

from sqlalchemy import select

from app.models import Staff


def _own_record(app, ctx, campuses, username, uid):
    from app.audit import acting_as

    with app.app_context():
        user_id = app.appbuilder.sm.find_user(username=username).id
    found = ctx.session.execute(select(Staff.id).where(Staff.user_id == user_id)).scalar()
    if found:
        return found
    with acting_as(None, "tests", "cli"):
        staff = Staff(name=uid("本人"), staff_no=uid("OWN"), employment_type="contract", campus_id=campuses["TA"],
                      active=True, user_id=user_id)
        ctx.session.add(staff)
        ctx.session.commit()
        return staff.id


def test_a_login_without_a_campus_still_reaches_its_own_record_and_nothing_else(app, client_as, ctx, campuses,
                                                                                 uid):
    from app.audit import acting_as

    own = _own_record(app, ctx, campuses, "staff_none", uid)
    with acting_as(None, "tests", "cli"):
        other = Staff(name=uid("同事"), staff_no=uid("COL"), employment_type="contract", campus_id=campuses["TA"],
                      active=True)
        ctx.session.add(other)
        ctx.session.commit()
    c = client_as("staff_none")
    assert 'id="my-record-link"' in c.get("/").get_data(as_text=True)
    resp = c.get("/staffview/mine/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/staffview/show/{own}")
    assert c.get(f"/staffview/show/{own}").status_code == 200
    assert c.get(f"/staffview/show/{other.id}").status_code == 404  # no campus: no colleague
    listing = c.get("/staffview/list/").get_data(as_text=True)
    assert other.name not in listing


def test_a_login_without_a_staff_record_is_told_so(app, client_as):
    resp = client_as("gatekeeper_b").get("/staffview/mine/", follow_redirects=True)
    assert "您的账号未关联教职工档案" in resp.get_data(as_text=True)

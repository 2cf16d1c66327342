"""Campus scoping: campus-bound rows are visible and editable only within the
user's campuses (Director, Admin, Auditor see all); a user with no campus sees none."""
import io

import openpyxl
import pytest
from sqlalchemy import select

from app.models import Department, Staff


@pytest.fixture(scope="module")
def scoped_manager(app):
    """A campus-bound role cloned from Director (as an admin would): write rights, campus TA only."""
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Campus

    with app.app_context(), acting_as(None, "tests", "cli"):
        sm = app.appbuilder.sm
        director = sm.find_role("Director")
        role = sm.find_role("CampusManager") or sm.add_role("CampusManager")
        role.permissions = list(director.permissions)
        user = sm.find_user("manager_a") or sm.add_user("manager_a", "M", "A", "m@a", role, password="Test-Pass-2026!!")
        user.campuses = [db.session.execute(select(Campus).where(Campus.code == "TA")).scalar_one()]
        db.session.commit()
    return "manager_a"


@pytest.fixture(scope="module")
def two_staff(app):
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Campus

    with app.app_context(), acting_as(None, "tests", "cli"):
        ca = db.session.execute(select(Campus).where(Campus.code == "TA")).scalar_one()
        cb = db.session.execute(select(Campus).where(Campus.code == "TB")).scalar_one()
        a = Staff(name="甲园员工", staff_no="SCOPE-A", employment_type="established", campus=ca, active=True)
        b = Staff(name="乙园员工", staff_no="SCOPE-B", employment_type="established", campus=cb, active=True)
        db.session.add_all([a, b])
        db.session.commit()
        return {"A": a.id, "B": b.id}


def test_list_shows_only_the_users_campus(app, client_as, two_staff):
    page = client_as("staff_a").get("/staffview/list/?psize_StaffView=100&_flt_2_staff_no=SCOPE").get_data(as_text=True)
    assert "SCOPE-A" in page and "SCOPE-B" not in page


@pytest.mark.parametrize("user", ["director_a", "admin_a", "auditor_a"])
def test_director_admin_and_auditor_see_every_campus(app, client_as, two_staff, user):
    page = client_as(user).get("/staffview/list/?_flt_2_staff_no=SCOPE").get_data(as_text=True)
    assert "SCOPE-A" in page and "SCOPE-B" in page


@pytest.fixture(scope="module")
def group_director(app):
    """A login with no role of its own, Director through a group (Flask-AppBuilder's groups)."""
    from app.audit import acting_as
    from app.extensions import db

    with app.app_context(), acting_as(None, "tests", "cli"):
        sm = app.appbuilder.sm
        group = sm.group_model(name="SCOPE-DIRECTORS", label="园长组", roles=[sm.find_role("Director")])
        db.session.add(group)
        user = sm.find_user("group_director") or sm.add_user("group_director", "G", "D", "g@d", [],
                                                             password="Test-Pass-2026!!")
        user.groups = [group]
        db.session.commit()
    return "group_director"


def test_a_director_through_a_group_sees_every_campus_and_unmasked_numbers(app, client_as, two_staff,
                                                                           group_director):
    from flask import g

    from app.security import is_unscoped, role_names, sees_personal_data

    client = client_as(group_director)
    page = client.get("/staffview/list/?_flt_2_staff_no=SCOPE").get_data(as_text=True)
    assert "SCOPE-A" in page and "SCOPE-B" in page
    with app.test_request_context():
        user = app.appbuilder.sm.find_user(group_director)
        g.user = user
        assert "Director" in role_names(user)
        assert is_unscoped(user) and sees_personal_data(user)


def test_a_user_with_no_campus_sees_no_campus_bound_rows(app, client_as, two_staff):
    page = client_as("staff_none").get("/staffview/list/?_flt_2_staff_no=SCOPE").get_data(as_text=True)
    assert "SCOPE-A" not in page and "SCOPE-B" not in page
    resp = client_as("staff_none").get(f"/staffview/show/{two_staff['A']}")
    assert resp.status_code in (302, 404)


def test_show_of_another_campus_is_not_found(app, client_as, two_staff):
    c = client_as("staff_a")
    assert c.get(f"/staffview/show/{two_staff['A']}").status_code == 200
    assert c.get(f"/staffview/show/{two_staff['B']}").status_code in (302, 404)


def test_edit_of_another_campus_is_refused(app, client_as, two_staff, scoped_manager, ctx):
    c = client_as(scoped_manager)
    assert c.get(f"/staffview/edit/{two_staff['B']}").status_code in (302, 404)
    c.post(f"/staffview/edit/{two_staff['B']}", data={"name": "改名", "staff_no": "SCOPE-B",
                                                     "employment_type": "established", "campus": "1"})
    ctx.session.rollback()  # end the read snapshot, see what requests wrote
    assert ctx.session.get(Staff, two_staff["B"]).name == "乙园员工"


def test_a_record_cannot_be_moved_into_a_campus_not_ones_own(app, client_as, two_staff, scoped_manager, campuses, ctx):
    c = client_as(scoped_manager)
    resp = c.post(f"/staffview/edit/{two_staff['A']}", data={
        "name": "甲园员工", "staff_no": "SCOPE-A", "employment_type": "established", "campus": str(campuses["TB"])})
    assert resp.status_code == 200  # form shown again with the field error
    ctx.session.rollback()  # end the read snapshot, see what requests wrote
    assert ctx.session.get(Staff, two_staff["A"]).campus_id == campuses["TA"]


def test_dropdowns_offer_only_ones_own_campuses_and_departments(app, client_as, scoped_manager):
    page = client_as(scoped_manager).get("/staffview/add").get_data(as_text=True)
    assert "测试A园" in page and "测试B园" not in page
    page = client_as("director_a").get("/staffview/add").get_data(as_text=True)
    assert "测试A园" in page and "测试B园" in page


def test_delete_through_the_api_is_scoped(app, api_as, scoped_manager, campuses, ctx):
    from app.audit import acting_as

    with acting_as(None, "tests", "cli"):
        d = Department(name="待删部门", campus_id=campuses["TB"])
        ctx.session.add(d)
        ctx.session.commit()
    client, headers = api_as(scoped_manager)
    assert client.delete(f"/api/v1/department/{d.id}", headers=headers).status_code == 404
    assert ctx.session.get(Department, d.id) is not None


def test_api_of_the_director_sees_every_campus(app, api_as, two_staff):
    client, headers = api_as("director_a")
    numbers = {r["staff_no"] for r in client.get("/api/v1/staff/?q=(page_size:100,filters:!((col:staff_no,opr:sw,value:SCOPE)))",
                                                headers=headers).get_json()["result"]}
    assert numbers == {"SCOPE-A", "SCOPE-B"}


def test_api_of_a_scoped_user_sees_only_its_campus(app, api_as, two_staff, scoped_manager, campuses):
    client, headers = api_as(scoped_manager)
    resp = client.get("/api/v1/staff/?q=(page_size:100,filters:!((col:staff_no,opr:sw,value:SCOPE)))", headers=headers)
    assert {r["staff_no"] for r in resp.get_json()["result"]} == {"SCOPE-A"}
    assert client.get(f"/api/v1/staff/{two_staff['B']}", headers=headers).status_code == 404
    resp = client.post("/api/v1/staff/", json={"name": "越界", "staff_no": "SCOPE-X", "employment_type": "contract",
                                               "campus": campuses["TB"]}, headers=headers)
    assert resp.status_code in (400, 422)


def test_export_has_the_same_scope_as_the_screen(app, client_as, two_staff, scoped_manager):
    resp = client_as(scoped_manager).get("/staffview/export/?_flt_2_staff_no=SCOPE")
    assert resp.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    values = {c.value for row in book.active.iter_rows() for c in row}
    assert "SCOPE-A" in values and "SCOPE-B" not in values

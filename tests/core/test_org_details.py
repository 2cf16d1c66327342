"""Organisation screens (issue 13, points 11 and 12): a campus, department or position is
deactivated by unticking its box (inactive ones leave the drop-downs, their records stay);
colleagues see each other's work details only."""
import pytest
from sqlalchemy import select


def _add_staff(app, uid, campus_id, user=None, **over):
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Staff

    with app.app_context(), acting_as(None, "tests", "cli"):
        staff = Staff(name=over.pop("name", "林同事"), staff_no=uid("S"), campus_id=campus_id, work_phone="021-55556666",
                      personal_phone="13955556666", employment_type="contract", health_cert_no="JK2026-778899",
                      qualification_cert="ZG-445566", active=True,
                      user_id=app.appbuilder.sm.find_user(username=user).id if user else None, **over)
        db.session.add(staff)
        db.session.commit()
        return staff.id


def _own_login(app, uid, role, campus_id) -> str:
    """A login of its own for the test's "own record": a seeded login (appraiser_a ...) may already
    have a staff record made by another test in this worker's database (one record per login)."""
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Campus
    from tests.seed import PASSWORD

    name = uid("own").lower()
    with app.app_context(), acting_as(None, "tests", "cli"):
        sm = app.appbuilder.sm
        user = sm.add_user(name, "自己", "人", f"{name}@test.houqin", sm.find_role(role), password=PASSWORD)
        user.campuses = [db.session.get(Campus, campus_id)]
        db.session.commit()
    return name


@pytest.mark.parametrize("path, data", [
    ("campusview", {"name": "停用园区{}", "code": "{}", "address": ""}),
    ("departmentview", {"name": "停用部门{}", "campus": ""}),
    ("positionview", {"name_zh": "停用岗位{}", "name_en": "Retired post {}"}),
])
def test_an_unticked_active_box_saves_an_inactive_record(app, client_as, uid, ctx, path, data):
    from app.models import Campus, Department, Position

    model = {"campusview": Campus, "departmentview": Department, "positionview": Position}[path]
    code = uid("X")[-8:]
    form = {k: v.format(code) for k, v in data.items()}  # no "active": the box is unticked
    client = client_as("director_a")
    response = client.post(f"/{path}/add", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    first = next(iter(form))
    row = ctx.session.execute(select(model).where(getattr(model, first) == form[first])).scalar_one()
    assert row.active is False
    # Ticked again on the edit form: active; unticked: inactive again.
    assert client.post(f"/{path}/edit/{row.id}", data={**form, "active": "y"}).status_code == 302
    ctx.session.expire_all()
    assert ctx.session.get(model, row.id).active is True
    assert client.post(f"/{path}/edit/{row.id}", data=form).status_code == 302
    ctx.session.expire_all()
    assert ctx.session.get(model, row.id).active is False


def test_inactive_departments_and_positions_leave_the_staff_form_but_keep_their_staff(
        app, client_as, uid, campuses, ctx):
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Department, Position

    with app.app_context(), acting_as(None, "tests", "cli"):
        dept = Department(name=uid("旧部门"), campus_id=campuses["TA"], active=False)
        post = Position(name_zh=uid("旧岗位"), name_en=uid("Old post"), active=False)
        live = Department(name=uid("新部门"), campus_id=campuses["TA"], active=True)
        db.session.add_all([dept, post, live])
        db.session.commit()
        dept_id, dept_name, post_name, live_name = dept.id, dept.name, post.name_zh, live.name
    staff_id = _add_staff(app, uid, campuses["TA"], department_id=dept_id)
    client = client_as("director_a")
    form = client.get("/staffview/add").get_data(as_text=True)
    assert live_name in form and dept_name not in form and post_name not in form
    shown = client.get(f"/staffview/show/{staff_id}").get_data(as_text=True)
    assert dept_name in shown  # the history stays
    listing = client.get(f"/departmentview/list/?_flt_0_name={dept_name}").get_data(as_text=True)
    assert dept_name in listing


def test_colleagues_see_work_details_only_the_person_and_the_director_see_all(app, client_as, uid, campuses):
    colleague = _add_staff(app, uid, campuses["TA"], name="林同事")
    login = _own_login(app, uid, "Appraiser", campuses["TA"])
    own = _add_staff(app, uid, campuses["TA"], user=login, name="自己人")
    staff = client_as("staff_a", lang="en")
    page = staff.get(f"/staffview/show/{colleague}").get_data(as_text=True)
    assert "林同事" in page and "021-55556666" in page
    for private in ("JK2026-778899", "ZG-445566", "Employment type", "Hire date", "Login user",
                    "Health certificate", "Personal phone"):
        assert private not in page, private
    listing = staff.get("/staffview/list/?_flt_0_name=林同事").get_data(as_text=True)
    assert "林同事" in listing and "Health certificate" not in listing and "Personal phone" not in listing
    mine = client_as(login, lang="en").get(f"/staffview/show/{own}").get_data(as_text=True)
    assert "JK2026-778899" in mine and "Employment type" in mine and "Login user" in mine
    director = client_as("director_a", lang="en").get(f"/staffview/show/{colleague}").get_data(as_text=True)
    assert "JK2026-778899" in director and "ZG-445566" in director and "Employment type" in director


def test_the_staff_api_answers_a_colleague_with_the_work_details_only(app, api_as, uid, campuses):
    colleague = _add_staff(app, uid, campuses["TA"], name="林同事")
    login = _own_login(app, uid, "MealCommittee", campuses["TA"])
    own = _add_staff(app, uid, campuses["TA"], user=login, name="自己人")
    client, headers = api_as(login)
    other = client.get(f"/api/v1/staff/{colleague}", headers=headers).get_json()["result"]
    assert other["name"] == "林同事" and other["work_phone"] == "021-55556666"
    assert not {"health_cert_no", "qualification_cert", "employment_type", "hire_date", "personal_phone"} & set(other)
    mine = client.get(f"/api/v1/staff/{own}", headers=headers).get_json()["result"]
    assert mine["health_cert_no"] == "JK2026-778899"
    listed = client.get("/api/v1/staff/", headers=headers).get_json()["result"]
    assert listed and all("health_cert_expiry" not in r or r.get("id") == own for r in listed)
    director, dheaders = api_as("director_a")
    full = director.get(f"/api/v1/staff/{colleague}", headers=dheaders).get_json()["result"]
    assert full["health_cert_no"] == "JK2026-778899"

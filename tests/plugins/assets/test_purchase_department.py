"""Point 7 of issue 15: Staff request purchases for their own department only (the office — the
keeper, the Director — for any); the form says so on the department field and keeps what was
typed, the API answers 422 on department_id; nothing is saved."""
import pytest
from sqlalchemy import select

from app.rules import RuleError
from tests.plugins.assets.test_lifecycle import get, ids, page


@pytest.mark.parametrize("chosen, own, any_department, expected", [
    (None, 7, False, 7),      # an empty choice is one's own department
    (7, 7, False, 7),
    (None, None, False, None),  # a staff record without a department: a request of one's own
    (9, 7, True, 9),          # the office requests for any department
    (None, 7, True, None),
])
def test_a_request_is_for_the_requesters_own_department_unless_the_office_asks(chosen, own, any_department,
                                                                                expected):
    from plugins.assets.lifecycle_rules import request_department

    assert request_department(chosen, own, "后勤处", any_department) == expected


@pytest.mark.parametrize("chosen, own", [(9, 7), (9, None)])
def test_a_staff_member_cannot_request_for_another_department(chosen, own):
    from plugins.assets.lifecycle_rules import ERR_OWN_DEPARTMENT, request_department

    with pytest.raises(RuleError) as err:
        request_department(chosen, own, "后勤处", False, field="department_id")
    assert err.value.message == ERR_OWN_DEPARTMENT and err.value.field == "department_id"


def _departments(app, campus_id):
    from app.extensions import db
    from app.models import Department

    with app.app_context():
        return dict(db.session.execute(select(Department.name, Department.id)
                                       .where(Department.campus_id == campus_id)).all())


def _teacher(register):
    register.user("staff_logistics", role="Staff", campus="TA")
    register.staff(username="staff_logistics", name="后勤老师", department="后勤处")


def test_a_teacher_requests_for_their_own_department_on_the_form(app, client_as, register, campuses, uid):
    from plugins.assets.lifecycle_models import PurchaseRequest

    _teacher(register)
    depts = _departments(app, campuses["TA"])
    teacher = client_as("staff_logistics")
    data = {"description": uid("消毒柜"), "quantity": "1", "unit": "台", "estimated_unit_price": "800.00",
            "reason": "食堂需要", "budget_line": "公用经费", "department": str(depts["食堂"])}
    resp = teacher.post("/purchaseview/add", data=data)
    assert resp.status_code == 200 and "只能为本部门（后勤处）申购" in page(resp)
    assert 'value="食堂需要"' in page(resp)  # the form keeps what was typed
    assert not ids(app, PurchaseRequest, description=data["description"])
    resp = teacher.post("/purchaseview/add", data={**data, "department": ""})
    assert resp.status_code == 302, page(resp)[-1500:]
    (pk,) = ids(app, PurchaseRequest, description=data["description"])
    assert get(app, PurchaseRequest, pk).department_id == depts["后勤处"]
    # the keeper asks for any department
    keeper = client_as("assetkeeper_a")
    other = {**data, "description": uid("蒸饭柜")}
    assert keeper.post("/purchaseview/add", data=other).status_code == 302
    (pk,) = ids(app, PurchaseRequest, description=other["description"])
    assert get(app, PurchaseRequest, pk).department_id == depts["食堂"]


def test_the_api_refuses_another_department_with_422_on_the_field(app, api_as, register, campuses, uid):
    from plugins.assets.lifecycle_models import PurchaseRequest

    _teacher(register)
    depts = _departments(app, campuses["TA"])
    client, headers = api_as("staff_logistics")
    body = {"description": uid("电子琴"), "quantity": 1, "estimated_unit_price": "650.00", "reason": "音乐课"}
    resp = client.post("/api/v1/assetpurchase/request", headers=headers, json={**body, "department_id": depts["食堂"]})
    assert resp.status_code == 422 and "department_id" in resp.get_json()["message"], resp.get_json()
    assert not ids(app, PurchaseRequest, description=body["description"])
    resp = client.post("/api/v1/assetpurchase/request", headers=headers, json=body)
    assert resp.status_code == 201, resp.get_json()
    assert get(app, PurchaseRequest, resp.get_json()["id"]).department_id == depts["后勤处"]
    director, dh = api_as("director_a")
    resp = director.post("/api/v1/assetpurchase/request", headers=dh,
                         json={**body, "description": uid("电子琴"), "department_id": depts["食堂"],
                               "campus_id": campuses["TA"]})
    assert resp.status_code == 201, resp.get_json()

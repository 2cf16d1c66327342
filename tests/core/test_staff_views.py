"""Staff screens: list, search, add, edit, deactivate; bad input stays on the form."""
from sqlalchemy import select


def _staff_form(campus_id, **over):
    data = {"name": "李梅", "staff_no": "", "gender": "F", "work_phone": "021-12345678",
            "personal_phone": "13812345678", "employment_type": "established", "campus": str(campus_id)}
    data.update(over)
    return data


def test_director_adds_a_staff_member_and_sees_it_in_the_list(app, client_as, campuses, uid):
    c = client_as("director_a")
    no = uid("S")
    resp = c.post("/staffview/add", data=_staff_form(campuses["TA"], staff_no=no))
    assert resp.status_code == 302
    page = c.get(f"/staffview/list/?_flt_0_staff_no={no}").get_data(as_text=True)
    assert no in page and "李梅" in page


def test_missing_name_is_refused_on_the_field_and_nothing_is_saved(app, client_as, campuses, uid, ctx):
    from app.models import Staff

    c = client_as("director_a")
    no = uid("S")
    resp = c.post("/staffview/add", data=_staff_form(campuses["TA"], staff_no=no, name=""))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "此字段是必填项" in body or "必填" in body
    assert no in body  # the form keeps what was typed
    assert ctx.session.execute(select(Staff).where(Staff.staff_no == no)).first() is None


def test_phone_with_letters_gets_a_message_in_the_users_language(app, client_as, campuses, uid):
    no = uid("S")
    zh = client_as("director_a").post("/staffview/add", data=_staff_form(campuses["TA"], staff_no=no, work_phone="021-abc"))
    assert "电话号码只能包含数字" in zh.get_data(as_text=True)
    en = client_as("director_a", lang="en").post(
        "/staffview/add", data=_staff_form(campuses["TA"], staff_no=no, work_phone="021-abc"))
    assert "A phone number may contain only digits" in en.get_data(as_text=True)
    assert "021-abc" in en.get_data(as_text=True)


def test_duplicate_staff_number_is_refused(app, client_as, campuses, uid):
    c = client_as("director_a")
    no = uid("S")
    assert c.post("/staffview/add", data=_staff_form(campuses["TA"], staff_no=no)).status_code == 302
    again = c.post("/staffview/add", data=_staff_form(campuses["TA"], staff_no=no, name="王芳"))
    assert again.status_code == 200
    assert "已存在" in again.get_data(as_text=True)


def test_health_certificate_expiry_before_issue_is_refused(app, client_as, campuses, uid):
    c = client_as("director_a")
    resp = c.post("/staffview/add", data=_staff_form(
        campuses["TA"], staff_no=uid("S"), health_cert_issued="2026-05-01", health_cert_expiry="2026-04-01"))
    assert "有效期不能早于发证日期" in resp.get_data(as_text=True)

"""The gate desk: signing visitors in and out, returning visitors, appointments,
host confirmation and patrol rounds."""
import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select


def on_site(app, **where):
    from app.extensions import db
    from plugins.visitors.models import Visit

    with app.app_context():
        query = select(Visit).where(*[getattr(Visit, k) == v for k, v in where.items()])
        rows = db.session.execute(query).scalars().all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_new_visitor_signed_in_from_the_desk_is_on_site_with_the_gatekeeper_on_duty(app, client_as, gate):
    c = client_as("gatekeeper_a")
    form = gate.form(name="林小红", badge="a17", plate="沪A 12345", party_size=3)
    resp = c.post("/gate/desk/sign-in", data=form)
    assert resp.status_code == 302
    (visit,) = on_site(app, visitor_name="林小红", badge="A17")
    assert visit.status == "on_site" and visit.party_size == 3 and visit.plate == "沪A12345"
    assert visit.gatekeeper_id == gate.user_id("gatekeeper_a")
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "林小红" in page and "A17" in page


def test_desk_form_follows_the_paper_register_and_starts_in_the_id_field(app, client_as):
    page = client_as("gatekeeper_a").get("/gate/desk/").get_data(as_text=True)
    form = page[page.index('id="hq-sign-in"'):]
    form = form[:form.index("</form>")]
    names = re.findall(r'<(?:input|select)[^>]*name="([a-z_]+)"', form)
    visible = [n for n in names if n not in ("csrf_token", "campus_id", "appointment_id")]
    paper = ["doc_type", "id_number", "name", "phone", "organisation", "purpose_id", "host_id", "party_size",
             "plate", "badge", "note"]
    assert [n for n in visible if n in paper] == paper
    autofocus = re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*autofocus', form)
    assert autofocus == ["id_number"]
    assert 'type="submit"' in form  # Enter submits
    assert "//" not in re.sub(r"(https?:)?//(localhost|/)", "", "".join(re.findall(r'src="([^"]+)"', page)))


def test_returning_visitor_is_found_by_id_number_with_details_of_the_last_visit(app, client_as, gate, resident_id):
    number = resident_id()
    host = gate.staff("TA", name="陈主任")
    gate.visit(id_number=number, name="赵大海", organisation="顺丰速运", host_id=host, plate="沪B54321",
               purpose_id=gate.purpose("送货"), host_confirmation="phone")
    c = client_as("director_a", lang="en")
    found = c.post("/gate/desk/lookup", json={"campus_id": gate.campuses["TA"], "number": number.lower()}).get_json()
    assert found["found"] is True
    assert found["name"] == "赵大海" and found["organisation"] == "顺丰速运"
    assert found["host_id"] == host and found["plate"] == "沪B54321" and found["purpose_id"] == gate.purpose("送货")
    assert found["id_number"] == number  # a Director sees the full number


def test_returning_visitor_lookup_is_masked_for_the_gatekeeper(app, client_as, gate, resident_id, mobile_no):
    number, phone = resident_id(), mobile_no()
    gate.visit(id_number=number, phone=phone, name="钱多多")
    c = client_as("gatekeeper_a")
    by_phone = c.post("/gate/desk/lookup", json={"campus_id": gate.campuses["TA"], "phone": phone}).get_json()
    assert by_phone["found"] and by_phone["name"] == "钱多多"
    assert by_phone["id_number"] == number[:3] + "*" * 11 + number[-4:]
    assert by_phone["phone"] == phone[:3] + "****" + phone[-4:]
    assert number not in str(by_phone) and phone not in str(by_phone)


def test_returning_visitor_signed_in_with_the_masked_values_keeps_the_stored_numbers(app, client_as, gate,
                                                                                  resident_id, mobile_no):
    from plugins.visitors.models import Visitor

    number, phone = resident_id(), mobile_no()
    first = gate.visit(id_number=number, phone=phone, name="孙悟空")
    c = client_as("gatekeeper_a")
    masked_id = number[:3] + "*" * 11 + number[-4:]
    c.post(f"/gate/desk/sign-out/{first}")
    resp = c.post("/gate/desk/sign-in", data=gate.form(id_number=masked_id, phone=phone, name="孙悟空"))
    assert resp.status_code == 302
    visits = on_site(app, visitor_name="孙悟空")
    assert len({v.visitor_id for v in visits}) == 1  # the same visitor, found by phone
    visitor = gate.get(Visitor, visits[0].visitor_id)
    assert visitor.id_number == number and visitor.phone == phone


def test_lookup_tells_a_wrong_check_digit_at_once(app, client_as, gate, resident_id):
    number = resident_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    data = client_as("gatekeeper_a", lang="en").post(
        "/gate/desk/lookup", json={"campus_id": gate.campuses["TA"], "number": wrong}).get_json()
    assert data == {"found": False, "field": "id_number", "error": "The ID number's check digit is wrong"}


@pytest.mark.parametrize("field, value, message", [
    ("id_number", "110105198501011235", "The ID number's check digit is wrong"),
    ("id_number", "", "This field is required."),
    ("name", "", "This field is required."),
    ("phone", "12345", "Enter an 11-digit mobile number or a landline with area code"),
    ("plate", "沪I12345", "Not a valid licence plate (e.g. 京A12345 or 京AD12345)"),
    ("party_size", "0", "Party size must be between 1 and 50"),
    ("badge", "#1", "A badge number has 1 to 10 letters or digits"),
    ("purpose_id", "", "This field is required."),
])
def test_bad_input_is_refused_on_its_field_keeping_what_was_typed(app, client_as, gate, uid, field, value, message):
    name = uid("访客")
    form = gate.form(name=name)
    form[field] = value
    if field == "name":
        form["organisation"] = name  # something typed that must come back
    resp = client_as("gatekeeper_a", lang="en").post("/gate/desk/sign-in", data=form)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    match = re.search(rf'id="e-{field}">([^<]*)<', body)
    assert match and html.unescape(match.group(1)) == message
    assert f'value="{name}"' in body  # the form keeps what was typed
    assert not on_site(app, visitor_name=name)


def test_messages_come_in_chinese_for_a_chinese_desk(app, client_as, gate):
    resp = client_as("gatekeeper_a").post("/gate/desk/sign-in", data=gate.form(party_size="99"))
    assert "来访人数必须在1至50之间" in resp.get_data(as_text=True)


def test_a_badge_is_given_to_one_visitor_on_site_at_a_time(app, client_as, gate, uid):
    badge = uid("B")[-6:]
    gate.visit(badge=badge)
    name = uid("访客")
    resp = client_as("gatekeeper_a", lang="en").post("/gate/desk/sign-in", data=gate.form(name=name, badge=badge))
    assert resp.status_code == 422
    assert f"Badge {badge.upper()} is already given to a visitor on site" in resp.get_data(as_text=True)
    assert not on_site(app, visitor_name=name)
    gate.visit(badge=badge, campus="TB", username="gatekeeper_b")  # another campus has its own badges


def test_one_click_sign_out_from_the_on_site_list(app, client_as, gate):
    from plugins.visitors.models import Visit

    visit_id = gate.visit()
    c = client_as("gatekeeper_a", lang="en")
    page = c.get("/gate/desk/").get_data(as_text=True)
    assert f'action="/gate/desk/sign-out/{visit_id}"' in page
    assert c.post(f"/gate/desk/sign-out/{visit_id}").status_code == 302
    visit = gate.get(Visit, visit_id)
    assert visit.status == "left" and visit.time_out >= visit.time_in
    again = c.post(f"/gate/desk/sign-out/{visit_id}", follow_redirects=True)
    assert "This visit has already been signed out" in again.get_data(as_text=True)


def test_sign_out_by_badge_number(app, client_as, gate, uid):
    from plugins.visitors.models import Visit

    badge = uid("K")[-5:]
    visit_id = gate.visit(badge=badge)
    c = client_as("gatekeeper_a", lang="en")
    c.post("/gate/desk/sign-out-badge", data={"campus_id": gate.campuses["TA"], "badge": badge.lower()})
    assert gate.get(Visit, visit_id).status == "left"
    page = c.post("/gate/desk/sign-out-badge", data={"campus_id": gate.campuses["TA"], "badge": badge},
                  follow_redirects=True).get_data(as_text=True)
    assert f"No visitor on site has badge {badge.upper()}" in page


def test_time_out_before_time_in_is_refused(app, client_as, gate):
    from app.audit import acting_as
    from app.extensions import db
    from app.rules import RuleError
    from plugins.visitors import services
    from plugins.visitors.models import Visit

    visit_id = gate.visit()
    with app.app_context(), acting_as(None, "tests", "cli"):
        time_in = db.session.get(Visit, visit_id).time_in
        with pytest.raises(RuleError) as err:
            services.sign_out(db.session, visit_id, at=time_in - timedelta(minutes=5))
        db.session.rollback()
    assert err.value.message == "The time out cannot be before the time in"
    assert gate.get(Visit, visit_id).status == "on_site"


def test_left_at_earlier_than_arrival_is_refused_at_the_desk(app, client_as, gate):
    from plugins.visitors.models import Visit

    visit_id = gate.visit()
    page = client_as("gatekeeper_a", lang="en").post(
        f"/gate/desk/sign-out/{visit_id}", data={"left_at": "00:00"}, follow_redirects=True).get_data(as_text=True)
    assert "The time out cannot be before the time in" in page
    assert gate.get(Visit, visit_id).status == "on_site"


def test_head_count_is_the_sum_of_party_sizes(app, client_as, gate):
    from app.extensions import db
    from plugins.visitors.models import Visit

    gate.visit(campus="TB", username="gatekeeper_b", party_size=4)
    with app.app_context():
        people = db.session.execute(select(func.sum(Visit.party_size)).where(
            Visit.status == "on_site", Visit.campus_id == gate.campuses["TB"])).scalar()
        visits = db.session.execute(select(func.count()).where(
            Visit.status == "on_site", Visit.campus_id == gate.campuses["TB"])).scalar()
    page = client_as("gatekeeper_b", lang="en").get("/gate/desk/").get_data(as_text=True)
    assert f"Head count {people} · visits {visits}" in page


def test_an_appointment_is_converted_to_a_visit_once(app, client_as, gate, uid):
    from app.i18n import local_now
    from plugins.visitors.models import Appointment, Visitor

    host = gate.staff("TA", username="staff_a", name="张老师")
    name = uid("预约")
    with app.app_context():
        today = local_now().date().isoformat()
    resp = client_as("staff_a", lang="en").post("/appointmentview/add", data={
        "host": host, "visitor_name": name, "visitor_phone": "13912345678", "purpose": gate.purpose("面试"),
        "expected_date": today, "time_from": "09:00", "time_to": "10:00", "party_size": "1"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    (appt,) = [a for a in _appointments(app) if a.visitor_name == name]
    assert re.fullmatch(r"[A-Z2-9]{6}", appt.reference_code) and appt.campus_id == gate.campuses["TA"]

    desk = client_as("gatekeeper_a", lang="en")
    assert appt.reference_code in desk.get("/gate/desk/").get_data(as_text=True)
    prefilled = desk.get(f"/gate/desk/?appointment={appt.id}").get_data(as_text=True)
    assert f'value="{name}"' in prefilled and 'value="139****5678"' in prefilled
    form = gate.form(name=name, phone="139****5678", appointment_id=appt.id, purpose_id=gate.purpose("面试"))
    assert desk.post("/gate/desk/sign-in", data=form).status_code == 302
    (visit,) = on_site(app, appointment_id=appt.id)
    assert visit.host_id == host and visit.host_response == "confirmed" and visit.host_confirmation == "app"
    assert gate.get(Appointment, appt.id).status == "converted"
    assert gate.get(Visitor, visit.visitor_id).phone == "13912345678"  # the masked phone was not written back

    second = desk.post("/gate/desk/sign-in", data=gate.form(name=name, appointment_id=appt.id))
    assert second.status_code == 422
    assert "This appointment has already been converted to a visit" in second.get_data(as_text=True)
    assert len(on_site(app, appointment_id=appt.id)) == 1
    assert len(on_site(app, visitor_name=name)) == 1  # nothing half-saved by the refused second conversion


def _appointments(app):
    from app.extensions import db
    from plugins.visitors.models import Appointment

    with app.app_context():
        rows = db.session.execute(select(Appointment)).scalars().all()
        for r in rows:
            db.session.expunge(r)
        return rows


def test_host_confirms_a_waiting_visitor_in_the_app(app, client_as, gate):
    from plugins.visitors.models import Visit

    host = gate.staff("TA", username="staff_a")
    visit_id = gate.visit(host_id=host, host_confirmation="")
    assert gate.get(Visit, visit_id).host_response == "pending"
    staff = client_as("staff_a", lang="en")
    listing = staff.get("/visitview/list/").get_data(as_text=True)
    assert f'action="/visitview/respond/{visit_id}"' in listing
    staff.post(f"/visitview/respond/{visit_id}", data={"answer": "confirm"})
    visit = gate.get(Visit, visit_id)
    assert (visit.host_response, visit.host_confirmation, visit.status) == ("confirmed", "app", "on_site")
    assert visit.host_confirmed_by_id == gate.user_id("staff_a")
    poll = client_as("gatekeeper_a").get(f"/gate/desk/poll?ids={visit_id}").get_json()
    assert poll["visits"] == [{"id": visit_id, "host_response": "confirmed", "status": "on_site"}]


def test_host_declining_turns_the_visitor_away(app, client_as, gate):
    from plugins.visitors.models import Visit

    host = gate.staff("TA", username="staff_a")
    visit_id = gate.visit(host_id=host)
    client_as("staff_a").post(f"/visitview/respond/{visit_id}", data={"answer": "decline"})
    visit = gate.get(Visit, visit_id)
    assert (visit.host_response, visit.status) == ("declined", "turned_away")


def test_a_host_cannot_answer_for_someone_else(app, client_as, gate):
    from plugins.visitors.models import Visit

    other = gate.staff("TA", name="别人")
    visit_id = gate.visit(host_id=other)
    resp = client_as("staff_a").post(f"/visitview/respond/{visit_id}", data={"answer": "confirm"})
    assert resp.status_code == 404
    assert gate.get(Visit, visit_id).host_response == "pending"


def test_patrol_rounds_show_done_and_missing_against_five_a_day(app, client_as, gate):
    c = client_as("gatekeeper_b", lang="en")
    before = re.search(r"(\d+) done, (\d+) missing", c.get("/gate/desk/").get_data(as_text=True))
    done = int(before.group(1))
    c.post("/gate/desk/patrol", data={"campus_id": gate.campuses["TB"], "findings": "正常"})
    page = c.get("/gate/desk/").get_data(as_text=True)
    assert f"{done + 1} done, {max(5 - done - 1, 0)} missing" in page
    empty = c.post("/gate/desk/patrol", data={"campus_id": gate.campuses["TB"], "findings": " "},
                   follow_redirects=True)
    assert 'Write what you found (or "normal")' in html.unescape(empty.get_data(as_text=True))


def test_visitors_after_closing_time_are_highlighted(app, client_as, gate):
    from app.audit import acting_as
    from app.extensions import db

    visit_id = gate.visit(campus="TB", username="gatekeeper_b")
    settings = app.extensions["houqin_settings"]
    with app.app_context(), acting_as(None, "tests", "cli"):
        settings.set(db.session, "closing_time", "00:00", campus_id=gate.campuses["TB"])
        db.session.commit()
    try:
        page = client_as("gatekeeper_b").get("/gate/desk/").get_data(as_text=True)
        row = page[page.index(f'data-visit="{visit_id}"') - 60:page.index(f'data-visit="{visit_id}"')]
        assert "hq-overstay" in row
    finally:
        with app.app_context(), acting_as(None, "tests", "cli"):
            settings.set(db.session, "closing_time", None, campus_id=gate.campuses["TB"])  # inherit again
            db.session.commit()

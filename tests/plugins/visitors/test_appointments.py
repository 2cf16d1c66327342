"""Staff pre-register their own visitors (预约); the gate sees today's list."""
import html
import re
from datetime import timedelta

from sqlalchemy import select


def today(app):
    from app.i18n import local_now

    with app.app_context():
        return local_now().date()


def appointment_form(gate, host, name, day, **over):
    data = {"host": host, "visitor_name": name, "visitor_phone": "13700001111", "purpose": gate.purpose("公务"),
            "expected_date": day.isoformat(), "time_from": "14:00", "time_to": "15:00", "party_size": "2"}
    data.update(over)
    return data


def find(app, name):
    from app.extensions import db
    from plugins.visitors.models import Appointment

    with app.app_context():
        row = db.session.execute(select(Appointment).where(Appointment.visitor_name == name)).scalar_one_or_none()
        if row is not None:
            db.session.expunge(row)
        return row


def test_staff_can_only_be_the_host_of_their_own_appointments(app, client_as, gate, uid):
    me = gate.staff("TA", username="staff_a", name="本人老师")
    other = gate.staff("TA", name="其他老师")
    c = client_as("staff_a", lang="en")
    form = c.get("/appointmentview/add").get_data(as_text=True)
    hosts = re.search(r'<select[^>]*name="host".*?</select>', form, re.S).group(0)
    assert f'value="{me}"' in hosts and f'value="{other}"' not in hosts
    name = uid("冒名")
    resp = c.post("/appointmentview/add", data=appointment_form(gate, other, name, today(app)))
    assert resp.status_code == 200 and find(app, name) is None
    ok = uid("本人")
    assert c.post("/appointmentview/add", data=appointment_form(gate, me, ok, today(app))).status_code == 302
    appt = find(app, ok)
    assert appt.host_id == me and appt.status == "expected" and appt.created_by_id == gate.user_id("staff_a")


def test_a_past_date_or_a_backwards_time_window_is_refused(app, client_as, gate, uid):
    me = gate.staff("TA", username="staff_a")
    c = client_as("staff_a", lang="en")
    name = uid("过去")
    past = c.post("/appointmentview/add", data=appointment_form(gate, me, name, today(app) - timedelta(days=1)))
    assert "The date cannot be in the past" in past.get_data(as_text=True) and find(app, name) is None
    backwards = c.post("/appointmentview/add", data=appointment_form(
        gate, me, name, today(app), time_from="16:00", time_to="15:00"))
    body = html.unescape(backwards.get_data(as_text=True))
    assert "The end of the time window cannot be before its start" in body and name in body
    bad_phone = c.post("/appointmentview/add", data=appointment_form(gate, me, name, today(app), visitor_phone="12"))
    assert "Enter an 11-digit mobile number" in bad_phone.get_data(as_text=True)
    assert find(app, name) is None


def test_a_host_cancels_an_appointment_and_a_get_never_does(app, client_as, gate, uid):
    me = gate.staff("TA", username="staff_a")
    c = client_as("staff_a", lang="en")
    name = uid("取消")
    c.post("/appointmentview/add", data=appointment_form(gate, me, name, today(app)))
    appt = find(app, name)
    c.get(f"/appointmentview/action/cancel/{appt.id}")
    assert find(app, name).status == "expected"  # refused: a GET never changes anything
    c.post("/appointmentview/action_post", data={"action": "cancel", "rowid": [appt.id]})
    assert find(app, name).status == "cancelled"
    refused = c.post(f"/appointmentview/edit/{appt.id}", data={**appointment_form(gate, me, name, today(app)),
                                                               "organisation": "改了"}, follow_redirects=True)
    assert "Only an expected appointment can be changed" in refused.get_data(as_text=True)
    assert find(app, name).organisation is None and find(app, name).status == "cancelled"


def test_a_host_cannot_cancel_someone_elses_appointment(app, client_as, gate, uid):
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Staff
    from plugins.visitors import services
    from plugins.visitors.models import Appointment

    other = gate.staff("TA", name="旁人")
    name = uid("旁人的")
    with app.app_context(), acting_as(None, "tests", "cli"):
        appt = Appointment(host_id=other, visitor_name=name, purpose_id=gate.purpose(), party_size=1,
                           expected_date=today(app))
        appt.host = db.session.get(Staff, other)
        services.open_appointment(db.session, appt, app.appbuilder.sm.find_user(username="director_a"))
        db.session.add(appt)
        db.session.commit()
        appt_id = appt.id
    client_as("staff_a").post("/appointmentview/action_post", data={"action": "cancel", "rowid": [appt_id]})
    assert find(app, name).status == "expected"
    assert name not in client_as("staff_a").get("/appointmentview/list/").get_data(as_text=True)
    assert name in client_as("gatekeeper_a").get("/appointmentview/list/").get_data(as_text=True)

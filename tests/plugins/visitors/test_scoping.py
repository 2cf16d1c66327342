"""Who sees which visits: a gatekeeper sees today's and on-site visits of their
own campus, a host sees visits to themselves, a user without a campus sees none."""
from datetime import timedelta

from sqlalchemy import update


def backdate(app, visit_id, days=2):
    from app.audit import acting_as
    from app.extensions import db
    from plugins.visitors import services
    from plugins.visitors.models import Visit

    with app.app_context(), acting_as(None, "tests", "cli"):
        visit = db.session.get(Visit, visit_id)
        earlier = visit.time_in - timedelta(days=days)
        db.session.execute(update(Visit).where(Visit.id == visit_id).values(time_in=earlier))
        services.sign_out(db.session, visit_id, at=earlier + timedelta(hours=1))
        db.session.commit()


def test_a_gatekeeper_of_another_campus_can_neither_see_nor_act_on_our_visits(app, client_as, gate, uid,
                                                                              resident_id):
    from plugins.visitors.models import Visit

    name, number = uid("甲园"), resident_id()
    visit_id = gate.visit(name=name, id_number=number)
    b = client_as("gatekeeper_b", lang="en")
    assert name not in b.get("/visitview/list/").get_data(as_text=True)
    assert b.get(f"/visitview/show/{visit_id}").status_code == 404
    assert b.get(f"/gate/desk/?campus_id={gate.campuses['TA']}").status_code == 403
    assert name not in b.get("/gate/desk/").get_data(as_text=True)
    assert b.post(f"/gate/desk/sign-out/{visit_id}").status_code == 404
    assert b.post("/gate/desk/sign-out-badge", data={"campus_id": gate.campuses["TA"], "badge": "X"}).status_code == 403
    assert b.post("/gate/desk/sign-in", data=gate.form("TA")).status_code == 403
    lookup = b.post("/gate/desk/lookup", json={"campus_id": gate.campuses["TA"], "number": number})
    assert lookup.status_code == 403 and "赵" not in lookup.get_data(as_text=True)
    assert name not in b.get("/gate/reports/register").get_data(as_text=True)
    assert name not in b.get("/gate/reports/evacuation").get_data(as_text=True)
    assert b.get(f"/gate/desk/poll?ids={visit_id}").get_json() == {"visits": []}
    assert gate.get(Visit, visit_id).status == "on_site"


def test_a_login_without_a_campus_sees_no_visits(app, client_as, gate, uid):
    name = uid("无园")
    gate.visit(name=name)
    c = client_as("staff_none")
    page = c.get("/visitview/list/").get_data(as_text=True)
    assert name not in page
    assert c.get("/gate/desk/").status_code in (302, 403)
    assert name not in c.get("/appointmentview/list/").get_data(as_text=True)


def test_staff_see_only_visits_to_themselves(app, client_as, gate, uid):
    me = gate.staff("TA", username="staff_a")
    other = gate.staff("TA", name="别的老师")
    mine, theirs, nobody = uid("我的"), uid("别人"), uid("无人")
    gate.visit(name=mine, host_id=me)
    gate.visit(name=theirs, host_id=other)
    gate.visit(name=nobody)
    page = client_as("staff_a").get("/visitview/list/?psize_VisitView=100").get_data(as_text=True)
    assert mine in page and theirs not in page and nobody not in page


def test_a_gatekeeper_sees_the_last_days_and_on_site_but_not_the_history(app, client_as, gate, uid):
    old, recent, today = uid("旧"), uid("昨"), uid("今")
    visits = {old: gate.visit(name=old), recent: gate.visit(name=recent), today: gate.visit(name=today)}
    backdate(app, visits[old], days=8)  # past the 7 days of the default setting
    backdate(app, visits[recent], days=1)
    gk = client_as("gatekeeper_a")

    def finds(name):  # the search form repeats the name: look for the row's link
        page = gk.get(f"/visitview/list/?_flt_0_visitor_name={name}").get_data(as_text=True)
        return f"/visitview/show/{visits[name]}" in page
    assert finds(today) and finds(recent) and not finds(old)
    director = client_as("director_a").get(f"/visitview/list/?_flt_0_visitor_name={old}").get_data(as_text=True)
    assert old in director


def test_the_office_sees_the_history_in_the_register_and_the_gate_only_today(app, client_as, gate, uid):
    from app.i18n import local_now

    old = uid("史")
    backdate(app, gate.visit(name=old), days=3)
    with app.app_context():
        day = (local_now().date() - timedelta(days=3)).isoformat()
    url = f"/gate/reports/register?from={day}&to={day}"
    assert old in client_as("auditor_a").get(url).get_data(as_text=True)
    assert old not in client_as("gatekeeper_a").get(url).get_data(as_text=True)


def test_name_prefix_search_finds_visits_by_the_start_of_the_name(app, client_as, gate, uid):
    stem = uid("检")
    gate.visit(name=stem + "甲")
    gate.visit(name="乙" + stem)
    page = client_as("director_a").get(f"/visitview/list/?_flt_0_visitor_name={stem}").get_data(as_text=True)
    assert stem + "甲" in page and "乙" + stem not in page
    wildcard = client_as("director_a").get("/visitview/list/?_flt_0_visitor_name=%25").get_data(as_text=True)
    assert stem not in wildcard  # % is a character, not a wildcard


def test_the_gate_looks_up_past_visits_for_the_days_the_setting_says_masked_as_ever(
        app, client_as, gate, uid, resident_id):
    from app.privacy import mask_id

    name, number = uid("水电工"), resident_id()
    visit_id = gate.visit(name=name, id_number=number)
    backdate(app, visit_id, days=3)
    gk = client_as("gatekeeper_a")
    page = gk.get(f"/visitview/list/?_flt_0_visitor_name={name}").get_data(as_text=True)
    assert f"/visitview/show/{visit_id}" in page and number not in page
    show = gk.get(f"/visitview/show/{visit_id}").get_data(as_text=True)  # the number is on the show page
    assert number not in show and mask_id(number) in show
    assert client_as("gatekeeper_b").get(f"/visitview/show/{visit_id}").status_code == 404  # not their campus
    director = client_as("director_a")
    try:
        assert director.post("/settings/", data={"gate_lookback_days": "2"}).status_code == 302
        page = gk.get(f"/visitview/list/?_flt_0_visitor_name={name}").get_data(as_text=True)
        assert f"/visitview/show/{visit_id}" not in page
        assert gk.get(f"/visitview/show/{visit_id}").status_code == 404
    finally:
        director.post("/settings/", data={"gate_lookback_days": "7"})

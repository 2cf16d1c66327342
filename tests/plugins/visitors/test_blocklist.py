"""The blocklist (禁止入内人员) at sign-in: an ID or phone match blocks and is
recorded; a bare name match asks for an ID check; only a Director overrides."""
import html
from datetime import timedelta

from sqlalchemy import select


def visits_named(app, name):
    from app.extensions import db
    from plugins.visitors.models import Visit

    with app.app_context():
        rows = db.session.execute(select(Visit).where(Visit.visitor_name == name).order_by(Visit.id)).scalars().all()
        for r in rows:
            db.session.expunge(r)
        return rows


def audit_rows(app, table, record_id):
    from app.extensions import db
    from app.models import AuditLog

    with app.app_context():
        return db.session.execute(select(AuditLog).where(
            AuditLog.table_name == table, AuditLog.record_id == str(record_id)).order_by(AuditLog.id)).scalars().all()


def test_id_number_on_the_blocklist_is_refused_and_the_refusal_recorded(app, client_as, gate, uid, resident_id):
    number, name = resident_id(), uid("黑")
    entry = gate.blocklist("另一个名字", id_number=number, reason="多次冒充家长接孩子")
    resp = client_as("gatekeeper_a", lang="en").post("/gate/desk/sign-in", data=gate.form(name=name, id_number=number))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'class="alert alert-danger hq-refused"' in page
    assert "Entry refused: this visitor is on the blocklist." in page and "多次冒充家长接孩子" in page
    (visit,) = visits_named(app, name)
    assert visit.status == "turned_away" and visit.blocklist_entry_id == entry and visit.badge is None
    created = [a for a in audit_rows(app, "visit", visit.id) if a.action == "create"]
    assert created and created[0].changes["status"] == [None, "turned_away"]
    assert created[0].actor == "gatekeeper_a"


def test_phone_on_the_blocklist_is_refused(app, client_as, gate, uid, mobile_no):
    phone, name = mobile_no(), uid("黑")
    gate.blocklist("某某", phone=phone)
    client_as("gatekeeper_a").post("/gate/desk/sign-in", data=gate.form(name=name, phone=phone))
    assert [v.status for v in visits_named(app, name)] == ["turned_away"]


def test_an_expired_or_other_campus_entry_does_not_block(app, client_as, gate, uid, resident_id):
    from app.i18n import local_now

    number, other = resident_id(), resident_id()
    with app.app_context():
        yesterday = local_now().date() - timedelta(days=1)
    gate.blocklist("甲", id_number=number, valid_until=yesterday)
    gate.blocklist("乙", id_number=other, campus="TB")
    c = client_as("gatekeeper_a")
    for n in (number, other):
        name = uid("客")
        assert c.post("/gate/desk/sign-in", data=gate.form(name=name, id_number=n)).status_code == 302
        assert visits_named(app, name)[0].status == "on_site"


def test_a_name_only_match_asks_to_check_the_id_then_admits(app, client_as, gate, uid):
    name = uid("同名")
    entry = gate.blocklist(name)
    c = client_as("gatekeeper_a", lang="en")
    form = gate.form(name=name)
    first = c.post("/gate/desk/sign-in", data=form)
    page = html.unescape(first.get_data(as_text=True))
    assert first.status_code == 422
    assert "This name is on the blocklist: check the visitor's ID document" in page
    assert 'name="confirm_name_match"' in page
    assert visits_named(app, name) == []  # nothing written until the gatekeeper confirms
    assert c.post("/gate/desk/sign-in", data={**form, "confirm_name_match": "y"}).status_code == 302
    (visit,) = visits_named(app, name)
    assert visit.status == "on_site" and visit.name_match_checked and visit.blocklist_entry_id == entry


def test_gate_requests_an_override_and_the_director_approves_it_without_a_reload(app, client_as, gate, uid,
                                                                                 resident_id):
    from plugins.visitors.models import OverrideRequest

    number, name = resident_id(), uid("覆")
    gate.blocklist("黑名单人", id_number=number)
    desk = client_as("gatekeeper_a", lang="en")
    desk.post("/gate/desk/sign-in", data=gate.form(name=name, id_number=number))
    (refused,) = visits_named(app, name)
    resp = desk.post("/gate/desk/override/request", data={"visit_id": refused.id, "note": "家长会，班主任担保"})
    assert resp.status_code == 302
    override_id = int(resp.headers["Location"].split("override=")[1].split("&")[0])
    waiting = desk.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'id="hq-pending-override"' in waiting and 'data-status="waiting"' in waiting
    assert desk.get(f"/gate/desk/override/{override_id}/status").get_json()["status"] == "waiting"
    assert desk.post(f"/gate/desk/override/{override_id}/admit").status_code == 302
    assert len(visits_named(app, name)) == 1  # not approved yet: nobody admitted

    director = client_as("director_a", lang="en")
    board = director.get("/").get_data(as_text=True)
    assert f'action="/gate/desk/override/{override_id}/decide"' in board  # on the dashboard tile
    assert f'action="/gate/desk/override/{override_id}/decide"' in director.get("/gate/desk/").get_data(as_text=True)
    no_reason = director.post(f"/gate/desk/override/{override_id}/decide", data={"decision": "approve"},
                              follow_redirects=True)
    assert "Give a reason" in no_reason.get_data(as_text=True)
    assert gate.get(OverrideRequest, override_id).status == "waiting"
    director.post(f"/gate/desk/override/{override_id}/decide",
                  data={"decision": "approve", "reason": "已核实，班主任陪同"})

    status = desk.get(f"/gate/desk/override/{override_id}/status").get_json()
    assert status == {"id": override_id, "status": "approved", "reason": "已核实，班主任陪同",
                      "decided_by": "Director A"}  # the name, not the login
    assert desk.post(f"/gate/desk/override/{override_id}/admit").status_code == 302
    visits = visits_named(app, name)
    assert [v.status for v in visits] == ["turned_away", "on_site"]
    override = gate.get(OverrideRequest, override_id)
    assert override.status == "used" and override.admitted_visit_id == visits[1].id
    assert override.decided_by_id == gate.user_id("director_a")
    again = desk.post(f"/gate/desk/override/{override_id}/admit", follow_redirects=True)
    assert "This override is not approved, or was already used" in again.get_data(as_text=True)
    assert len(visits_named(app, name)) == 2
    # Each decision is one audit entry naming the request, with the reason (app.workflow).
    decisions = [a for a in audit_rows(app, "visit_override", override_id) if a.action == "transition"]
    assert [(a.changes["transition"], a.changes["status"]) for a in decisions] == [
        ("approve", ["waiting", "approved"]), ("admit", ["approved", "used"])]
    assert decisions[0].changes["reason"] == "已核实，班主任陪同" and decisions[0].actor == "director_a"


def test_director_declines_an_override(app, client_as, gate, uid, resident_id):
    from plugins.visitors.models import OverrideRequest

    number, name = resident_id(), uid("拒")
    gate.blocklist("黑名单人", id_number=number)
    desk = client_as("gatekeeper_a")
    desk.post("/gate/desk/sign-in", data=gate.form(name=name, id_number=number))
    (refused,) = visits_named(app, name)
    location = desk.post("/gate/desk/override/request", data={"visit_id": refused.id}).headers["Location"]
    override_id = int(location.split("override=")[1].split("&")[0])
    client_as("director_a").post(f"/gate/desk/override/{override_id}/decide",
                                 data={"decision": "decline", "reason": "不予放行"})
    assert desk.get(f"/gate/desk/override/{override_id}/status").get_json()["status"] == "declined"
    desk.post(f"/gate/desk/override/{override_id}/admit")
    assert [v.status for v in visits_named(app, name)] == ["turned_away"]
    assert gate.get(OverrideRequest, override_id).decision_reason == "不予放行"


def test_only_a_director_decides_overrides(app, client_as, gate, uid, resident_id):
    number, name = resident_id(), uid("权")
    gate.blocklist("黑名单人", id_number=number)
    desk = client_as("gatekeeper_a")
    desk.post("/gate/desk/sign-in", data=gate.form(name=name, id_number=number))
    (refused,) = visits_named(app, name)
    location = desk.post("/gate/desk/override/request", data={"visit_id": refused.id}).headers["Location"]
    override_id = int(location.split("override=")[1].split("&")[0])
    resp = desk.post(f"/gate/desk/override/{override_id}/decide", data={"decision": "approve", "reason": "我说行"})
    assert resp.status_code == 403
    assert desk.get(f"/gate/desk/override/{override_id}/status").get_json()["status"] == "waiting"


def test_a_director_at_the_desk_overrides_directly_with_a_reason(app, client_as, gate, uid, resident_id):
    from app.extensions import db
    from plugins.visitors.models import OverrideRequest

    number, name = resident_id(), uid("主任")
    gate.blocklist("黑名单人", id_number=number)
    director = client_as("director_a", lang="en")
    form = gate.form(name=name, id_number=number)
    refused = director.post("/gate/desk/sign-in", data=form).get_data(as_text=True)
    assert "Entry refused" in refused and 'name="override_reason"' in refused
    assert director.post("/gate/desk/sign-in", data={**form, "override_reason": "区教育局检查，本人核实"}).status_code == 302
    visits = visits_named(app, name)
    assert [v.status for v in visits] == ["turned_away", "on_site"]
    with app.app_context():
        override = db.session.execute(select(OverrideRequest).where(
            OverrideRequest.admitted_visit_id == visits[1].id)).scalar_one()
        assert override.status == "used" and override.decision_reason == "区教育局检查，本人核实"
        assert override.decided_by.username == "director_a"
    assert [a for a in audit_rows(app, "visit_override", override.id) if a.action == "create"]


def test_a_gatekeepers_override_reason_is_ignored(app, client_as, gate, uid, resident_id):
    number, name = resident_id(), uid("门")
    gate.blocklist("黑名单人", id_number=number)
    client_as("gatekeeper_a").post("/gate/desk/sign-in", data={
        **gate.form(name=name, id_number=number), "override_reason": "我觉得可以"})
    assert [v.status for v in visits_named(app, name)] == ["turned_away"]


def test_the_blocklist_keeps_only_a_hash_and_a_masked_number(app, client_as, gate, uid, resident_id, mobile_no):
    from app.extensions import db
    from plugins.visitors.models import BlocklistEntry

    number, phone, name = resident_id(), mobile_no(), uid("禁")
    resp = client_as("director_a", lang="en").post("/blocklistview/add", data={
        "name": name, "doc_type": "resident_id", "id_number": number.lower(), "phone": phone,
        "reason": "威胁教职工", "campus": "", "valid_until": ""})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with app.app_context():
        entry = db.session.execute(select(BlocklistEntry).where(BlocklistEntry.name == name)).scalar_one()
        stored = " ".join(str(getattr(entry, c.key)) for c in BlocklistEntry.__table__.columns)
        assert number not in stored and phone not in stored
        assert entry.id_masked == number[:3] + "*" * 11 + number[-4:] and entry.phone_masked == phone[:3] + "****" + phone[-4:]
        assert entry.added_by.username == "director_a"
    blocked = uid("试")
    client_as("gatekeeper_a").post("/gate/desk/sign-in", data=gate.form(name=blocked, id_number=number))
    assert [v.status for v in visits_named(app, blocked)] == ["turned_away"]


def test_a_bad_number_on_the_blocklist_form_is_refused_on_its_field(app, client_as, uid):
    name = uid("禁")
    resp = client_as("director_a", lang="en").post("/blocklistview/add", data={
        "name": name, "doc_type": "resident_id", "id_number": "110105198501011235", "reason": "x"})
    body = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 200 and "The ID number's check digit is wrong" in body and name in body

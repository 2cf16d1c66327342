"""Who is at the gate (issue 13, points 1-3): a person on site is not signed in again at the same
campus (the form, and the database for two desks at once); a known number typed with another
name or phone never rewrites the stored visitor silently; one visitor record per person for
the institution."""
import re

import pytest
from sqlalchemy import func, select

from .test_concurrency import race


def _visitor_of(app, visit_id):
    from app.extensions import db
    from plugins.visitors.models import Visit

    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        return visit.visitor_id


def _count(app, model, *where):
    from app.extensions import db

    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


# --- point 1: no double sign-in ------------------------------------------------------------

def test_a_person_on_site_is_refused_with_the_open_visit_and_its_badge_and_a_sign_out_offer(
        app, client_as, gate, resident_id, uid):
    from plugins.visitors.models import Visit

    number, badge, phone = resident_id(), uid("B")[-6:], "13912345678"
    first = gate.visit(id_number=number, name="王建国", badge=badge, phone=phone)
    client = client_as("gatekeeper_a", lang="en")
    # The same number typed as a gatekeeper would: lower-case x, spaces.
    typed = " ".join([number[:6], number[6:14], number[14:]]).lower()
    response = client.post("/gate/desk/sign-in", data=gate.form(id_number=typed, name="王建国"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already on site" in page and f"badge {badge}" in page and f"visit #{first}" in page
    assert f'action="/gate/desk/sign-out/{first}"' in page
    assert _count(app, Visit, Visit.visitor_id == _visitor_of(app, first)) == 1
    # Signing the open visit out from the offer lets the person in again.
    assert client.post(f"/gate/desk/sign-out/{first}").status_code == 302
    again = gate.form(id_number=typed, name="王建国", phone=phone)
    assert client.post("/gate/desk/sign-in", data=again).status_code == 302


def test_the_refusal_reads_in_chinese_and_without_a_badge(client_as, gate, resident_id):
    number = resident_id()
    gate.visit(id_number=number, name="李四")
    page = client_as("gatekeeper_a").post("/gate/desk/sign-in", data=gate.form(id_number=number, name="李四"))
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "李四 已在园内" in text and "未领取访客证" in text


def test_the_lookup_says_the_person_is_on_site(client_as, gate, resident_id, campuses):
    number = resident_id()
    gate.visit(id_number=number, name="赵六")
    client = client_as("gatekeeper_a", lang="en")
    body = client.post("/gate/desk/lookup", json={"campus_id": campuses["TA"], "number": number}).get_json()
    assert body["found"] and "already on site" in body["on_site"]


def test_the_api_refuses_a_second_sign_in_with_a_conflict(api_as, gate, resident_id, campuses):
    number = resident_id()
    gate.visit(id_number=number, name="孙七")
    client, headers = api_as("gatekeeper_a")
    form = gate.form(id_number=number, name="孙七")
    response = client.post("/api/v1/visit/", json={**form, "campus_id": campuses["TA"]}, headers=headers)
    assert response.status_code == 409 and "id_number" in response.get_json()["message"]


def test_a_shared_phone_only_warns(client_as, gate, resident_id, mobile_no):
    phone = mobile_no()
    gate.visit(id_number=resident_id(), name="张父", phone=phone)
    client = client_as("gatekeeper_a", lang="en")
    response = client.post("/gate/desk/sign-in", data=gate.form(id_number=resident_id(), name="张母", phone=phone),
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "张母 signed in." in page
    assert "张父, on site" in page and "gave the same phone number" in page


def test_the_same_person_may_be_on_site_at_another_campus(gate, resident_id, app):
    number, phone = resident_id(), "13800001111"
    at_a = gate.visit("TA", id_number=number, name="周八", phone=phone)
    at_b = gate.visit("TB", username="gatekeeper_b", id_number=number, name="周八", phone=phone)
    assert _visitor_of(app, at_a) == _visitor_of(app, at_b)


def test_the_database_refuses_a_second_open_visit_of_one_person_at_a_campus(app, gate, resident_id):
    from sqlalchemy.exc import IntegrityError

    from app.audit import acting_as
    from app.extensions import db
    from plugins.visitors.models import Visit

    first = gate.get(Visit, gate.visit(id_number=resident_id()))
    with app.app_context(), acting_as(None, "tests", "cli"):
        db.session.add(Visit(visitor_id=first.visitor_id, visitor_name=first.visitor_name, campus_id=first.campus_id,
                             purpose_id=first.purpose_id, status="on_site"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("known", [False, True], ids=["new visitor", "returning visitor"])
def test_two_desks_signing_in_the_same_person_at_once_sign_in_once(app, client_as, gate, resident_id, mobile_no,
                                                                  known):
    from plugins.visitors.models import Visit, Visitor

    number, phone = resident_id(), mobile_no()
    if known:
        first = gate.visit(id_number=number, name="钱九", phone=phone)
        client_as("gatekeeper_a").post(f"/gate/desk/sign-out/{first}")
    desks = [client_as("gatekeeper_a", lang="en") for _ in range(3)]
    forms = [gate.form(id_number=number, name="钱九", phone=phone) for _ in desks]
    results = race(list(range(len(desks))), lambda i: desks[i].post("/gate/desk/sign-in", data=forms[i]))
    codes = sorted(r.status_code for r in results)
    assert codes == [302, 422, 422], codes
    for response in results:
        if response.status_code == 422:
            page = response.get_data(as_text=True)
            assert "already on site" in page or "just been signed in" in page, page[-2000:]
    from app.extensions import db
    from plugins.visitors.intake import hashes

    id_hash, _ = hashes(app.config["SECRET_KEY"], number, None)
    with app.app_context():
        visitor_ids = db.session.execute(select(Visitor.id).where(Visitor.id_hash == id_hash)).scalars().all()
    assert len(visitor_ids) == 1
    assert _count(app, Visit, Visit.visitor_id == visitor_ids[0], Visit.status == "on_site") == 1


# --- point 2: a known number never rewrites the stored visitor silently -------------------------

def _returning(gate, client, resident_id, mobile_no):
    number, phone = resident_id(), mobile_no()
    first = gate.visit(id_number=number, name="王建国", phone=phone)
    client.post(f"/gate/desk/sign-out/{first}")
    return number, phone, first


def test_another_name_for_a_known_number_shows_the_stored_details_and_keeps_them(
        app, client_as, gate, resident_id, mobile_no):
    from plugins.visitors.models import Visit, Visitor

    client = client_as("gatekeeper_a", lang="en")
    number, phone, first = _returning(gate, client, resident_id, mobile_no)
    visitor_id = _visitor_of(app, first)
    form = gate.form(id_number=number, name="王健国", phone=phone)
    response = client.post("/gate/desk/sign-in", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "registered as 王建国" in page and 'name="stored_details"' in page
    assert 'value="王健国"' in page  # what was typed is kept
    assert gate.get(Visitor, visitor_id).name == "王建国"
    assert client.post("/gate/desk/sign-in", data={**form, "stored_details": "keep"}).status_code == 302
    assert gate.get(Visitor, visitor_id).name == "王建国"
    from app.extensions import db

    with app.app_context():
        last = db.session.execute(select(Visit).where(Visit.visitor_id == visitor_id)
                                  .order_by(Visit.id.desc()).limit(1)).scalar_one()
        assert last.visitor_name == "王建国"


def test_a_confirmed_change_of_name_and_phone_is_written_and_audited(app, client_as, gate, resident_id, mobile_no):
    from app.extensions import db
    from app.models import AuditLog
    from app.privacy import mask_phone
    from plugins.visitors.models import Visitor

    client = client_as("gatekeeper_a", lang="en")
    number, phone, first = _returning(gate, client, resident_id, mobile_no)
    visitor_id = _visitor_of(app, first)
    new_phone = mobile_no()
    form = gate.form(id_number=number, name="王建国", phone=new_phone)
    page = client.post("/gate/desk/sign-in", data=form).get_data(as_text=True)
    assert f"registered with phone {mask_phone(phone)}" in page and phone not in page
    assert client.post("/gate/desk/sign-in", data={**form, "stored_details": "change"}).status_code == 302
    visitor = gate.get(Visitor, visitor_id)
    assert visitor.phone == new_phone
    with app.app_context():
        entries = db.session.execute(select(AuditLog).where(
            AuditLog.table_name == "visitor", AuditLog.record_id == str(visitor_id),
            AuditLog.action == "update")).scalars().all()
    assert any("phone" in (e.changes or {}) and e.actor == "gatekeeper_a" for e in entries)
    assert all(new_phone not in str(e.changes) for e in entries)  # masked in the log


def test_a_phone_added_to_a_visitor_without_one_needs_no_confirmation(app, client_as, gate, resident_id, mobile_no):
    from plugins.visitors.models import Visitor

    client = client_as("gatekeeper_a", lang="en")
    number = resident_id()
    first = gate.visit(id_number=number, name="吴十", phone="")
    client.post(f"/gate/desk/sign-out/{first}")
    phone = mobile_no()
    assert client.post("/gate/desk/sign-in", data=gate.form(id_number=number, name="吴十", phone=phone)).status_code == 302
    assert gate.get(Visitor, _visitor_of(app, first)).phone == phone


# --- point 3: one visitor record for the institution ------------------------------------------

def test_a_returning_visitor_is_recognised_at_another_campus_without_its_visits(
        app, client_as, gate, resident_id, mobile_no, campuses):
    from plugins.visitors.models import Visitor

    number, phone = resident_id(), mobile_no()
    at_a = gate.visit("TA", id_number=number, name="郑十一", phone=phone, plate="沪A12345")
    client_as("gatekeeper_a").post(f"/gate/desk/sign-out/{at_a}")
    desk_b = client_as("gatekeeper_b", lang="en")
    body = desk_b.post("/gate/desk/lookup", json={"campus_id": campuses["TB"], "number": number}).get_json()
    assert body["found"] and body["name"] == "郑十一"
    assert body["id_number"] != number and "*" in body["id_number"] and "*" in body["phone"]
    assert body["last_visit"] is None and body["plate"] == "" and body["purpose_id"] is None  # TA's visit unseen
    at_b = gate.visit("TB", username="gatekeeper_b", id_number=number, name="郑十一", phone=phone)
    visitor_id = _visitor_of(app, at_a)
    assert _visitor_of(app, at_b) == visitor_id
    assert _count(app, Visitor, Visitor.id == visitor_id) == 1
    from plugins.visitors.models import Visit

    visitor, visit_b = gate.get(Visitor, visitor_id), gate.get(Visit, at_b)
    assert visitor.last_visit_at == visit_b.time_in  # retention counts from the last visit anywhere
    listing = desk_b.get("/visitview/list/?_flt_0_visitor_name=郑十一").get_data(as_text=True)
    assert f"/visitview/show/{at_b}" in listing and f"/visitview/show/{at_a}" not in listing
    assert desk_b.get(f"/visitview/show/{at_a}").status_code in (302, 404)


def test_editing_a_visitor_to_another_visitors_number_is_refused(app, client_as, gate, resident_id):
    from plugins.visitors.models import Visitor

    one, other = resident_id(), resident_id()
    first = _visitor_of(app, gate.visit(id_number=one, name="冯一"))
    second = _visitor_of(app, gate.visit(id_number=other, name="陈二"))
    client = client_as("director", lang="en")
    response = client.post(f"/visitorview/edit/{second}", data={
        "name": "陈二", "doc_type": "resident_id", "id_number": one, "phone": "", "organisation": ""},
        follow_redirects=True)
    assert response.status_code == 200 and "already has this document number" in response.get_data(as_text=True)
    assert gate.get(Visitor, second).id_number == other and gate.get(Visitor, first).id_number == one


# --- the migration: existing duplicates put right before the guards go on ----------------------

@pytest.mark.slow
def test_the_migration_merges_per_campus_visitors_and_closes_duplicate_open_visits(app_on, scratch_url):
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, inspect, text

    from app.extensions import db

    fresh = app_on(scratch_url)
    with fresh.app_context():
        upgrade(revision="0004_visit_host_waiting")
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        def insert(table, **values):
            cols = ", ".join(values)
            marks = ", ".join(f":{k}" for k in values)
            return conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id"), values).scalar()

        a = insert("campus", name="甲园", code="MA", active=True)
        b = insert("campus", name="乙园", code="MB", active=True)
        purpose = insert("visit_purpose", name_zh="迁移测试", name_en="Migration", sort_order=1, active=True)
        old = insert("visitor", campus_id=a, name="王旧名", doc_type="resident_id", id_number="X1", id_hash="h1",
                     organisation="甲公司", last_visit_at="2026-11-01 08:00:00")
        new = insert("visitor", campus_id=b, name="王新名", doc_type="resident_id", id_number="X1", id_hash="h1",
                     last_visit_at="2026-11-20 08:00:00")
        alone = insert("visitor", campus_id=a, name="李独", doc_type="resident_id", id_number="X2", id_hash="h2",
                       last_visit_at="2026-11-20 08:00:00")

        def visit(visitor, campus, time_in, status="on_site", badge=None):
            return insert("visit", visitor_id=visitor, visitor_name="x", campus_id=campus, purpose_id=purpose,
                          party_size=1, time_in=time_in, status=status, badge=badge, name_match_checked=False)

        left_a = visit(old, a, "2026-11-01 08:00:00", status="left")
        open_a1 = visit(old, a, "2026-12-01 08:00:00", badge="7")
        open_a2 = visit(new, a, "2026-12-01 09:00:00", badge="8")  # the same person, signed in again
        open_b = visit(new, b, "2026-12-01 09:30:00")
        twice_1 = visit(alone, a, "2026-12-01 07:00:00")
        twice_2 = visit(alone, a, "2026-12-01 07:30:00")
    with fresh.app_context():
        upgrade(revision="heads")
    with engine.connect() as conn:
        visitors = conn.execute(text("SELECT id, name, campus_id, organisation, last_visit_at FROM visitor "
                                     "WHERE id_hash = 'h1'")).all()
        assert len(visitors) == 1
        kept = visitors[0]
        assert (kept.id, kept.name, kept.campus_id, kept.organisation) == (new, "王新名", a, "甲公司")
        assert str(kept.last_visit_at).startswith("2026-11-20")
        rows = dict(conn.execute(text("SELECT id, visitor_id FROM visit")).all())
        assert {rows[v] for v in (left_a, open_a1, open_a2, open_b)} == {new}
        status = {r.id: (r.status, r.time_out) for r in conn.execute(text("SELECT id, status, time_out FROM visit"))}
        assert status[open_a1][0] == "left" and str(status[open_a1][1]).startswith("2026-12-01 09:00")
        assert status[open_a2] == ("on_site", None) and status[open_b] == ("on_site", None)
        assert status[twice_1][0] == "left" and status[twice_2][0] == "on_site"
        audit = conn.execute(text("SELECT action, table_name, record_id, actor FROM audit_log "
                                  "WHERE job = '0005_visitor_one_per_person'")).all()
        assert {(r.action, r.table_name, r.record_id) for r in audit} == {
            ("update", "visitor", str(new)), ("delete", "visitor", str(old)),
            ("update", "visit", str(open_a1)), ("update", "visit", str(twice_1))}
        assert {r.actor for r in audit} == {"migration"}
    with fresh.app_context():
        indexes = {i["name"]: i for i in inspect(db.engine).get_indexes("visit")}
        assert indexes["uq_visit_visitor_on_site"]["unique"]
        with pytest.raises(Exception, match=re.compile("unique|duplicate", re.I)):
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO visit (visitor_id, visitor_name, campus_id, purpose_id, party_size, "
                                  "time_in, status, name_match_checked) VALUES "
                                  f"({new}, 'x', {a}, {purpose}, 1, '2026-12-01 10:00:00', 'on_site', false)"))
    engine.dispose()

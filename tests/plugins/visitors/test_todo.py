"""What the gate leaves waiting for someone, in core's to-do list: a host with a visitor at the
gate answers 同意入内/拒绝 from the list (or the dashboard) and the item is gone; a Director
decides an override there, and the desk still gets its answer live. The desk keeps the page
budget of core's per-request work."""
from __future__ import annotations

import re

from plugins.visitors.models import OverrideRequest, Visit


def badge(html: str) -> int:
    return int(re.search(r'id="hq-todo-count">(\d+)<', html).group(1))


def test_a_host_sees_a_waiting_visitor_and_lets_them_in_from_the_to_do_list(app, client_as, gate, uid):
    host = gate.staff("TA", username="staff_a")
    name = uid("等候")
    staff = client_as("staff_a")
    before = badge(staff.get("/").get_data(as_text=True))
    visit_id = gate.visit(host_id=host, name=name, host_confirmation="")
    page = staff.get("/todo/").get_data(as_text=True)
    assert badge(page) == before + 1
    item = page.split(f"{name} 在等您")[1].split("</form>")[0]
    assert f'action="/visitview/respond/{visit_id}"' in item
    assert "同意入内" in item and "拒绝" in item and 'name="next" value="/todo/"' in item
    dashboard = staff.get("/").get_data(as_text=True)
    assert f'action="/visitview/respond/{visit_id}"' in dashboard  # the first few, on the dashboard too
    assert staff.get("/todo/count").get_json()["count"] == before + 1
    resp = staff.post(f"/visitview/respond/{visit_id}", data={"answer": "confirm", "next": "/todo/"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/todo/")
    assert gate.get(Visit, visit_id).host_response == "confirmed"
    page = staff.get("/todo/").get_data(as_text=True)
    assert f"{name} 在等您" not in page and badge(page) == before  # answered: the record no longer waits


def test_a_declined_visitor_leaves_the_list_and_is_turned_away(app, client_as, gate, uid):
    host = gate.staff("TA", username="staff_a")
    name = uid("拒")
    visit_id = gate.visit(host_id=host, name=name)
    staff = client_as("staff_a", lang="en")
    assert f"{name} is waiting for you" in staff.get("/todo/").get_data(as_text=True)
    staff.post(f"/visitview/respond/{visit_id}", data={"answer": "decline", "next": "/todo/"})
    assert gate.get(Visit, visit_id).status == "turned_away"
    assert f"{name} is waiting for you" not in staff.get("/todo/").get_data(as_text=True)


def test_a_visitor_signed_out_before_the_answer_is_no_longer_waiting(app, client_as, gate, uid):
    host = gate.staff("TA", username="staff_a")
    name = uid("走")
    visit_id = gate.visit(host_id=host, name=name)
    staff = client_as("staff_a")
    assert name in staff.get("/todo/").get_data(as_text=True)
    client_as("gatekeeper_a").post(f"/gate/desk/sign-out/{visit_id}")
    assert name not in staff.get("/todo/").get_data(as_text=True)


def test_nobody_else_sees_a_hosts_waiting_visitor(app, client_as, gate, uid):
    host = gate.staff("TA", username="staff_a")
    name = uid("私")
    gate.visit(host_id=host, name=name)
    for other in ("gatekeeper_a", "auditor_a", "appraiser_a"):
        assert name not in client_as(other).get("/todo/").get_data(as_text=True), other
    # a next that leaves the site is ignored
    visit_id = gate.visit(host_id=host, name=uid("跳"))
    resp = client_as("staff_a").post(f"/visitview/respond/{visit_id}", data={"answer": "confirm",
                                                                             "next": "//evil.example/"})
    assert resp.headers["Location"].endswith("/visitview/list/")


def test_a_director_decides_an_override_from_the_to_do_list_and_the_desk_hears_it(app, client_as, gate, uid,
                                                                                 resident_id):
    number, name = resident_id(), uid("覆")
    gate.blocklist(uid("黑"), id_number=number)
    desk = client_as("gatekeeper_a")
    desk.post("/gate/desk/sign-in", data=gate.form(name=name, id_number=number))
    refused = next(v for v in _visits_named(app, name))
    location = desk.post("/gate/desk/override/request", data={"visit_id": refused, "note": "班主任担保"}).headers["Location"]
    override_id = int(location.split("override=")[1].split("&")[0])
    director = client_as("director_a")
    page = director.get("/todo/").get_data(as_text=True)
    item = page.split(f"为{name}申请")[1].split("</form>")[0] if f"为{name}申请" in page else \
        page.split(name)[1].split("</form>")[0]
    assert f'action="/gate/desk/override/{override_id}/decide"' in item and 'name="reason"' in item
    assert "班主任担保" in page
    assert name not in client_as("staff_a").get("/todo/").get_data(as_text=True)
    resp = director.post(f"/gate/desk/override/{override_id}/decide",
                         data={"decision": "approve", "reason": "已核实", "next": "/todo/"})
    assert resp.headers["Location"].endswith("/todo/")
    assert desk.get(f"/gate/desk/override/{override_id}/status").get_json()["status"] == "approved"
    assert name not in director.get("/todo/").get_data(as_text=True)
    assert gate.get(OverrideRequest, override_id).status == "approved"


def _visits_named(app, name):
    from sqlalchemy import select

    from app.extensions import db

    with app.app_context():
        return db.session.execute(select(Visit.id).where(Visit.visitor_name == name)).scalars().all()


def test_the_desk_keeps_the_page_budget(app, client_as, gate, count_statements):
    """Core's per-request work on the desk (user, permissions, to-do count, settings) is at most
    4 statements, for the gatekeeper and for a Director holding every role."""
    for user in ("gatekeeper_a", "director_all"):
        c = client_as(user)
        c.get("/gate/desk/")
        with count_statements() as counter:
            assert c.get("/gate/desk/").status_code == 200
        assert len(counter.frame) <= 4, (user, counter.frame)
        assert "user" in counter.frame and "permissions" not in counter.frame  # kept by the worker
    assert counter.frame.count("todo") == 1  # the Director: both gate kinds, one statement


def test_the_visitors_hosted_panel_is_for_the_person_and_the_office(app, client_as, gate, uid):
    host = gate.staff("TA", username="staff_a")
    name = uid("访")
    gate.visit(host_id=host, name=name)
    mine = client_as("staff_a").get(f"/staffview/show/{host}").get_data(as_text=True)
    assert 'id="panel-visitors-hosted"' in mine and name in mine
    assert name in client_as("director_a").get(f"/staffview/show/{host}").get_data(as_text=True)
    colleague = client_as("gatekeeper_a").get(f"/staffview/show/{host}")
    assert colleague.status_code == 200 and 'id="panel-visitors-hosted"' not in colleague.get_data(as_text=True)


def test_the_hosts_count_reads_only_the_visits_still_waiting(app, client_as, gate, count_statements):
    """The count runs on every page: it is served by the partial index of waiting visits (the
    planner can use it only because the query states the index's condition as constants)."""
    from flask import g

    from app.extensions import db
    from plugins.visitors.todo import host_count

    gate.visit(host_id=gate.staff("TA", username="director_all"))
    c = client_as("director_all")
    c.get("/")
    with count_statements() as counter:
        c.get("/todo/count")
    (sql,) = [s for s, f in zip(counter.statements, counter.frames) if f == "todo"]
    assert "visit.host_response = 'pending'" in sql and "visit.status = 'on_site'" in sql
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="director_all")
        conn = db.session.connection()
        compiled = host_count(g.user).compile(dialect=conn.dialect)
        if conn.dialect.name == "sqlite":
            args = tuple(compiled.params[name] for name in compiled.positiontup)
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", args))
        else:
            # Usable at all, whatever the volume: the planner picks by cost, and a test table is
            # tiny; without the other indexes (dropped inside the transaction, rolled back) and
            # without sequential scans, it can only be ours — if the query implies its condition.
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            conn.exec_driver_sql("DROP INDEX ix_visit_status_campus, ix_visit_host_id")
            plan = " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))
        db.session.rollback()
    assert "ix_visit_host_waiting" in plan, plan

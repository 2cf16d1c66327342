"""The to-do list (待办) as core runs it: the count of every kind in one statement on every page,
polled by open pages without keeping an idle session alive, items worked out from the records,
a broken kind that does not take the others (or the page) down, and the page budget: all the
per-request work core adds costs at most 4 statements."""
from __future__ import annotations

import logging
import re
import time

import pytest
from sqlalchemy import func, select, table

from app.models import Staff
from app.plugin import Todo
from app.todo import TodoItem

FRAME_BUDGET = 4  # user (+ settings version), permissions, to-do count; settings reload after a change


def staff_named(name):
    def count(user):
        return select(func.count(Staff.id)).where(Staff.name == name, Staff.active.is_(True))

    def items(user, limit):
        from app.extensions import db

        rows = db.session.execute(select(Staff.id, Staff.staff_no).where(Staff.name == name, Staff.active.is_(True))
                                  .order_by(Staff.id).limit(limit)).all()
        return [TodoItem(title=f"{name} {no}", url=f"/staffview/show/{pk}") for pk, no in rows]
    return count, items


@pytest.fixture()
def kinds(app, monkeypatch, ctx, campuses, uid):
    """extra(n) -> n to-do kinds of a fake plugin, kind i waiting on i+1 staff rows named for it."""
    from app.audit import acting_as

    registry = app.extensions["houqin"]

    def extra(n, broken=False):
        made = []
        with acting_as(None, "tests", "cli"):
            for i in range(n):
                name = uid("待办")
                for k in range(i + 1):
                    ctx.session.add(Staff(name=name, staff_no=uid("TD"), employment_type="contract",
                                          campus_id=campuses["TA"], active=True))
                count, items = staff_named(name)
                made.append(Todo(f"fake.kind{i}", f"Fake kind {i}", count, items, ("can_list", "StaffView")))
            ctx.session.commit()
        if broken:
            made.append(Todo("fake.broken", "Broken kind",
                             lambda user: select(func.count()).select_from(table("no_such_table_anywhere")),
                             lambda user, limit: [], ("can_list", "StaffView")))
        # only the fake kinds: the visitors' own are tested in tests/plugins/visitors/test_todo.py
        monkeypatch.setattr(registry, "todos", made)
        return made
    return extra


def badge(html: str) -> int | None:
    m = re.search(r'id="hq-todo-count">(\d+)<', html)
    return int(m.group(1)) if m else None


def test_the_count_of_every_kind_is_one_statement(app, client_as, count_statements, kinds):
    kinds(6)
    c = client_as("director_a")
    c.get("/staffview/list/")
    with count_statements() as counter:
        html = c.get("/staffview/list/").get_data(as_text=True)
    assert counter.frame.count("todo") == 1
    assert badge(html) == sum(range(1, 7))  # 1 + 2 + ... + 6 waiting rows


def test_an_item_vanishes_when_its_record_stops_waiting(app, client_as, kinds, ctx):
    from app.audit import acting_as

    made = kinds(1)
    c = client_as("director_a")
    page = c.get("/todo/").get_data(as_text=True)
    assert "Fake kind 0" in page and badge(page) == 1
    name = page.split('class="hq-todo-title">')[1].split(" ")[0]
    with acting_as(None, "tests", "cli"):
        ctx.session.query(Staff).filter(Staff.name == name).update({"active": False})
        ctx.session.commit()
    page = c.get("/todo/").get_data(as_text=True)
    assert "Fake kind 0" not in page and badge(page) == 0 and "hq-todo-none" in page
    assert made[0].name == "fake.kind0"


def test_a_broken_kind_is_logged_and_the_others_still_count(app, client_as, kinds, caplog):
    kinds(2, broken=True)
    c = client_as("director_a")
    with caplog.at_level(logging.ERROR, logger="app.todo"):
        html = c.get("/staffview/list/").get_data(as_text=True)
    assert badge(html) == 3
    assert any("fake.broken" in r.getMessage() for r in caplog.records)
    page = c.get("/todo/")
    assert page.status_code == 200 and "Fake kind 1" in page.get_data(as_text=True)


def test_the_poll_answers_the_count_alone_and_is_not_activity(app, client_as, count_statements, kinds):
    kinds(2)
    c = client_as("director_a")
    c.get("/")
    with c.session_transaction() as s:
        s["_last_seen"] = seen = time.time() - 60
    c.get("/todo/count", headers={"X-Houqin-Background": "1"})  # warm
    with count_statements() as counter:
        resp = c.get("/todo/count", headers={"X-Houqin-Background": "1"})
    assert resp.status_code == 200 and resp.get_json() == {"count": 3}
    assert len(counter.statements) == len(counter.frame) <= 3  # user, permissions, the count
    with c.session_transaction() as s:
        assert s["_last_seen"] == seen  # an open page polling does not keep the gate PC signed in


def test_a_poll_after_the_idle_time_signs_out_with_401(app, client_as):
    c = client_as("staff_a")
    with c.session_transaction() as s:
        s["_last_seen"] = time.time() - 31 * 60
    resp = c.get("/todo/count", headers={"X-Houqin-Background": "1"})
    assert resp.status_code == 401 and "message" in resp.get_json()
    assert c.get("/todo/").status_code == 302  # signed out


def test_the_to_do_page_and_count_need_a_login(app, anon):
    assert anon.get("/todo/").status_code == 302
    assert anon.get("/todo/count").status_code == 401


def test_every_catalogue_role_has_a_to_do_list(app, client_as):
    for role in app.extensions["houqin"].catalogue:
        html = client_as(role.lower() + "_a").get("/").get_data(as_text=True)
        assert 'id="hq-todo-link"' in html, role


def test_the_navbar_count_is_its_own_piece(app, client_as):
    """Rendered by houqin/todo_badge.html alone: a navbar cached per roles, campus and language can
    leave it out and fill in each user's number afterwards."""
    html = client_as("staff_a", lang="en").get("/").get_data(as_text=True)
    with app.test_request_context():
        source = app.jinja_env.loader.get_source(app.jinja_env, "appbuilder/navbar.html")[0]
    assert "{% include 'houqin/todo_badge.html' %}" in source
    assert "To-do" in html and 'data-count-url="/todo/count"' in html


# -- the page budget ----------------------------------------------------------------------------

def _frame(client, count_statements, url):
    with count_statements() as counter:
        resp = client.get(url)
    assert resp.status_code == 200
    return counter.frame


def test_the_dashboard_frame_is_within_budget_for_a_director_holding_every_role(app, client_as, count_statements):
    c = client_as("director_all")
    c.get("/")
    frame = _frame(c, count_statements, "/")
    # the permissions of a role set this worker already keeps cost nothing (app/freshness.py)
    assert sorted(frame) == ["todo", "user"], frame
    assert len(frame) <= FRAME_BUDGET


def test_a_settings_change_costs_one_statement_once_and_stays_within_budget(app, client_as, count_statements):
    reader, writer = client_as("director_all"), client_as("director_a")
    reader.get("/")
    assert writer.post("/settings/", data={"health_cert_warning_days": "31"}).status_code == 302
    first = _frame(reader, count_statements, "/")
    second = _frame(reader, count_statements, "/")
    writer.post("/settings/", data={"health_cert_warning_days": "30"})
    assert first.count("settings") == 1 and len(first) <= FRAME_BUDGET, first
    assert "settings" not in second and len(second) == len(first) - 1

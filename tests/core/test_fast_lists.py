"""Lists as fast on a deep page as on page 1, and a page frame kept between requests:

- a house list reads the page's keys first and then only those rows with their relations; the
  rows and their order are those of Flask-AppBuilder's one-query read, on random searches,
  orders and pages;
- what a worker keeps (permissions per role set, the navbar per roles/campuses/language, each
  list's search form) follows every change at once, in this worker and in another one on the
  same database, and the user's own part of the navbar is never shared."""
from __future__ import annotations

import json
from urllib.parse import quote
import random
import re

import pytest
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import select


def _staff_view(app):
    from app.views.org import StaffView

    return next(v for v in app.appbuilder.baseviews if isinstance(v, StaffView))


def _seed_staff(ctx, campuses, uid, n=60):
    from app.audit import acting_as
    from app.models import Staff

    tag = uid("快")
    rng = random.Random(7)
    with acting_as(None, "tests", "cli"):
        for i in range(n):
            ctx.session.add(Staff(
                name=tag + rng.choice("甲乙丙丁"), staff_no=f"{tag}-{rng.randrange(10**6):06d}-{i}",
                employment_type=rng.choice(["established", "contract", "agency"]),
                campus_id=rng.choice([campuses["TA"], campuses["TB"]]), active=rng.random() > 0.2,
                gender=rng.choice(["M", "F", None])))
        ctx.session.commit()
    return tag


def test_the_keys_first_read_gives_the_same_rows_in_the_same_order(app, ctx, campuses, uid):
    """Random searches (name starts with, campus, employment type, active), orders and pages:
    the two-step read equals Flask-AppBuilder's own one-query read, row for row."""
    from app.models import Staff

    tag = _seed_staff(ctx, campuses, uid)
    view = _staff_view(app)
    rng = random.Random(2026)
    with app.test_request_context():
        fab = SQLAInterface(Staff)
        for _ in range(40):
            filters = view.datamodel.get_filters(view.search_columns)
            flt = fab.get_filters(view.search_columns)
            chosen = [("name", 0, tag + rng.choice(["", "甲", "乙"]))]
            if rng.random() < 0.5:
                chosen.append(("campus", 0, campuses[rng.choice(["TA", "TB"])]))
            if rng.random() < 0.4:
                chosen.append(("employment_type", 0, rng.choice(["established", "contract", "agency"])))
            if rng.random() < 0.4:
                chosen.append(("active", 0, rng.choice([True, False])))
            for col, index, value in chosen:
                filters.add_filter_index(col, index, value)
                flt.add_filter_index(col, index, value)
            order = rng.choice(["staff_no", "name", "health_cert_expiry", ""])
            direction = rng.choice(["asc", "desc"])
            page, size = rng.randrange(0, 4), rng.choice([5, 7, 25])
            count, rows = view.datamodel.query(filters, order, direction, page=page, page_size=size)
            expected_count, expected = fab.query(flt, order, direction, page=page, page_size=size)
            assert count == expected_count
            assert [r.id for r in rows] == [r.id for r in expected], (chosen, order, direction, page, size)


def test_a_deep_page_joins_relations_for_its_own_rows_only(app, client_as, ctx, campuses, uid, count_statements):
    """The page's keys come from the base table alone (filters, order, offset, limit); the
    relations (position, department, campus) are joined only in the read of those keys."""
    tag = _seed_staff(ctx, campuses, uid, n=40)
    c = client_as("director_a")
    url = f"/staffview/list/?_flt_0_name={tag}&psize_StaffView=5&page_StaffView=5"
    c.get(url)
    with count_statements() as counter:
        resp = c.get(url)
    assert resp.status_code == 200
    keys = [s for s in counter.statements if re.search(r"SELECT staff\.id AS staff_id\s+FROM staff\b", s)]
    assert len(keys) == 1 and "JOIN" not in keys[0].upper() and "OFFSET" in keys[0].upper()
    rows = [s for s in counter.statements if "staff.id IN" in s]
    assert len(rows) == 1 and "JOIN" in rows[0].upper() and "OFFSET" not in rows[0].upper()



def test_a_short_page_is_counted_from_its_keys_and_a_full_one_by_count(app, client_as, ctx, campuses, uid,
                                                                       count_statements):
    """A page with fewer rows than the page size is the last one: the record count is the rows
    before it plus its own, without a COUNT statement; a full page still runs the COUNT."""
    tag = _seed_staff(ctx, campuses, uid, n=12)
    c = client_as("director_a", lang="en")

    def read(url):
        c.get(url)
        with count_statements() as counter:
            body = c.get(url).get_data(as_text=True)
        counts = [s for s, frame in zip(counter.statements, counter.frames)
                  if not frame and re.search(r"\bcount\(", s, re.I) and "FROM staff" in s]  # not the to-do badge
        return re.search(r"Record Count:</strong>\s*(\d+)", body).group(1), counts

    base = f"/staffview/list/?_flt_0_name={quote(tag)}&psize_StaffView=5"
    assert read(base + "&page_StaffView=2") == ("12", [])  # rows 11-12 of 12
    assert read(f"/staffview/list/?_flt_0_name={quote(tag)}") == ("12", [])  # all 12 on page 1 of 25
    shown, counts = read(base)  # a full page: the total needs the COUNT
    assert shown == "12" and len(counts) == 1
    shown, counts = read(base + "&page_StaffView=7")  # past the end: counted, an empty page
    assert shown == "12" and len(counts) == 1

def test_a_new_campus_reaches_the_kept_search_form_at_once(app, client_as, ctx, uid):
    from app.audit import acting_as
    from app.models import Campus

    c = client_as("director_a")
    name = uid("新园")
    shown = json.dumps(name)[1:-1]  # the search form's fields travel as JSON in the page
    assert shown not in c.get("/staffview/list/").get_data(as_text=True)
    with acting_as(None, "tests", "cli"):
        ctx.session.add(Campus(name=name, code=uid("NC")[:20], active=True))
        ctx.session.commit()
    assert shown in c.get("/staffview/list/").get_data(as_text=True)


def test_the_kept_navbar_follows_the_institution_name_and_never_shares_the_users_name(app, client_as):
    c = client_as("director_a")
    assert "Director A" in c.get("/").get_data(as_text=True)
    other = client_as("admin_a")
    page = other.get("/").get_data(as_text=True)
    assert "Admin A" in page and "Director A" not in page
    c.post("/settings/", data={"institution_name": "阳光二园", "timezone": "Asia/Shanghai",
                                "idle_timeout_minutes": "30", "health_cert_warning_days": "30"})
    try:
        assert "阳光二园" in c.get("/").get_data(as_text=True)
        assert "阳光二园" in other.get("/").get_data(as_text=True)
    finally:  # no stored value left behind: other tests expect the default
        from app.audit import acting_as
        from app.extensions import db

        with app.app_context(), acting_as(None, "tests", "cli"):
            app.extensions["houqin_settings"].set(db.session, "institution_name", None)
            db.session.commit()


@pytest.mark.slow
def test_a_role_change_in_one_worker_reaches_another_at_once(app, app_on, login_fn, uid):
    """Two apps on one database stand for two workers (or two hosts): permissions and the menu
    one keeps follow a change the other makes, on the next request. On a copy of the Auditor
    role (catalogue roles are owned by code)."""
    from app.extensions import db
    from tests.seed import PASSWORD

    name, username = uid("读者"), uid("reader").lower()
    with app.app_context():
        sm = app.appbuilder.sm
        variant = sm.add_role(name)
        variant.permissions = list(sm.find_role("Auditor").permissions)
        user = sm.add_user(username, "Reader", "Copy", f"{username}@test.houqin", variant, password=PASSWORD)
        db.session.commit()
        role_id, user_id = variant.id, user.id
    second = app_on(app.config["SQLALCHEMY_DATABASE_URI"])
    c2 = login_fn(second, username)
    assert c2.get("/auditlogview/list/").status_code == 200
    assert "/auditlogview/list/" in c2.get("/").get_data(as_text=True)  # the menu entry
    with app.app_context():
        variant = db.session.get(app.appbuilder.sm.role_model, role_id)
        variant.permissions = [p for p in variant.permissions
                               if p.view_menu.name not in ("AuditLogView", "Audit log")]
        db.session.commit()
    assert c2.get("/auditlogview/list/").status_code == 403
    assert "/auditlogview/list/" not in c2.get("/").get_data(as_text=True)


def test_the_per_request_frame_is_the_user_and_the_to_do_count(app, client_as, count_statements):
    """A page's own queries aside, core adds the user (with roles, groups, campuses and the change
    counters) and the to-do count; permissions, the menu and the search form come from what the
    worker keeps."""
    c = client_as("auditor_a")
    c.get("/auditlogview/list/")
    with count_statements() as counter:
        assert c.get("/").status_code == 200
    assert counter.frame[:1] == ["user"] and set(counter.frame) <= {"user", "todo"}, counter.frame


def _normalised_page(body: bytes) -> str:
    text = re.sub(r'name="csrf_token" value="[^"]*"|nonce="[^"]*"|name="csrf-token" content="[^"]*"', "",
                  body.decode("utf-8"))
    assert " object at 0x" not in text  # a list cell showing an object's repr
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_house_list_shows_the_same_page_from_plain_rows_as_from_orm_objects(app, client_as, ctx, campuses,
                                                                                  uid, monkeypatch, caplog, lang):
    """Every house list view of core and the plugins reads its page as plain values where its
    columns allow (app/views/plain.py) and shows exactly what it showed from ORM objects; none
    falls back (a fallback would be logged)."""
    from flask import url_for

    from app.views.base import HouqinModelView

    _seed_staff(ctx, campuses, uid, n=30)
    c = client_as("director_all", lang=lang)
    views = [v for v in app.appbuilder.baseviews if isinstance(v, HouqinModelView)]
    planned = 0
    with app.test_request_context():
        urls = {type(v).__name__: url_for(f"{type(v).__name__}.list") for v in views}
    for view in views:
        name = type(view).__name__
        plain = c.get(urls[name])
        if plain.status_code != 200:  # a list the catalogue roles do not open
            continue
        plans = view.__dict__.get("_hq_plain_plans", {})
        planned += any(p is not None for p in plans.values())
        monkeypatch.setattr(type(view), "plain_rows", False)
        monkeypatch.setattr(view, "_hq_plain_plans", {})
        orm = c.get(urls[name])
        monkeypatch.undo()
        assert orm.status_code == 200, name
        assert _normalised_page(plain.data) == _normalised_page(orm.data), name
    assert planned >= 10
    assert "lists with ORM rows" not in caplog.text
    assert "plain rows widened" not in caplog.text  # the plans' reading of the code saw it all


def test_the_demo_lists_show_the_same_page_from_plain_rows_as_from_orm_objects(tmp_path, monkeypatch, caplog):
    """The same on the demo data (every plugin's lists have rows there), as the demo director."""
    from flask import url_for

    from app import create_app
    from app.views.base import HouqinModelView
    from tests.seed import CHEAP_PASSWORD_HASH

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/plain.db", "TESTING": True,
                      "SECRET_KEY": "plain-secret-0123456789abcdef0123456789", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False, "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH})
    runner = app.test_cli_runner()
    env = {"HOUQIN_ADMIN_PASSWORD": "Admin-Pass-2026!!", "HOUQIN_DEMO": "0", "HOUQIN_DEMO_PASSWORD": "Demo-Pass-2026!!"}
    assert runner.invoke(args=["houqin", "init"], env=env).exit_code == 0
    monkeypatch.setenv("HOUQIN_DEMO_PASSWORD", "Demo-Pass-2026!!")
    result = runner.invoke(args=["houqin", "demo"])
    assert result.exit_code == 0, result.output
    c = app.test_client()
    assert c.post("/login/", data={"username": "director", "password": "Demo-Pass-2026!!"}).status_code == 302
    views = [v for v in app.appbuilder.baseviews if isinstance(v, HouqinModelView)]
    with app.test_request_context():
        urls = {type(v).__name__: url_for(f"{type(v).__name__}.list") for v in views}
    with_rows = 0
    for view in views:
        name = type(view).__name__
        plain = c.get(urls[name])
        if plain.status_code != 200:
            continue
        with_rows += b"action_check" in plain.data or plain.data.count(b"<tr>") > 1
        monkeypatch.setattr(type(view), "plain_rows", False)
        monkeypatch.setattr(view, "_hq_plain_plans", {})
        orm = c.get(urls[name])
        monkeypatch.undo()
        monkeypatch.setenv("HOUQIN_DEMO_PASSWORD", "Demo-Pass-2026!!")
        assert _normalised_page(plain.data) == _normalised_page(orm.data), name
    assert with_rows >= 15
    assert "lists with ORM rows" not in caplog.text
    assert "plain rows widened" not in caplog.text


def test_a_plain_row_refuses_what_it_was_not_loaded_with(app, ctx, campuses, uid, monkeypatch, client_as, caplog):
    """A plain row answers its columns, the listed relations (by their __str__) and the model's
    properties; anything else raises PlainMiss (not AttributeError, which FAB's list would show
    as an empty cell). A missed column or many-to-one relation widens the plan and the page is
    read again; anything else makes the view list with ORM objects — the same page either way."""
    from app.models import Staff
    from app.views.plain import PlainMiss, plan_for

    plan = plan_for(Staff, ["name", "campus", "department.name"], ())
    assert plan is not None and set(plan.relations) == {"campus", "department"}
    assert plan_for(Staff, ["name", "no_such_column"], ()) is None
    _seed_staff(ctx, campuses, uid, n=3)
    with app.app_context():
        from app.extensions import db

        (pk,) = Staff.__mapper__.primary_key
        keys = list(db.session.execute(select(Staff.id).order_by(Staff.id).limit(3)).scalars())
        rows = plan.rows(db.session, pk, keys)
        orm = {s.id: s for s in db.session.execute(select(Staff).where(Staff.id.in_(keys))).scalars()}
        assert [r.id for r in rows] == keys
        for row in rows:
            assert row.name == orm[row.id].name and str(row.campus) == str(orm[row.id].campus)
            assert not hasattr(row, "department.name")  # FAB then follows the dotted path itself
            with pytest.raises(PlainMiss):
                row.position  # a relation the plan did not load
        assert plan.widen(Staff, "position") and "position" in plan.relations  # now joined
        assert not plan.widen(Staff, "no_such_attribute")
    from app.models import AcademicYear

    year_plan = plan_for(AcademicYear, ["name"], ())
    assert year_plan is not None and not year_plan.widen(AcademicYear, "terms")  # one-to-many: never plain
    # a formatter that reads a relation of a relation the code analysis cannot see: the plan reads
    # it too and the page is read again (logged); the same page as from ORM rows
    view = _staff_view(app)
    monkeypatch.setattr(view, "formatters_columns", {
        **view.formatters_columns, "department": lambda d: f"{d.name}@{d.campus.code}" if d else ""})
    monkeypatch.setitem(view.__dict__, "_hq_plain_plans", {})
    from app.audit import acting_as
    from app.models import Department

    name = uid("回退")
    with acting_as(None, "tests", "cli"):
        dept = Department(name=uid("部门"), campus_id=campuses["TA"], active=True)
        ctx.session.add(dept)
        ctx.session.flush()
        ctx.session.add(Staff(name=name, staff_no=uid("FB"), employment_type="contract", campus_id=campuses["TA"],
                              department_id=dept.id, active=True))
        ctx.session.commit()
    url = "/staffview/list/?_flt_0_name=" + quote(name)
    page = client_as("director_a").get(url)
    assert page.status_code == 200
    assert f"{dept.name}@TA" in page.get_data(as_text=True)
    assert "StaffView's plain rows widened: Department.campus" in caplog.text
    assert "lists with ORM rows" not in caplog.text
    assert any(p is not None for p in view.__dict__["_hq_plain_plans"].values())
    # when the plan cannot be widened (here: no widening allowed), ORM rows from then on
    import app.views.base as base

    monkeypatch.setattr(base, "MAX_WIDENINGS", 0)
    monkeypatch.setitem(view.__dict__, "_hq_plain_plans", {})
    page = client_as("director_a").get(url)
    assert page.status_code == 200
    assert f"{dept.name}@TA" in page.get_data(as_text=True)
    assert "lists with ORM rows from now on" in caplog.text
    assert all(p is None for p in view.__dict__["_hq_plain_plans"].values())


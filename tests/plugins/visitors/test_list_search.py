"""The visit list on real volumes: the host is searched by typing the start of a name (no
drop-down of every staff member), the record count stops at a cap, and the register export
reads plain columns with the same values the screen shows."""
import io
import re
from datetime import datetime, timedelta

import openpyxl


def test_visits_are_searched_by_the_start_of_the_hosts_name(app, client_as, gate, uid):
    tag = uid("主人")
    mine = gate.staff("TA", name=tag + "甲")
    other = gate.staff("TA", name=uid("别人") + "乙")
    a, b = uid("甲客"), uid("乙客")
    gate.visit(name=a, host_id=mine)
    gate.visit(name=b, host_id=other)
    for user in ("director_a", "gatekeeper_a"):
        page = client_as(user).get(f"/visitview/list/?_flt_0_host={tag}").get_data(as_text=True)
        assert a in page and b not in page, user
    # Nothing matches: an empty list, not every visit.
    page = client_as("director_a").get("/visitview/list/?_flt_0_host=无此人XYZ").get_data(as_text=True)
    assert a not in page and b not in page


HOST_TEXT_BOX = '"host": "\\u003cinput class=\\"form-control\\" id=\\"host\\" name=\\"host\\"'


def test_the_host_search_is_a_text_box_not_a_list_of_every_staff_member(app, client_as, gate, uid):
    name = uid("不列出")
    gate.staff("TA", name=name)
    page = client_as("director_a").get("/visitview/list/").get_data(as_text=True)
    assert name not in page  # FAB would render one <option> per staff member
    assert HOST_TEXT_BOX in page  # the search form's fields travel as JSON in the page
    appointments = client_as("director_a").get("/appointmentview/list/").get_data(as_text=True)
    assert name not in appointments and HOST_TEXT_BOX in appointments


def test_the_visit_count_stops_at_the_cap(app, client_as, gate, uid, monkeypatch):
    from plugins.visitors.views import VisitView

    tag = uid("封顶")
    host = gate.staff("TA", name=tag)
    for _ in range(4):
        gate.visit(name=uid("客"), host_id=host)
    datamodel = next(v for v in app.appbuilder.baseviews if isinstance(v, VisitView)).datamodel
    monkeypatch.setattr(datamodel, "count_cap", 3)
    c = client_as("director_a", lang="en")
    page = c.get(f"/visitview/list/?_flt_0_host={tag}").get_data(as_text=True)
    assert re.search(r"Record Count:</strong>\s*3\+", page)
    monkeypatch.setattr(datamodel, "count_cap", 10)
    page = c.get(f"/visitview/list/?_flt_0_host={tag}").get_data(as_text=True)
    assert re.search(r"Record Count:</strong>\s*4\s", page)


def test_the_register_export_shows_each_visits_values(app, client_as, gate, uid, resident_id):
    from app.i18n import local_now, to_local
    from app.extensions import db
    from plugins.visitors.models import Visit

    name, number = uid("册"), resident_id()
    host = gate.staff("TA", name=uid("接待"))
    visit_id = gate.visit(name=name, id_number=number, host_id=host, host_confirmation="phone", badge="R7",
                          plate="沪C54321", party_size=3, note="带工具箱")
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        time_in = to_local(visit.time_in).replace(tzinfo=None)
        host_name = visit.host.name
        today = local_now().date().isoformat()
    for user, shown in (("director_a", number), ("auditor_a", number[:3] + "*" * 11 + number[-4:])):
        xlsx = client_as(user, lang="en").get(f"/gate/reports/register?from={today}&to={today}&format=xlsx")
        rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
        header = rows[4]
        (row,) = [r for r in rows[5:] if r[header.index("Name")] == name]
        value = dict(zip(header, row))
        assert abs(value["Time in"] - time_in) < timedelta(seconds=1)
        assert isinstance(value["Time in"], datetime) and value["Time out"] is None
        assert value["Document number"] == shown
        assert value["ID document"] == "Resident ID card"
        assert value["Purpose"] == "Parent" and value["Host"] == host_name
        assert value["Party size"] == 3 and value["Vehicle plate"] == "沪C54321" and value["Badge no."] == "R7"
        assert value["Gatekeeper on duty"] == "Gatekeeper A" and value["Status"] == "On site"
        assert value["Note"] == "带工具箱"


def test_an_empty_personal_number_shows_as_an_empty_cell_not_none(app, client_as, gate, uid):
    tag = uid("无电话")
    gate.visit(name=tag, phone="", host_id=gate.staff("TA", name=tag))
    for user in ("director_a", "gatekeeper_a", "auditor_a"):
        page = client_as(user).get(f"/visitview/list/?_flt_0_host={tag}").get_data(as_text=True)
        assert tag in page, user
        assert not re.search(r"<td>\s*None\s*</td>", page), user


def test_the_last_four_digits_search_finds_by_all_four_or_by_their_start(app, client_as, gate, uid, mobile_no):
    name, phone = uid("尾号"), mobile_no()
    gate.visit(name=name, phone=phone)
    c = client_as("director_a")
    for typed in (phone[-4:], phone[-4:-1]):
        page = c.get(f"/visitorview/list/?_flt_0_phone_last4={typed}").get_data(as_text=True)
        assert name in page, typed
    other = "0000" if phone[-4:] != "0000" else "1111"
    assert name not in c.get(f"/visitorview/list/?_flt_0_phone_last4={other}").get_data(as_text=True)


def test_search_fields_start_empty_not_with_the_columns_defaults(app, client_as):
    page = client_as("director_a").get("/visitview/list/").get_data(as_text=True)
    assert "+00:00" not in page  # the time-in filter opened on a raw UTC timestamp
    assert 'value=\\"on_site\\"' not in page  # and the status filter on "on_site"


def test_visit_pages_read_keys_first_and_match_the_one_query_read(app, gate, uid, count_statements, client_as):
    """The visit list's relations (visitor, purpose, host, campus) are joined for the page's
    rows only; rows and order equal Flask-AppBuilder's one-query read on random pages."""
    import random

    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from plugins.visitors.models import Visit
    from plugins.visitors.views import VisitView

    tag = uid("深页")
    host = gate.staff("TA", name=tag)
    for i in range(12):
        gate.visit(name=f"{tag}{i % 3}", host_id=host if i % 2 else None)
    view = next(v for v in app.appbuilder.baseviews if isinstance(v, VisitView))
    rng = random.Random(11)
    with app.test_request_context():
        fab = SQLAInterface(Visit)
        for _ in range(15):
            mine, theirs = view.datamodel.get_filters(view.search_columns), fab.get_filters(view.search_columns)
            value = tag + rng.choice(["", "0", "1"])
            mine.add_filter_index("visitor_name", 0, value)
            theirs.add_filter_index("visitor_name", 0, value)
            order, direction = rng.choice(["time_in", "visitor_name", "status"]), rng.choice(["asc", "desc"])
            page, size = rng.randrange(0, 3), rng.choice([2, 5])
            got = view.datamodel.query(mine, order, direction, page=page, page_size=size)
            want = fab.query(theirs, order, direction, page=page, page_size=size)
            assert got[0] == want[0] and [v.id for v in got[1]] == [v.id for v in want[1]]
    c = client_as("director_a")
    url = f"/visitview/list/?_flt_0_visitor_name={tag}&psize_VisitView=2&page_VisitView=3"
    c.get(url)
    with count_statements() as counter:
        assert c.get(url).status_code == 200
    keys = [s for s in counter.statements if re.search(r"SELECT visit\.id AS visit_id\s+FROM visit\b", s)]
    assert len(keys) == 1 and "JOIN" not in keys[0].upper()
    rows = [s for s in counter.statements if "visit.id IN" in s]
    assert len(rows) == 1 and rows[0].upper().count("JOIN") >= 4

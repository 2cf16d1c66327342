"""Campus -> building -> room: screens, search, campus scoping, export, import (GBK CSV from WPS,
buildings made on first mention, a second import adds nothing) and the REST API (4xx, never 500)."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from app.models import Building, Room


@pytest.fixture()
def place(app, ctx, campuses, uid):
    """A building with two rooms on each campus, named uniquely."""
    from app.audit import acting_as

    tag = uid("")
    made = {}
    with acting_as(None, "tests", "cli"):
        for code in ("TA", "TB"):
            b = Building(name=f"教学楼{tag}{code}", campus_id=campuses[code], active=True, floors=3)
            ctx.session.add(b)
            ctx.session.flush()
            rooms = [Room(building_id=b.id, campus_id=campuses[code], name=f"{n}{tag}", kind=kind, floor=n // 100,
                          class_name=cls, active=True)
                     for n, kind, cls in ((101, "classroom", f"小一班{tag}"), (201, "store", None))]
            ctx.session.add_all(rooms)
            ctx.session.flush()
            made[code] = (b.id, [r.id for r in rooms])
        ctx.session.commit()
    return tag, made


def test_a_room_takes_its_buildings_campus(app, client_as, ctx, campuses, place):
    tag, made = place
    building_id = made["TB"][0]
    resp = client_as("director_a").post("/roomview/add", data={"building": building_id, "name": f"保健室{tag}",
                                                               "kind": "clinic", "active": "y"})
    assert resp.status_code == 302
    room = ctx.session.execute(select(Room).where(Room.name == f"保健室{tag}")).scalar_one()
    assert room.campus_id == campuses["TB"] and room.kind == "clinic"


def test_a_second_room_of_the_same_name_in_a_building_is_refused_with_a_message(app, client_as, ctx, place):
    tag, made = place
    resp = client_as("director_a").post("/roomview/add", data={"building": made["TA"][0], "name": f"101{tag}",
                                                               "kind": "office"}, follow_redirects=True)
    assert "该楼栋已有同名房间" in resp.get_data(as_text=True)
    count = ctx.session.execute(select(func.count(Room.id)).where(Room.name == f"101{tag}")).scalar()
    assert count == 2  # the fixture's two, one per campus


def test_rooms_are_campus_scoped_in_list_show_and_api(app, client_as, api_as, place):
    tag, made = place
    keeper = client_as("assetkeeper_a")
    page = keeper.get(f"/roomview/list/?_flt_2_name={tag}").get_data(as_text=True)
    assert f"教学楼{tag}TA" in page and f"教学楼{tag}TB" not in page
    assert keeper.get(f"/roomview/show/{made['TB'][1][0]}").status_code in (302, 404)
    client, headers = api_as("gatekeeper_b")
    names = {r["building"]["name"] for r in client.get("/api/v1/room/?q=(page_size:100)", headers=headers).get_json()["result"]}
    assert f"教学楼{tag}TB" in names and f"教学楼{tag}TA" not in names
    assert client.get(f"/api/v1/room/{made['TA'][1][0]}", headers=headers).status_code == 404


def test_rooms_are_searched_by_name_class_and_kind(app, client_as, place):
    tag, made = place
    c = client_as("director_a")
    by_class = c.get(f"/roomview/list/?_flt_2_class_name=小一班{tag}").get_data(as_text=True)
    assert by_class.count(f"小一班{tag}") >= 2 and f"201{tag}" not in by_class
    by_building = c.get(f"/roomview/list/?_flt_0_building=教学楼{tag}T").get_data(as_text=True)
    assert by_building.count(f"教学楼{tag}TA") == 2 and by_building.count(f"教学楼{tag}TB") == 2
    by_kind = c.get(f"/roomview/list/?_flt_2_name={tag}&_flt_0_kind=store").get_data(as_text=True)
    assert f"201{tag}" in by_kind and f"101{tag}" not in by_kind and "仓库/库房" in by_kind


def test_rooms_export_to_excel_with_the_current_search(app, client_as, place):
    tag, _ = place
    resp = client_as("auditor_a").get(f"/roomview/export/?_flt_2_name={tag}")
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert f"教学楼{tag}TA" in values and "教室/活动室" in values and values.count(f"101{tag}") == 2


def test_staff_read_rooms_but_only_director_and_admin_change_them(app, client_as, api_as, place):
    tag, made = place
    assert client_as("staff_a").get("/roomview/list/").status_code == 200
    assert client_as("staff_a").get("/roomview/add").status_code in (302, 403)
    assert client_as("assetkeeper_a").get("/roomview/import/").status_code in (302, 403)
    client, headers = api_as("staff_a")
    assert client.post("/api/v1/room/", json={"building": made["TA"][0], "name": "x"}, headers=headers).status_code == 403


def test_the_room_api_answers_bad_input_with_422_by_field(app, api_as, place, uid):
    tag, made = place
    client, headers = api_as("director_a")
    ok = client.post("/api/v1/room/", json={"building": made["TA"][0], "name": uid("R"), "kind": "kitchen",
                                             "area": "30.5"}, headers=headers)
    assert ok.status_code == 201
    dup = client.post("/api/v1/room/", json={"building": made["TA"][0], "name": f"101{tag}"}, headers=headers)
    assert dup.status_code == 422 and "name" in dup.get_json()["message"]
    kind = client.post("/api/v1/room/", json={"building": made["TA"][0], "name": uid("R"), "kind": "moon"},
                       headers=headers)
    assert kind.status_code == 422 and "kind" in kind.get_json()["message"]
    missing = client.post("/api/v1/room/", json={"name": uid("R")}, headers=headers)
    assert missing.status_code in (400, 422)
    bad_id = client.post("/api/v1/room/", json={"building": "abc", "name": uid("R")}, headers=headers)
    assert 400 <= bad_id.status_code < 500
    admin, admin_headers = api_as("admin_a")
    spec = admin.get("/api/v1/_openapi", headers=admin_headers).get_json()
    assert {"/api/v1/room/", "/api/v1/building/"} <= set(spec["paths"])


def _rooms_csv(rows, encoding="gbk"):
    lines = ["房间清单（2026学年第一学期）", "", "园区,楼栋,房间,编号,楼层,类型,班级,面积,容纳人数"]
    lines += [",".join(r) for r in rows]
    return io.BytesIO("\r\n".join(lines).encode(encoding))


def test_rooms_import_from_a_wps_csv_making_buildings_and_a_second_import_adds_nothing(app, client_as, ctx, uid):
    tag = uid("")
    rows = [["TA", f"综合楼{tag}", "101", f"Z{tag}-101", "1", "活动室", "中二班", "62.5", "30"],
            ["TA", f"综合楼{tag}", "厨房", "", "1", "厨房", "", "", ""],
            ["TA", f"后楼{tag}", "库房", "", "", "仓库", "", "", ""]]
    c = client_as("director_a")
    assert c.post("/roomview/import/", data={"file": (_rooms_csv(rows), "rooms.csv")},
                  content_type="multipart/form-data").status_code == 302
    made = ctx.session.execute(select(Room).join(Building).where(Building.name.like(f"%{tag}"))).scalars().all()
    assert sorted((r.building.name, r.name, r.kind) for r in made) == [
        (f"后楼{tag}", "库房", "store"), (f"综合楼{tag}", "101", "classroom"), (f"综合楼{tag}", "厨房", "kitchen")]
    assert next(r for r in made if r.name == "101").class_name == "中二班"
    again = c.post("/roomview/import/", data={"file": (_rooms_csv(rows), "rooms.csv")},
                   content_type="multipart/form-data", follow_redirects=True)
    assert "3 行此前已导入" in again.get_data(as_text=True)
    assert ctx.session.execute(select(func.count(Building.id)).where(Building.name.like(f"%{tag}"))).scalar() == 2


def test_a_bad_room_row_names_row_and_column(app, client_as, uid):
    rows = [["TA", f"楼{uid('')}", "101", "", "一楼", "教室", "", "", ""]]
    body = client_as("director_a").post("/roomview/import/", data={"file": (_rooms_csv(rows), "rooms.csv")},
                                        content_type="multipart/form-data").get_data(as_text=True)
    assert "<td>4</td><td>楼层</td><td>不是整数。</td>" in body.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("user", ["director_a", "assetkeeper_a"])
def test_room_pages_run_few_statements(app, client_as, count_statements, place, user):
    """The list joins building and campus in its query; the show page's attachment panel is two
    statements (the record as the user may see it, its files with their uploaders) however many
    files it has."""
    tag, made = place
    room_id = made["TA"][1][0]
    c = client_as(user)
    if user == "director_a":
        for n in range(3):
            c.post(f"/attachments/room/{room_id}/upload", data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), f"{n}.pdf")},
                   content_type="multipart/form-data")

    def count(url):
        c.get(url)
        with count_statements() as counter:
            assert c.get(url).status_code == 200
        return counter.count

    # 6: the frame (user, permissions, the to-do count) and the page's own
    assert count("/roomview/list/") <= 6
    assert count(f"/roomview/list/?_flt_2_name={tag}") <= 6
    assert count(f"/roomview/show/{room_id}") <= 6

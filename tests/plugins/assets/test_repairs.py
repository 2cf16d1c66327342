"""Issue 16 through the screens: a teacher reports a fault in a room (with a photo, on one of the
room's cards), the keeper dispatches it, the repairer records the fix, the teacher confirms it or
sends it back; the card is 维修中 while the request is open and its history shows the repair; a
request still open after the end of the working day is flagged 过夜; bad input on its field with
nothing half-saved; the log and the statistics print and export."""
import io
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from tests.plugins.assets.test_lifecycle import get, ids, page, user_id


def png():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def events(app, asset_id):
    from app.extensions import db
    from plugins.assets.models import AssetEvent

    with app.app_context():
        return db.session.execute(select(AssetEvent.kind).where(AssetEvent.asset_id == asset_id)
                                  .order_by(AssetEvent.id)).scalars().all()


def count(app, model, **where):
    return len(ids(app, model, **where))


def report(client, room, description, asset="", photo=None, urgency="normal"):
    data = {"room": str(room), "asset": str(asset), "description": description, "urgency": urgency}
    if photo is not None:
        data["photos"] = [(io.BytesIO(photo[0]), photo[1])]
    return client.post("/repairview/report", data=data, content_type="multipart/form-data")


def new_request(app, client, register, description, with_card=False):
    from plugins.assets.repair_models import RepairRequest

    room = register.room(class_name="大一班")
    card = register.card(name="教室吸顶灯", code="A02061899", price="380.00", room_id=room) if with_card else ""
    resp = report(client, room, description, asset=card)
    assert resp.status_code == 302, page(resp)[-1500:]
    return ids(app, RepairRequest, description=description)[-1], room, card


def test_a_teacher_reports_the_keeper_dispatches_the_repairer_fixes_and_the_teacher_confirms(app, client_as,
                                                                                             register, uid):
    from app.models import Attachment
    from plugins.assets.models import Asset
    from plugins.assets.repair_models import RepairRequest

    teacher, keeper, repairer = client_as("staff_a"), client_as("assetkeeper_a"), client_as("repairer_a")
    room = register.room(class_name="中二班")
    card = register.card(name="教室吸顶灯", code="A02061899", price="380.00", room_id=room)
    form = teacher.get(f"/repairview/report?room_id={room}")
    assert form.status_code == 200 and "教室吸顶灯" in page(form) and 'capture="environment"' in page(form)
    text = uid("中二班吸顶灯不亮")
    resp = report(teacher, room, text, asset=card, photo=(png(), "light.png"), urgency="urgent")
    assert resp.status_code == 302, page(resp)[-1500:]
    (pk,) = ids(app, RepairRequest, description=text)
    req = get(app, RepairRequest, pk)
    assert req.status == "reported" and req.number.startswith("WX") and req.due_at > req.reported_at
    assert get(app, Asset, card).status == "repair" and "repair_reported" in events(app, card)
    assert count(app, Attachment, owner_type="assets.repair", owner_id=pk) == 1
    # the keeper's to-do; a teacher does not dispatch; nobody fixes an undispatched request
    assert text in page(keeper.get("/todo/"))
    assert teacher.post(f"/repairview/dispatch/{pk}", data={"vendor": "x"}).status_code in (302, 403)
    assert get(app, RepairRequest, pk).status == "reported"
    resp = keeper.post(f"/repairview/fix/{pk}", data={"work": "换灯管", "cost": "10"})
    assert resp.status_code == 422 and "未登记：该报修单为“待派工”，尚未派工" in page(resp)
    assert get(app, RepairRequest, pk).status == "reported"
    assert repairer.get(f"/repairview/show/{pk}").status_code == 404  # not theirs yet
    resp = keeper.post(f"/repairview/dispatch/{pk}", data={"repairer": "", "vendor": ""})
    assert resp.status_code == 422 and "请派给一名本单位维修工或一家维修单位" in page(resp)
    resp = keeper.post(f"/repairview/dispatch/{pk}", data={"repairer": str(user_id(app, "repairer_a"))})
    assert resp.status_code == 302, page(resp)[-1500:]
    assert get(app, RepairRequest, pk).status == "dispatched"
    # the repairer's queue (on a phone) and the fix
    queue = repairer.get("/assets/repairs/queue")
    assert queue.status_code == 200 and text in page(queue)
    assert text in page(repairer.get("/todo/"))
    resp = repairer.post(f"/repairview/fix/{pk}", data={"work": "", "materials": "", "cost": "-5"})
    assert resp.status_code == 422 and "请说明维修内容" in page(resp) and "费用不能小于零" in page(resp)
    assert get(app, RepairRequest, pk).status == "dispatched"
    resp = repairer.post(f"/repairview/fix/{pk}", data={"work": "更换镇流器和灯管", "materials": "镇流器1个", "cost": "45.00"})
    assert resp.status_code == 302, page(resp)[-1500:]
    req = get(app, RepairRequest, pk)
    assert req.status == "fixed" and str(req.cost) == "45.00" and req.fixed_by_id == user_id(app, "repairer_a")
    # someone else may not confirm it; the teacher does, from the to-do list
    resp = keeper.post(f"/repairview/do/confirm/{pk}")
    assert resp.status_code == 422 and "只有报修人才能验收或退回此次维修" in page(resp)
    assert text in page(teacher.get("/todo/"))
    assert teacher.post(f"/repairview/answer/{pk}", data={"answer": "confirm", "next": "/todo/"}).status_code == 302
    req = get(app, RepairRequest, pk)
    assert req.status == "confirmed" and req.confirmed_at is not None
    assert get(app, Asset, card).status == "in_use"
    assert events(app, card)[-3:] == ["repair_reported", "repair_fixed", "repair_confirmed"][-3:]
    # confirmed: locked, and confirming twice is refused
    assert teacher.post(f"/repairview/do/confirm/{pk}").status_code in (302, 409)
    assert get(app, RepairRequest, pk).status == "confirmed"
    card_page = keeper.get(f"/assetview/show/{card}")
    assert "维修已验收" in page(card_page)


def test_the_reporter_sends_an_unfinished_repair_back_with_a_note(app, client_as, register, uid):
    from plugins.assets.repair_models import RepairRequest

    teacher, keeper = client_as("staff_a"), client_as("assetkeeper_a")
    text = uid("水龙头漏水")
    pk, _room, _card = new_request(app, teacher, register, text)
    assert keeper.post(f"/repairview/dispatch/{pk}", data={"vendor": "明亮水电维修部"}).status_code == 302
    assert keeper.post(f"/repairview/fix/{pk}", data={"work": "更换阀芯", "cost": "30"}).status_code == 302
    resp = teacher.post(f"/repairview/do/send_back/{pk}", data={"reason": ""})
    assert resp.status_code == 422 and get(app, RepairRequest, pk).status == "fixed"
    assert teacher.post(f"/repairview/do/send_back/{pk}", data={"reason": "还在滴水"}).status_code == 302
    req = get(app, RepairRequest, pk)
    assert req.status == "dispatched" and req.sent_back == 1 and req.note == "还在滴水" and req.fixed_at is None


def test_a_report_without_a_room_or_description_or_with_a_bad_photo_saves_nothing(app, client_as, register, uid):
    from app.models import Attachment
    from plugins.assets.repair_models import RepairRequest

    teacher = client_as("staff_a")
    before = count(app, RepairRequest)
    resp = report(teacher, "", "")
    assert resp.status_code == 422 and "请选择故障所在的房间" in page(resp) and "请说明故障情况" in page(resp)
    room = register.room()
    text = uid("门锁坏了")
    resp = report(teacher, room, text, photo=(b"<html><script>x</script></html>", "lock.jpg"))
    assert resp.status_code == 422 and text in page(resp)  # the form keeps what was typed
    assert count(app, RepairRequest) == before
    assert not count(app, Attachment, owner_type="assets.repair", owner_id=0)
    other_room = register.room()
    card = register.card(room_id=other_room)
    resp = report(teacher, room, text, asset=card)
    assert resp.status_code == 422 and "该资产不在所选房间" in page(resp)
    assert count(app, RepairRequest) == before


def test_a_request_open_after_the_end_of_the_working_day_is_flagged_overnight(app, client_as, register, uid):
    from app.audit import acting_as
    from app.extensions import db
    from plugins.assets.repair_models import RepairRequest

    teacher = client_as("staff_a")
    text = uid("窗户关不上")
    pk, _room, _card = new_request(app, teacher, register, text)
    with app.app_context(), acting_as(None, "tests", "cli"):
        # reported yesterday: due by yesterday's end of work
        yesterday = datetime.now(timezone.utc) - timedelta(days=1)
        db.session.execute(update(RepairRequest).where(RepairRequest.id == pk).values(
            reported_at=yesterday, due_at=yesterday + timedelta(hours=2)))
        db.session.commit()
    for who in ("assetkeeper_a", "director_a"):
        dash = page(client_as(who).get("/"))
        assert "widget-repair-overnight" in dash and text[:20] in dash, who
    open_list = page(client_as("assetkeeper_a").get("/assets/repairs/open"))
    assert "hq-overnight-flag" in open_list and text in open_list
    assert "过夜" in page(client_as("assetkeeper_a").get("/todo/"))
    assert "widget-repair-overnight" not in page(teacher.get("/"))


def test_the_day_end_setting_sets_the_target_of_new_requests(app, client_as, register, uid):
    from app.periods import local_now
    from plugins.assets.repair_models import RepairRequest

    from app.audit import acting_as
    from app.extensions import db

    def put(value):
        with app.app_context(), acting_as(None, "tests", "cli"):
            app.extensions["houqin_settings"].set(db.session, "assets_repair_day_ends", value)
            db.session.commit()

    with app.app_context():
        old = app.extensions["houqin_settings"].get("assets_repair_day_ends")
    put("23:59")
    try:
        pk, _room, _card = new_request(app, client_as("staff_a"), register, uid("黑板松动"))
        due = get(app, RepairRequest, pk).due_at
        local = due.replace(tzinfo=timezone.utc).astimezone(local_now().tzinfo) if due.tzinfo is None else \
            due.astimezone(local_now().tzinfo)
        assert (local.hour, local.minute) == (23, 59)
    finally:
        put(old)


def test_the_log_prints_per_month_and_room_and_the_statistics_chart_and_export(app, client_as, register, uid):
    teacher, keeper = client_as("staff_a"), client_as("assetkeeper_a")
    text = uid("插座没电")
    pk, room, _card = new_request(app, teacher, register, text)
    log = keeper.get("/assets/repairs/reports/log")
    assert log.status_code == 200 and text in page(log) and "hq-signatures" in page(log)
    assert text in page(keeper.get(f"/assets/repairs/reports/log?room_id={room}"))
    assert text not in page(keeper.get("/assets/repairs/reports/log?month=2020-01"))
    xlsx = keeper.get("/assets/repairs/reports/log?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    stats = keeper.get("/assets/repairs/reports/stats")
    assert stats.status_code == 200 and "<svg" in page(stats) and "repair-overnight" in page(stats)
    assert keeper.get("/assets/repairs/reports/stats?format=xlsx").data[:2] == b"PK"
    assert keeper.get("/assets/repairs/reports/stats?year=99999").status_code == 200
    assert teacher.get("/assets/repairs/reports/log").status_code in (302, 403)


def test_a_keeper_cancels_a_duplicate_and_the_card_goes_back_into_use(app, client_as, register, uid):
    from plugins.assets.models import Asset
    from plugins.assets.repair_models import RepairRequest

    teacher, keeper = client_as("staff_a"), client_as("assetkeeper_a")
    pk, _room, card = new_request(app, teacher, register, uid("空调不制冷"), with_card=True)
    assert get(app, Asset, card).status == "repair"
    assert teacher.post(f"/repairview/do/cancel/{pk}", data={"reason": "重复"}).status_code in (302, 403)
    assert keeper.post(f"/repairview/do/cancel/{pk}", data={"reason": "重复报修"}).status_code == 302
    assert get(app, RepairRequest, pk).status == "cancelled" and get(app, Asset, card).status == "in_use"
    assert events(app, card)[-1] == "repair_cancelled"


def test_the_log_shows_an_evening_request_on_its_own_day(app, client_as, register, uid):
    """The log's times are the local wall time: a request reported at 19:30 in Shanghai (11:30
    UTC) is on that day's line, not the next day's (the date was converted to local time twice
    and moved on by eight hours)."""
    import re

    from app.audit import acting_as
    from app.extensions import db
    from plugins.assets.repair_models import RepairRequest

    def zone(value):
        with app.app_context(), acting_as(None, "tests", "cli"):
            app.extensions["houqin_settings"].set(db.session, "timezone", value)
            db.session.commit()

    teacher, keeper = client_as("staff_a"), client_as("assetkeeper_a")
    text = uid("晚上报修")
    pk, _room, _card = new_request(app, teacher, register, text)
    with app.app_context():
        old = app.extensions["houqin_settings"].get("timezone")
        db.session.execute(update(RepairRequest).where(RepairRequest.id == pk).values(
            reported_at=datetime(2026, 3, 10, 11, 30, tzinfo=timezone.utc)))
        db.session.commit()
    zone("Asia/Shanghai")
    try:
        body = page(keeper.get("/assets/repairs/reports/log?month=2026-03"))
    finally:
        zone(old)
    row = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(text)}(?:(?!</tr>).)*</tr>", body, re.S).group(0)
    assert "2026年3月10日 19:30" in row and "3月11日" not in row


def test_the_lists_follow_a_renamed_reporter_at_once_and_a_sign_in_keeps_the_kept_names(app, client_as, register,
                                                                                        uid, campuses):
    """The open list's names come from maps kept per worker (plugins/assets/repair_queries.py):
    a change of the reporter's person shows on the next page; signing in (which writes the
    login's last_login) does not move the "people" counter that the maps are kept by."""
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Staff
    from app.models.settings import Version

    def people():
        with app.app_context():
            return db.session.execute(select(Version.version).where(Version.key == "people")).scalar() or 0

    teacher, keeper = client_as("staff_a"), client_as("assetkeeper_a")
    text = uid("名字跟着改")
    new_request(app, teacher, register, text)
    assert text in page(keeper.get("/assets/repairs/open"))
    before = people()
    client_as("staff_a")  # a sign-in: last_login and the login count change, not the names
    assert people() == before
    name, renamed = uid("报修人"), uid("改名后")
    with app.app_context(), acting_as(None, "tests", "cli"):
        staff = Staff(name=name, staff_no=uid("BX"), employment_type="contract", active=True,
                      campus_id=campuses["TA"],
                      user_id=user_id(app, "staff_a"))
        db.session.add(staff)
        db.session.commit()
        staff_id = staff.id
    try:
        assert people() > before
        assert name in page(keeper.get("/assets/repairs/open"))  # the person's name, not the login
        with app.app_context(), acting_as(None, "tests", "cli"):
            db.session.get(Staff, staff_id).name = renamed
            db.session.commit()
        body = page(keeper.get("/assets/repairs/open"))
        assert renamed in body and name not in body and text in body
    finally:
        with app.app_context(), acting_as(None, "tests", "cli"):
            db.session.get(Staff, staff_id).user_id = None
            db.session.commit()

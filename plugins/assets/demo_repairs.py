"""Demo data of repairs (issue 16): a month of requests in the demo rooms — doors, windows, lights,
taps, and a few on the rooms' cards — in every state (waiting for dispatch, dispatched, fixed and
waiting for the reporter, confirmed, sent back once, cancelled), exactly one open overnight; a
demo 维修工 login (repair1, the demo logins' password). Made through the same services as the
screens, as the system, at the times they happened; DEMO- numbers; every row marked for
`demo --remove`."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from app.demo import mark_demo
from app.models import DemoRecord, HouqinUser, Room

from . import repairs
from .models import Asset, AssetEvent
from .repair_models import RepairRequest

FAULTS = [("教室门锁打不开", None, None), ("窗户把手松动", "更换窗户把手", "把手1个"), ("吸顶灯不亮", "更换LED灯管", "灯管2支"),
          ("洗手池水龙头漏水", "更换阀芯", "阀芯1个"), ("午睡室插座没电", "更换插座面板", "插座面板1个"),
          ("卫生间冲水阀失灵", "更换冲水阀", "冲水阀1套"), ("窗帘轨道脱落", "重新固定轨道", "膨胀螺丝4个"),
          ("储物柜门合页坏", "更换合页", "合页2个"), ("走廊感应灯常亮", "更换感应开关", "感应开关1个")]
VENDORS = ("明亮水电维修部", "安心门窗服务部")


def _user(session, name):
    return session.execute(select(HouqinUser).where(HouqinUser.username == name)).scalar_one_or_none()


def _repairer(session, like: HouqinUser):
    sm = current_app.appbuilder.sm
    user = sm.find_user(username="repair1")
    if user is not None:
        return user
    user = sm.add_user("repair1", "师傅", "维修", "repair1@demo.houqin", sm.find_role("Repairer"),
                       password="not-this-one")  # replaced: the demo logins share one password
    user.password = like.password
    user.campuses = list(like.campuses)
    mark_demo(session, user)
    return user


def load(session, today, seed: int = 16) -> list:
    keeper, staff, director = _user(session, "assets1"), _user(session, "staff1"), _user(session, "director")
    rooms = session.execute(select(Room).where(Room.id.in_(select(DemoRecord.record_id).where(
        DemoRecord.table_name == "room")), Room.campus_id.in_([c.id for c in keeper.campuses]))
        .order_by(Room.id)).scalars().all() if keeper else []
    if not (keeper and staff and director and rooms):
        return []
    rng = random.Random(seed)
    repairer = _repairer(session, keeper)
    session.flush()
    now = datetime.now(timezone.utc)
    made, n = [], 0

    def report(days_ago, hour, text, reporter, room, asset=None):
        nonlocal n
        n += 1
        at = (now - timedelta(days=days_ago)).replace(hour=hour, minute=rng.randrange(0, 60)) if days_ago else now
        req = repairs.report(session, RepairRequest(room_id=room.id, asset_id=asset, description=text,
                                                    urgency="urgent" if "漏水" in text else "normal",
                                                    reported_by_id=reporter.id, reported_at=at),
                             user=None, number=f"DEMO-WX{today.year}-{n:05d}")
        made.append(req)
        return req, at

    def step(req, at, hours):
        return at + timedelta(hours=hours)

    # four weeks back: dispatched, fixed, confirmed the same day (one fixed the next day, one by a vendor)
    for day in range(28, 1, -3):
        text, work, materials = FAULTS[day % len(FAULTS)]
        room = rng.choice(rooms)
        req, at = report(day, 1, text, rng.choice((staff, director, keeper)), room)  # 09:xx Shanghai
        vendor = VENDORS[day % 2] if day % 4 == 0 else None
        repairs.dispatch(session, req.id, repairer_id=None if vendor else repairer.id, vendor=vendor, user=None,
                         now=step(req, at, 0.5))
        late = day % 9 == 0
        repairs.fix(session, req.id, work=work or "更换锁芯", materials=materials, user=None,
                    cost=Decimal(rng.randrange(10, 180)), now=step(req, at, 26 if late else rng.choice((2, 3, 5))))
        if day % 7 == 0:
            repairs.send_back(session, req.id, "演示：还是不行", user=None, now=step(req, at, 27 if late else 6))
            repairs.fix(session, req.id, work=(work or "更换锁芯") + "（返修）", materials=materials,
                        cost=Decimal("20.00"), user=None, now=step(req, at, 28 if late else 7))
        repairs.confirm(session, req.id, user=None, now=step(req, at, 30 if late else 8))
    # a duplicate, cancelled
    room = rooms[0]
    dup, at = report(3, 2, "教室门锁打不开（重复）", staff, room)
    repairs.cancel(session, dup.id, "演示：重复报修", user=None, now=step(dup, at, 1))
    # today: waiting for dispatch (one on a card of its room), dispatched, fixed waiting for the reporter
    card = session.execute(select(Asset).where(Asset.room_id.in_([r.id for r in rooms]),
                                               Asset.status == "in_use", Asset.quantity == 1)
                           .order_by(Asset.id).limit(1)).scalar_one_or_none()
    if card is not None:
        report(0, 0, "演示：空调滴水", staff, session.get(Room, card.room_id), asset=card.id)
    report(0, 0, "演示：走廊灯不亮", director, rooms[1 % len(rooms)])
    busy, at = report(0, 0, "演示：卫生间门关不上", staff, rooms[2 % len(rooms)])
    repairs.dispatch(session, busy.id, repairer_id=repairer.id, user=None, now=at)
    done, at = report(0, 0, "演示：水龙头漏水", staff, rooms[3 % len(rooms)])
    repairs.dispatch(session, done.id, repairer_id=repairer.id, user=None, now=at)
    repairs.fix(session, done.id, work="更换阀芯", materials="阀芯1个", cost=Decimal("35.00"), user=None, now=at)
    # the one open overnight: reported yesterday morning, dispatched, not fixed yet
    late, at = report(1, 1, "演示：幼儿床护栏松动", keeper, rooms[4 % len(rooms)])
    repairs.dispatch(session, late.id, vendor=VENDORS[1], user=None, now=step(late, at, 1))
    session.flush()
    mark_demo(session, *made)
    if card is not None:
        marked = select(DemoRecord.record_id).where(DemoRecord.table_name == AssetEvent.__tablename__)
        mark_demo(session, *session.execute(select(AssetEvent).where(
            AssetEvent.asset_id == card.id, AssetEvent.kind.like("repair_%"), AssetEvent.id.not_in(marked))).scalars())
    return made

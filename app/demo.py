"""Demo data: campuses, departments, staff and one demo login per catalogue role,
then each enabled plugin's demo(). Every demo row is recorded in DemoRecord so
`flask houqin demo --remove` deletes exactly those rows and nothing else."""
from __future__ import annotations

import os
import random
import secrets
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import delete, select

from .audit import audit_job
from .extensions import db
from .locks import unlocked
from .models import Campus, DemoRecord, Department, Position, Staff, user_campus

# Common surnames first, so many people share a name, as in a real register.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建华文辉春梅丹玲海燕晶雪慧鑫宇浩然子涵梓萱一诺欣怡俊杰佳怡"


def chinese_name(rng: random.Random) -> str:
    weights = [max(30 - i, 1) for i in range(len(SURNAMES))]
    surname = rng.choices(SURNAMES, weights=weights)[0]
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return surname + given


def mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "136", "150", "151", "158", "186", "187", "177", "135"]) + \
        f"{rng.randrange(10**8):08d}"


def mark_demo(session, *objs) -> None:
    session.flush()
    for obj in objs:
        session.add(DemoRecord(table_name=obj.__tablename__, record_id=obj.id))


DEMO_CAMPUSES = [("总园", "HQ", "示范路1号"), ("东园", "EAST", "东风路88号"), ("西园", "WEST", "西湖路12号")]
DEMO_DEPARTMENTS = ["后勤处", "保育组", "食堂", "保安室", "保健室", "财务室", "教学部"]
DEMO_USERS = [
    ("director", "Director", None), ("auditor", "Auditor", None),
    ("gate1", "Gatekeeper", "HQ"), ("gate2", "Gatekeeper", "EAST"),
    ("assets1", "AssetKeeper", "HQ"), ("appraiser1", "Appraiser", "HQ"),
    ("meals1", "MealCommittee", "HQ"), ("staff1", "Staff", "HQ"),
]


# A kindergarten's places: the buildings and rooms plugins name (assets stand in them, repairs
# are reported for them). Class rooms carry this term's class.
DEMO_BUILDINGS = [
    ("教学楼", "JX", 3, [(f"{f}0{n}", f, "classroom", cls) for f, row in
                        ((1, ("小一班", "小二班", "中一班")), (2, ("中二班", "大一班", "大二班")))
                        for n, cls in enumerate(row, start=1)]
     + [("301", 3, "function", None), ("302", 3, "function", None), ("303", 3, "meeting", None)]),
    ("综合楼", "ZH", 2, [("厨房", 1, "kitchen", None), ("餐厅", 1, "dining", None), ("库房", 1, "store", None),
                        ("保健室", 2, "clinic", None), ("园长办公室", 2, "office", None),
                        ("后勤办公室", 2, "office", None)]),
    ("室外", "SW", None, [("操场", None, "outdoor", None), ("大型玩具区", None, "outdoor", None)]),
]


def load_places(session, campuses) -> None:
    from .models import Building, Room

    for code, campus in campuses.items():
        for name, bcode, floors, rooms in DEMO_BUILDINGS:
            building = Building(campus=campus, name=name, code=f"{code}-{bcode}", floors=floors, active=True)
            session.add(building)
            mark_demo(session, building)
            for room_name, floor, kind, class_name in rooms:
                room = Room(building=building, name=room_name, floor=floor, kind=kind, class_name=class_name,
                            code=f"{code}-{bcode}-{room_name}", active=True)
                session.add(room)
                mark_demo(session, room)


def load_demo(seed: int = 2026) -> str:
    rng = random.Random(seed)
    session = db.session
    # Random per install: a demo login must never have a password known to outsiders.
    password = os.environ.get("HOUQIN_DEMO_PASSWORD") or "Demo-" + "".join(
        secrets.choice("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for _ in range(6)) + "-hq1!"
    with audit_job(session, "demo_load", seed=seed):
        campuses = {}
        for name, code, addr in DEMO_CAMPUSES:
            c = Campus(name=name, code=code, address=addr, active=True)
            session.add(c)
            mark_demo(session, c)
            campuses[code] = c
        depts = {}
        for code, campus in campuses.items():
            for dname in DEMO_DEPARTMENTS:
                d = Department(name=dname, campus=campus, active=True)
                session.add(d)
                mark_demo(session, d)
                depts[(code, dname)] = d
        positions = session.execute(select(Position)).scalars().all()
        today = date.today()
        staff = []
        for i in range(60):
            code = rng.choice(list(campuses))
            pos = rng.choice(positions) if positions else None
            issued = today - timedelta(days=rng.randrange(30, 360))
            expiry = issued + timedelta(days=365) if rng.random() > 0.1 else today + timedelta(days=rng.randrange(1, 25))
            s = Staff(
                name=chinese_name(rng), staff_no=f"D{i + 1:04d}", gender=rng.choice("MF"),
                work_phone=f"021-6{rng.randrange(10**6, 10**7):07d}", personal_phone=mobile(rng),
                position=pos, employment_type=rng.choice(["established", "established", "contract", "agency"]),
                campus=campuses[code], department=depts[(code, rng.choice(DEMO_DEPARTMENTS))],
                hire_date=today - timedelta(days=rng.randrange(100, 5000)),
                health_cert_no=f"JK{rng.randrange(10**7):07d}", health_cert_issued=issued, health_cert_expiry=expiry,
                active=True,
            )
            session.add(s)
            mark_demo(session, s)
            staff.append(s)
        load_places(session, campuses)
        sm = current_app.appbuilder.sm
        for username, role_name, campus_code in DEMO_USERS:
            if sm.find_user(username=username):
                continue
            user = sm.add_user(username, username.capitalize(), "Demo", f"{username}@demo.houqin",
                               sm.find_role(role_name), password=password)
            if campus_code:
                user.campuses = [campuses[campus_code]]
            mark_demo(session, user)
            linked = next((s for s in staff if s.user_id is None and s.campus is campuses.get(campus_code or "HQ")), None)
            if linked is not None:
                linked.user = user
    session.commit()
    for plugin in current_app.extensions["houqin"].plugins:
        if plugin.demo:
            with audit_job(session, f"demo_load:{plugin.name}", seed=seed):
                plugin.demo(session)
            session.commit()
    return password


def remove_demo() -> int:
    """Delete the recorded demo rows, newest first (children before parents)."""
    session = db.session
    meta = db.Model.metadata
    records = session.execute(select(DemoRecord).order_by(DemoRecord.id.desc())).scalars().all()
    # Demo rows may be locked (approved demo minutes): removing them is one of the two writes that
    # may, audited by this job's entry.
    with audit_job(session, "demo_remove", rows=len(records)), unlocked(session, "demo --remove"):
        for rec in records:
            table = meta.tables[rec.table_name]
            if rec.table_name == "ab_user":
                session.execute(delete(user_campus).where(user_campus.c.user_id == rec.record_id))
                session.execute(delete(meta.tables["ab_user_role"]).where(
                    meta.tables["ab_user_role"].c.user_id == rec.record_id))
                session.execute(Staff.__table__.update().where(Staff.user_id == rec.record_id).values(user_id=None))
            session.execute(delete(table).where(table.c.id == rec.record_id))
        session.execute(delete(DemoRecord))
    session.commit()
    return len(records)

"""Demo data for the gate: a few hundred visits over the past months, people on
site now, today's appointments, a blocklist entry and duty logs. Every row is
marked (app.demo.mark_demo) so `flask houqin demo --remove` deletes it."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from app.demo import chinese_name, mark_demo, mobile
from app.i18n import institution_tz, local_now
from app.models import Campus, DemoRecord, HouqinUser, Staff
from app.privacy import mask_id

from . import rules
from .intake import hashes, phone_last4
from .models import (BY_PHONE, CONFIRMED, EXPECTED, IN_PERSON, LEFT, ON_SITE, TURNED_AWAY, Appointment,
                     BlocklistEntry, DutyLog, PatrolRound, Purpose, Visit, Visitor)

AREAS = ["110105", "310104", "440305", "320102", "330106", "510107", "420106", "370102"]
ORGANISATIONS = ["顺丰速运", "京东物流", "市教育局", "区卫生监督所", "恒安装修工程公司", "美团配送", "新华书店",
                 "城南小区", "阳光花园", "自来水公司", "供电所", "区消防大队", "晨光文具"]
PLATES = ["沪A{:05d}", "沪B{:05d}", "苏E{:05d}", "浙A{:05d}"]
FINDINGS = ["正常", "正常", "正常", "东侧围墙外有车辆停放，已劝离", "消防通道畅通", "二楼走廊灯不亮，已报修"]


def resident_id(rng: random.Random) -> str:
    born = datetime(1960, 1, 1) + timedelta(days=rng.randrange(0, 45 * 365))
    first17 = f"{rng.choice(AREAS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + rules.resident_id_check_char(first17)


def _at(day, hh, mm):
    return datetime.combine(day, time(hh, mm), tzinfo=institution_tz())


def load(session, seed: int = 2026) -> None:
    rng = random.Random(seed)
    secret = current_app.config["SECRET_KEY"]
    # Only the demo campuses: loading the demo next to real data must not touch real campuses.
    demo_ids = lambda table: select(DemoRecord.record_id).where(DemoRecord.table_name == table)  # noqa: E731
    campuses = session.execute(select(Campus).where(Campus.active.is_(True), Campus.id.in_(demo_ids("campus")))
                               ).scalars().all()
    purposes = session.execute(select(Purpose).where(Purpose.active.is_(True)).order_by(Purpose.sort_order)).scalars().all()
    if not campuses or not purposes:
        return
    staff = {c.id: session.execute(select(Staff).where(Staff.campus_id == c.id, Staff.active.is_(True)))
             .scalars().all() for c in campuses}
    gate = {}
    for user in session.execute(select(HouqinUser).where(HouqinUser.id.in_(demo_ids("ab_user")))).scalars():
        if any(r.name == "Gatekeeper" for r in user.roles):
            for c in user.campuses:
                gate.setdefault(c.id, user)

    visitors = []
    for _ in range(140):
        campus = rng.choice(campuses)
        number = resident_id(rng)
        phone = mobile(rng)
        v = Visitor(campus_id=campus.id, name=chinese_name(rng), doc_type=rules.RESIDENT_ID, id_number=number,
                    phone=phone, phone_last4=phone_last4(phone), organisation=rng.choice(ORGANISATIONS))
        v.id_hash, v.phone_hash = hashes(secret, number, phone)
        visitors.append(v)
    session.add_all(visitors)

    blocked_number = resident_id(rng)
    entry = BlocklistEntry(name=chinese_name(rng), doc_type=rules.RESIDENT_ID, id_masked=mask_id(blocked_number),
                           reason="多次冒充家长接孩子，已报派出所", valid_until=local_now().date() + timedelta(days=365))
    entry.id_hash, _ = hashes(secret, blocked_number, None)
    session.add(entry)
    mark_demo(session, *visitors, entry)

    today = local_now().date()
    weights = [5, 3, 2, 1, 1, 1][:len(purposes)] + [1] * max(0, len(purposes) - 6)
    visits = []
    for _ in range(320):
        v = rng.choice(visitors)
        day = today - timedelta(days=rng.randrange(1, 150))
        time_in = _at(day, rng.randrange(7, 17), rng.randrange(60))
        hosts = staff.get(v.campus_id) or [None]
        host = rng.choice(hosts) if rng.random() < 0.85 else None
        turned = rng.random() < 0.02
        visit = Visit(visitor=v, visitor_name=v.name, campus_id=v.campus_id, time_in=time_in,
                      purpose=rng.choices(purposes, weights=weights)[0], host=host,
                      host_response=CONFIRMED if host else None,
                      host_confirmation=rng.choice([BY_PHONE, IN_PERSON]) if host else None,
                      host_confirmed_at=time_in if host else None,
                      party_size=rng.choice([1, 1, 1, 1, 2, 2, 3]),
                      plate=rng.choice(PLATES).format(rng.randrange(100000)) if rng.random() < 0.25 else None,
                      status=TURNED_AWAY if turned else LEFT, gatekeeper=gate.get(v.campus_id),
                      time_out=time_in + timedelta(minutes=0 if turned else rng.randrange(10, 150)))
        visits.append(visit)
        v.last_visit_at = max(v.last_visit_at or time_in, time_in)
    now = local_now()
    for i, v in enumerate(rng.sample(visitors, 6)):
        time_in = now - timedelta(minutes=rng.randrange(5, 180))
        hosts = staff.get(v.campus_id) or [None]
        host = rng.choice(hosts)
        visits.append(Visit(visitor=v, visitor_name=v.name, campus_id=v.campus_id, time_in=time_in,
                            purpose=rng.choice(purposes), host=host, host_response=CONFIRMED if host else None,
                            host_confirmation=BY_PHONE if host else None, host_confirmed_at=time_in if host else None,
                            party_size=rng.choice([1, 1, 2]), badge=f"D{i + 1:02d}", status=ON_SITE,
                            gatekeeper=gate.get(v.campus_id)))
        v.last_visit_at = time_in
    session.add_all(visits)

    appointments = []
    for campus in campuses:
        hosts = [s for s in staff.get(campus.id, []) if s.user_id] or staff.get(campus.id, [])
        for _ in range(2 if hosts else 0):
            host = rng.choice(hosts)
            start = rng.randrange(9, 16)
            appointments.append(Appointment(
                campus_id=campus.id, reference_code=rules.make_reference_code(rng), host=host,
                created_by_id=host.user_id, visitor_name=chinese_name(rng), visitor_phone=mobile(rng),
                organisation=rng.choice(ORGANISATIONS), purpose=rng.choice(purposes), expected_date=today,
                time_from=time(start, 0), time_to=time(start + 1, 0), party_size=1, status=EXPECTED))
    session.add_all(appointments)
    mark_demo(session, *visits, *appointments)

    logs, rounds = [], []
    for campus_id, user in gate.items():
        for day, count in ((today - timedelta(days=1), 5), (today, 2)):
            log = DutyLog(campus_id=campus_id, day=day, shift="full", gatekeeper=user,
                          handover_note="门窗已检查，钥匙已交接" if day < today else None)
            logs.append(log)
            for n in range(count):
                at = _at(day, 7 + n * 3, 30)
                if at < now:
                    rounds.append(PatrolRound(duty_log=log, at=at, findings=rng.choice(FINDINGS)))
    session.add_all(logs)
    mark_demo(session, *logs)
    session.add_all(rounds)
    mark_demo(session, *rounds)

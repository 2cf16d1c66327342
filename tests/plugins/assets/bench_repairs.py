"""Issue 16, point 10, on the register's bench data: with 200,000 repair requests over five years
(~110 a day across the five campuses, every closed state; the last two days' requests open, some
overnight), the keeper's open list ≤ 20 ms, a repairer's queue ≤ 15 ms, the monthly log of a campus
≤ 150 ms, a report POST ≤ 30 ms; median and p90. Seeded by bulk inserts (COPY on PostgreSQL,
bench_copy), not the ORM. Statement counts: tests/plugins/assets/test_repair_statements.py."""
from __future__ import annotations

import random
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from bench.common import Page, sql_is

N_REQUESTS = 200_000
YEARS = 5
FAULTS = ("教室门锁打不开", "窗户把手松动", "吸顶灯不亮", "洗手池水龙头漏水", "插座没电", "冲水阀失灵", "窗帘轨道脱落",
          "储物柜门合页坏", "走廊感应灯常亮", "空调滴水")


def _seed(ctx, scale: float, repairer_id: int) -> dict:
    from sqlalchemy import select

    from app.models import HouqinUser, Room
    from plugins.assets.repair_models import RepairRequest
    from tests.plugins.assets.bench_copy import bulk_insert

    n = int(N_REQUESTS * scale)
    rng = random.Random(16)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start = now - timedelta(days=365 * YEARS)
    step = (now - start) / max(n, 1)
    t0 = time.perf_counter()
    with ctx.app.app_context():
        s = ctx.db.session
        rooms = s.execute(select(Room.id, Room.campus_id)).all()
        users = s.execute(select(HouqinUser.id)).scalars().all()
        rows = []
        for i in range(n):
            reported = start + step * i + timedelta(seconds=rng.randrange(0, 600))
            room_id, campus_id = rng.choice(rooms)
            due = reported.replace(hour=9, minute=30, second=0)  # 17:30 in Shanghai
            if due <= reported:
                due += timedelta(days=1)
            age = now - reported
            row = dict(number=f"BENCH-WX{i:07d}", room_id=room_id, asset_id=None, description=rng.choice(FAULTS),
                       urgency="urgent" if i % 17 == 0 else "normal", reported_by_id=rng.choice(users),
                       reported_at=reported, due_at=due, status="confirmed", dispatched_at=None, dispatched_by_id=None,
                       repairer_id=None, vendor=None, work=None, materials=None, cost=None, fixed_at=None,
                       fixed_by_id=None, confirmed_at=None, sent_back=0, note=None, campus_id=campus_id)
            if age > timedelta(days=2):
                if i % 33 == 0:
                    row.update(status="cancelled", note="重复报修")
                else:
                    fixed = reported + timedelta(hours=rng.choice((1, 2, 3, 4, 6, 8, 20, 30)))
                    in_house = i % 5 != 0
                    row.update(dispatched_at=reported + timedelta(minutes=20), repairer_id=(
                        repairer_id if i % 40 == 0 else rng.choice(users)) if in_house else None,
                        vendor=None if in_house else "明亮水电维修部", work="已修复", cost=Decimal(rng.randrange(0, 300)),
                        fixed_at=fixed, confirmed_at=fixed + timedelta(hours=2))
            else:  # the last two days: still open
                state = ("reported", "dispatched", "fixed")[i % 3]
                row["status"] = state
                if state != "reported":
                    row.update(dispatched_at=reported + timedelta(minutes=20),
                               repairer_id=repairer_id if i % 2 else rng.choice(users))
                if state == "fixed":
                    row.update(fixed_at=reported + timedelta(hours=2), work="已修复", cost=Decimal("20.00"))
            rows.append(row)
        made = 0
        for i in range(0, len(rows), 50_000):
            made += bulk_insert(s, RepairRequest.__table__, rows[i:i + 50_000])
        s.commit()
        hq_room = s.execute(select(Room.id).where(Room.campus_id == ctx.campus_ids["HQ"]).order_by(Room.id)).scalar()
    ctx.volumes.update({"assets_repair": made})
    ctx.notes.append(f"seeded {made:,} repair requests over {YEARS} years in {time.perf_counter() - t0:.0f} s "
                     f"({'COPY' if ctx.db_kind == 'postgresql' else 'executemany'}, no ORM)")
    return {"room": hq_room, "month": (now - timedelta(days=40)).strftime("%Y-%m")}


def run(ctx, bench, keeper, director, scale: float) -> None:
    from tests.plugins.assets.bench_lifecycle import _result

    ctx.add_user("repairer", "Repairer", ("HQ",))
    with ctx.app.app_context():
        repairer_id = ctx.app.appbuilder.sm.find_user(username=ctx.users["repairer"]).id
    seeded = _seed(ctx, scale, repairer_id)
    ctx.analyze()
    r = ctx.client("repairer")
    repairs = sql_is("assets_repair", limit=True)
    bench.pages([
        Page("k_repairs_open", "repairs: the keeper's open list", keeper, "AssetKeeper@HQ", "/assets/repairs/open",
             main=repairs, target_ms=20, target_text="≤ 20 ms", explain=True),
        Page("r_repairs_queue", "repairs: a repairer's queue", r, "Repairer@HQ", "/assets/repairs/queue",
             main=repairs, target_ms=15, target_text="≤ 15 ms", explain=True),
        Page("k_repairs_log", "repairs: the monthly log of a campus (维修记录单)", keeper, "AssetKeeper@HQ",
             f"/assets/repairs/reports/log?month={seeded['month']}", main=repairs, target_ms=150,
             target_text="≤ 150 ms", explain=True),
    ])
    times = []
    for i in range(20):
        t0 = time.perf_counter()
        resp = keeper.post("/repairview/report", data={"room": str(seeded["room"]), "description": f"灯不亮{i}",
                                                       "urgency": "normal"}, content_type="multipart/form-data")
        times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 302, resp.get_data(as_text=True)[-400:]
    bench.results.append(_result("repairs: report POST", "AssetKeeper@HQ", times))

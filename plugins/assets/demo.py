"""Demo data for the register: a few hundred school assets across the demo rooms (台式计算机,
空调, 钢琴, 课桌椅 batches, 消毒柜, 留样冰箱, 大型玩具 滑梯, 校车 ...), carried in at the
existing ledger's opening balance a year ago, then twelve month-end runs, and the last month
reconciled with finance. Codes use the reserved DEMO- prefix; every row is marked
(app.demo.mark_demo) so `flask houqin demo --remove` deletes exactly these."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.demo import mark_demo
from app.models import DemoRecord, HouqinUser, Room, Staff
from app.periods import local_today

from . import depreciation, reconcile, rules, services
from .models import (RECONCILED, Asset, AssetCategory, AssetEvent, DepreciationRow, DepreciationRun,
                     Reconciliation)

# (class code, name, brand/model, unit price range, quantity range, unit, life months, room kinds)
ITEMS = [
    ("A02010105", "台式计算机", ("联想", "启天M428"), (4200, 6500), (1, 1), "台", 72, ("office", "function")),
    ("A02010108", "便携式计算机", ("华为", "MateBook 14"), (5200, 7800), (1, 1), "台", 72, ("office",)),
    ("A02021000", "激光打印机", ("惠普", "M233dw"), (1500, 2600), (1, 1), "台", 72, ("office",)),
    ("A02020200", "投影仪", ("爱普生", "CB-X06"), (3200, 4800), (1, 1), "台", 72, ("function", "meeting")),
    ("A02061804", "格力柜式空调", ("格力", "KFR-72LW"), (6800, 9800), (1, 1), "台", 120, ("classroom", "office")),
    ("A02061804", "美的挂式空调", ("美的", "KFR-35GW"), (2600, 3600), (1, 1), "台", 120, ("classroom", "clinic")),
    ("A02091104", "教学一体机", ("希沃", "MC86FEA"), (9800, 14800), (1, 1), "台", 60, ("classroom",)),
    ("A02450100", "立式钢琴", ("珠江", "UP118"), (12800, 19800), (1, 1), "台", 60, ("classroom", "function")),
    ("A05010203", "幼儿课桌", ("", "六人桌 1200×600"), (380, 560), (6, 8), "张", 60, ("classroom",)),
    ("A05010304", "幼儿椅", ("", "塑料靠背椅"), (85, 120), (30, 40), "把", 60, ("classroom",)),
    ("A02061899", "消毒柜", ("康宝", "ZTP380H"), (2800, 4600), (1, 1), "台", 60, ("kitchen", "dining")),
    ("A02061801", "留样冰箱", ("海尔", "BC-93"), (1600, 2400), (1, 1), "台", 60, ("kitchen",)),
    ("A02240000", "商用蒸饭柜", ("美厨", "ZF-24"), (5200, 7600), (1, 1), "台", 120, ("kitchen",)),
    ("A02320000", "紫外线消毒车", ("", "ZXC-II"), (1800, 2600), (1, 1), "台", 60, ("clinic",)),
    ("A02470000", "大型玩具 滑梯", ("乐乐", "组合滑梯"), (38000, 68000), (1, 1), "套", 60, ("outdoor",)),
    ("A02030000", "校车", ("宇通", "ZK6575DX"), (268000, 368000), (1, 1), "辆", 96, ("outdoor",)),
    ("A05010501", "书柜", ("", "钢制五层"), (1100, 1600), (1, 2), "个", 180, ("office", "function")),
    ("A05010301", "办公椅", ("", "网布转椅"), (420, 680), (2, 6), "把", 180, ("office", "meeting")),
    ("A04000000", "幼儿绘本", ("", "图书一批"), (28, 48), (100, 200), "册", 60, ("function", "store")),
]


def _rooms(session):
    ids = select(DemoRecord.record_id).where(DemoRecord.table_name == "room")
    return session.execute(select(Room).where(Room.id.in_(ids))).scalars().all()


def load(session, seed: int = 2026, today: date | None = None) -> None:
    rng = random.Random(seed)
    today = today or local_today()
    this_month = rules.as_month(today)
    first_run = rules.add_months(this_month, -12)
    counted_to = rules.add_months(first_run, -1)  # the ledger's opening balance, as finance had it
    rooms = _rooms(session)
    if not rooms:
        return
    cats = {c.code: c for c in session.execute(select(AssetCategory)).scalars()}
    staff = session.execute(select(Staff).where(Staff.staff_no.like("D%"))).scalars().all()
    keeper = session.execute(select(HouqinUser).where(HouqinUser.username == "assets1")).scalar_one_or_none()
    director = session.execute(select(HouqinUser).where(HouqinUser.username == "director")).scalar_one_or_none()
    by_campus: dict = {}
    for s in staff:
        by_campus.setdefault(s.campus_id, []).append(s)
    made = []
    for room in rooms:
        for code, name, (brand, model), (low, high), (qmin, qmax), unit, life, kinds in ITEMS:
            if room.kind not in kinds or rng.random() < 0.1:
                continue
            for _copy in range(rng.randint(1, 3) if unit == "台" and room.kind == "office" else 1):
                made.append(_card(session, rng, today, counted_to, cats[code], name, brand, model, low, high,
                                  qmin, qmax, unit, life, room, by_campus.get(room.campus_id) or staff, keeper,
                                  len(made) + 1))
    session.flush()
    mark_demo(session, *made)
    for m in range(12):
        # run as the system: a run may touch cards that are not demo cards, and their history must
        # not point at a demo login that `demo --remove` deletes
        depreciation.run_month(session, rules.add_months(first_run, m), trigger="demo", today=today)
    session.flush()
    last = rules.add_months(this_month, -1)
    recon = Reconciliation(month=last, status=RECONCILED, keeper_id=getattr(keeper, "id", None),
                           accountant_id=getattr(director, "id", None), note="演示：账账相符")
    session.add(recon)
    session.flush()
    reconcile.refresh(session, recon)
    session.flush()
    for line in recon.lines:
        line.finance_original, line.finance_accumulated = line.ledger_original, line.ledger_accumulated
    session.flush()
    _mark_children(session, made, recon)
    from . import demo_lifecycle

    demo_lifecycle.load(session, made, today)  # issue 15: purchases, loans, a transfer, damage, a disposal
    from . import demo_repairs

    demo_repairs.load(session, today)  # issue 16: a month of repair requests
    _mark_counters(session)


def _mark_counters(session) -> None:
    """The demo codes' counters (their own sequence, assets.demo_card) go with the demo."""
    from app.models.numbering import SequenceCounter

    marked = select(DemoRecord.record_id).where(DemoRecord.table_name == SequenceCounter.__tablename__)
    mark_demo(session, *session.execute(select(SequenceCounter).where(
        SequenceCounter.key == "assets.demo_card", SequenceCounter.id.not_in(marked))).scalars())


def _card(session, rng, today, counted_to, category, name, brand, model, low, high, qmin, qmax, unit, life, room,
          people, keeper, n):
    quantity = rng.randint(qmin, qmax)
    price = Decimal(rng.randrange(low * 100, high * 100 + 1, 100)) / 100
    acquired = today - timedelta(days=rng.randrange(20, 6 * 365))
    asset = Asset(name=name, category=category, brand=brand or None, model=model, quantity=quantity,
                  unit=unit, unit_price=price, original_value=rules.original_value(price, quantity),
                  acquired_on=acquired, acquisition_method=rng.choice(["purchase"] * 6 + ["donation"]),
                  funding_source="budget", campus_id=room.campus_id, room=room,
                  custodian=rng.choice(people) if people else None, life_months=life,
                  legacy_no=f"DEMO-ZC{n:05d}", status=rng.choice(["in_use"] * 12 + ["idle", "repair"]))
    services.give_code(session, asset, demo=True)
    if rules.as_month(acquired) <= counted_to:
        opening = rules.accumulated(asset.original_value, life, acquired, counted_to,
                                    depreciable=services.depreciable(asset))
        plan = rules.opening_plan(asset.original_value, life, acquired, opening, counted_to, today)
        if services.depreciable(asset):
            asset.dep_base, asset.dep_months, asset.dep_first = plan.base, plan.months, plan.first
        else:
            asset.dep_base, asset.dep_months, asset.dep_first = Decimal("0.00"), 1, plan.first
        asset.opening_accumulated = asset.accumulated_depreciation = opening
        asset.opening_counted_to = asset.depreciated_through = counted_to
        kind = "imported"
    else:
        services.set_plan(asset)
        kind = "registered"
    session.add(asset)
    services.record(session, asset, kind, user_id=getattr(keeper, "id", None), on=acquired, value=asset.original_value)
    return asset


def _mark_children(session, assets, recon) -> None:
    """Rows, events and runs are recorded too, after their cards (removed first: newest first)."""
    ids = [a.id for a in assets]
    runs = session.execute(select(DepreciationRun).where(DepreciationRun.trigger == "demo")).scalars().all()
    rows, events = [], []
    for i in range(0, len(ids), 500):
        rows += session.execute(select(DepreciationRow).where(DepreciationRow.asset_id.in_(ids[i:i + 500]))).scalars().all()
        events += session.execute(select(AssetEvent).where(AssetEvent.asset_id.in_(ids[i:i + 500]))).scalars().all()
    mark_demo(session, *runs)
    mark_demo(session, *rows, *events)
    mark_demo(session, recon, *recon.lines)

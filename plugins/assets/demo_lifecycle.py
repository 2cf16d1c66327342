"""Demo data of purchases and the lifecycle (issue 15): purchases in every state (the received
one with its card), loans (one overdue, one returned), a transfer waiting for the receiving
campus, a damage with compensation to pay, a pending disposal. Made through the same services
as the screens, by the demo logins; DEMO- numbers; every row marked for `demo --remove`."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.demo import mark_demo
from app.models import HouqinUser
from app.workflow import transition

from . import lifecycle, purchases
from .lifecycle_models import Damage, Disposal, Loan, PurchaseRequest, Receipt, Transfer
from .models import Asset, AssetCategory, AssetEvent

PURCHASES = [  # description, quantity, unit price, where it stops
    ("幼儿绘本（一批）", 1, "800.00", "draft"), ("教室挂式空调", 2, "3100.00", "submitted"),
    ("午睡床", 10, "90.00", "approved"), ("电子琴（超出预算）", 1, "2600.00", "rejected"),
    ("消毒柜", 1, "3800.00", "receiving"), ("激光打印机", 1, "890.00", "received")]


def _user(session, name):
    return session.execute(select(HouqinUser).where(HouqinUser.username == name)).scalar_one_or_none()


def load(session, cards: list[Asset], today) -> None:
    keeper, director, staff = _user(session, "assets1"), _user(session, "director"), _user(session, "staff1")
    if not (keeper and director and staff and cards):
        return
    made: list = []
    hq = cards[0].campus_id
    printer = session.execute(select(AssetCategory).where(AssetCategory.code == "A02021000")).scalar_one()
    for n, (text, qty, price, stop) in enumerate(PURCHASES, start=1):
        req = purchases.new_request(session, PurchaseRequest(
            description=text, quantity=qty, unit="台", estimated_unit_price=Decimal(price), reason="演示：教学需要",
            budget_line="公用经费", campus_id=hq), user_id=staff.id, submit=False,
            number=f"DEMO-CG{today.year}-{n:04d}")
        made.append(req)
        if stop == "draft":
            continue
        transition(session, PurchaseRequest, req.id, "submit", user=None)
        if stop == "submitted":
            continue
        if stop == "rejected":
            transition(session, PurchaseRequest, req.id, "reject", user=None, reason="演示：超出本学期预算")
            continue
        purchases.approve(session, req.id, committee_date=today - timedelta(days=10), committee_note="演示：园委会同意",
                          external={"body": "区教育局", "number": "教装〔演示〕1号", "date": today - timedelta(days=9)},
                          user=None)
        if stop == "approved":
            continue
        receipt = purchases.record_receipt(session, Receipt(
            purchase_id=req.id, received_on=today - timedelta(days=3), delivered_quantity=qty,
            actual_unit_price=Decimal(price), supplier="演示政府采购点", invoice_no=f"DEMO-FP{n:03d}", category=printer,
            category_id=printer.id, life_months=72, as_batch=True, room_id=cards[0].room_id,
            handler_id=keeper.id, witness_id=staff.id, reviewer_id=director.id), user=None)
        made.append(receipt)
        if stop == "received":
            for who in (keeper, staff, director):
                made += purchases.sign(session, receipt.id, user=who, demo=True)
    lent = [c for c in cards if c.status == "in_use" and c.quantity == 1][:4]
    if len(lent) == 4:
        loans = [Loan(asset_id=lent[0].id, class_name="大一班", lent_on=today - timedelta(days=20),
                      due_on=today - timedelta(days=5), purpose="演示：六一排练"),
                 Loan(asset_id=lent[1].id, class_name="中二班", lent_on=today - timedelta(days=2),
                      due_on=today + timedelta(days=12), purpose="演示：公开课"),
                 Loan(asset_id=lent[2].id, pupil_name="王小明（大二班）", lent_on=today - timedelta(days=8),
                      due_on=today - timedelta(days=1))]
        for loan in loans:
            made.append(lifecycle.lend(session, loan, user=None))
        lifecycle.give_back(session, loans[2].id, returned_on=today, condition="完好", user=None)
        made.append(lifecycle.record_damage(session, Damage(
            asset_id=lent[3].id, occurred_on=today - timedelta(days=4), cause="human", responsible="大一班 李同学",
            description="演示：桌面划伤，谁损坏谁赔偿", compensation=Decimal("120.00")), user=None))
        other = next((c.campus_id for c in cards if c.campus_id != lent[3].campus_id), None)
        if other is not None:
            made.append(lifecycle.request_transfer(session, Transfer(
                asset_id=lent[3].id, to_campus_id=other, transfer_on=today, reason="演示：东园新开班"), user=None))
    old = next((c for c in cards if c.status == "in_use" and c.quantity == 1 and c not in lent), None)
    if old is not None:
        made.append(lifecycle.request_disposal(session, Disposal(
            asset_id=old.id, kind="scrap", quantity=1, disposed_on=today, reason="演示：主板损坏，无法修复",
            justification="演示：维修费用超过现值，经鉴定无修复价值", original_value=Decimal("0"), accumulated=Decimal("0")),
            user=keeper, number=f"DEMO-BF{today.year}-0001"))
    session.flush()
    mark_demo(session, *made)
    # the history these steps wrote, and the approvals kept by core, go with the demo
    from app.models import DemoRecord
    from app.models.workflow import ApprovalRecord

    done = select(DemoRecord.record_id).where(DemoRecord.table_name == AssetEvent.__tablename__)
    ids = [c.id for c in cards] + [c.id for c in made if isinstance(c, Asset)]
    events = []
    for i in range(0, len(ids), 500):
        events += session.execute(select(AssetEvent).where(AssetEvent.asset_id.in_(ids[i:i + 500]),
                                                           AssetEvent.id.not_in(done))).scalars().all()
    approvals = session.execute(select(ApprovalRecord).where(ApprovalRecord.table_name.in_(
        ("assets_purchase", "assets_disposal")), ApprovalRecord.record_id.in_(
        [str(r.id) for r in made if isinstance(r, (PurchaseRequest, Disposal))]))).scalars().all()
    mark_demo(session, *events, *approvals)

"""Demo data: a few hundred school assets in the demo rooms, twelve months of stored
depreciation, one reconciled month; all removed by `demo --remove`."""
from sqlalchemy import func, select


def test_demo_assets_load_with_a_year_of_depreciation_and_are_removed_completely(app, months):
    from app.audit import acting_as
    from app.demo import load_demo, remove_demo
    from app.extensions import db
    from app.models import DemoRecord
    from plugins.assets.models import (RECONCILED, Asset, AssetEvent, DepreciationRow, DepreciationRun,
                                       Reconciliation, ReconciliationLine)

    from plugins.assets.lifecycle_models import Damage, Disposal, Loan, PurchaseRequest, Receipt, Transfer

    from plugins.assets.repair_models import RepairRequest

    lifecycle = (PurchaseRequest, Receipt, Loan, Transfer, Damage, Disposal, RepairRequest)
    models = (Asset, AssetEvent, DepreciationRow, DepreciationRun, Reconciliation, ReconciliationLine) + lifecycle
    with app.app_context(), acting_as(None, "tests", "cli"):
        before = {m: db.session.execute(select(func.count(m.id))).scalar() for m in models}

        def repair_events():
            return db.session.execute(select(func.count(AssetEvent.id)).where(AssetEvent.kind.like("repair_%"))).scalar()

        repair_events_before = repair_events()
        load_demo(seed=11)
        added = {m: db.session.execute(select(func.count(m.id))).scalar() - before[m] for m in models}
        assert added[Asset] >= 200 and added[DepreciationRun] == 12
        assert added[DepreciationRow] >= added[Asset] * 6
        demo_ids = select(DemoRecord.record_id).where(DemoRecord.table_name == "assets_asset")
        codes = db.session.execute(select(Asset.code).where(Asset.id.in_(demo_ids))).scalars().all()
        assert all(c.startswith("DEMO-") for c in codes)
        names = set(db.session.execute(select(Asset.name).where(Asset.id.in_(demo_ids))).scalars())
        assert {"台式计算机", "幼儿椅", "留样冰箱", "大型玩具 滑梯", "校车"} <= names
        assert db.session.execute(select(func.count(Reconciliation.id)).where(
            Reconciliation.status == RECONCILED, Reconciliation.id.in_(select(DemoRecord.record_id).where(
                DemoRecord.table_name == "assets_reconciliation")))).scalar() == 1
        # issue 15: purchases in every state, loans (one overdue), a transfer waiting, a damage to
        # pay, a pending disposal
        states = set(db.session.execute(select(PurchaseRequest.status).where(
            PurchaseRequest.number.like("DEMO-%"))).scalars())
        assert states == {"draft", "submitted", "approved", "rejected", "receiving", "received"}
        assert db.session.execute(select(func.count(Asset.id)).where(Asset.purchase_id.in_(select(
            PurchaseRequest.id).where(PurchaseRequest.number.like("DEMO-%"))))).scalar() == 1
        from app.periods import local_today

        assert db.session.execute(select(func.count(Loan.id)).where(Loan.status == "open",
                                                                    Loan.due_on < local_today())).scalar() >= 1
        assert added[Transfer] == 1 and added[Damage] == 1 and added[Disposal] == 1
        # issue 16: a month of repair requests in every state, exactly one open overnight
        from datetime import datetime, timedelta, timezone

        from app.models import HouqinUser

        demo_repairs = select(RepairRequest).where(RepairRequest.number.like("DEMO-%"))
        repairs = db.session.execute(demo_repairs).scalars().all()
        assert {r.status for r in repairs} == {"reported", "dispatched", "fixed", "confirmed", "cancelled"}
        assert min(r.reported_at for r in repairs).replace(tzinfo=None) < datetime.utcnow() - timedelta(days=25)
        now = datetime.now(timezone.utc)
        overnight = [r for r in repairs if r.status in ("reported", "dispatched", "fixed")
                     and r.due_at.replace(tzinfo=timezone.utc) < now]
        assert len(overnight) == 1 and any(r.sent_back for r in repairs)
        assert any(r.asset_id for r in repairs if r.status == "reported") and repair_events() > repair_events_before
        assert db.session.execute(select(HouqinUser.id).where(HouqinUser.username == "repair1")).scalar()
        remove_demo()
        after = {m: db.session.execute(select(func.count(m.id))).scalar() for m in models}
        assert after[Asset] == before[Asset] and after[Reconciliation] == before[Reconciliation]
        assert after[DepreciationRun] == before[DepreciationRun]
        assert all(after[m] == before[m] for m in lifecycle), {m.__name__: (before[m], after[m]) for m in lifecycle}
        # the repair steps' history went with the demo
        assert repair_events() == repair_events_before
        assert not db.session.execute(select(HouqinUser.id).where(HouqinUser.username == "repair1")).scalar()

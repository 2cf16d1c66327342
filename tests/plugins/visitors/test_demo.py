"""Demo data: a realistic gate (months of visits, people on site, today's
appointments, a blocklist entry, duty logs), all removed by `demo --remove`."""
from sqlalchemy import func, select


def test_demo_data_loads_and_is_removed_completely(app):
    from app.audit import acting_as
    from app.demo import load_demo, remove_demo
    from app.extensions import db
    from app.models import DemoRecord
    from plugins.visitors.models import (Appointment, BlocklistEntry, DutyLog, PatrolRound, Visit, Visitor)

    models = (Visitor, Visit, Appointment, BlocklistEntry, DutyLog, PatrolRound)
    with app.app_context(), acting_as(None, "tests", "cli"):
        before = {m: db.session.execute(select(func.count(m.id))).scalar() for m in models}
        load_demo(seed=7)
        added = {m: db.session.execute(select(func.count(m.id))).scalar() - before[m] for m in models}
        assert added[Visit] >= 300 and added[Visitor] >= 100
        assert added[Appointment] >= 2 and added[BlocklistEntry] == 1 and added[DutyLog] >= 2
        assert added[PatrolRound] >= 5
        marked = db.session.execute(select(func.count(DemoRecord.id)).where(DemoRecord.table_name.in_(
            [m.__tablename__ for m in models]))).scalar()
        assert marked == sum(added.values())
        on_site = db.session.execute(select(func.count(Visit.id)).where(Visit.status == "on_site",
                                                                        Visit.id.in_(select(DemoRecord.record_id).where(
                                                                            DemoRecord.table_name == "visit")))).scalar()
        assert on_site >= 1
        names = db.session.execute(select(Visit.visitor_name).where(Visit.id.in_(select(DemoRecord.record_id).where(
            DemoRecord.table_name == "visit"))).limit(20)).scalars().all()
        assert all(2 <= len(n) <= 4 for n in names)  # Chinese names
        remove_demo()
        after = {m: db.session.execute(select(func.count(m.id))).scalar() for m in models}
        assert after == before

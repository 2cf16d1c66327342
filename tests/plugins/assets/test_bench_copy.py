"""The benches' bulk writer (bench_copy.bulk_insert): COPY on PostgreSQL, executemany elsewhere,
reads back what it was given — times (UTC), amounts to the fen, NULLs, text with tabs and line
breaks — and fills the columns' plain defaults."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import delete, select


def test_bulk_rows_read_back_as_written_on_either_database(app, register, uid):
    from app.audit import acting_as
    from app.extensions import db
    from plugins.assets.repair_models import RepairRequest
    from tests.plugins.assets.bench_copy import bulk_insert

    room = register.room()
    with app.app_context(), acting_as(None, "tests", "cli"):
        campus, reporter = register.campuses["TA"], app.appbuilder.sm.find_user(username="staff_a").id
        at = datetime(2025, 3, 4, 1, 2, 3, tzinfo=timezone.utc)
        tag = uid("COPY")
        rows = [dict(number=f"{tag}-{i}", room_id=room, description=f"第{i}行\t制表\n换行\\反斜杠", urgency="normal",
                     reported_by_id=reporter, reported_at=at + timedelta(hours=i), due_at=at + timedelta(hours=9),
                     status="dispatched", cost=Decimal("12.34") if i else None, campus_id=campus) for i in range(3)]
        assert bulk_insert(db.session, RepairRequest.__table__, rows, chunk=2) == 3
        db.session.commit()
        got = db.session.execute(select(RepairRequest).where(RepairRequest.number.like(f"{tag}-%"))
                                 .order_by(RepairRequest.number)).scalars().all()
        assert [g.description for g in got] == [r["description"] for r in rows]
        assert [g.reported_at.astimezone(timezone.utc) for g in got] == [r["reported_at"] for r in rows]
        assert [g.cost for g in got] == [None, Decimal("12.34"), Decimal("12.34")]
        assert all(g.sent_back == 0 for g in got)  # the column's default, filled by the writer
        db.session.execute(delete(RepairRequest).where(RepairRequest.number.like(f"{tag}-%")))
        db.session.commit()

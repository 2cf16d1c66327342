"""The month-end run: stored rows per card and month, once; missed months in order; closed
months locked; a card dated in a closed month caught up in the next open one; one audit entry
per run; the card, the API and the reports read the stored rows."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.rules import RuleError


def run(app, month, today=date(2026, 11, 20)):
    from app.extensions import db
    from plugins.assets.depreciation import run_month

    with app.app_context():
        runs = run_month(db.session, month, today=today)
        db.session.commit()
        return [(r.month, r.cards, r.total) for r in runs]


def rows(app, asset_id):
    from app.extensions import db
    from plugins.assets.models import DepreciationRow

    with app.app_context():
        return [(r.month, r.amount, r.accumulated) for r in db.session.execute(
            select(DepreciationRow).where(DepreciationRow.asset_id == asset_id).order_by(DepreciationRow.month)
        ).scalars()]


def test_a_desktop_depreciates_83_32_a_month_from_its_acquisition_month(app, register, months):
    card = register.card(price="5999.00", acquired=date(2024, 3, 15), life=72)
    run(app, "2024-03")
    run(app, "2024-05")  # April is run first, in order
    assert rows(app, card) == [(date(2024, 3, 1), Decimal("83.32"), Decimal("83.32")),
                               (date(2024, 4, 1), Decimal("83.32"), Decimal("166.64")),
                               (date(2024, 5, 1), Decimal("83.32"), Decimal("249.96"))]
    asset = register.get(card)
    assert asset.accumulated_depreciation == Decimal("249.96") and asset.net_value == Decimal("5749.04")


def test_running_a_month_twice_changes_nothing(app, register, months):
    card = register.card(price="1200.00", acquired=date(2025, 1, 10), life=72)
    first = run(app, "2025-02")
    assert run(app, "2025-02") == []
    assert len(rows(app, card)) == 1 and first[0][0] == date(2025, 2, 1)


def test_a_card_dated_in_a_closed_month_is_caught_up_in_the_next_open_one(app, register, months):
    from app.extensions import db
    from plugins.assets.depreciation import close_month

    run(app, "2025-06")
    with app.app_context():
        close_month(db.session, "2025-06")
        db.session.commit()
    card = register.card(price="6000.00", acquired=date(2025, 4, 2), life=72)  # April, May, June closed
    with pytest.raises(RuleError) as err:
        run(app, "2025-06")
    assert err.value.field == "month"
    run(app, "2025-07")
    assert rows(app, card) == [(date(2025, 7, 1), Decimal("333.32"), Decimal("333.32"))]  # 4 × 83.33
    assert register.get(card).caught_up_in == date(2025, 7, 1)


def test_a_month_not_begun_is_refused(app, register, months):
    with pytest.raises(RuleError) as err:
        run(app, "2026-12", today=date(2026, 11, 20))
    assert err.value.field == "month"


def test_none_in_the_month_of_disposal_nor_for_a_class_not_depreciated(app, register, months):
    books = register.card(code="A04000000", name="图书", price="35.00", quantity=100, life=60)
    gone = register.card(code="A02091104", name="一体机", price="3000.00", acquired=date(2025, 1, 5), life=60,
                         disposed_on=date(2025, 3, 9))
    run(app, "2025-01")
    run(app, "2025-04")
    assert rows(app, books) == []
    assert rows(app, gone) == [(date(2025, 1, 1), Decimal("50.00"), Decimal("50.00")),
                               (date(2025, 2, 1), Decimal("50.00"), Decimal("100.00"))]  # none from March


def test_each_run_is_one_audit_entry(app, register, months):
    from app.extensions import db
    from app.models import AuditLog

    register.card(price="2000.00", acquired=date(2025, 1, 5), life=72)

    def entries():
        with app.app_context():
            return db.session.execute(select(func.count(AuditLog.id)).where(AuditLog.job == "assets_depreciation")
                                      ).scalar()
    before = entries()
    run(app, "2025-03")  # the first run: its month alone (January and February caught up in it)
    assert entries() - before == 1
    run(app, "2025-05")  # April, then May
    assert entries() - before == 3


def test_the_card_table_leaves_room_for_the_month_end_update_on_postgresql(app):
    """The month-end run rewrites every card's accumulated depreciation: on PostgreSQL the card
    table keeps half of each page free (migration a006), so the new row versions stay on their
    page and touch no index. SQLite has no such setting: the table is as it was."""
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            assert "fillfactor" not in db.session.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'assets_asset'")).scalar().lower()
            return
        options = db.session.execute(text("SELECT reloptions FROM pg_class WHERE relname = 'assets_asset'")).scalar()
        assert options == ["fillfactor=50"]

"""At the same moment (threads released together, on SQLite and PostgreSQL): a card is lent once,
returned once, disposed once; the last two signers of a receipt create the cards once."""
from datetime import timedelta

from sqlalchemy import func, select

from app.periods import local_today
from tests.plugins.assets.test_lifecycle import approved_purchase, ids, receipt_form, user_id
from tests.plugins.visitors.test_concurrency import race


def test_four_desks_lending_the_same_card_at_once_lend_it_once(app, client_as, register):
    from plugins.assets.lifecycle_models import Loan
    from plugins.assets.models import Asset

    card = register.card()
    today = local_today()
    data = {"class_name": "大一班", "lent_on": today.isoformat(), "due_on": (today + timedelta(days=5)).isoformat()}
    desks = [client_as("assetkeeper_a") for _ in range(4)]
    codes = race(desks, lambda c: c.post(f"/loanview/lend/{card}", data=data).status_code)
    assert sorted(codes) == [302, 422, 422, 422], codes
    assert len(ids(app, Loan, asset_id=card)) == 1
    (loan,) = ids(app, Loan, asset_id=card)
    codes = race(desks, lambda c: c.post(f"/loanview/return/{loan}", data={"returned_on": today.isoformat()})
                 .status_code)
    assert sorted(codes) == [302, 422, 422, 422], codes
    from app.extensions import db
    from plugins.assets.models import AssetEvent

    with app.app_context():
        assert db.session.get(Asset, card).status == "in_use"
        kinds = db.session.execute(select(AssetEvent.kind).where(AssetEvent.asset_id == card)).scalars().all()
        assert kinds.count("lent") == 1 and kinds.count("returned") == 1


def test_two_directors_approving_one_disposal_at_once_dispose_once(app, client_as, register):
    from plugins.assets.lifecycle_models import Disposal

    card = register.card()
    keeper = client_as("assetkeeper_a")
    keeper.post(f"/disposalview/start/{card}", data={"kind": "loss", "quantity": "1",
                                                     "disposed_on": local_today().isoformat(), "reason": "被盗",
                                                     "justification": "报公安机关备案，无法追回"})
    (d,) = ids(app, Disposal, asset_id=card)
    directors = [client_as("director_a") for _ in range(3)]
    results = race(directors, lambda c: c.post(f"/disposalview/do/approve/{d}", follow_redirects=True)
                   .get_data(as_text=True))
    assert sum("已批准" in r and "未完成" not in r for r in results) >= 1
    from app.extensions import db
    from app.models import AuditLog
    from plugins.assets.models import AssetEvent

    with app.app_context():
        approvals = db.session.execute(select(func.count(AuditLog.id)).where(
            AuditLog.table_name == "assets_disposal", AuditLog.record_id == str(d),
            AuditLog.action == "transition")).scalar()
        disposed = db.session.execute(select(func.count(AssetEvent.id)).where(
            AssetEvent.asset_id == card, AssetEvent.kind == "disposed")).scalar()
        assert approvals == 1 and disposed == 1


def test_the_last_two_signers_at_once_make_the_cards_once(app, client_as, register, uid):
    from plugins.assets.lifecycle_models import Receipt
    from plugins.assets.models import Asset

    pk = approved_purchase(app, client_as, uid)
    keeper = client_as("assetkeeper_a")
    keeper.post(f"/receiptview/start/{pk}", data=receipt_form(app, register, as_batch=""))
    (rid,) = ids(app, Receipt, purchase_id=pk)
    keeper.post(f"/receiptview/sign/{rid}")
    race([client_as("staff_a"), client_as("director_a")], lambda c: c.post(f"/receiptview/sign/{rid}").status_code)
    cards = ids(app, Asset, purchase_id=pk)
    assert len(cards) == 2  # one card per item (as_batch off), made once
    from app.extensions import db

    with app.app_context():
        assert db.session.get(Receipt, rid).status == "accepted"
    assert user_id(app, "staff_a")

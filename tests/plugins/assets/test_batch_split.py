"""A partial step on a batch card (40 套 课桌椅): lending or transferring part of it splits the
card like a partial disposal does — a new card for the part, value and stored accumulated
depreciation divided to the fen, the split an event on both cards' histories; and a transfer to
another campus is confirmed by someone of the receiving campus only."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.periods import local_today
from app.rules import RuleError
from tests.plugins.assets.test_lifecycle import get, ids, page

D = Decimal


@pytest.mark.parametrize("quantity, take, expected", [
    (40, "5", 5), (40, 5, 5), (40, "40", None), (40, "", None), (40, None, None), (2, "1", 1), (1, "1", None),
])
def test_part_of_a_batch_is_split_off_and_the_whole_card_is_not(quantity, take, expected):
    from plugins.assets.lifecycle_rules import part_taken

    assert part_taken(quantity, take) == expected


@pytest.mark.parametrize("quantity, take, message", [
    (40, "41", "Take between 1 and %(most)s of the %(quantity)s items"),
    (40, "0", "The quantity must be at least 1"),
    (40, "-3", "The quantity must be at least 1"),
    (40, "两个", None), (40, True, None), (40, "2.5", None),
])
def test_a_part_outside_the_batch_is_refused_on_the_quantity(quantity, take, message):
    from plugins.assets.lifecycle_rules import part_taken

    with pytest.raises(RuleError) as err:
        part_taken(quantity, take)
    assert err.value.field == "quantity"
    if message:
        assert err.value.message == message


def _batch(register, **over):
    # an imported batch with stored accumulated depreciation (the opening balance) to divide
    args = dict(name="课桌椅", code="A05010304", price="350.00", quantity=40, life=180, acquired=date(2020, 9, 1),
                opening_accumulated=D("3733.33"))
    args.update(over)
    return register.card(**args)


def _events(app, asset_id, kind):
    from app.extensions import db
    from plugins.assets.models import AssetEvent

    with app.app_context():
        return db.session.execute(select(AssetEvent.detail).where(AssetEvent.asset_id == asset_id,
                                                                   AssetEvent.kind == kind)).scalars().all()


def _assert_split_to_the_fen(app, card, part_id, take):
    from plugins.assets.models import Asset

    kept, part = get(app, Asset, card), get(app, Asset, part_id)
    assert part.split_from_id == card and part.quantity == take and kept.quantity == 40 - take
    assert part.original_value + kept.original_value == D("14000.00")
    assert part.original_value == D("350.00") * take
    assert part.accumulated_depreciation + kept.accumulated_depreciation == D("3733.33")
    assert part.accumulated_depreciation == (D("3733.33") * take / 40).quantize(D("0.01"))
    assert _events(app, card, "split")[0]["into"] == part.code
    assert _events(app, part_id, "split")[0]["source"] == kept.code
    return kept, part


def test_lending_part_of_a_batch_splits_the_card_and_lends_the_part(app, client_as, register):
    from plugins.assets.lifecycle_models import Loan

    card = _batch(register)
    keeper = client_as("assetkeeper_a")
    today = local_today()
    form = keeper.get(f"/loanview/lend/{card}")
    assert 'value="40"' in page(form)  # the whole batch unless the keeper types less
    resp = keeper.post(f"/loanview/lend/{card}", data={"quantity": "6", "class_name": "大一班",
                                                       "lent_on": today.isoformat(),
                                                       "due_on": (today + timedelta(days=7)).isoformat()})
    assert resp.status_code == 302, page(resp)[-1500:]
    loan = get(app, Loan, ids(app, Loan, class_name="大一班")[-1])
    kept, part = _assert_split_to_the_fen(app, card, loan.asset_id, 6)
    assert part.status == "lent" and kept.status == "in_use"
    assert _events(app, part.id, "lent")[0]["quantity"] == 6 and not _events(app, card, "lent")


def test_a_part_larger_than_the_batch_is_refused_on_the_field_and_nothing_is_split(app, client_as, register):
    from plugins.assets.models import Asset

    card = _batch(register)
    keeper = client_as("assetkeeper_a")
    today = local_today().isoformat()
    resp = keeper.post(f"/loanview/lend/{card}", data={"quantity": "41", "class_name": "大二班", "lent_on": today,
                                                       "due_on": today})
    assert resp.status_code == 422 and "请在 40 件中选择 1 至 40 件" in page(resp) and 'value="大二班"' in page(resp)
    assert not ids(app, Asset, split_from_id=card) and get(app, Asset, card).quantity == 40


def test_transferring_part_of_a_batch_to_another_campus_waits_for_that_campus_to_confirm(app, client_as, register,
                                                                                        campuses):
    from plugins.assets.lifecycle_models import Transfer
    from plugins.assets.models import Asset

    tb = register.user("assetkeeper_tb", campus="TB")
    card = _batch(register)
    keeper_a = client_as("assetkeeper_a")
    resp = keeper_a.post(f"/transferview/start/{card}", data={"quantity": "10", "to_campus": str(campuses["TB"]),
                                                              "transfer_on": local_today().isoformat()})
    assert resp.status_code == 302, page(resp)[-1500:]
    t = get(app, Transfer, ids(app, Transfer, from_campus_id=campuses["TA"])[-1])
    kept, part = _assert_split_to_the_fen(app, card, t.asset_id, 10)
    # until someone of campus TB confirms, the part stays where it was
    assert t.status == "waiting" and part.campus_id == campuses["TA"] == kept.campus_id
    resp = keeper_a.post(f"/transferview/do/receive/{t.id}")
    assert resp.status_code == 422 and "只有调入校区的人员才能确认此次调拨" in page(resp)
    assert get(app, Transfer, t.id).status == "waiting" and get(app, Asset, part.id).campus_id == campuses["TA"]
    keeper_b = client_as("assetkeeper_tb")
    assert keeper_b.post(f"/transferview/do/receive/{t.id}").status_code == 302
    done = get(app, Transfer, t.id)
    assert done.status == "done" and done.confirmed_by_id == tb
    assert get(app, Asset, part.id).campus_id == campuses["TB"]
    assert get(app, Asset, card).campus_id == campuses["TA"] and get(app, Asset, card).quantity == 30
    assert _events(app, part.id, "transferred")[0]["to_campus"] == campuses["TB"]


def test_a_whole_card_to_another_campus_is_confirmed_only_by_the_receiving_campus(app, client_as, register,
                                                                                 campuses):
    from app.extensions import db
    from plugins.assets.lifecycle_models import Transfer
    from plugins.assets.models import Asset

    tb = register.user("assetkeeper_tb", campus="TB")
    card = register.card()
    keeper_a = client_as("assetkeeper_a")
    assert keeper_a.post(f"/transferview/start/{card}", data={"to_campus": str(campuses["TB"]),
                                                              "transfer_on": local_today().isoformat()}
                         ).status_code == 302
    (t,) = ids(app, Transfer, asset_id=card)
    assert keeper_a.post(f"/transferview/do/receive/{t}").status_code == 422
    assert keeper_a.post(f"/transferview/do/refuse/{t}", data={"reason": "不要"}).status_code == 422
    assert get(app, Asset, card).campus_id == campuses["TA"] and not ids(app, Asset, split_from_id=card)
    assert client_as("assetkeeper_tb").post(f"/transferview/do/receive/{t}").status_code == 302
    with app.app_context():
        row = db.session.get(Transfer, t)
        assert row.status == "done" and row.confirmed_by_id == tb
    assert get(app, Asset, card).campus_id == campuses["TB"]


def test_part_of_a_batch_is_lent_and_transferred_through_the_api(app, api_as, register, campuses):
    from plugins.assets.lifecycle_models import Loan, Transfer
    from plugins.assets.models import Asset

    card = _batch(register)
    client, headers = api_as("assetkeeper_a")
    today = local_today().isoformat()
    bad = client.post("/api/v1/assetloan/lend", headers=headers, json={
        "asset_id": card, "quantity": 0, "class_name": "中一班", "lent_on": today, "due_on": today})
    assert bad.status_code == 422 and "quantity" in bad.get_json()["message"]
    assert not ids(app, Asset, split_from_id=card)
    ok = client.post("/api/v1/assetloan/lend", headers=headers, json={
        "asset_id": card, "quantity": 4, "class_name": "中一班", "lent_on": today, "due_on": today})
    assert ok.status_code == 201, ok.get_json()
    _assert_split_to_the_fen(app, card, get(app, Loan, ok.get_json()["id"]).asset_id, 4)
    moved = client.post("/api/v1/assettransfer/start", headers=headers, json={
        "asset_id": card, "quantity": "3", "to_campus_id": campuses["TB"], "transfer_on": today})
    assert moved.status_code == 201 and moved.get_json()["state"] == "waiting", moved.get_json()
    part = get(app, Asset, get(app, Transfer, moved.get_json()["id"]).asset_id)
    assert part.quantity == 3 and part.split_from_id == card and get(app, Asset, card).quantity == 33


def test_a_card_loaded_before_the_month_end_run_is_split_with_what_the_run_booked(app, register, months):
    """The run updates the table in one statement: a card already in the session must not keep (and
    a split must not divide, nor write back) the figures from before the run."""
    from app.audit import acting_as
    from app.extensions import db
    from plugins.assets import lifecycle
    from plugins.assets.depreciation import run_month
    from plugins.assets.models import Asset

    card = _batch(register, opening_accumulated=D("0.00"), acquired=date(2025, 1, 10))
    with app.app_context(), acting_as(None, "tests", "cli"):
        s = db.session
        asset = s.get(Asset, card)
        assert asset.depreciated_through is None
        run_month(s, date(2025, 6, 1), today=date(2025, 7, 2))
        assert asset.depreciated_through == date(2025, 6, 1)
        from plugins.assets.models import DepreciationRow

        booked = asset.accumulated_depreciation
        assert booked > 0 and booked == s.execute(select(DepreciationRow.accumulated).where(
            DepreciationRow.asset_id == card, DepreciationRow.month == date(2025, 6, 1))).scalar_one()
        part = lifecycle.split(s, asset, 10, user=None)
        assert part.accumulated_depreciation + asset.accumulated_depreciation == booked
        assert part.depreciated_through == asset.depreciated_through == date(2025, 6, 1)
        s.commit()
    kept = get(app, Asset, card)
    assert kept.depreciated_through == date(2025, 6, 1) and kept.quantity == 30

"""Issue 15 through the screens: purchases in their approval tier, receipts signed by three
people creating the cards, lending and returning, transfers, damage, disposal with its form;
illegal steps refused with a clear message, bad input on its field with nothing half-saved."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.periods import local_today


def ids(app, model, **where):
    from app.extensions import db

    with app.app_context():
        q = select(model.id)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return db.session.execute(q.order_by(model.id)).scalars().all()


def get(app, model, pk):
    from app.extensions import db

    with app.app_context():
        obj = db.session.get(model, pk)
        db.session.expunge(obj)
        return obj


def user_id(app, username):
    with app.app_context():
        return app.appbuilder.sm.find_user(username=username).id


def page(resp):
    return resp.get_data(as_text=True)


def request_purchase(app, client, description, quantity="2", price="450.00"):
    from plugins.assets.lifecycle_models import PurchaseRequest

    resp = client.post("/purchaseview/add", data={"description": description, "quantity": quantity, "unit": "台",
                                                  "estimated_unit_price": price, "reason": "教学需要",
                                                  "budget_line": "公用经费"})
    assert resp.status_code == 302, page(resp)[-2000:]
    return ids(app, PurchaseRequest, description=description)[-1]


def test_a_teachers_request_below_the_threshold_is_approved_with_the_committees_decision(app, client_as, uid):
    from plugins.assets.lifecycle_models import PurchaseRequest

    pk = request_purchase(app, client_as("staff_a"), uid("投影仪"))
    req = get(app, PurchaseRequest, pk)
    assert req.status == "submitted" and req.estimated_total == Decimal("900.00") and req.number.startswith("CG")
    assert client_as("assetkeeper_a").post(f"/purchaseview/do/approve/{pk}").status_code == 403
    director = client_as("director_a")
    resp = director.post(f"/purchaseview/do/approve/{pk}", data={"committee_date": ""})
    assert resp.status_code == 422 and "园委会" in page(resp)
    assert get(app, PurchaseRequest, pk).status == "submitted"
    future = (local_today() + timedelta(days=3)).isoformat()
    assert director.post(f"/purchaseview/do/approve/{pk}", data={"committee_date": future}).status_code == 422
    resp = director.post(f"/purchaseview/do/approve/{pk}", data={"committee_date": local_today().isoformat(),
                                                                  "committee_note": "园委会同意"})
    assert resp.status_code == 302
    req = get(app, PurchaseRequest, pk)
    assert req.status == "approved" and req.committee_note == "园委会同意" and not req.self_approved


def test_from_the_threshold_the_external_approval_is_recorded(app, client_as, uid):
    from plugins.assets.lifecycle_models import PurchaseRequest

    pk = request_purchase(app, client_as("staff_a"), uid("钢琴"), quantity="1", price="16800.00")
    director = client_as("director_a")
    assert director.post(f"/purchaseview/do/approve/{pk}").status_code == 422
    resp = director.post(f"/purchaseview/do/approve/{pk}", data={
        "external_body": "区教育局", "external_number": "教装〔2026〕12号", "external_date": local_today().isoformat()})
    assert resp.status_code == 302, page(resp)[-1500:]
    assert get(app, PurchaseRequest, pk).status == "approved"


def test_nobody_approves_their_own_request(app, client_as, uid):
    from plugins.assets.lifecycle_models import PurchaseRequest

    director = client_as("director_a")
    pk = request_purchase(app, director, uid("柜子"))
    resp = director.post(f"/purchaseview/do/approve/{pk}", data={"committee_date": local_today().isoformat()})
    assert resp.status_code == 422 and get(app, PurchaseRequest, pk).status == "submitted"


def approved_purchase(app, client_as, uid, **kw):
    pk = request_purchase(app, client_as("staff_a"), uid("一体机"), **kw)
    client_as("director_a").post(f"/purchaseview/do/approve/{pk}", data={"committee_date": local_today().isoformat()})
    return pk


def receipt_form(app, register, **over):
    data = {"received_on": local_today().isoformat(), "delivered_quantity": "2", "actual_unit_price": "450.00",
            "supplier": "区政府采购点", "invoice_no": "FP-001", "category": str(register.category_id("A02010105")),
            "life_months": "72", "as_batch": "y", "room": "", "custodian": "",
            "handler": str(user_id(app, "assetkeeper_a")), "witness": str(user_id(app, "staff_a")),
            "reviewer": str(user_id(app, "director_a")), "note": ""}
    data.update(over)
    return data


def test_three_people_confirm_the_receipt_and_then_the_card_appears(app, client_as, register, uid):
    from plugins.assets.lifecycle_models import PurchaseRequest, Receipt
    from plugins.assets.models import Asset

    pk = approved_purchase(app, client_as, uid)
    keeper = client_as("assetkeeper_a")
    same = receipt_form(app, register, witness=str(user_id(app, "assetkeeper_a")))
    resp = keeper.post(f"/receiptview/start/{pk}", data=same)
    assert resp.status_code == 422 and "经办人、证明人和审核人必须是三个不同的人" in page(resp)
    assert "区政府采购点" in page(resp)   # what was typed stays
    assert not ids(app, Receipt, purchase_id=pk) and get(app, PurchaseRequest, pk).status == "approved"
    resp = keeper.post(f"/receiptview/start/{pk}", data=receipt_form(app, register))
    assert resp.status_code == 302, page(resp)[-2000:]
    (rid,) = ids(app, Receipt, purchase_id=pk)
    assert keeper.post(f"/receiptview/sign/{rid}").status_code == 302
    again = keeper.post(f"/receiptview/sign/{rid}", follow_redirects=True)
    assert "您已确认过此验收" in page(again)
    assert not ids(app, Asset, purchase_id=pk)
    client_as("staff_a").post(f"/receiptview/sign/{rid}")
    assert not ids(app, Asset, purchase_id=pk)
    client_as("director_a").post(f"/receiptview/sign/{rid}")
    (card,) = ids(app, Asset, purchase_id=pk)
    asset = get(app, Asset, card)
    assert asset.quantity == 2 and asset.original_value == Decimal("900.00") and asset.acquisition_method == "purchase"
    assert asset.supplier == "区政府采购点" and get(app, PurchaseRequest, pk).status == "received"
    assert get(app, Receipt, rid).status == "accepted"


def test_an_actual_total_in_a_higher_tier_goes_back_for_approval(app, client_as, register, uid):
    from plugins.assets.lifecycle_models import PurchaseRequest, Receipt

    pk = approved_purchase(app, client_as, uid)
    resp = client_as("assetkeeper_a").post(f"/receiptview/start/{pk}",
                                           data=receipt_form(app, register, actual_unit_price="650.00"))
    assert resp.status_code == 302
    req = get(app, PurchaseRequest, pk)
    assert req.status == "submitted" and req.reapproval and req.approval_amount == Decimal("1300.00")
    assert not ids(app, Receipt, purchase_id=pk)


def test_lend_and_return_with_the_illegal_steps_refused(app, client_as, register):
    from plugins.assets.lifecycle_models import Loan
    from plugins.assets.models import Asset

    card = register.card()
    borrower = register.staff()
    keeper = client_as("assetkeeper_a")
    today = local_today()
    resp = keeper.post(f"/loanview/lend/{card}", data={"borrower": str(borrower), "lent_on": today.isoformat(),
                                                        "due_on": (today - timedelta(days=1)).isoformat()})
    assert resp.status_code == 422 and "应还日期不能早于借出日期" in page(resp)
    assert get(app, Asset, card).status == "in_use" and not ids(app, Loan, asset_id=card)
    good = {"borrower": str(borrower), "lent_on": today.isoformat(), "due_on": (today + timedelta(days=7)).isoformat()}
    assert keeper.post(f"/loanview/lend/{card}", data=good).status_code == 302
    assert get(app, Asset, card).status == "lent"
    second = keeper.post(f"/loanview/lend/{card}", data=good)
    assert second.status_code == 422 and "未借出：该资产为“借出”" in page(second)
    assert len(ids(app, Loan, asset_id=card)) == 1
    (loan,) = ids(app, Loan, asset_id=card)
    resp = keeper.post(f"/loanview/return/{loan}", data={"returned_on": today.isoformat(),
                                                         "return_condition": "完好"})
    assert resp.status_code == 302 and get(app, Asset, card).status == "in_use"
    assert get(app, Loan, loan).return_condition == "完好"
    again = keeper.post(f"/loanview/return/{loan}", data={"returned_on": today.isoformat()})
    assert again.status_code == 422 and "未归还：该借用已“已归还”" in page(again)


def test_a_transfer_to_the_same_place_is_refused_and_to_another_campus_waits_there(app, client_as, register,
                                                                                   campuses):
    from plugins.assets.lifecycle_models import Transfer
    from plugins.assets.models import Asset

    room = register.room()
    card = register.card(room_id=room)
    keeper = client_as("assetkeeper_a")
    today = local_today().isoformat()
    resp = keeper.post(f"/transferview/start/{card}", data={"to_campus": str(campuses["TA"]), "to_room": str(room),
                                                            "transfer_on": today})
    assert resp.status_code == 422 and "调拨须调往其他校区、存放地点或部门" in page(resp)
    assert not ids(app, Transfer, asset_id=card)
    other = register.room()
    assert keeper.post(f"/transferview/start/{card}", data={"to_campus": str(campuses["TA"]), "to_room": str(other),
                                                            "transfer_on": today}).status_code == 302
    assert get(app, Asset, card).room_id == other
    resp = keeper.post(f"/transferview/start/{card}", data={"to_campus": str(campuses["TB"]), "transfer_on": today})
    assert resp.status_code == 302
    t = ids(app, Transfer, asset_id=card)[-1]
    assert get(app, Transfer, t).status == "waiting" and get(app, Asset, card).campus_id == campuses["TA"]
    # the keeper of campus A is not of the receiving campus
    resp = keeper.post(f"/transferview/do/receive/{t}")
    assert resp.status_code == 422 and "只有调入校区的人员才能确认此次调拨" in page(resp)
    assert get(app, Transfer, t).status == "waiting"
    assert client_as("director_a").get(f"/transferview/show/{t}").status_code == 200


def test_damage_with_a_negative_compensation_is_refused_then_paid(app, client_as, register):
    from plugins.assets.lifecycle_models import Damage

    card = register.card()
    keeper = client_as("assetkeeper_a")
    data = {"occurred_on": local_today().isoformat(), "cause": "human", "responsible": "大一班 王小明",
            "description": "桌面破损", "compensation": "-5"}
    resp = keeper.post(f"/damageview/start/{card}", data=data)
    assert resp.status_code == 422 and "赔偿金额不能小于零" in page(resp) and "大一班 王小明" in page(resp)
    assert not ids(app, Damage, asset_id=card)
    data["compensation"] = "120.00"
    assert keeper.post(f"/damageview/start/{card}", data=data).status_code == 302
    (d,) = ids(app, Damage, asset_id=card)
    assert get(app, Damage, d).status == "unpaid"
    assert keeper.post(f"/damageview/do/mark_paid/{d}").status_code == 302
    assert get(app, Damage, d).status == "paid"


def test_disposal_is_requested_with_a_justification_approved_and_the_card_locked(app, client_as, register):
    from plugins.assets.lifecycle_models import Disposal
    from plugins.assets.models import Asset

    card = register.card(acquired=date(2024, 3, 15), life=72)
    keeper = client_as("assetkeeper_a")
    data = {"kind": "scrap", "quantity": "1", "disposed_on": "2024-01-01", "reason": "主板损坏，无法修复",
            "justification": ""}
    resp = keeper.post(f"/disposalview/start/{card}", data=data)
    assert resp.status_code == 422 and "处置日期不能早于取得日期" in page(resp)
    assert not ids(app, Disposal, asset_id=card)
    data["disposed_on"] = local_today().isoformat()
    resp = keeper.post(f"/disposalview/start/{card}", data=data)
    assert resp.status_code == 422 and "该资产尚在使用年限内（至2030-02）：请填写书面理由" in page(resp)
    data["justification"] = "维修费用超过原值的一半，经鉴定无修复价值"
    assert keeper.post(f"/disposalview/start/{card}", data=data).status_code == 302
    (d,) = ids(app, Disposal, asset_id=card)
    assert get(app, Asset, card).status == "to_scrap"
    assert keeper.post(f"/loanview/lend/{card}", data={}).status_code in (403, 422)
    assert keeper.post(f"/disposalview/do/approve/{d}").status_code == 403
    assert client_as("director_a").post(f"/disposalview/do/approve/{d}").status_code == 302
    asset = get(app, Asset, card)
    assert asset.status == "disposed" and asset.disposed_on == local_today()
    form = client_as("director_a").get(f"/disposalview/form/{d}")
    assert form.status_code == 200 and "hq-signatures" in page(form) and "主板损坏" in page(form)
    # disposed: locked; disposing twice, lending, editing refused
    assert client_as("director_a").post(f"/disposalview/do/approve/{d}").status_code == 302  # flashed: moved on
    resp = keeper.post(f"/disposalview/start/{card}", data=data)
    assert resp.status_code == 422 and "该记录已是“已处置”状态并已锁定" in page(resp)
    assert len(ids(app, Disposal, asset_id=card)) == 1
    resp = keeper.post(f"/assetview/edit/{card}", data={"name": "改名"}, follow_redirects=True)
    assert get(app, Asset, card).name != "改名"


def test_part_of_a_batch_is_disposed_by_splitting_the_card_to_the_fen(app, client_as, register):
    from plugins.assets.lifecycle_models import Disposal
    from plugins.assets.models import Asset

    card = register.card(name="幼儿椅", code="A05010304", price="98.50", quantity=40, life=60,
                         acquired=date(2019, 9, 1))
    keeper = client_as("assetkeeper_a")
    resp = keeper.post(f"/disposalview/start/{card}", data={"kind": "scrap", "quantity": "3",
                                                            "disposed_on": local_today().isoformat(),
                                                            "reason": "椅腿断裂"})
    assert resp.status_code == 302, page(resp)[-1500:]
    (d,) = ids(app, Disposal)[-1:]
    part = get(app, Asset, get(app, Disposal, d).asset_id)
    kept = get(app, Asset, card)
    assert part.quantity == 3 and kept.quantity == 37 and part.split_from_id == card
    assert part.original_value + kept.original_value == Decimal("3940.00")
    assert part.status == "to_scrap" and kept.status == "in_use"


def test_the_term_end_recall_and_the_reports_open_print_and_export(app, client_as, register):
    card = register.card()
    keeper = client_as("assetkeeper_a")
    today = local_today()
    keeper.post(f"/loanview/lend/{card}", data={"class_name": "大二班", "lent_on": today.isoformat(),
                                                 "due_on": (today + timedelta(days=2)).isoformat()})
    recall = keeper.get("/assets/lifecycle/recall")
    assert recall.status_code == 200 and "大二班" in page(recall) and "hq-signatures" in page(recall)
    for name in ("recall", "purchases", "loans", "transfers", "damage", "disposals"):
        assert keeper.get(f"/assets/lifecycle/{name}").status_code == 200
        assert keeper.get(f"/assets/lifecycle/{name}?format=xlsx").status_code == 200


def test_waiting_items_reach_the_right_persons_to_do_list(app, client_as, register, uid):
    from app.extensions import db

    pk = request_purchase(app, client_as("staff_a"), uid("书柜"))
    from plugins.assets.lifecycle_models import PurchaseRequest

    number = get(app, PurchaseRequest, pk).number
    assert f"待审批申购 {number}" in page(client_as("director_a").get("/todo/"))
    assert number not in page(client_as("staff_a").get("/todo/"))
    card = register.card()
    keeper = client_as("assetkeeper_a")
    past = local_today() - timedelta(days=10)
    keeper.post(f"/loanview/lend/{card}", data={"class_name": "中一班", "lent_on": past.isoformat(),
                                                 "due_on": (past + timedelta(days=2)).isoformat()})
    assert "中一班" in page(keeper.get("/todo/")) and "逾期未还" in page(keeper.get("/todo/"))
    assert db is not None


def test_assigning_a_card_names_custodian_place_and_department_on_its_history(app, client_as, register):
    from plugins.assets.models import Asset, AssetEvent

    card = register.card()
    keeper = client_as("assetkeeper_a")
    person, room = register.staff(), register.room()
    future = (local_today() + timedelta(days=2)).isoformat()
    resp = keeper.post(f"/assetview/assign/{card}", data={"custodian": str(person), "room": str(room), "on": future})
    assert resp.status_code == 422 and "日期不能晚于今天" in page(resp)
    assert get(app, Asset, card).custodian_id is None
    resp = keeper.post(f"/assetview/assign/{card}", data={"custodian": str(person), "room": str(room),
                                                          "on": local_today().isoformat()})
    assert resp.status_code == 302
    asset = get(app, Asset, card)
    assert asset.custodian_id == person and asset.room_id == room and asset.status == "in_use"
    assert "assigned" in [get(app, AssetEvent, e).kind for e in ids(app, AssetEvent, asset_id=card)]
    # the keeper's status steps, through core workflow: idle, then back in use; not twice
    assert keeper.post(f"/assetview/set_idle/{card}").status_code == 302
    again = keeper.post(f"/assetview/set_idle/{card}", follow_redirects=True)
    assert "已是“闲置”" in page(again) or "闲置" in page(again)
    assert get(app, Asset, card).status == "idle"
    keeper.post(f"/assetview/back_in_use/{card}")
    assert get(app, Asset, card).status == "in_use"
    # the card form no longer offers the status
    keeper.post(f"/assetview/edit/{card}", data={"status": "repair"})
    assert get(app, Asset, card).status == "in_use"


def test_a_warranty_ending_within_60_days_waits_on_the_keepers_list(app, client_as, register, uid):
    name = uid("空调")
    register.card(name=name, warranty_end=local_today() + timedelta(days=30))
    assert name in page(client_as("assetkeeper_a").get("/todo/"))

"""Bad input on the card form and the API: a clear message on the field, in the user's language;
the form keeps what was typed; nothing is saved."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select


def form(register, **over):
    data = {"name": "台式计算机", "category": str(register.category_id("A02010105")), "quantity": "1", "unit": "台",
            "unit_price": "5999.00", "original_value": "5999.00", "acquired_on": "2024-03-15",
            "acquisition_method": "purchase", "status": "in_use", "life_months": "72",
            "campus": str(register.campuses["TA"]), "legacy_no": over.pop("legacy_no")}
    data.update(over)
    return data


def saved(app, legacy_no):
    from app.extensions import db
    from plugins.assets.models import Asset

    with app.app_context():
        return db.session.execute(select(func.count(Asset.id)).where(Asset.legacy_no == legacy_no)).scalar()


CASES = [
    ({"acquired_on": (date.today() + timedelta(days=3)).isoformat()}, "acquired_on", "取得日期不能晚于今天",
     "The acquisition date cannot be in the future"),
    ({"life_months": "36"}, "life_months", "该类资产的使用年限至少为 6 年（72 个月）",
     "The useful life of this class is at least 6 years (72 months)"),
    ({"unit_price": "0", "original_value": "0"}, "unit_price", "单价必须大于零", "The price must be more than zero"),
    ({"unit_price": "-5", "original_value": "-5"}, "unit_price", "单价必须大于零", "The price must be more than zero"),
    ({"quantity": "0"}, "quantity", "数量至少为 1", "The quantity must be at least 1"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("over,field,zh,en", CASES)
def test_a_bad_card_shows_the_message_on_its_field_and_saves_nothing(app, client_as, register, uid, over, field,
                                                                     zh, en, lang):
    legacy = uid("BAD")
    resp = client_as("assetkeeper_a", lang=lang).post("/assetview/add", data=form(register, legacy_no=legacy, **over))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert (zh if lang == "zh" else en) in body
    assert f'value="{legacy}"' in body  # the form keeps what was typed
    assert saved(app, legacy) == 0


def test_a_good_card_is_saved_with_its_code_and_a_warning_below_the_threshold(app, client_as, register, uid):
    legacy = uid("OK")
    resp = client_as("assetkeeper_a", lang="en").post("/assetview/add", data=form(
        register, legacy_no=legacy, unit_price="800.00", original_value="800.00"), follow_redirects=True)
    assert saved(app, legacy) == 1
    assert "below the capitalisation threshold" in resp.get_data(as_text=True)


@pytest.mark.parametrize("over,field", [({"acquired_on": "2099-01-01"}, "acquired_on"), ({"life_months": 12}, "life_months"),
                                        ({"unit_price": "0", "original_value": "0"}, "unit_price"),
                                        ({"quantity": 0}, "quantity"), ({"category": 999999}, "category")])
def test_the_api_answers_422_with_the_message_on_the_field(app, api_as, register, over, field):
    client, headers = api_as("assetkeeper_a")
    body = {"name": "台式计算机", "category": register.category_id("A02010105"), "quantity": 1, "unit": "台",
            "unit_price": "5999.00", "original_value": "5999.00", "acquired_on": "2024-03-15", "life_months": 72,
            "campus": register.campuses["TA"], "status": "in_use", "acquisition_method": "purchase"}
    body.update(over)
    resp = client.post("/api/v1/asset/", json=body, headers=headers)
    assert resp.status_code in (400, 422), resp.get_data(as_text=True)
    message = resp.get_json()["message"]
    assert field in message or isinstance(message, str), message

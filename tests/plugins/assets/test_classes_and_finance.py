"""The office adds its own classes below the shipped tree; finance's figures are imported for a
month's reconciliation; the API is in the OpenAPI spec."""
import io

import openpyxl
from sqlalchemy import select


def test_the_office_adds_its_own_class_below_a_shipped_one_and_inherits_its_minimum(app, client_as):
    from app.extensions import db
    from plugins.assets.models import AssetCategory

    web = client_as("assetkeeper_a")
    web.post("/categoryview/add", data={"code": "A05010398", "name_zh": "午睡床", "name_en": "Nap beds",
                                        "min_life_years": "3", "aliases": "", "note": ""})
    with app.app_context():
        own = db.session.execute(select(AssetCategory).where(AssetCategory.code == "A05010398")).scalar_one()
        assert own.financial_class == "furniture" and own.min_life_years == 15 and not own.shipped
    resp = web.post("/categoryview/add", data={"code": "A09999900", "name_zh": "无上级", "name_en": "Orphan"},
                    follow_redirects=True)
    assert "A09990000" in resp.get_data(as_text=True)  # the missing parent is named
    with app.app_context():
        assert db.session.execute(select(AssetCategory).where(AssetCategory.code == "A09999900")).first() is None


def test_finance_figures_are_imported_for_a_month(app, client_as):
    from datetime import date

    from app.extensions import db
    from plugins.assets.models import Reconciliation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["月份", "资产类别", "原值", "累计折旧"])
    ws.append(["2024-02", "通用设备", "123456.00", "23456.00"])
    ws.append(["2024-02", "专用设备", "50000.00", "10000.00"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    resp = client_as("assetkeeper_a").post("/reconciliationview/import/", data={"file": (buf, "finance.xlsx")},
                                           content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[-1500:]
    with app.app_context():
        rec = db.session.execute(select(Reconciliation).where(Reconciliation.month == date(2024, 2, 1))).scalar_one()
        lines = {line.financial_class: line for line in rec.lines}
        assert str(lines["general_equipment"].finance_original) == "123456.00"
        assert str(lines["special_equipment"].finance_accumulated) == "10000.00"


def test_the_register_api_is_in_the_openapi_spec(app, api_as):
    client, headers = api_as("admin_a")
    spec = client.get("/api/v1/_openapi", headers=headers).get_json()
    paths = set(spec["paths"])
    for path in ("/api/v1/asset/", "/api/v1/asset/{pk}", "/api/v1/assetcategory/", "/api/v1/assetdepreciation/",
                 "/api/v1/assetreconciliation/", "/api/v1/assetreconciliation/{pk}/confirm"):
        assert path in paths, sorted(p for p in paths if "asset" in p)


def test_finance_figures_for_a_reconciled_month_are_refused_and_nothing_changes(app, client_as, register, months):
    """Issue 14, point 7: a reconciled (or signed) month is locked; an import into it names the
    row and the month column and writes nothing, before and after a reopen it is accepted."""
    from datetime import date

    from app.extensions import db
    from plugins.assets.models import Reconciliation

    def figures(month, value):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["月份", "资产类别", "原值", "累计折旧"])
        ws.append(["2024-06", "通用设备", "1000.00", "10.00"])       # an open month: fine on its own
        ws.append([month, "通用设备", value, "0.00"])
        buf = io.BytesIO()
        wb.save(buf)
        buf.seek(0)
        return {"file": (buf, "finance.xlsx")}

    keeper = client_as("assetkeeper_a")
    keeper.post("/reconciliationview/add", data={"month": "2024-05-01", "note": "月末对帐"})
    with app.app_context():
        rec_id = db.session.execute(select(Reconciliation.id).where(Reconciliation.month == date(2024, 5, 1))).scalar()
    assert keeper.post(f"/reconciliationview/do/sign/{rec_id}").status_code == 302
    assert client_as("accountant_a").post(f"/reconciliationview/do/confirm/{rec_id}").status_code == 302

    resp = keeper.post("/reconciliationview/import/", data=figures("2024-05", "999.00"),
                       content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code != 302 and "2024-05" in page and "重新打开" in page
    with app.app_context():
        rec = db.session.get(Reconciliation, rec_id)
        assert rec.status == "reconciled"
        assert {line.finance_original for line in rec.lines} == {0}
        assert db.session.execute(select(Reconciliation).where(Reconciliation.month == date(2024, 6, 1))).first() \
            is None   # all or nothing: the good row was not written either
    client_as("director_a").post(f"/reconciliationview/do/reopen/{rec_id}", data={"reason": "财务更正"})
    resp = keeper.post("/reconciliationview/import/", data=figures("2024-05", "999.00"),
                       content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[-800:]
    with app.app_context():
        lines = {line.financial_class: line for line in db.session.get(Reconciliation, rec_id).lines}
        assert str(lines["general_equipment"].finance_original) == "999.00"

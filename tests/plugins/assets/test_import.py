"""Import of the existing ledger: Chinese columns, the class by GB/T code with its name checked,
2010 codes mapped, places and custodians by name, opening balances; a bad row writes nothing and
is named by row and column; a second import of the same file adds nothing."""
import io
from datetime import date
from decimal import Decimal

import openpyxl
from sqlalchemy import func, select

HEADER = ["原标签号", "资产名称", "分类名称", "分类代码", "数量", "计量单位", "单价", "取得日期", "校区", "存放地点",
          "保管人", "使用年限(月)", "累计折旧", "折旧计至"]


def book(rows, header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["XX幼儿园固定资产台账"])  # a title row above the header, as offices have
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def post(client, buf, name="ledger.xlsx"):
    return client.post("/assetview/import/", data={"file": (buf, name)}, content_type="multipart/form-data")


def count(app, prefix):
    from app.extensions import db
    from plugins.assets.models import Asset

    with app.app_context():
        return db.session.execute(select(func.count(Asset.id)).where(Asset.legacy_no.like(prefix + "%"))).scalar()


def flat(resp):
    return resp.get_data(as_text=True).replace("\n", "").replace(" ", "")


def test_a_ledger_imports_with_opening_balances_and_a_second_import_adds_nothing(app, client_as, register, uid):
    prefix = uid("LG")
    register.room(name="小一班", class_name="小一班", building="教学楼I")
    keeper = register.staff(name=f"保管{prefix}")
    rows = [[f"{prefix}-1", "台式计算机", "台式计算机", "A02010105", 1, "台", 5999, "2024-03-15", "TA", "教学楼I 小一班",
             f"保管{prefix}", 72, "1666.40", "2024-10"],
            [f"{prefix}-2", "幼儿椅", "教学实验椅凳", "A05010304", 40, "把", "98.50", "2023-09-01", "TA", "小一班", "", 60,
             None, None],
            [f"{prefix}-3", "台式机", "台式机", "2010104", 1, "台", 3200, "2019-06-01", "TA", "", "", 72, None, None]]
    web = client_as("assetkeeper_a")
    resp = post(web, book(rows))
    assert resp.status_code == 302
    assert count(app, prefix) == 3
    resp = post(web, book(rows))
    assert count(app, prefix) == 3
    from app.extensions import db
    from plugins.assets.models import Asset

    with app.app_context():
        pc = db.session.execute(select(Asset).where(Asset.legacy_no == f"{prefix}-1")).scalar_one()
        assert pc.custodian_id == keeper and pc.room is not None
        assert pc.accumulated_depreciation == Decimal("1666.40") and pc.depreciated_through == date(2024, 10, 1)
        assert pc.dep_base == Decimal("4332.60") and pc.dep_months == 64 and pc.dep_first == date(2024, 11, 1)
        assert pc.code.startswith("A02010105-2024-")
        chairs = db.session.execute(select(Asset).where(Asset.legacy_no == f"{prefix}-2")).scalar_one()
        assert chairs.original_value == Decimal("3940.00") and chairs.quantity == 40
        # the cards go in as multi-row INSERTs: each has its "imported" event, and the import's one
        # audit entry names every card
        from app.models.audit import AuditLog
        from plugins.assets.models import AssetEvent

        assert [e.kind for e in db.session.execute(select(AssetEvent).where(AssetEvent.asset_id == pc.id)).scalars()] \
            == ["imported"]
        entry = db.session.execute(select(AuditLog).where(AuditLog.job == "assets_ledger_import")
                                   .order_by(AuditLog.id.desc())).scalars().first()
        assert f"create:assets_asset#{pc.id}" in entry.changes["rows"]


def test_a_name_that_does_not_match_the_code_writes_nothing_and_shows_both(app, client_as, uid):
    prefix = uid("MM")
    rows = [[f"{prefix}-1", "台式计算机", "台式计算机", "A02010105", 1, "台", 5999, "2024-03-15", "TA", "", "", 72, None, None],
            [f"{prefix}-2", "办公椅", "办公椅", "A05010501", 1, "把", 500, "2024-03-15", "TA", "", "", 180, None, None]]
    resp = post(client_as("assetkeeper_a"), book(rows))
    body = flat(resp)
    assert resp.status_code == 200
    assert "<td>4</td><td>分类代码</td>" in body and "书柜" in body and "办公椅" in body
    assert count(app, prefix) == 0


def test_bad_rows_are_each_named_by_row_and_column(app, client_as, uid):
    prefix = uid("BR")
    rows = [[f"{prefix}-1", "台式计算机", "", "A02010105", 0, "台", 5999, "2024-03-15", "TA", "", "", 72, None, None],
            [f"{prefix}-2", "台式计算机", "", "A02010105", 1, "台", -5, "2024-03-15", "TA", "", "", 72, None, None],
            [f"{prefix}-3", "台式计算机", "", "A02010105", 1, "台", 5999, "2099-03-15", "TA", "", "", 72, None, None],
            [f"{prefix}-4", "台式计算机", "", "Z99", 1, "台", 5999, "2024-03-15", "TA", "", "", 72, None, None],
            [f"{prefix}-5", "台式计算机", "", "A02010105", 1, "台", 5999, "2024-03-15", "TA", "", "张三不存在", 72, None, None]]
    body = flat(post(client_as("assetkeeper_a"), book(rows)))
    for row, column in ((3, "数量"), (4, "单价"), (5, "取得日期"), (6, "分类代码"), (7, "保管人")):
        assert f"<td>{row}</td><td>{column}</td>" in body, (row, column)
    assert count(app, prefix) == 0


def test_an_imported_short_life_is_kept_and_flagged(app, client_as, uid):
    prefix = uid("SL")
    rows = [[f"{prefix}-1", "台式计算机", "", "A02010105", 1, "台", 5999, "2020-03-15", "TA", "", "", 60, "3500.00",
             "2023-12"]]
    assert post(client_as("assetkeeper_a"), book(rows)).status_code == 302
    from app.extensions import db
    from plugins.assets.models import Asset

    with app.app_context():
        card = db.session.execute(select(Asset).where(Asset.legacy_no == f"{prefix}-1")).scalar_one()
        assert card.life_months == 60 and card.short_life_minimum == 6
        card_id = card.id
    page = client_as("assetkeeper_a", lang="en").get(f"/assetview/show/{card_id}").get_data(as_text=True)
    assert "below this class&#39;s minimum of 6 years" in page or "below this class's minimum of 6 years" in page

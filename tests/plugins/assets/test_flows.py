"""The card page, the Director's life change, the API's figures, the reports (screen, Excel,
chart), the reconciliation by two people, the command and the job."""
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from tests.plugins.assets.test_depreciation import rows, run


def test_the_card_page_shows_its_history_and_stored_rows(app, client_as, register, months):
    card = register.card(price="5999.00", acquired=date(2024, 3, 15))
    run(app, "2024-04")
    page = client_as("assetkeeper_a", lang="en").get(f"/assetview/show/{card}").get_data(as_text=True)
    assert "asset-history" in page and "Registered" in page
    assert "2024-04" in page and "¥166.64" in page and "¥5,832.36" in page
    assert "Depreciation caught up" in page  # March was before the first run


def test_the_director_changes_a_life_with_a_reason_and_the_net_is_spread(app, client_as, register, months):
    card = register.card(price="7200.00", acquired=date(2025, 1, 5), life=72)
    run(app, "2025-01")
    run(app, "2025-12")
    web = client_as("director_a")
    assert "请填写修改原因" in web.post(f"/assetview/life/{card}", data={"life_months": "96", "reason": ""},
                                     follow_redirects=True).get_data(as_text=True)
    web.post(f"/assetview/life/{card}", data={"life_months": "96", "reason": "仍可使用，延长年限"})
    asset = register.get(card)
    assert asset.life_months == 96 and asset.dep_base == Decimal("6000.00") and asset.dep_months == 84
    run(app, "2026-01")
    assert rows(app, card)[-1] == (date(2026, 1, 1), Decimal("71.43"), Decimal("1271.43"))


def test_the_api_gives_the_stored_figures(app, api_as, register, months):
    card = register.card(price="6000.00", acquired=date(2025, 1, 5))
    run(app, "2025-02")
    client, headers = api_as("auditor_a")
    body = client.get(f"/api/v1/asset/{card}", headers=headers).get_json()["result"]
    assert body["original_value"] in ("6000.00", 6000.0, "6000")
    assert Decimal(str(body["accumulated_depreciation"])) == Decimal("166.66")
    assert Decimal(str(body["net_value"])) == Decimal("5833.34")
    assert body["acquired_on"] == "2025-01-05" and body["category"]["code"] == "A02010105"
    got = client.get(f'/api/v1/assetdepreciation/?q=(filters:!((col:asset_id,opr:eq,value:{card})))',
                     headers=headers).get_json()
    assert got["count"] == 1
    assert client.get("/api/v1/_openapi", headers=headers).status_code in (200, 401, 403)


def test_reports_open_print_and_export(app, client_as, register, months):
    room = register.room(name="小二班", class_name="小二班")
    register.card(name="幼儿椅", code="A05010304", price="98.50", quantity=40, life=60, room_id=room)
    run(app, "2025-06")
    web = client_as("auditor_a")
    summary = web.get("/assets/reports/summary").get_data(as_text=True)
    assert "<svg" in summary and "家具、用具、装具及动植物" in summary
    book = openpyxl.load_workbook(io.BytesIO(web.get("/assets/reports/ledger?format=xlsx").data))
    assert any("幼儿椅" == c.value for row in book.active.iter_rows() for c in row)
    listing = web.get(f"/assets/reports/property-list?room_id={room}").get_data(as_text=True)
    assert "幼儿椅" in listing and "hq-signatures" in listing and "小二班" in listing
    schedule = web.get("/assets/reports/schedule?from=2025-01&to=2025-06").get_data(as_text=True)
    assert "2025-06" in schedule
    assert web.get("/assets/reports/schedule?from=2025-01&to=2025-06&format=xlsx").status_code == 200
    assert web.get("/assets/reports/summary?format=xlsx").status_code == 200


def test_a_month_is_reconciled_by_the_keeper_and_then_an_accountant(app, client_as, register, months):
    from app.extensions import db
    from plugins.assets.models import Reconciliation

    register.card(price="6000.00", acquired=date(2025, 1, 5))
    run(app, "2025-03")
    keeper = client_as("assetkeeper_a")
    keeper.post("/reconciliationview/add", data={"month": "2025-03-01", "note": ""})
    with app.app_context():
        rec = db.session.execute(select(Reconciliation).where(Reconciliation.month == date(2025, 3, 1))).scalar_one()
        rec_id = rec.id
        assert len(rec.lines) == 6
    resp = keeper.post(f"/reconciliationview/do/sign/{rec_id}")
    assert resp.status_code == 422 and "请先填写差异说明" in resp.get_data(as_text=True)
    keeper.post(f"/reconciliationview/edit/{rec_id}", data={"note": "财务尚未入账本月购置"})
    assert keeper.post(f"/reconciliationview/do/sign/{rec_id}").status_code == 302
    assert keeper.post(f"/reconciliationview/do/confirm/{rec_id}").status_code in (302, 403)
    assert client_as("accountant_a").post(f"/reconciliationview/do/confirm/{rec_id}").status_code == 302
    with app.app_context():
        rec = db.session.get(Reconciliation, rec_id)
        assert rec.status == "reconciled" and rec.keeper_id != rec.accountant_id


def test_the_command_and_the_monthly_job_run_the_month(app, register, months):
    from app.extensions import db
    from app.jobs import get_job, run_job
    from plugins.assets.models import DepreciationRun

    register.card(price="6000.00", acquired=date(2025, 1, 5))
    result = app.test_cli_runner().invoke(args=["houqin", "depreciate", "--month", "2025-02"])
    assert result.exit_code == 0, result.output
    assert "2025-02" in result.output
    result = app.test_cli_runner().invoke(args=["houqin", "depreciate", "--month", "2099-01"])
    assert result.exit_code != 0
    with app.app_context():
        from datetime import datetime, timezone

        reports = run_job(db.session, get_job("assets.depreciation"), datetime(2025, 4, 1, 2, tzinfo=timezone.utc))
        assert reports and reports[-1].status == "done", [r.line() for r in reports]
        assert db.session.execute(select(DepreciationRun.month).order_by(DepreciationRun.month.desc())).scalar() \
            == date(2025, 3, 1)


def test_the_history_names_the_person_who_did_it(app, client_as, register, months):
    """A step taken by a login with a staff record shows the person (the login beside it); a login
    without one shows the login; the system's own events (a month-end run) show no one."""
    from tests.conftest import login

    register.user("keeper_hist", "AssetKeeper")
    register.staff(username="keeper_hist", name="历史张老师")
    register.user("keeper_bare", "AssetKeeper")
    card = register.card(price="3000.00", acquired=date(2025, 1, 5))
    run(app, "2025-02")  # caught up: an event of the system
    assert login(app, "keeper_hist").post(f"/assetview/set_idle/{card}").status_code == 302
    assert login(app, "keeper_bare").post(f"/assetview/back_in_use/{card}").status_code == 302
    page = client_as("assetkeeper_a").get(f"/assetview/show/{card}").get_data(as_text=True)
    history = page[page.index('id="asset-history"'):page.index('id="asset-depreciation"')]
    assert "历史张老师 (keeper_hist)" in history
    assert "<td>keeper_bare</td>" in history
    caught = history[history.index("hq-event-caught_up"):]
    assert caught.split("</tr>")[0].count("<td></td>") >= 1

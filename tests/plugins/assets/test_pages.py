"""Every screen of the register opens for the keeper in both languages, with a real card."""
import pytest

PAGES = ["/assetview/list/", "/assetview/add", "/categoryview/list/", "/assets/depreciation/",
         "/depreciationrowview/list/", "/reconciliationview/list/", "/reconciliationview/add",
         "/assets/reports/ledger", "/assets/reports/summary", "/assets/reports/property-list",
         "/assets/reports/schedule", "/assetview/import/"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_register_screen_opens_for_the_keeper(app, client_as, register, lang):
    card = register.card(room_id=register.room())
    web = client_as("assetkeeper_a", lang=lang)
    for url in PAGES + [f"/assetview/show/{card}", f"/assetview/edit/{card}"]:
        resp = web.get(url)
        assert resp.status_code == 200, (url, resp.status_code, resp.get_data(as_text=True)[-2000:])

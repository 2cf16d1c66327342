"""Every screen of the register opens for the keeper in both languages, with a real card."""
import pytest

PAGES = ["/assetview/list/", "/assetview/add", "/categoryview/list/", "/assets/depreciation/",
         "/depreciationrowview/list/", "/reconciliationview/list/", "/reconciliationview/add",
         "/assets/reports/ledger", "/assets/reports/summary", "/assets/reports/property-list",
         "/assets/reports/schedule", "/assetview/import/",
         # issue 15
         "/purchaseview/list/", "/purchaseview/add", "/receiptview/list/", "/loanview/list/", "/transferview/list/",
         "/damageview/list/", "/disposalview/list/", "/assets/lifecycle/recall", "/assets/lifecycle/purchases",
         "/assets/lifecycle/loans", "/assets/lifecycle/transfers", "/assets/lifecycle/damage",
         "/assets/lifecycle/disposals"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_register_screen_opens_for_the_keeper(app, client_as, register, lang):
    card = register.card(room_id=register.room())
    web = client_as("assetkeeper_a", lang=lang)
    steps = [f"/loanview/lend/{card}", f"/assetview/assign/{card}", f"/transferview/start/{card}",
             f"/damageview/start/{card}", f"/disposalview/start/{card}"]
    for url in PAGES + [f"/assetview/show/{card}", f"/assetview/edit/{card}"] + steps:
        resp = web.get(url)
        assert resp.status_code == 200, (url, resp.status_code, resp.get_data(as_text=True)[-2000:])

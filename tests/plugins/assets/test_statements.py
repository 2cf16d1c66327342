"""The ledger page and the card page run a fixed, small number of SQL statements, however many
cards and stored rows there are (no N+1)."""
from datetime import date

from tests.plugins.assets.test_depreciation import run

LEDGER_MAX = 5  # measured 4: user, page ids, page rows, to-do count (a short page runs no COUNT;
#   permissions and building names are kept per worker)
CARD_MAX = 7  # measured 6: user, card, events, rows, to-do count, attachments (names kept per worker)


def measure(count_statements, call):
    with count_statements() as counter:
        resp = call()
    for sql in counter.statements:
        print("  SQL", " ".join(sql.split())[:150])
    return resp, counter.count


def test_the_ledger_page_runs_the_same_few_statements_whatever_the_number_of_cards(app, client_as, register,
                                                                                   count_statements):
    web = client_as("assetkeeper_a")
    room, keeper = register.room(), register.staff()
    register.card(room_id=room, custodian_id=keeper)
    web.get("/assetview/list/")
    resp, few = measure(count_statements, lambda: web.get("/assetview/list/"))
    for _ in range(5):
        register.card(room_id=register.room(), custodian_id=register.staff())
    web.get("/assetview/list/")  # the kept search form follows the new staff (app/freshness.py)
    resp, many = measure(count_statements, lambda: web.get("/assetview/list/"))
    print("ledger page statements:", few, many)
    assert resp.status_code == 200 and many == few <= LEDGER_MAX


def test_the_card_page_runs_the_same_few_statements_whatever_its_history(app, client_as, register, months,
                                                                         count_statements):
    web = client_as("assetkeeper_a")
    card = register.card(room_id=register.room(), custodian_id=register.staff(), acquired=date(2025, 1, 5))
    run(app, "2025-01")
    web.get(f"/assetview/show/{card}")
    resp, few = measure(count_statements, lambda: web.get(f"/assetview/show/{card}"))
    run(app, "2025-09")
    resp, many = measure(count_statements, lambda: web.get(f"/assetview/show/{card}"))
    print("card page statements:", few, many)
    assert resp.status_code == 200 and many == few <= CARD_MAX

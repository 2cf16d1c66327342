"""The meal-fee accounts through the screens and the API: bad input refused on its field with
nothing saved, one account per campus, month and kind, the month's warning, the term's flag from
the core calendar, the ledger with its chart and Excel, and the settlement resetting the balance."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import delete, select

KINDS = {"staples": "2000", "meat_eggs": "3000", "vegetables": "1500", "oil_seasoning": "500", "milk_fruit": "1000",
         "other_food": "0"}


def form(campus, year=2031, month=3, kind="children", **over):
    data = {"campus": str(campus), "year": str(year), "month": str(month), "kind": kind, "fees_collected": "8200",
            "absence_refunds": "200", "other_income": "0", **KINDS, "spending_total": "", "note": ""}
    data.update({k: str(v) for k, v in over.items()})
    return data


@pytest.fixture()
def finance(meals):
    """mealcommittee_a is the finance member of a committee serving campus TA (its chair too)."""
    from app.audit import acting_as
    from plugins.meals.models import Member

    c = meals.committee(campuses=("TA",))
    with meals.app.app_context(), acting_as(None, "tests", "cli"):
        meals.session().add(Member(committee_id=c["id"], staff_id=meals.staff_for("mealcommittee_a"), role="finance",
                                   term_from=date(2020, 1, 1)))
        meals.session().commit()
    return c


@pytest.fixture()
def clean_accounts(app, finance):
    from app.extensions import db
    from plugins.meals.models import FeeAccount, Settlement

    def wipe():
        with app.app_context():
            db.session.execute(delete(FeeAccount).where(FeeAccount.year >= 2031))
            db.session.execute(delete(Settlement).where(Settlement.year >= 2031))
            db.session.commit()
    wipe()
    yield
    wipe()


def stored(meals, campus, year=2031, month=3, kind="children"):
    from plugins.meals.models import FeeAccount

    return meals.rows(select(FeeAccount.id, FeeAccount.spending_total).where(
        FeeAccount.campus_id == campus, FeeAccount.year == year, FeeAccount.month == month, FeeAccount.kind == kind))


def test_a_blank_total_is_the_sum_of_the_kinds(meals, client_as, campuses, clean_accounts):
    resp = client_as("mealcommittee_a").post("/feeaccountview/add", data=form(campuses["TA"]))
    assert resp.status_code == 302
    assert [str(t) for _, t in stored(meals, campuses["TA"])] == ["8000.00"]


@pytest.mark.parametrize("over, field_text", [
    ({"fees_collected": "-5"}, "cannot be negative"),
    ({"spending_total": "9000"}, "The total spending must equal the sum of the food kinds, 8,000.00"),
    ({"absence_refunds": "9000"}, "Refunds for absence cannot be more than the fees collected"),
    ({"vegetables": "12.345"}, "at most two decimal places"),
])
def test_bad_amounts_are_refused_on_their_field_and_nothing_is_saved(meals, client_as, campuses, clean_accounts,
                                                                     over, field_text):
    resp = client_as("mealcommittee_a", lang="en").post("/feeaccountview/add", data=form(campuses["TA"], **over))
    body = resp.get_data(as_text=True)
    import re
    helps = [" ".join(h.split()) for h in re.findall(r'alert alert-danger">(.*?)</div>', body, re.S)]
    assert resp.status_code == 200 and any(field_text.lower() in h.lower() for h in helps), helps
    assert stored(meals, campuses["TA"]) == []


def test_a_second_account_for_the_same_campus_month_and_kind_is_refused(meals, client_as, campuses, clean_accounts):
    web = client_as("mealcommittee_a", lang="en")
    assert web.post("/feeaccountview/add", data=form(campuses["TA"])).status_code == 302
    resp = web.post("/feeaccountview/add", data=form(campuses["TA"]))
    assert "There is already an account of this kind for this campus and month" in resp.get_data(as_text=True)
    assert web.post("/feeaccountview/add", data=form(campuses["TA"], kind="staff")).status_code == 302
    assert len(stored(meals, campuses["TA"])) == 1


def test_another_campus_is_not_offered_to_a_member_of_one(client_as, campuses, clean_accounts, meals):
    resp = client_as("mealcommittee_a").post("/feeaccountview/add", data=form(campuses["TB"]))
    assert stored(meals, campuses["TB"]) == [] and resp.status_code in (200, 302)


def calendar(app):
    from app.audit import acting_as
    from app.extensions import db
    from app.models import AcademicYear, Term

    with app.app_context(), acting_as(None, "tests", "cli"):
        if db.session.execute(select(Term).where(Term.start_date == date(2031, 9, 1))).scalar():
            return
        year = AcademicYear(name="2031-2032", start_date=date(2031, 9, 1), end_date=date(2032, 8, 31))
        db.session.add(year)
        db.session.flush()
        db.session.add_all([Term(academic_year_id=year.id, number=1, start_date=date(2031, 9, 1),
                                 end_date=date(2032, 1, 20)),
                            Term(academic_year_id=year.id, number=2, start_date=date(2032, 2, 20),
                                 end_date=date(2032, 7, 10))])
        db.session.commit()


def test_the_ledger_flags_the_term_beyond_the_band_and_warns_of_a_month(app, meals, client_as, campuses, clean_accounts):
    calendar(app)
    web = client_as("mealcommittee_a", lang="en")
    # September 4 % surplus (a warning), October and November small: the term's rate from its sums
    for month, spent in ((9, "7680"), (10, "7900"), (11, "7950")):
        total = {k: "0" for k in KINDS}
        total["staples"] = spent
        assert web.post("/feeaccountview/add", data=form(campuses["TA"], year=2031, month=month, **total)).status_code == 302
    page = web.get(f"/meals/reports/ledger?campus_id={campuses['TA']}&kind=children").get_data(as_text=True)
    assert "2031-09" in page and "4.00 %" in page and "beyond ±2" in page
    # term: income 24,000, spending 23,530: 1.96 % — within
    assert "1.96 %" in page and "meals-term-flag" not in page
    assert "<svg" in page and "http" not in page.split('id="meals-ledger-chart"')[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", "")
    xlsx = web.get(f"/meals/reports/ledger?campus_id={campuses['TA']}&kind=children&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows() for c in row]
    assert "2031-09" in cells


def test_a_month_with_no_income_says_so(app, meals, client_as, campuses, clean_accounts):
    web = client_as("mealcommittee_a", lang="en")
    zero = {k: "0" for k in KINDS}
    assert web.post("/feeaccountview/add", data=form(campuses["TA"], year=2031, month=7, fees_collected="0",
                                                     absence_refunds="0", **zero)).status_code == 302
    page = web.get(f"/meals/reports/ledger?campus_id={campuses['TA']}").get_data(as_text=True)
    assert "No income recorded" in page


def test_a_settlement_resets_the_carried_balance(app, meals, client_as, campuses, clean_accounts):
    web = client_as("mealcommittee_a", lang="en")
    total = {k: "0" for k in KINDS}
    total["staples"] = "7800"  # balance 200.00
    web.post("/feeaccountview/add", data=form(campuses["TA"], year=2032, month=7, **total))
    too_much = web.post("/settlementview/add", data={"campus": campuses["TA"], "year": "2032", "month": "7",
                                                     "kind": "children", "refunded": "250", "covered": "0"})
    assert "The refunds cannot be more than the surplus of 200.00" in too_much.get_data(as_text=True)
    assert web.post("/settlementview/add", data={"campus": campuses["TA"], "year": "2032", "month": "7",
                                                 "kind": "children", "refunded": "200", "covered": "0"}).status_code == 302
    from app.extensions import db
    from plugins.meals.accounts import ledger

    with app.test_request_context():
        rows, _ = ledger(db.session, campuses["TA"], "children", first=(2032, 7), last=(2032, 7))
        assert rows[-1].carried == 0 and rows[-1].refunded == 200


def test_the_api_refuses_bad_accounts_with_messages_never_500(api_as, campuses, clean_accounts):
    api, headers = api_as("mealcommittee_a")
    body = {"campus": campuses["TA"], "year": 2031, "month": 5, "kind": "children", "fees_collected": "100",
            "absence_refunds": "0", "other_income": "0", "staples": "50", "meat_eggs": "0", "vegetables": "0",
            "oil_seasoning": "0", "milk_fruit": "0", "other_food": "0", "spending_total": "60"}
    resp = api.post("/api/v1/mealsaccount/", json=body, headers=headers)
    assert resp.status_code == 422 and "spending_total" in resp.get_json()["message"]
    body["spending_total"] = "50"
    assert api.post("/api/v1/mealsaccount/", json=body, headers=headers).status_code == 201
    assert api.post("/api/v1/mealsaccount/", json=body, headers=headers).status_code == 422
    assert api.post("/api/v1/mealsaccount/", json={**body, "fees_collected": "abc"}, headers=headers).status_code in (400, 422)


def test_only_the_finance_member_of_a_committee_of_the_campus_enters_accounts(app, meals, client_as, campuses,
                                                                              clean_accounts):
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Campus
    from tests.seed import PASSWORD

    with app.app_context(), acting_as(None, "tests", "cli"):
        sm = app.appbuilder.sm
        if not sm.find_user(username="meals_member_only"):
            user = sm.add_user("meals_member_only", "Member", "Only", "meals_member_only@test.houqin",
                               sm.find_role("MealCommittee"), password=PASSWORD)
            user.campuses = [db.session.get(Campus, campuses["TA"])]
            db.session.commit()
    resp = client_as("meals_member_only", lang="en").post("/feeaccountview/add", data=form(campuses["TA"]))
    assert "entered by the finance member" in resp.get_data(as_text=True)
    assert stored(meals, campuses["TA"]) == []
    assert client_as("director_a").post("/feeaccountview/add", data=form(campuses["TA"])).status_code == 302


def test_the_accounts_export_to_excel(meals, client_as, campuses, clean_accounts):
    web = client_as("mealcommittee_a")
    assert web.post("/feeaccountview/add", data=form(campuses["TA"], year=2031, month=4)).status_code == 302
    xlsx = web.get("/feeaccountview/export/?_flt_0_year=2031")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows() for c in row]
    assert 2031 in cells or "2031" in cells

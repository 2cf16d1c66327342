"""Role checks for every role (issue 17 point 9): Director runs templates and rounds and decides;
an Appraiser scores their own sheets and sees only the rounds they belong to (membership, not
campus); the round's secretary enters counts and paper sheets; the Auditor reads finalised
rounds; other roles reach nothing of appraisal. The full route matrix is docs/roles/appraisal.md
(tests/core/test_role_matrix.py)."""
from __future__ import annotations

import pytest

OUTSIDERS = ["gatekeeper_a", "assetkeeper_a", "mealcommittee_a", "staff_a"]


@pytest.mark.parametrize("username", OUTSIDERS)
def test_other_roles_reach_nothing_of_appraisal(appraisal, client_as, username):
    r = appraisal.round(members=1, staff=1)
    web = client_as(username)
    for url in ("/appraisal/", "/appraisalroundview/list/", f"/appraisalroundview/show/{r['round']}",
                "/appraisaltemplateview/list/", f"/appraisal/round/{r['round']}/",
                f"/appraisal/entry/{r['round']}/"):
        resp = web.get(url)
        assert resp.status_code in (302, 403) and (resp.status_code == 403 or "/login" in resp.headers["Location"]
                                                  or resp.headers["Location"].endswith("/")), (username, url)


def test_an_appraiser_sees_only_the_rounds_they_belong_to(appraisal, client_as):
    r = appraisal.round(members=2, staff=1)
    other = appraisal.round(members=1, staff=1)
    member = client_as(r["members"][0][0])
    listing = member.get("/appraisalroundview/list/").get_data(as_text=True)
    with appraisal.ctx() as session:
        from plugins.appraisal.models import AppraisalRound

        mine, theirs = session.get(AppraisalRound, r["round"]).name, session.get(AppraisalRound, other["round"]).name
    assert mine in listing and theirs not in listing
    assert member.get(f"/appraisalroundview/show/{other['round']}").status_code in (302, 404)
    assert member.get(f"/appraisal/round/{r['round']}/").status_code == 404       # not the secretary: no progress
    assert member.get(f"/appraisal/entry/{r['round']}/").status_code == 404       # not the secretary
    assert member.post(f"/appraisalroundview/do/close/{r['round']}").status_code in (302, 403)
    assert member.post(f"/appraisal/round/{r['round']}/finalise").status_code in (302, 403)


def test_the_secretary_sees_progress_and_enters_but_never_scores(appraisal, client_as):
    r = appraisal.round(members=2, staff=1)
    sec = client_as(r["secretary"][0], lang="en")
    page = sec.get(f"/appraisal/round/{r['round']}/").get_data(as_text=True)
    assert "0 of 2 submitted" in page and "Enter the paper sheet" in page
    assert sec.get(f"/appraisal/entry/{r['round']}/").status_code == 200
    sheet = appraisal.sheet_id(r["round"], r["members"][0][1])
    assert sec.get(f"/appraisal/sheet/{sheet}/").status_code == 404   # not taken as a paper sheet


def test_the_auditor_reads_finalised_rounds_only(appraisal, client_as):
    from plugins.appraisal import closing

    open_round = appraisal.round(members=3, staff=1)
    done = appraisal.round(members=3, staff=1)
    appraisal.fill(done, value="10")
    appraisal.transition(done["round"], "close")
    with appraisal.ctx() as session:
        closing.finalise_round(session, done["round"], None)
        session.commit()
    auditor = client_as("auditor_a")
    assert auditor.get(f"/appraisalroundview/show/{open_round['round']}").status_code in (302, 404)
    assert auditor.get(f"/appraisal/round/{open_round['round']}/").status_code == 404
    assert auditor.get(f"/appraisalroundview/show/{done['round']}").status_code == 200
    assert "hq-standings" in auditor.get(f"/appraisal/round/{done['round']}/").get_data(as_text=True)
    assert auditor.post(f"/appraisalroundview/do/close/{open_round['round']}").status_code in (302, 403)


def test_the_director_runs_everything_but_reads_no_open_sheet(appraisal, client_as):
    r = appraisal.round(members=2, staff=1)
    web = client_as("director_a")
    assert web.get(f"/appraisal/round/{r['round']}/").status_code == 200
    assert web.get("/appraisalroundview/add").status_code == 200
    assert web.get("/appraisaltemplateview/add").status_code == 200
    for _, user_id, _ in r["members"]:
        assert web.get(f"/appraisal/sheet/{appraisal.sheet_id(r['round'], user_id)}/").status_code == 404


def test_the_todo_list_names_the_members_who_have_not_submitted(appraisal, client_as):
    r = appraisal.round(members=2, staff=1)
    appraisal.fill(r, value="10", members=[0])
    done, waiting = r["members"][0][0], r["members"][1][0]
    page = client_as(waiting, lang="en").get("/todo/").get_data(as_text=True)
    assert "Score and submit your sheet" in page
    assert "Score and submit your sheet" not in client_as(done, lang="en").get("/todo/").get_data(as_text=True)

"""The pages as their users reach them: the member's grid and its autosave, the secretary's
entry and paper sheets, the Director's progress and finalising page, the lists and forms."""
from __future__ import annotations

import pytest


def test_a_member_scores_on_the_grid_and_submits(appraisal, client_as):
    r = appraisal.round(members=3, staff=2)
    username, user_id, _ = r["members"][0]
    sheet = appraisal.sheet_id(r["round"], user_id)
    web = client_as(username, lang="en")
    page = web.get(f"/appraisal/sheet/{sheet}/")
    assert page.status_code == 200 and 'id="hq-grid"' in page.get_data(as_text=True)
    index = web.get("/appraisal/").get_data(as_text=True)
    assert f"/appraisal/sheet/{sheet}/" in index
    staff = r["staff"][0]
    ok = web.post(f"/appraisal/sheet/{sheet}/cell", json={"staff_id": staff, "item": "attitude", "value": "17.5"})
    assert ok.status_code == 200 and ok.get_json()["value"] == "17.50"
    bad = web.post(f"/appraisal/sheet/{sheet}/cell", json={"staff_id": staff, "item": "attitude", "value": "21"})
    assert bad.status_code == 422 and "0.00" in bad.get_json()["message"]["value"][0]
    low = web.post(f"/appraisal/sheet/{sheet}/cell", json={"staff_id": staff, "item": "attitude", "value": "3"})
    assert low.status_code == 422 and "comment" in low.get_json()["message"]
    # submitting with empty cells is refused with the count
    refused = web.post(f"/appraisal/sheet/{sheet}/submit", follow_redirects=True).get_data(as_text=True)
    assert "5 cells are still empty" in refused
    appraisal.fill(r, value=lambda m, p, item: "10", submit=False, members=[0])
    done = web.post(f"/appraisal/sheet/{sheet}/submit", follow_redirects=True)
    assert done.status_code == 200
    late = web.post(f"/appraisal/sheet/{sheet}/cell", json={"staff_id": staff, "item": "attitude", "value": "11"})
    assert late.status_code == 409


def test_the_secretary_enters_counts_and_a_paper_sheet(appraisal, client_as):
    r = appraisal.round(members=3, staff=2)
    sec_name, sec_id, _ = r["secretary"]
    web = client_as(sec_name)
    staff = r["staff"][0]
    page = web.get(f"/appraisal/entry/{r['round']}/{staff}")
    assert page.status_code == 200
    bad = web.post(f"/appraisal/entry/{r['round']}/{staff}", data={"item": "attendance", "count_late": "1.5"})
    assert bad.status_code == 422 and "1.5" in bad.get_data(as_text=True)
    no_comment = web.post(f"/appraisal/entry/{r['round']}/{staff}", data={"item": "attendance", "count_late": "2"})
    assert no_comment.status_code == 422
    ok = web.post(f"/appraisal/entry/{r['round']}/{staff}",
                  data={"item": "attendance", "count_late": "2", "comment": "打卡记录"})
    assert ok.status_code == 302
    # a paper sheet: the secretary takes a member's untouched sheet and types it in
    member_sheet = appraisal.sheet_id(r["round"], r["members"][1][1])
    assert web.post(f"/appraisal/sheet/{member_sheet}/paper").status_code == 302
    typed = web.post(f"/appraisal/sheet/{member_sheet}/cell", json={"staff_id": staff, "item": "attitude", "value": "15"})
    assert typed.status_code == 200
    # ... but never a sheet the member began online
    first = appraisal.sheet_id(r["round"], r["members"][0][1])
    member = client_as(r["members"][0][0])
    member.post(f"/appraisal/sheet/{first}/cell", json={"staff_id": staff, "item": "attitude", "value": "12"})
    web.post(f"/appraisal/sheet/{first}/paper")
    assert web.get(f"/appraisal/sheet/{first}/").status_code == 404


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_director_closes_decides_and_finalises(appraisal, client_as, lang):
    r = appraisal.round(members=3, staff=5)
    people = r["staff"]
    appraisal.fill(r, value=lambda m, p, item: "15" if item == "head" else ("20" if p in people[:2] else "19"))
    sec = client_as(r["secretary"][0])
    for p in people:
        sec.post(f"/appraisal/entry/{r['round']}/{p}", data={"item": "certificate", "yes": "1", "evidence": "证"})
        sec.post(f"/appraisal/entry/{r['round']}/{p}", data={"item": "bonus", "count_award": "5"})
    web = client_as("director_a", lang=lang)
    progress = web.get(f"/appraisal/round/{r['round']}/").get_data(as_text=True)
    assert 'id="hq-sheets"' in progress and "hq-standings" not in progress
    assert web.post(f"/appraisalroundview/do/close/{r['round']}").status_code == 302
    page = web.get(f"/appraisal/round/{r['round']}/").get_data(as_text=True)
    assert 'id="hq-tie"' in page
    refused = web.post(f"/appraisal/round/{r['round']}/finalise", follow_redirects=True).get_data(as_text=True)
    assert "hq-tie" in refused
    web.post(f"/appraisal/round/{r['round']}/tie", data={"chosen": str(people[0])})
    web.post(f"/appraisal/round/{r['round']}/finalise")
    final = web.get(f"/appraisal/round/{r['round']}/").get_data(as_text=True)
    assert "hq-standings" in final and 'id="hq-finalise"' not in final


def test_lists_and_forms_render(appraisal, client_as):
    r = appraisal.round(members=2, staff=1)
    web = client_as("director_a")
    for url in ("/appraisalroundview/list/", f"/appraisalroundview/show/{r['round']}", "/appraisalroundview/add",
                "/appraisaltemplateview/list/", f"/appraisaltemplateview/show/{r['template']}",
                f"/appraisaltemplateview/edit/{r['template']}", "/appraisalmemberview/list/",
                "/appraisalroundstaffview/list/", "/appraisal/"):
        resp = web.get(url)
        assert resp.status_code in (200, 302), url
    listing = web.get("/appraisaltemplateview/list/").get_data(as_text=True)
    assert "/appraisaltemplateview/shipped/" in listing
    show = web.get(f"/appraisaltemplateview/show/{r['template']}").get_data(as_text=True)
    assert f"/appraisaltemplateview/sheet/{r['template']}" in show and f"/appraisaltemplateview/copy/{r['template']}" in show
    assert "/appraisaltemplateview/shipped/" not in client_as("auditor_a").get("/appraisaltemplateview/list/").get_data(
        as_text=True)
    assert web.post("/appraisaltemplateview/shipped/").status_code == 302
    assert "门卫" in web.get("/appraisaltemplateview/list/").get_data(as_text=True)

"""The REST API (issue 17 point 10): rounds as their screens show them (membership decides what an
Appraiser sees), the same transitions, score entry on one's own sheets only; bad input is 4xx
with a JSON message, never 500; everything is in the OpenAPI spec."""
from __future__ import annotations


def test_rounds_through_the_api_follow_membership(appraisal, api_as):
    r = appraisal.round(members=2, staff=1)
    member, headers = api_as(r["members"][0][0])
    ids = [x["id"] for x in member.get("/api/v1/appraisalround/?q=(page_size:100)", headers=headers).get_json()["result"]]
    # the list answers ids as keys of "ids" in FAB: check the show too
    assert member.get(f"/api/v1/appraisalround/{r['round']}", headers=headers).status_code == 200
    outsider, oh = api_as("appraiser_a")
    assert outsider.get(f"/api/v1/appraisalround/{r['round']}", headers=oh).status_code == 404
    auditor, ah = api_as("auditor_a")
    assert auditor.get(f"/api/v1/appraisalround/{r['round']}", headers=ah).status_code == 404  # not finalised
    assert ids is not None


def test_the_director_runs_transitions_through_the_api(appraisal, api_as):
    r = appraisal.round(members=2, staff=1)
    appraisal.fill(r, value="11")
    client, headers = api_as("director_a")
    member, mh = api_as(r["members"][0][0])
    assert member.post(f"/api/v1/appraisalround/{r['round']}/close", headers=mh, json={}).status_code == 403
    ok = client.post(f"/api/v1/appraisalround/{r['round']}/close", headers=headers, json={})
    assert ok.status_code == 200 and ok.get_json()["state"] == "closed"
    again = client.post(f"/api/v1/appraisalround/{r['round']}/close", headers=headers, json={})
    assert again.status_code == 409 and again.get_json()["message"]
    done = client.post(f"/api/v1/appraisalround/{r['round']}/finalise", headers=headers, json={})
    assert done.status_code == 200 and done.get_json()["state"] == "finalised"
    auditor, ah = api_as("auditor_a")
    assert auditor.get(f"/api/v1/appraisalround/{r['round']}", headers=ah).status_code == 200


def test_score_entry_on_ones_own_sheet(appraisal, api_as):
    r = appraisal.round(members=2, staff=2)
    client, headers = api_as(r["members"][0][0])
    mine = client.get("/api/v1/appraisalsheet/", headers=headers).get_json()["result"]
    assert len(mine) == 1 and mine[0]["round_id"] == r["round"]
    sheet = mine[0]["id"]
    body = client.get(f"/api/v1/appraisalsheet/{sheet}", headers=headers).get_json()
    assert body["editable"] and set(body["people"]) == set(r["staff"])
    assert {i["code"] for i in body["items"]} == {"attitude", "quality", "head"}
    put = lambda json: client.put(f"/api/v1/appraisalsheet/{sheet}/cell", headers=headers, json=json)  # noqa: E731
    assert put({"staff_id": r["staff"][0], "item": "quality", "value": "16.5"}).status_code == 200
    for bad, field in [({"staff_id": r["staff"][0], "item": "quality", "value": "16.555"}, "value"),
                       ({"staff_id": r["staff"][0], "item": "quality", "value": "abc"}, "value"),
                       ({"staff_id": r["staff"][0], "item": "quality", "value": "-1"}, "value"),
                       ({"staff_id": r["staff"][0], "item": "nothing", "value": "1"}, "item"),
                       ({"staff_id": "x", "item": "quality", "value": "1"}, "staff_id"),
                       ({"staff_id": 2**40, "item": "quality", "value": "1"}, "staff_id")]:
        resp = put(bad)
        assert resp.status_code == 422, (bad, resp.get_data(as_text=True))
        assert field in resp.get_json()["message"], (bad, resp.get_json())
    assert client.put(f"/api/v1/appraisalsheet/{sheet}/cell", headers=headers, data="[1]",
                      content_type="application/json").status_code == 400
    incomplete = client.post(f"/api/v1/appraisalsheet/{sheet}/submit", headers=headers)
    assert incomplete.status_code == 422
    assert client.get(f"/api/v1/appraisalsheet/{sheet}", headers=headers).get_json()["cells"][0]["value"] == "16.50"


def test_the_spec_documents_the_appraisal_api(app, api_as):
    client, headers = api_as("admin_a")
    spec = client.get("/api/v1/_openapi", headers=headers).get_json()
    paths = set(spec["paths"])
    assert {f"/api/v1/{p}" for p in ("appraisalsheet/", "appraisalsheet/{pk}", "appraisalsheet/{pk}/cell",
                                     "appraisalsheet/{pk}/submit", "appraisalround/", "appraisalround/{pk}/finalise",
                                     "appraisaltemplate/")} <= paths, sorted(p for p in paths if "apprais" in p)

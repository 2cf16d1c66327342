"""The REST API: committees, members, meetings (with transitions), minutes' sections, accounts and
action items in the OpenAPI spec; bad input answers 4xx with messages, never 500."""
from __future__ import annotations

from datetime import date

import pytest


def test_every_resource_is_in_the_openapi_spec(client_as):
    spec = client_as("admin_a").get("/api/v1/_openapi").get_json()
    paths = spec["paths"]
    for resource in ("mealscommittee", "mealsmember", "mealsmeeting", "mealsnutrition", "mealsfeedback", "mealsmenu",
                     "mealsaccount", "mealsactionitem"):
        assert f"/api/v1/{resource}/" in paths, resource
    assert "/api/v1/mealsmeeting/{pk}/approve" in paths and "/api/v1/mealsactionitem/{pk}/complete" in paths


def test_a_meeting_made_through_the_api_is_numbered_and_moves_on(meals, api_as):
    c = meals.committee()
    api, headers = api_as("mealcommittee_a")
    resp = api.post("/api/v1/mealsmeeting/", json={"committee": c["id"], "held_on": "2026-09-10", "starts_at": "15:00",
                                                   "place": "会议室", "chair": c["chair"]}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    pk = resp.get_json()["id"]
    shown = api.get(f"/api/v1/mealsmeeting/{pk}", headers=headers).get_json()["result"]
    assert shown["number"].startswith("2026年第")
    assert api.post(f"/api/v1/mealsmeeting/{pk}/circulate", json={}, headers=headers).get_json()["state"] == "circulated"
    assert api.post(f"/api/v1/mealsmeeting/{pk}/approve", json={}, headers=headers).status_code == 200
    locked = api.put(f"/api/v1/mealsmeeting/{pk}", json={"place": "别处"}, headers=headers)
    assert locked.status_code == 409 and locked.get_json()["message"]
    section = api.post("/api/v1/mealsmenu/", json={"meeting": pk, "day": "2026-09-15", "meal": "lunch",
                                                   "dishes": "米饭"}, headers=headers)
    assert section.status_code == 409


@pytest.mark.parametrize("body", [
    {"committee": "x", "held_on": "2026-09-10", "place": "a"},
    {"committee": 1, "held_on": "not a date", "place": "a"},
    {"committee": 999999, "held_on": "2026-09-10", "starts_at": "15:00", "place": "a"},
    {"committee": 1, "held_on": "2026-09-10", "starts_at": "99:00", "place": "a"},
    [],
])
def test_bad_meetings_are_4xx_with_a_message(api_as, body):
    api, headers = api_as("mealcommittee_a")
    resp = api.post("/api/v1/mealsmeeting/", json=body, headers=headers)
    assert 400 <= resp.status_code < 500 and resp.get_json().get("message"), resp.status_code


def test_sections_and_items_check_their_rules(meals, api_as):
    c = meals.committee()
    pk = meals.meeting(c["id"], held_on=date(2026, 5, 10))
    api, headers = api_as("mealcommittee_a")
    bad = api.post("/api/v1/mealsnutrition/", json={"meeting": pk, "nutrient": "energy", "intake": "-1",
                                                    "standard": "1400"}, headers=headers)
    assert bad.status_code in (400, 422)
    ok = api.post("/api/v1/mealsnutrition/", json={"meeting": pk, "age_group": "中班", "nutrient": "protein",
                                                   "intake": "38", "standard": "40"}, headers=headers)
    assert ok.status_code == 201
    early = api.post("/api/v1/mealsactionitem/", json={"meeting": pk, "description": "x", "owner_member": c["members"][1],
                                                       "due_on": "2026-05-01"}, headers=headers)
    assert early.status_code == 422 and "due_on" in early.get_json()["message"]
    item = api.post("/api/v1/mealsactionitem/", json={"meeting": pk, "description": "公示食谱",
                                                      "owner_member": c["members"][1], "due_on": "2026-05-20"},
                    headers=headers)
    assert item.status_code == 201, item.get_json()
    item_id = item.get_json()["id"]
    assert api.post(f"/api/v1/mealsactionitem/{item_id}/complete", json={"done_on": "2026-05-12"},
                    headers=headers).status_code == 422
    assert api.post(f"/api/v1/mealsactionitem/{item_id}/complete", json={"done_on": "soon", "done_note": "x"},
                    headers=headers).status_code == 422
    assert api.post(f"/api/v1/mealsactionitem/{item_id}/complete", json={"done_on": "2026-05-12", "done_note": "已公示"},
                    headers=headers).status_code == 200
    shown = api.get(f"/api/v1/mealsactionitem/{item_id}", headers=headers).get_json()["result"]
    assert shown["status"] == "done" and shown["done_note"] == "已公示"

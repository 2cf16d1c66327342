"""Two people at the same moment: minutes are approved once and published once, an action item is
marked done once — conditional UPDATEs checked by row count (app.workflow), on SQLite and on
PostgreSQL (HOUQIN_TEST_DATABASE_URL)."""
from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import select


def race(clients, call):
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(i, client):
        barrier.wait()
        results[i] = call(client)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def transitions(meals, pk, name):
    from app.models import AuditLog

    rows = meals.rows(select(AuditLog.changes).where(AuditLog.table_name == "meals_meeting",
                                                     AuditLog.record_id == str(pk), AuditLog.action == "transition"))
    return [r for (r,) in rows if r.get("transition") == name]


def test_two_approvals_and_two_publications_at_once_each_happen_once(meals, client_as):
    from app.versions import versions
    from plugins.meals.models import Meeting

    c = meals.committee()
    pk = meals.meeting(c["id"], chair_id=c["chair"])
    clients = [client_as("director_a", lang="en") for _ in range(2)] + [client_as("mealcommittee_a", lang="en")]
    clients[0].post(f"/meetingview/do/circulate/{pk}")
    codes = race(clients, lambda web: web.post(f"/meetingview/do/approve/{pk}").status_code)
    assert meals.get(Meeting, pk).status == "approved", codes
    assert len(transitions(meals, pk, "approve")) == 1
    with meals.app.app_context():
        assert len([v for v in versions(meals.session(), Meeting, pk) if v.kind == "approved"]) == 1
    race(clients, lambda web: web.post(f"/meetingview/do/publish/{pk}").status_code)
    assert meals.get(Meeting, pk).status == "published"
    assert len(transitions(meals, pk, "publish")) == 1


def test_an_action_item_marked_done_twice_at_once_is_done_once(meals, client_as, api_as):
    from app.models import AuditLog
    from plugins.meals.models import ActionItem

    c = meals.committee()
    first = meals.meeting(c["id"], held_on=date(2026, 1, 8))
    web = client_as("mealcommittee_a")
    web.post(f"/meetingview/item/{first}", data={"description": "检查留样柜", "owner_member_id": str(c["members"][1])})
    (item_id,), = meals.rows(select(ActionItem.id).where(ActionItem.meeting_id == first))
    api, headers = api_as("mealcommittee_a")
    clients = [client_as("mealcommittee_a") for _ in range(3)]
    codes = race(clients, lambda cl: api.post(f"/api/v1/mealsactionitem/{item_id}/complete",
                                              json={"done_on": "2026-01-20", "done_note": "已完成"},
                                              headers=headers).status_code)
    assert sorted(codes) == [200, 409, 409], codes
    done = meals.rows(select(AuditLog.id).where(AuditLog.table_name == "meals_action_item",
                                                AuditLog.record_id == str(item_id), AuditLog.action == "transition"))
    assert len(done) == 1

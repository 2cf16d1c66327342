"""Submit, close and finalise happen once (issue 17 point 7): several requests at the same
moment, one wins, the others are refused with a message; on SQLite and PostgreSQL."""
from __future__ import annotations

import threading

from sqlalchemy import func, select


def race(clients, call):
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(i, client):
        barrier.wait()
        try:
            results[i] = call(client)
        except Exception as exc:  # noqa: BLE001 — shown in the assertion
            results[i] = repr(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _entries(appraisal, table, pk, transition):
    from app.models import AuditLog

    with appraisal.ctx() as session:
        rows = session.execute(select(AuditLog).where(AuditLog.table_name == table, AuditLog.record_id == str(pk),
                                                      AuditLog.action == "transition")).scalars().all()
        return [a for a in rows if a.changes.get("transition") == transition]


def test_a_sheet_submitted_three_times_at_once_is_submitted_once(appraisal, client_as, api_as):
    r = appraisal.round(members=3, staff=2)
    owner, owner_id, _ = r["members"][0]
    appraisal.fill(r, value="12", submit=False, members=[0])
    sheet = appraisal.sheet_id(r["round"], owner_id)
    apis = [api_as(owner) for _ in range(3)]
    codes = race(apis, lambda c: c[0].post(f"/api/v1/appraisalsheet/{sheet}/submit", headers=c[1]).status_code)
    assert sorted(codes) == [200, 409, 409]
    assert len(_entries(appraisal, "appraisal_sheet", sheet, "submit")) == 1


def test_a_cell_saved_while_the_sheet_is_submitted_is_refused(appraisal, api_as):
    r = appraisal.round(members=3, staff=2)
    owner, owner_id, _ = r["members"][0]
    appraisal.fill(r, value="12", submit=False, members=[0])
    sheet = appraisal.sheet_id(r["round"], owner_id)
    client, headers = api_as(owner)

    def call(kind):
        if kind == "submit":
            return client.post(f"/api/v1/appraisalsheet/{sheet}/submit", headers=headers).status_code
        return client.put(f"/api/v1/appraisalsheet/{sheet}/cell", headers=headers,
                          json={"staff_id": r["staff"][0], "item": "attitude", "value": "13"}).status_code

    results = race(["submit", "cell", "cell"], call)
    assert results[0] == 200
    from plugins.appraisal.models import AppraisalScore

    with appraisal.ctx() as session:
        value = session.execute(select(AppraisalScore.value).where(
            AppraisalScore.sheet_id == sheet, AppraisalScore.staff_id == r["staff"][0],
            AppraisalScore.item == "attitude")).scalar()
    # Either the cell got in before the submit (and is in the digest) or it was refused: never after.
    assert all(code in (200, 409) for code in results[1:]), results
    if all(code == 409 for code in results[1:]):
        assert str(value) == "12.00"


def test_two_first_saves_of_one_cell_at_once_both_succeed_and_leave_one_score(appraisal, api_as):
    """Two tabs (or a retried request) save an empty cell at the same moment: both create its
    score; the loser of the race updates the winner's row instead of answering 500."""
    from plugins.appraisal.models import AppraisalScore

    r = appraisal.round(members=3, staff=2)
    owner, owner_id, _ = r["members"][0]
    sheet = appraisal.sheet_id(r["round"], owner_id)
    clients = [api_as(owner) for _ in range(3)]
    codes = race(clients, lambda c: c[0].put(
        f"/api/v1/appraisalsheet/{sheet}/cell", headers=c[1],
        json={"staff_id": r["staff"][0], "item": "attitude", "value": "14"}).status_code)
    assert codes == [200, 200, 200], codes
    with appraisal.ctx() as session:
        values = session.execute(select(AppraisalScore.value).where(
            AppraisalScore.sheet_id == sheet, AppraisalScore.staff_id == r["staff"][0],
            AppraisalScore.item == "attitude")).scalars().all()
    assert [str(v) for v in values] == ["14.00"]


def test_close_and_finalise_pressed_at_once_happen_once(appraisal, client_as):
    from plugins.appraisal.models import AppraisalResult

    r = appraisal.round(members=3, staff=3)
    appraisal.fill(r, value=lambda m, p, item: "10")
    directors = [client_as("director_a", lang="en") for _ in range(3)]
    race(directors, lambda c: c.post(f"/appraisalroundview/do/close/{r['round']}").status_code)
    assert len(_entries(appraisal, "appraisal_round", r["round"], "close")) == 1
    codes = race(directors, lambda c: c.post(f"/appraisal/round/{r['round']}/finalise").status_code)
    assert codes == [302, 302, 302]
    assert len(_entries(appraisal, "appraisal_round", r["round"], "finalise")) == 1
    with appraisal.ctx() as session:
        assert session.execute(select(func.count(AppraisalResult.id))
                               .where(AppraisalResult.round_id == r["round"])).scalar() == 3

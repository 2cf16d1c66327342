"""Blind scoring (issue 17 point 6): while the round is open, a member's scores are readable by
nobody but the sheet's owner — Admin and Director included — through no page, list, show,
export, API answer or audit detail. A unique score (7.37) is planted and every GET route of the
app is fetched as every role, with every id the round involves; it is found only on the owner's
grid. After finalising, the sheet's submit entry shows its digest."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

PLANTED = "7.37"
ROLES = ["admin_a", "director_a", "director", "director_all", "appraiser_a", "auditor_a", "staff_a",
         "gatekeeper_a", "assetkeeper_a", "mealcommittee_a"]
SKIP = ("/logout", "/static", "/swagger", "/_openapi", "/lang/", "/download/", "/import", "/security/refresh",
        "/action/", "/delete/")


def _text(resp) -> str:
    data = resp.get_data()
    if data[:2] == b"PK":  # an .xlsx: read its parts
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return data.decode("utf-8", "replace")


def _urls(app, ids):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or any(s in rule.rule for s in SKIP):
            continue
        if not rule.arguments:
            yield rule.rule
            continue
        if rule.arguments - {"pk", "round_id", "sheet_id", "staff_id", "table", "number"}:
            continue
        for pk in ids:
            values = {a: pk for a in rule.arguments}
            if "table" in rule.arguments:
                for table in ("appraisal_sheet", "appraisal_round", "appraisal_score"):
                    yield rule.build({**values, "table": table, "number": 1}, append_unknown=False)[1]
                continue
            yield rule.build(values, append_unknown=False)[1]


@pytest.mark.slow
def test_a_planted_score_is_found_only_on_its_owners_grid(app, appraisal, client_as, api_as):
    from sqlalchemy import func, select

    from app.models import AuditLog
    from plugins.appraisal.models import AppraisalMember, AppraisalSheet

    r = appraisal.round(members=3, staff=2)
    owner, owner_id, _ = r["members"][0]
    sheet = appraisal.sheet_id(r["round"], owner_id)
    appraisal.fill(r, value=lambda m, p, item: PLANTED if m == 0 else "12")   # every sheet submitted
    with appraisal.ctx() as session:
        sheets = list(session.execute(select(AppraisalSheet.id).where(AppraisalSheet.round_id == r["round"])).scalars())
        members = list(session.execute(select(AppraisalMember.id).where(AppraisalMember.round_id == r["round"])).scalars())
        last = session.execute(select(func.max(AuditLog.id))).scalar()
        audits = list(range(max(1, last - 60), last + 1))
    own = client_as(owner).get(f"/appraisal/sheet/{sheet}/").get_data(as_text=True)
    assert PLANTED in own
    ids = sorted({r["round"], r["template"], *sheets, *members, *r["staff"]})
    users = ROLES + [m[0] for m in r["members"][1:]] + [r["secretary"][0]]
    urls = list(_urls(app, ids)) + [f"/auditlogview/show/{a}" for a in audits]
    assert len(urls) > 300 and f"/appraisal/sheet/{sheet}/" in urls and "/auditlogview/export/" in urls
    leaks = []
    for username in users:
        web = client_as(username)
        for url in urls:
            resp = web.get(url)
            if resp.status_code == 200 and re.search(r"(?<![\d.])7\.37(?!\d)", _text(resp)):
                leaks.append((username, url))
        client, headers = api_as(username)
        for url in ["/api/v1/appraisalsheet/", *[f"/api/v1/appraisalsheet/{s}" for s in sheets],
                    "/api/v1/appraisalround/", f"/api/v1/appraisalround/{r['round']}"]:
            resp = client.get(url, headers=headers)
            if resp.status_code == 200 and PLANTED in resp.get_data(as_text=True):
                leaks.append((username, "api " + url))
    assert leaks == []


def test_another_members_sheet_answers_404_by_url_and_api(appraisal, client_as, api_as):
    r = appraisal.round(members=2, staff=1)
    (a, a_id, _), (b, b_id, _) = r["members"]
    sheet_b = appraisal.sheet_id(r["round"], b_id)
    web = client_as(a)
    assert web.get(f"/appraisal/sheet/{sheet_b}/").status_code == 404
    assert web.post(f"/appraisal/sheet/{sheet_b}/cell", json={"staff_id": r["staff"][0], "item": "attitude",
                                                               "value": "10"}).status_code == 404
    assert web.post(f"/appraisal/sheet/{sheet_b}/submit").status_code == 404
    client, headers = api_as(a)
    assert client.get(f"/api/v1/appraisalsheet/{sheet_b}", headers=headers).status_code == 404
    assert client.put(f"/api/v1/appraisalsheet/{sheet_b}/cell", headers=headers,
                      json={"staff_id": r["staff"][0], "item": "attitude", "value": "10"}).status_code == 404
    for director in ("director_a", "admin_a"):
        assert client_as(director).get(f"/appraisal/sheet/{sheet_b}/").status_code == 404


def test_the_director_sees_who_submitted_not_the_numbers(appraisal, client_as):
    r = appraisal.round(members=2, staff=1)
    appraisal.fill(r, value="7.37", members=[0])
    page = client_as("director_a", lang="en").get(f"/appraisal/round/{r['round']}/").get_data(as_text=True)
    assert "1 of 2 submitted" in page and PLANTED not in page


def test_sheets_are_hidden_until_finalised_then_the_director_reads_them(appraisal, client_as):
    from sqlalchemy import select

    from app.audit import HIDDEN
    from app.models import AuditLog
    from plugins.appraisal import closing

    r = appraisal.round(members=3, staff=1)
    appraisal.fill(r, value="14.37")
    sheet = appraisal.sheet_id(r["round"], r["members"][0][1])
    with appraisal.ctx() as session:
        entry = session.execute(select(AuditLog).where(AuditLog.table_name == "appraisal_sheet",
                                                       AuditLog.record_id == str(sheet),
                                                       AuditLog.action == "transition")).scalar_one()
        assert entry.changes["digest"][1] == HIDDEN and "14.37" not in str(entry.changes)
    director = client_as("director_a")
    assert director.get(f"/appraisal/sheet/{sheet}/").status_code == 404
    appraisal.transition(r["round"], "close")
    with appraisal.ctx() as session:
        closing.finalise_round(session, r["round"], None)
        session.commit()
    assert "14.37" in director.get(f"/appraisal/sheet/{sheet}/").get_data(as_text=True)
    assert client_as("auditor_a").get(f"/appraisal/sheet/{sheet}/").status_code == 200
    assert client_as(r["members"][1][0]).get(f"/appraisal/sheet/{sheet}/").status_code == 404

"""Issue 18: publishing, each person's own result (and nobody else's), appeals within the window,
one result reopened, corrected, re-finalised with the quota checked again and republished."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.rules import RuleError
from tests.plugins.appraisal.published import published_round

from plugins.appraisal import appeal_rules


def test_publishing_a_round_that_is_not_finalised_is_refused(appraisal, client_as):
    from plugins.appraisal import publication

    r = appraisal.round(members=1, staff=1)
    with appraisal.ctx() as session:
        with pytest.raises(RuleError) as err:
            publication.publish_round(session, r["round"], None)
        assert err.value.message == appeal_rules.ERR_NOT_FINALISED
        session.rollback()
    web = client_as("director_a", lang="en")
    resp = web.post(f"/appraisal/results/round/{r['round']}/publish", follow_redirects=True)
    assert "Only a finalised round can be published" in resp.get_data(as_text=True)


def test_staff_a_reads_their_own_result_and_gets_404_for_b_s_by_url_print_api_export_and_appeal(appraisal, client_as, api_as):
    p = published_round(appraisal)
    (a_login, _, _), (b_login, _, _) = p["staff"][0], p["staff"][1]
    a_result, b_result = p["results"][0], p["results"][1]
    web = client_as(a_login, lang="en")
    page = web.get(f"/appraisal/results/result/{a_result}/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Personal leave × 1" in body and "病假条 流感" in body     # own sick note: visible to the person
    for member_login, _, _ in p["members"]:
        assert member_login not in body                                 # comments never name their member
    assert web.get(f"/appraisal/results/result/{b_result}/").status_code == 404
    assert web.get(f"/appraisal/results/result/{b_result}/print/").status_code == 404
    api, headers = api_as(a_login)
    assert api.get(f"/api/v1/appraisalresult/{b_result}", headers=headers).status_code == 404
    mine = api.get(f"/api/v1/appraisalresult/{a_result}", headers=headers)
    assert mine.status_code == 200 and mine.get_json()["total"]
    listed = api.get("/api/v1/appraisalresult/", headers=headers).get_json()["result"]
    assert [row["id"] for row in listed] == [a_result]
    for url in (f"/appraisal/results/round/{p['round']}/summary/", f"/appraisal/results/round/{p['round']}/pay.xlsx"):
        assert web.get(url).status_code in (302, 403, 404)      # no permission: FAB sends to the login/index
        assert b"hq-ranking" not in web.get(url, follow_redirects=True).data
    assert api.post("/api/v1/appraisalappeal/", headers=headers,
                    json={"result_id": b_result, "text": "x"}).status_code == 404
    # The Admin reads the sheet, but not the sick-leave note (the person and the Director only).
    admin = client_as("admin_a", lang="en").get(f"/appraisal/results/result/{a_result}/").get_data(as_text=True)
    assert "Personal leave × 1" in admin and "病假条 流感" not in admin
    director = client_as("director_a", lang="en").get(f"/appraisal/results/result/{a_result}/").get_data(as_text=True)
    assert "病假条 流感" in director


def test_an_unpublished_result_stays_hidden_from_its_person(appraisal, client_as, api_as):
    p = published_round(appraisal, publish=False)
    web = client_as(p["staff"][0][0])
    assert web.get(f"/appraisal/results/result/{p['results'][0]}/").status_code == 404
    api, headers = api_as(p["staff"][0][0])
    assert api.get("/api/v1/appraisalresult/", headers=headers).get_json()["result"] == []


def test_appeals_within_the_window_one_open_at_a_time_answered_in_the_to_do_list(appraisal, client_as, monkeypatch):
    from plugins.appraisal import publication
    from plugins.appraisal.models import AppraisalAppeal

    p = published_round(appraisal)
    login, _, _ = p["staff"][2]
    result = p["results"][2]
    web = client_as(login, lang="en")
    resp = web.post(f"/appraisal/results/result/{result}/appeal", data={"text": ""})
    assert resp.status_code == 422 and "Write what you appeal against" in resp.get_data(as_text=True)
    assert web.post(f"/appraisal/results/result/{result}/appeal", data={"text": "出勤记录有误"}).status_code == 302
    again = web.post(f"/appraisal/results/result/{result}/appeal", data={"text": "再次申诉"})
    assert again.status_code == 422 and "already have an appeal" in again.get_data(as_text=True)
    with appraisal.ctx() as session:
        appeal = session.execute(select(AppraisalAppeal).where(AppraisalAppeal.result_id == result)).scalar_one()
        appeal_id = appeal.id
    director = client_as("director_a", lang="en")
    assert "Answer the appeal of" in director.get("/todo/").get_data(as_text=True)
    director.post(f"/appraisal/results/appeal/{appeal_id}/answer", data={"answer": "已核实，维持原结果"})
    todo = web.get("/todo/").get_data(as_text=True)
    assert "Your appeal was answered" in todo
    assert "已核实，维持原结果" in web.get(f"/appraisal/results/result/{result}/").get_data(as_text=True)
    assert "Your appeal was answered" not in web.get("/todo/").get_data(as_text=True)   # read: it leaves
    # After the window (5 days by default), an appeal is refused with the day it closed.
    later = publication.local_today() + timedelta(days=6)
    monkeypatch.setattr(publication, "local_today", lambda: later)
    late = client_as(p["staff"][3][0], lang="en").post(f"/appraisal/results/result/{p['results'][3]}/appeal",
                                                        data={"text": "晚了"})
    assert late.status_code == 422 and "The appeal window closed on" in late.get_data(as_text=True)
    with appraisal.ctx() as session:
        assert session.execute(select(AppraisalAppeal).where(AppraisalAppeal.result_id == p["results"][3])).first() is None


def test_one_result_reopened_corrected_and_republished_keeps_the_earlier_version(appraisal, client_as):
    from app.versions import versions
    from plugins.appraisal import publication
    from plugins.appraisal.models import AppraisalResult

    p = published_round(appraisal)
    second = p["results"][2]          # 91, moved down by the quota
    with appraisal.ctx() as session:
        before = {r.id: (r.total, r.grade, r.rank) for r in session.execute(
            select(AppraisalResult).where(AppraisalResult.round_id == p["round"])).scalars()}
    director = client_as("director_a", lang="en")
    page = f"/appraisal/results/result/{second}/"
    assert "hq-versions" not in director.get(page).get_data(as_text=True)      # never reopened: no versions
    director.post(f"/appraisal/results/result/{second}/reopen", data={"reason": "申诉：服务质量评分有误"})
    reopened = director.get(page).get_data(as_text=True)
    assert 'class="hq-versions"' in reopened and "Version 1" in reopened
    director.post(f"/appraisal/results/result/{second}/correct", data={"item": "quality", "value": "20", "reason": "复核"})
    # The quota (one 优秀 of five) is held by person 1 (93): this one cannot be raised into it.
    refused = director.post(f"/appraisal/results/result/{second}/refinalise",
                            data={"grade": "excellent", "reason": "复核后"}, follow_redirects=True)
    assert "The quota of" in refused.get_data(as_text=True)
    director.post(f"/appraisal/results/result/{second}/refinalise", data={})
    director.post(f"/appraisal/results/result/{second}/republish")
    for web in (director, client_as(p["staff"][2][0], lang="en")):   # republished: the earlier one stays readable
        shown = web.get(page).get_data(as_text=True)
        assert shown.count("<li>Version ") == 1 and "申诉：服务质量评分有误" in shown
    with appraisal.ctx() as session:
        after = {r.id: (r.total, r.grade, r.rank, r.state) for r in session.execute(
            select(AppraisalResult).where(AppraisalResult.round_id == p["round"])).scalars()}
        earlier = versions(session, AppraisalResult, second)
    assert after[second][3] == "final" and after[second][0] == before[second][0] + 2   # quality 18 -> 20
    assert after[second][1] == "pass"                      # 优秀 reached, moved down: the quota is full
    assert {k: v[:3] for k, v in after.items() if k != second} == {k: v for k, v in before.items() if k != second}
    assert len(earlier) == 1 and str(earlier[0].data["fields"]["total"]) == str(before[second][0])
    # A reopened result refuses a correction out of the item's range.
    with appraisal.ctx() as session:
        publication.reopen_result(session, second, "again", None)
        with pytest.raises(RuleError):
            publication.correct_item(session, second, "quality", "25", "太高")
        session.rollback()


def test_the_own_result_page_costs_the_same_statements_with_or_without_entries(appraisal, client_as, count_statements):
    p = published_round(appraisal)
    counts = []
    for i in (0, 4):       # the first has attendance entries and a sick note; the last none
        web = client_as(p["staff"][i][0])
        url = f"/appraisal/results/result/{p['results'][i]}/"
        web.get(url)
        with count_statements() as c:
            assert web.get(url).status_code == 200
        counts.append((c.count, len(c.frame)))
    assert counts == [(OWN_RESULT_STATEMENTS, FRAME_STATEMENTS)] * 2, counts


# Core's frame (the user, the to-do count) and the page's own two: the result with its round,
# template, person and appeals; the person's entries with the committee's comments.
OWN_RESULT_STATEMENTS, FRAME_STATEMENTS = 4, 2


def test_the_public_list_names_only_the_top_grade_and_the_stars(appraisal, client_as):
    p = published_round(appraisal)
    director = client_as("director_a", lang="en")
    third_staff = p["staff"][2][2]
    director.post(f"/appraisal/results/round/{p['round']}/stars", data={"staff_id": [str(third_staff)]})
    body = director.get(f"/appraisal/results/round/{p['round']}/public/").get_data(as_text=True)
    with appraisal.ctx() as session:
        from app.models import Staff

        names = [session.get(Staff, s).name for _, _, s in p["staff"]]
    cell = "<td>{}</td>".format
    assert cell(names[1]) in body and cell(names[2]) in body and "Best service star" in body   # 优秀, and the star
    assert cell(names[0]) not in body and cell(names[3]) not in body
    summary = director.get(f"/appraisal/results/round/{p['round']}/summary/")
    assert summary.status_code == 200 and "<svg" in summary.get_data(as_text=True)
    pay = director.get(f"/appraisal/results/round/{p['round']}/pay.xlsx")
    assert pay.status_code == 200 and pay.data[:2] == b"PK"


def test_appeal_window_counts_local_days_after_publication():
    from datetime import date

    assert appeal_rules.appeal_deadline(date(2026, 3, 1), 5) == date(2026, 3, 6)
    appeal_rules.check_appeal(date(2026, 3, 6), date(2026, 3, 1), 5, 0, "x")
    with pytest.raises(RuleError):
        appeal_rules.check_appeal(date(2026, 3, 7), date(2026, 3, 1), 5, 0, "x")
    with pytest.raises(RuleError):
        appeal_rules.check_appeal(date(2026, 3, 2), date(2026, 3, 1), 5, 1, "x")


def test_two_appeals_filed_at_once_leave_one(appraisal):
    """The partial unique index holds when the count check of both saw none (a second session)."""
    from plugins.appraisal import publication
    from plugins.appraisal.models import AppraisalAppeal

    p = published_round(appraisal)
    staff_id, result_id = p["staff"][4][2], p["results"][4]
    with appraisal.ctx() as session:
        session.add(AppraisalAppeal(round_id=p["round"], result_id=result_id, staff_id=staff_id, text="先到", status="open"))
        session.commit()
    with appraisal.ctx() as session:
        # As if the count ran before the first was committed: the insert itself is refused.
        appeal = AppraisalAppeal(round_id=p["round"], result_id=result_id, staff_id=staff_id, text="后到", status="open")
        from sqlalchemy.exc import IntegrityError

        with pytest.raises(IntegrityError):
            with session.begin_nested():
                session.add(appeal)
                session.flush()
        session.rollback()
        with pytest.raises(RuleError) as err:
            publication.file_appeal(session, result_id, staff_id, None, "再来")
        assert err.value.message == appeal_rules.ERR_APPEAL_OPEN
        session.rollback()
        assert session.execute(select(AppraisalAppeal).where(AppraisalAppeal.result_id == result_id)).scalars().all()[0].text == "先到"


@pytest.mark.parametrize("total,vetoed,holders,limit,chosen,expected", [
    ("93", False, 0, 1, None, ("excellent", "excellent", False)),    # a place left: keeps 优秀
    ("93", False, 1, 1, None, ("excellent", "pass", True)),          # the quota full: moved down
    ("93", False, 5, None, None, ("excellent", "excellent", False)), # no quota
    ("95", True, 0, 1, None, ("fail", "fail", False)),               # a veto always wins
    ("95", True, 0, 1, "excellent", ("fail", "fail", False)),        # ... even over a chosen grade
    ("70", False, 0, 1, "excellent", ("pass", "excellent", False)),  # the committee, with a reason, below the quota
])
def test_a_refinalised_grade_follows_the_scale_the_quota_and_the_veto(total, vetoed, holders, limit, chosen, expected):
    from decimal import Decimal

    from plugins.appraisal.rubric_data import rubric_from_dict
    from tests.plugins.appraisal.conftest import test_template

    rubric = rubric_from_dict(test_template("regrade"))
    band, _proposed, grade, moved, _why = appeal_rules.regrade(rubric, Decimal(total), vetoed, holders=holders,
                                                               limit=limit, chosen=chosen, reason="复核")
    assert (band, grade, moved) == expected


def test_a_chosen_grade_needs_a_reason_and_a_free_quota_place():
    from decimal import Decimal

    from plugins.appraisal.rubric_data import rubric_from_dict
    from tests.plugins.appraisal.conftest import test_template

    rubric = rubric_from_dict(test_template("regrade2"))
    with pytest.raises(RuleError) as err:
        appeal_rules.regrade(rubric, Decimal("70"), False, holders=0, limit=1, chosen="excellent", reason="")
    assert err.value.message == appeal_rules.ERR_GRADE_REASON
    with pytest.raises(RuleError) as err:
        appeal_rules.regrade(rubric, Decimal("70"), False, holders=1, limit=1, chosen="excellent", reason="复核")
    assert err.value.message == appeal_rules.ERR_QUOTA_FULL


def test_a_retotal_applies_the_caps_and_scales_when_items_do_not_apply():
    from decimal import Decimal as D

    from plugins.appraisal.rubric_data import rubric_from_dict
    from tests.plugins.appraisal.conftest import test_template

    rubric = rubric_from_dict(test_template("retotal"))
    items = {"attitude": D(20), "quality": D(20), "attendance": D(30), "certificate": D(10), "head": None,
             "bonus": D(5)}
    subtotals, raw, full, total, scaled = appeal_rules.retotal(rubric, items)
    assert subtotals["extra"] == D(5) and raw == D(85) and full == D(85) and total == D(100) and scaled
    items["head"] = D(15)
    subtotals, raw, full, total, scaled = appeal_rules.retotal(rubric, items)
    assert subtotals["extra"] == D(20) and total == D(100) and not scaled


def test_the_results_api_is_in_the_spec_and_answers_bad_input_with_4xx(appraisal, api_as):
    admin, admin_headers = api_as("admin_a")
    paths = set(admin.get("/api/v1/_openapi", headers=admin_headers).get_json()["paths"])
    client, headers = api_as("director_a")
    assert {f"/api/v1/{p}" for p in ("appraisalresult/", "appraisalresult/{pk}", "appraisalresult/{pk}/reopen",
                                     "appraisalresult/round/{round_id}/publish", "appraisalappeal/",
                                     "appraisalappeal/{pk}/answer")} <= paths, sorted(p for p in paths if "apprais" in p)
    r = appraisal.round(members=1, staff=1)
    unfinalised = client.post(f"/api/v1/appraisalresult/round/{r['round']}/publish", headers=headers, json={})
    assert unfinalised.status_code == 422 and "publication" in unfinalised.get_json()["message"]
    assert client.post("/api/v1/appraisalresult/round/999999/publish", headers=headers, json={}).status_code == 404
    p = published_round(appraisal)
    again = client.post(f"/api/v1/appraisalresult/round/{p['round']}/publish", headers=headers, json={})
    assert again.status_code == 409
    person, ph = api_as(p["staff"][0][0])
    for body in ({"result_id": "x"}, {"result_id": True}, {}):
        assert person.post("/api/v1/appraisalappeal/", headers=ph, json=body).status_code == 422
    assert person.post("/api/v1/appraisalappeal/", headers=ph, data="[1]",
                       content_type="application/json").status_code in (400, 422)
    empty = person.post("/api/v1/appraisalappeal/", headers=ph, json={"result_id": p["results"][0], "text": " "})
    assert empty.status_code == 422
    filed = person.post("/api/v1/appraisalappeal/", headers=ph, json={"result_id": p["results"][0], "text": "请复核"})
    assert filed.status_code == 201
    appeal = filed.get_json()["id"]
    assert person.post(f"/api/v1/appraisalappeal/{appeal}/answer", headers=ph, json={"answer": "x"}).status_code == 403
    assert client.post(f"/api/v1/appraisalappeal/{appeal}/answer", headers=headers, json={}).status_code == 422
    assert client.post(f"/api/v1/appraisalappeal/{appeal}/answer", headers=headers,
                       json={"answer": "维持"}).status_code == 200
    assert [a["answer"] for a in person.get("/api/v1/appraisalappeal/", headers=ph).get_json()["result"]] == ["维持"]
    assert client.post(f"/api/v1/appraisalresult/{p['results'][0]}/reopen", headers=headers, json={}).status_code == 422
    assert client.post(f"/api/v1/appraisalresult/{p['results'][0]}/reopen", headers=headers,
                       json={"reason": "复核"}).status_code == 200
    # The Auditor reads published rounds' results, changes nothing.
    auditor, ah = api_as("auditor_a")
    assert auditor.get(f"/api/v1/appraisalresult/{p['results'][1]}", headers=ah).status_code == 200
    assert auditor.post(f"/api/v1/appraisalresult/{p['results'][1]}/reopen", headers=ah,
                        json={"reason": "x"}).status_code == 403


def test_the_staff_record_panel_shows_the_history_to_the_person_the_director_and_the_admin(appraisal, client_as,
                                                                                          api_as):
    p = published_round(appraisal)
    (a_login, _, a_staff), (b_login, _, _) = p["staff"][0], p["staff"][1]
    own = client_as(a_login).get("/staffview/mine/", follow_redirects=True).get_data(as_text=True)
    assert "hq-appraisal-panel" in own and f"/appraisal/results/result/{p['results'][0]}/" in own
    for viewer in ("director_a", "admin_a"):
        page = client_as(viewer).get(f"/staffview/show/{a_staff}").get_data(as_text=True)
        assert "hq-appraisal-panel" in page, viewer
    colleague = client_as(b_login).get(f"/staffview/show/{a_staff}")
    assert "hq-appraisal-panel" not in colleague.get_data(as_text=True)
    for viewer in (b_login, "auditor_a"):
        client, headers = api_as(viewer)
        body = client.get(f"/api/v1/staff/{a_staff}", headers=headers)
        assert body.status_code in (200, 403, 404)
        if body.status_code == 200:
            assert "appraisal.results" not in [x["name"] for x in body.get_json().get("panels") or []], viewer
    client, headers = api_as(a_login)
    mine = client.get(f"/api/v1/staff/{a_staff}", headers=headers).get_json()
    panel = next(x for x in mine["panels"] if x["name"] == "appraisal.results")
    assert [r["result_id"] for r in panel["data"]] == [p["results"][0]]


def test_the_results_api_refuses_a_round_that_is_not_a_number(appraisal, api_as):
    """?round_id=true was read as "no round" and answered 200 (the fuzz test's schema check)."""
    c, headers = api_as("director_a")
    for bad in ("true", "-1", "1.5", "99999999999"):
        r = c.get(f"/api/v1/appraisalresult/?round_id={bad}", headers=headers)
        assert r.status_code == 400, (bad, r.status_code)
        assert "round_id" in r.get_json()["message"]
    assert c.get("/api/v1/appraisalresult/?round_id=1", headers=headers).status_code == 200

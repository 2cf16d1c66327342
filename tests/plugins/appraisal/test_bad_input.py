"""Bad input is refused with a clear message on its field, and nothing is half-saved (issue 17
point 13): weights not totalling 100 %, overlapping or gapped grades, a score out of range, a
negative or fractional count where whole units are meant, a submitted sheet, a finalised round."""
from __future__ import annotations

import json

from sqlalchemy import func, select


def _round_form(appraisal, **over):
    template = appraisal.template()
    data = {"name": "坏输入测试", "kind": "monthly", "template": str(template), "start_date": "2026-11-01",
            "end_date": "2026-11-30", "trim_at": "5", "weights": "", "comment_below_percent": "60"}
    data.update(over)
    return data


def _rounds_named(appraisal, name):
    from plugins.appraisal.models import AppraisalRound

    with appraisal.ctx() as session:
        return session.execute(select(func.count(AppraisalRound.id)).where(AppraisalRound.name == name)).scalar()


def test_weights_must_total_100(appraisal, client_as):
    web = client_as("director_a", lang="en")
    page = web.post("/appraisalroundview/add", data=_round_form(appraisal, name="权重测试x", weights="leaders=35, peers=50"))
    text = page.get_data(as_text=True)
    assert "add up to 85" in text and "leaders=35, peers=50" in text
    assert _rounds_named(appraisal, "权重测试x") == 0
    ok = web.post("/appraisalroundview/add", data=_round_form(appraisal, name="权重测试y",
                                                             weights="leaders=35, peers=50, self=15"))
    assert ok.status_code == 302 and _rounds_named(appraisal, "权重测试y") == 1


def test_a_weights_message_reads_its_percent_signs_once_in_both_languages(appraisal, client_as):
    """The form shows the message with "%" as it is: never "%%", never a 500."""
    shown = {"en": "The group weights add up to {} %, not 100 %", "zh": "各组权重合计为 {} %，不是 100 %"}
    for lang, message in shown.items():
        web = client_as("director_a", lang=lang)
        for weights, total in (("leaders=35, peers=50", "85.00"), ("leaders=35, peers=50, self=20.5", "105.50")):
            page = web.post("/appraisalroundview/add", data=_round_form(appraisal, name=f"百分号{lang}", weights=weights))
            text = page.get_data(as_text=True)
            assert page.status_code == 200 and message.format(total) in text and "%%" not in text, (lang, weights)
    assert _rounds_named(appraisal, "百分号en") == 0 and _rounds_named(appraisal, "百分号zh") == 0


def test_dates_and_trimming_are_checked(appraisal, client_as):
    web = client_as("director_a", lang="en")
    page = web.post("/appraisalroundview/add", data=_round_form(appraisal, name="日期测试", end_date="2026-10-01"))
    assert "ends before it starts" in page.get_data(as_text=True)
    assert _rounds_named(appraisal, "日期测试") == 0


def test_overlapping_or_gapped_grades_in_a_template(appraisal, client_as):
    from tests.plugins.appraisal.conftest import test_template

    web = client_as("director_a", lang="en")
    for grades, words in [([("excellent", 90), ("pass", 95), ("fail", 0)], "overlap"),
                          ([("excellent", 90), ("pass", 60), ("fail", 10)], "must start at 0")]:
        data = test_template(f"bad_{words[:4].strip()}")
        data["grades"] = [{"code": c, "name": {"zh": c, "en": c}, "minimum": m} for c, m in grades]
        page = web.post("/appraisaltemplateview/add", data={"data": json.dumps(data)})
        text = page.get_data(as_text=True)
        assert words in text, words
        assert "&#34;excellent&#34;" in text or "excellent" in text   # the typed JSON stays in the form


def test_a_template_used_by_an_open_round_cannot_change(appraisal, client_as):
    r = appraisal.round(members=2, staff=1)
    web = client_as("director_a", lang="en")
    page = web.post(f"/appraisaltemplateview/edit/{r['template']}", data={"name_zh": "改名", "name_en": "Renamed",
                                                                         "active": "y", "data": _data(appraisal, r)},
                    follow_redirects=True)
    assert "copy it" in page.get_data(as_text=True)
    copied = web.post(f"/appraisaltemplateview/copy/{r['template']}")
    assert copied.status_code == 302 and "/edit/" in copied.headers["Location"]


def _data(appraisal, r):
    from plugins.appraisal.models import AppraisalTemplate

    with appraisal.ctx() as session:
        return session.get(AppraisalTemplate, r["template"]).data


def test_counts_must_be_whole_or_half_days_and_not_negative(appraisal, client_as):
    r = appraisal.round(members=2, staff=1)
    web = client_as(r["secretary"][0], lang="en")
    url = f"/appraisal/entry/{r['round']}/{r['staff'][0]}"
    for form, words in [({"count_late": "-1", "comment": "x"}, "cannot be negative"),
                        ({"count_late": "1.5", "comment": "x"}, "whole number"),
                        ({"count_personal_leave": "0.3", "comment": "x"}, "half days"),
                        ({"count_late": "2"}, "Say what the deduction is for")]:
        page = web.post(url, data={"item": "attendance", **form})
        assert page.status_code == 422 and words in page.get_data(as_text=True), words
    from plugins.appraisal.models import AppraisalEntry

    with appraisal.ctx() as session:
        assert session.execute(select(func.count(AppraisalEntry.id)).where(
            AppraisalEntry.round_id == r["round"])).scalar() == 0
    yes = web.post(url, data={"item": "certificate", "yes": "1"})
    assert yes.status_code == 422 and "Name the evidence" in yes.get_data(as_text=True)


def test_a_finalised_round_refuses_every_change(appraisal, client_as):
    from plugins.appraisal import closing

    r = appraisal.round(members=3, staff=1)
    appraisal.fill(r, value="10")
    appraisal.transition(r["round"], "close")
    with appraisal.ctx() as session:
        closing.finalise_round(session, r["round"], None)
        session.commit()
    web = client_as("director_a", lang="en")
    edit = web.get(f"/appraisalroundview/edit/{r['round']}", follow_redirects=True).get_data(as_text=True)
    assert "locked" in edit
    sec = client_as(r["secretary"][0], lang="en")
    page = sec.post(f"/appraisal/entry/{r['round']}/{r['staff'][0]}",
                    data={"item": "attendance", "count_late": "1", "comment": "x"})
    assert page.status_code in (404, 422)
    tie = web.post(f"/appraisal/round/{r['round']}/grade", data={"staff_id": r["staff"][0], "grade": "fail",
                                                                 "reason": "x"}, follow_redirects=True)
    assert "Close the round before" in tie.get_data(as_text=True)

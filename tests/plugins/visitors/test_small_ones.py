"""The small ones of issue 13 (point 13): patrol-round time, shift words, the blocklist form,
the dashboard tiles, the retention job on the settings page, the override export."""
import io
import re
from datetime import timedelta

import openpyxl
from sqlalchemy import select


def test_the_patrol_round_form_opens_on_a_local_time_it_can_save(app, client_as, gate, campuses, ctx):
    from app.audit import acting_as
    from app.i18n import local_now
    from plugins.visitors.models import DutyLog, PatrolRound

    client = client_as("gatekeeper_a")
    with acting_as(None, "tests", "cli"):
        log = DutyLog(campus_id=campuses["TA"], day=local_now().date(), shift="day",
                      gatekeeper_id=gate.user_id("gatekeeper_a"))
        ctx.session.add(log)
        ctx.session.commit()
    page = client.get("/patrolroundview/add").get_data(as_text=True)
    shown = re.search(r'name="at"[^>]*value="([^"]*)"', page) or re.search(r'value="([^"]*)"[^>]*name="at"', page)
    assert shown, page[-3000:]
    value = shown.group(1)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", value), value
    assert value[:13] == local_now().strftime("%Y-%m-%d %H") or value[:10] == local_now().strftime("%Y-%m-%d")
    response = client.post("/patrolroundview/add", data={"duty_log": str(log.id), "at": value, "findings": "正常"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    saved = ctx.session.execute(select(PatrolRound).where(PatrolRound.duty_log_id == log.id)).scalar_one()
    from app.i18n import to_local

    assert to_local(saved.at).strftime("%Y-%m-%d %H:%M:%S") == value  # stored as the local time typed


def test_shift_codes_read_as_words(app, client_as, gate, campuses, ctx):
    from app.audit import acting_as
    from app.i18n import local_now
    from plugins.visitors.models import DutyLog, PatrolRound

    with acting_as(None, "tests", "cli"):
        log = DutyLog(campus_id=campuses["TA"], day=local_now().date(), shift="night",
                      gatekeeper_id=gate.user_id("gatekeeper_a"))
        log.rounds.append(PatrolRound(findings="夜巡正常"))
        ctx.session.add(log)
        ctx.session.commit()
    en = client_as("gatekeeper_a", lang="en").get("/patrolroundview/list/?_flt_0_findings=夜巡正常")
    zh = client_as("gatekeeper_a").get("/patrolroundview/list/?_flt_0_findings=夜巡正常")
    assert "Night shift" in en.get_data(as_text=True) and " night<" not in en.get_data(as_text=True)
    assert "夜班" in zh.get_data(as_text=True)


def test_the_blocklist_form_is_in_the_house_style_and_refuses_a_past_end_date(app, client_as, uid, ctx):
    from app.i18n import local_now
    from plugins.visitors.models import BlocklistEntry

    client = client_as("director_a", lang="en")
    form = client.get("/blocklistview/add").get_data(as_text=True)
    assert re.search(r'<input[^>]*class="[^"]*form-control[^"]*"[^>]*name="id_number"|'
                     r'<input[^>]*name="id_number"[^>]*class="[^"]*form-control', form)
    assert re.search(r'<select[^>]*class="[^"]*my_select2[^"]*"[^>]*name="doc_type"|'
                     r'<select[^>]*name="doc_type"[^>]*class="[^"]*my_select2', form)
    name = uid("拉黑")
    yesterday = (local_now().date() - timedelta(days=1)).isoformat()
    response = client.post("/blocklistview/add", data={"name": name, "doc_type": "resident_id", "id_number": "",
                                                       "phone": "", "reason": "测试", "campus": "",
                                                       "valid_until": yesterday})
    assert response.status_code == 200 and "cannot be in the past" in response.get_data(as_text=True)
    assert ctx.session.execute(select(BlocklistEntry).where(BlocklistEntry.name == name)).first() is None


def test_the_dashboard_reads_people_and_visits_and_todays_tile_opens_todays_visits(app, client_as, gate, uid):
    from plugins.visitors.models import Visit

    name = uid("今")
    today_id = gate.visit(name=name, party_size=3)
    client = client_as("gatekeeper_a", lang="en")
    page = client.get("/").get_data(as_text=True)
    assert re.search(r"\d+ people, \d+ visits?", page), "people, visits"
    link = re.search(r'id="widget-gate-today".*?href="([^"]+)"', page, re.S).group(1).replace("&amp;", "&")
    assert "_flt_1_time_in=" in link
    listing = client.get(link).get_data(as_text=True)
    assert f"/visitview/show/{today_id}" in listing
    zh = client_as("gatekeeper_a").get("/").get_data(as_text=True)
    assert re.search(r"\d+ 人，\d+ 次来访", zh)
    assert gate.get(Visit, today_id).party_size == 3


def test_the_settings_page_shows_the_retention_job_and_its_next_run(client_as):
    page = client_as("director_a", lang="en").get("/settings/").get_data(as_text=True)
    assert "Anonymise visitors past the retention period" in page and "next run" in page
    assert "purge-visitors" not in page and "flask houqin" not in page


def test_the_override_export_includes_the_request_note(app, client_as, gate, resident_id, uid):
    from app.extensions import db
    from plugins.visitors import services
    from plugins.visitors.models import Visit

    number, note = resident_id(), uid("家长说明")
    name = uid("拦")
    gate.blocklist(name, id_number=number)
    visit_id = gate.visit(id_number=number, name=name)
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.status == "turned_away"
        services.request_override(db.session, visit, app.appbuilder.sm.find_user(username="gatekeeper_a"), note)
        db.session.commit()
    data = client_as("director_a", lang="en").get("/overrideview/export/").data
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = {c.value for row in book.active.iter_rows() for c in row}
    assert "Gate's note" in cells and note in cells

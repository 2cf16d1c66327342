"""Every gate screen opens for the people who use it, in both languages."""
import pytest

GATEKEEPER_PAGES = ["/gate/desk/", "/visitview/list/", "/appointmentview/list/", "/dutylogview/list/",
                    "/dutylogview/add", "/gate/reports/register", "/gate/reports/evacuation", "/"]
DIRECTOR_PAGES = ["/gate/desk/", "/visitview/list/", "/visitorview/list/", "/appointmentview/list/",
                  "/appointmentview/add", "/blocklistview/list/", "/blocklistview/add", "/purposeview/list/",
                  "/purposeview/add", "/dutylogview/list/", "/overrideview/list/", "/gate/reports/register",
                  "/gate/reports/statistics", "/gate/reports/evacuation", "/", "/visitview/export/",
                  "/appointmentview/export/", "/gate/reports/register?format=xlsx"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_gate_page_opens(app, client_as, gate, lang):
    visit_id = gate.visit()
    for user, pages in (("gatekeeper_a", GATEKEEPER_PAGES + [f"/visitview/show/{visit_id}",
                                                               f"/visitview/edit/{visit_id}"]),
                        ("director_a", DIRECTOR_PAGES)):
        c = client_as(user, lang=lang)
        for url in pages:
            resp = c.get(url)
            assert resp.status_code == 200, (user, url, resp.status_code)


def test_a_gatekeeper_records_a_shift_in_the_duty_log_with_its_patrol_rounds(app, client_as, gate):
    from sqlalchemy import select

    from app.extensions import db
    from plugins.visitors.models import DutyLog

    c = client_as("gatekeeper_a", lang="en")
    resp = c.post("/dutylogview/add", data={"campus": gate.campuses["TA"], "day": "2026-03-02", "shift": "night",
                                            "handover_note": "钥匙已交接"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with app.app_context():
        log = db.session.execute(select(DutyLog).where(DutyLog.handover_note == "钥匙已交接")
                                 .order_by(DutyLog.id.desc())).scalars().first()
        log_id = log.id
        assert log.gatekeeper.username == "gatekeeper_a" and log.shift == "night"
    resp = c.post("/patrolroundview/add", data={"duty_log": log_id, "at": "2026-03-02 22:30:00", "findings": "正常"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    page = c.get(f"/dutylogview/show/{log_id}").get_data(as_text=True)
    assert "1 done, 4 missing" in page and "22:30" in page
    with app.app_context():
        round_id = db.session.get(DutyLog, log_id).rounds[0].id
    form = c.get(f"/patrolroundview/edit/{round_id}").get_data(as_text=True)
    assert 'value="2026-03-02 22:30:00"' in form  # local time in the form, as typed
    c.post(f"/patrolroundview/edit/{round_id}", data={"duty_log": log_id, "at": "2026-03-02 22:30:00",
                                                      "findings": "正常，东门已锁"})
    assert "22:30" in c.get(f"/dutylogview/show/{log_id}").get_data(as_text=True)

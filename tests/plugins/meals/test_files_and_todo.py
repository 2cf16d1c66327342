"""Files on the minutes (core attachments: a forbidden type refused in the user's language, the files
of approved minutes locked with them), the dashboard tiles, and the to-do items: an open action item
waits for its owner, circulated minutes for their chair."""
from __future__ import annotations

import io
from datetime import date

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, pk, name, body):
    return client.post(f"/attachments/meals.meeting/{pk}/upload", data={"file": [(io.BytesIO(body), name)]},
                       content_type="multipart/form-data", headers={"Accept": "application/json"})


def test_a_menu_file_is_attached_a_forbidden_type_refused_and_approved_minutes_lock_their_files(app, meals,
                                                                                              client_as):
    from app.extensions import db

    settings = app.extensions["houqin_settings"]
    with app.app_context():  # the default kinds (PDF among them), whatever a test before left
        settings.set(db.session, "attachment_kinds", settings.registry.setting_spec("attachment_kinds").default)
        db.session.commit()
    c = meals.committee()
    pk = meals.meeting(c["id"], chair_id=c["chair"])
    web = client_as("mealcommittee_a", lang="en")
    first = upload(web, pk, "食谱.pdf", PDF)
    assert first.status_code == 201, first.get_json()
    svg = upload(web, pk, "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    assert svg.status_code == 400 and svg.get_json()["message"]
    web.post(f"/meetingview/do/circulate/{pk}")
    web.post(f"/meetingview/do/approve/{pk}")
    assert upload(web, pk, "发票.pdf", PDF).status_code == 409
    assert "食谱.pdf" in web.get(f"/meetingview/show/{pk}").get_data(as_text=True)


def test_an_open_item_waits_for_its_owner_and_circulated_minutes_for_their_chair(meals, client_as):
    from app.audit import acting_as
    from plugins.meals.models import Member

    c = meals.committee()  # mealcommittee_a is the chair
    owner_staff = meals.staff_for("auditor_a")
    with meals.app.app_context(), acting_as(None, "tests", "cli"):
        m = Member(committee_id=c["id"], staff_id=owner_staff, role="other", term_from=date(2020, 1, 1))
        meals.session().add(m)
        meals.session().commit()
        owner = m.id
    pk = meals.meeting(c["id"], chair_id=c["chair"])
    chair = client_as("mealcommittee_a", lang="en")
    chair.post(f"/meetingview/item/{pk}", data={"description": "检查消毒柜", "owner_member_id": str(owner)})
    assert "检查消毒柜" in client_as("auditor_a").get("/todo/").get_data(as_text=True)
    chair.post(f"/meetingview/do/circulate/{pk}")
    todo = chair.get("/todo/").get_data(as_text=True)
    assert "Minutes to approve" in todo and "to approve" in todo
    chair.post(f"/meetingview/do/approve/{pk}")
    assert "Minutes to approve" not in chair.get("/todo/").get_data(as_text=True)


def test_the_dashboard_tiles_show_for_the_committee(meals, client_as):
    c = meals.committee()
    meals.meeting(c["id"], held_on=date(2030, 5, 1))
    page = client_as("mealcommittee_a", lang="en").get("/").get_data(as_text=True)
    assert 'id="widget-meals-next"' in page and 'id="widget-meals-overdue"' in page and 'id="widget-meals-rate"' in page

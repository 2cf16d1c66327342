"""External members' phones, like the visitors' numbers (tests/plugins/visitors/test_privacy.py):
no raw phone for any role but Director and Admin on any page, print, export or API answer of the
committee, nor in the audit log; prints and the notice carry neither phone nor child's class for
anyone; a masked phone shown in a form is never written back."""
from __future__ import annotations

import io
import zipfile

import pytest

USERS = ["admin_a", "director_a", "gatekeeper_a", "assetkeeper_a", "appraiser_a", "mealcommittee_a", "staff_a",
         "auditor_a", "gatekeeper_b", "staff_none"]
SEES_PERSONAL = {"admin_a", "director_a"}
CLASS = "星星班"


def text_of(resp) -> str:
    if resp.data[:2] == b"PK":  # xlsx: every part of the workbook
        with zipfile.ZipFile(io.BytesIO(resp.data)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return resp.get_data(as_text=True)


@pytest.fixture(scope="module")
def seeded(app, campuses):
    """A committee of campus TA with a parent member (raw phone, child's class), a published meeting
    she attended, and an item she owns."""
    from app.audit import acting_as
    from app.extensions import db
    from plugins.meals.models import Member

    from .conftest import Meals

    meals = Meals(app, campuses)
    c = meals.committee(campuses=("TA",), parents=1)
    with app.app_context(), acting_as(None, "tests", "cli"):
        parent = db.session.get(Member, c["parents"][0])
        parent.child_class = CLASS
        db.session.commit()
    pk = meals.meeting(c["id"], chair_id=c["chair"])
    director = _login(app, "director_a")
    director.post(f"/meetingview/attend/{pk}", data={"member_id": c["parents"][0], "present": "1"})
    director.post(f"/meetingview/item/{pk}", data={"description": "家长试餐", "owner_member_id": str(c["parents"][0])})
    for name in ("circulate", "approve", "publish"):
        director.post(f"/meetingview/do/{name}/{pk}")
    return {"committee": c["id"], "member": c["parents"][0], "phone": c["phones"][0], "meeting": pk}


def _login(app, username):
    from tests.conftest import login

    return login(app, username, lang="zh")


def urls(s):
    m, pk = s["member"], s["meeting"]
    return ["/", f"/memberview/list/?_flt_0_committee={s['committee']}", f"/memberview/show/{m}",
            f"/memberview/edit/{m}", f"/memberview/export/?_flt_0_committee={s['committee']}",
            f"/meetingview/show/{pk}", f"/meals/reports/minutes/{pk}", f"/meals/reports/notice/{pk}",
            "/actionitemview/list/", "/actionitemview/export/",
            "/auditlogview/list/?psize_AuditLogView=100", "/auditlogview/export/"]


@pytest.mark.parametrize("username", USERS)
def test_no_raw_phone_on_any_committee_page_print_or_export(app, client_as, seeded, username):
    c = client_as(username)
    for url in urls(seeded):
        body = text_of(c.get(url))
        if username not in SEES_PERSONAL:
            assert seeded["phone"] not in body, (username, url)
    for url in (f"/meals/reports/minutes/{seeded['meeting']}", f"/meals/reports/notice/{seeded['meeting']}"):
        body = c.get(url).get_data(as_text=True)
        assert seeded["phone"][-4:] not in body and CLASS not in body, (username, url)  # never printed


@pytest.mark.parametrize("username", USERS)
def test_no_raw_phone_in_any_api_answer(app, api_as, seeded, username):
    client, headers = api_as(username)
    for url in ("/api/v1/mealsmember/", f"/api/v1/mealsmember/{seeded['member']}",
                "/api/v1/mealsmember/?q=(page_size:100)"):
        body = client.get(url, headers=headers).get_data(as_text=True)
        if username not in SEES_PERSONAL:
            assert seeded["phone"] not in body, (username, url)


def test_director_and_admin_read_the_phone_in_full(app, client_as, api_as, seeded):
    for username in SEES_PERSONAL:
        assert seeded["phone"] in client_as(username).get(f"/memberview/show/{seeded['member']}").get_data(as_text=True)
        client, headers = api_as(username)
        assert seeded["phone"] in client.get(f"/api/v1/mealsmember/{seeded['member']}",
                                             headers=headers).get_data(as_text=True)


def test_a_masked_phone_in_the_member_form_is_not_written_back(app, client_as, seeded):
    from app.extensions import db
    from plugins.meals.models import Member

    web = client_as("mealcommittee_a")
    page = web.get(f"/memberview/edit/{seeded['member']}").get_data(as_text=True)
    masked = seeded["phone"][:3] + "****" + seeded["phone"][-4:]
    assert f'value="{masked}"' in page
    with app.app_context():
        m = db.session.get(Member, seeded["member"])
        form = {"committee": str(m.committee_id), "staff": "", "name": m.name, "phone": masked,
                "child_class": "月亮班", "role": m.role, "term_from": m.term_from.isoformat(), "term_to": ""}
    resp = web.post(f"/memberview/edit/{seeded['member']}", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1500]
    from app.audit import acting_as

    with app.app_context(), acting_as(None, "tests", "cli"):
        m = db.session.get(Member, seeded["member"])
        assert m.phone == seeded["phone"] and m.child_class == "月亮班"
        m.child_class = CLASS
        db.session.commit()

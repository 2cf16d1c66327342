"""The house list widget (formatters applied in Python, row buttons made once per page) renders
the very HTML of Flask-AppBuilder's own list widget."""
import re

import pytest


def _normalised(body: bytes) -> str:
    text = re.sub(r'name="csrf_token" value="[^"]*"|nonce="[^"]*"|name="csrf-token" content="[^"]*"', "", body.decode("utf-8"))
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("user", ["director_a", "staff_a"])
def test_the_house_list_is_fabs_list_html(app, client_as, monkeypatch, ctx, campuses, uid, user):
    from app.audit import acting_as
    from app.models import Staff
    from app.views.base import HouqinListWidget

    with acting_as(None, "tests", "cli"):
        for name in ("列表甲", "列表乙"):
            ctx.session.add(Staff(name=name, staff_no=uid("LW"), employment_type="contract",
                                  campus_id=campuses["TA"], personal_phone="13812345678", active=True))
        ctx.session.commit()

    c = client_as(user)
    urls = ["/staffview/list/", "/staffview/list/?psize_StaffView=100"]
    for url in urls + (["/departmentview/list/"] if user == "director_a" else []):
        house = c.get(url)
        assert house.status_code == 200
        monkeypatch.setattr(HouqinListWidget, "template", "appbuilder/general/widgets/list.html")
        stock = c.get(url)
        monkeypatch.undo()
        assert _normalised(house.data) == _normalised(stock.data), url
        assert "/staffview/" not in url or "/staffview/show/" in house.get_data(as_text=True)

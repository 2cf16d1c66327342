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


@pytest.mark.parametrize("query", [
    "", "?page_StaffView=3", "?_oc_StaffView=name&_od_StaffView=asc", "?_oc_StaffView=name&_od_StaffView=desc",
    "?_flt_0_name=%E7%8E%8B%E4%BC%9F&psize_StaffView=100&page_StaffView=2",
    "?_flt_0_name=a+b%26c%3Dd&_flt_0_name=second&next=/x?y=1#z", "?_anchor=top&page_StaffView=1",
    "?empty=&_od_StaffView=asc",
])
def test_the_list_links_are_fabs(app, query):
    """The house link_order / link_page / link_page_size filters (one url_for per page, not per
    link) write exactly the addresses of Flask-AppBuilder's own."""
    from flask_appbuilder.filters import TemplateFilters

    filters = app.jinja_env.filters
    assert filters["link_page"].__module__ == "app.views.frame"
    with app.test_request_context("/staffview/list/" + query):
        for value in ("name", "staff_no", 1, 7, "10"):
            assert filters["link_order"](value, "StaffView") == TemplateFilters.link_order_filter(None, value, "StaffView")
            assert filters["link_page"](value, "StaffView") == TemplateFilters.link_page_filter(None, value, "StaffView")
            assert filters["link_page_size"](value, "StaffView") == \
                TemplateFilters.link_page_size_filter(None, value, "StaffView")

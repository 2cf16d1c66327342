"""Issue 13, points 8 and 9 without a browser: the desk's purpose and host fields are search
boxes whose entries carry pinyin keys (张丽 is found by "zl"), the desk says what Enter does, and
the visits list leaves party size, plate, badge and the document number to the show page."""
from __future__ import annotations

import json
import re


def _keys(html: str, field: str) -> dict:
    found = re.search(rf'<script type="application/json" id="hq-keys-{field}">(.*?)</script>', html, re.S)
    assert found, field
    return json.loads(found.group(1))


def test_the_desk_host_search_finds_zhang_li_by_zl(gate, client_as):
    zhang_li = gate.staff(name="张丽")
    html = client_as("gatekeeper_a").get("/gate/desk/").get_data(as_text=True)
    assert 'data-hq-combo data-hq-combo-keys="hq-keys-host_id"' in html
    assert "zl" in _keys(html, "host_id")[str(zhang_li)].split()
    assert "jiazhang" in " ".join(_keys(html, "purpose_id").values())  # 家长
    assert "回车键" in html  # what Enter does, on screen


def test_the_desk_says_where_the_language_switch_returns_to(gate, client_as, campuses):
    html = client_as("gatekeeper_a").get("/gate/desk/").get_data(as_text=True)
    assert f'data-hq-return="/gate/desk/?campus_id={campuses["TA"]}"' in html


def test_the_visits_list_folds_its_least_used_columns_into_the_show_page(gate, client_as):
    visit = gate.visit(plate="沪C54321", badge="F9", party_size=3)
    client = client_as("director_a")
    head = re.search(r"<thead>.*?</thead>", client.get("/visitview/list/").get_data(as_text=True), re.S).group(0)
    for label in ("车牌", "来访证号", "人数", "证件号码"):
        assert label not in head
    show = client.get(f"/visitview/show/{visit}").get_data(as_text=True)
    assert "沪C54321" in show and "F9" in show

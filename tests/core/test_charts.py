"""The offline SVG charts: four kinds, axis titles as given (translated by the caller), and
figures that read without colour — values on bars, lines told apart by dash and marker and
named at their end, stacked parts told apart by patterns named in the legend."""
from __future__ import annotations

import re

import pytest

from app.charts import hbar_svg, line_svg, nice_ceiling, stacked_bar_svg, vbar_svg

DAYS = [f"11/{d}" for d in range(1, 8)]


@pytest.mark.parametrize("peak,top,step", [(0, 1, 1), (3, 3, 1), (7, 8, 2), (37, 40, 10), (100, 100, 25),
                                           (1234, 1500, 500), (9, 10, 5), (0.3, 0.3, 0.1),
                                           (1, 1, 1), (2, 2, 1), (1.0, 1.0, 0.5)])
def test_axes_end_on_a_round_number(peak, top, step):
    got_top, got_step = nice_ceiling(peak)
    assert got_top == pytest.approx(top) and got_step == pytest.approx(step)
    assert got_top >= peak


def test_lines_differ_by_dash_and_marker_and_are_named_at_their_end(app):
    with app.test_request_context():
        svg = str(line_svg("每日来访", DAYS, [("来访", [3, 5, 2, 8, 6, 4, 7]), ("拒绝入内", [0, 1, 0, 2, 0, 0, 1])],
                           x_label="日期", y_label="人次"))
    paths = re.findall(r'<path d="M[^"]*" fill="none" stroke="([^"]+)" stroke-width="2"([^/]*)/>', svg)
    assert len(paths) == 2 and paths[0][1] != paths[1][1]  # one solid, one dashed
    assert "<circle" in svg and "<rect x=" in svg  # circle and square markers
    assert svg.count(">来访<") == 2 and svg.count(">拒绝入内<") == 2  # legend and direct label
    assert ">日期<" in svg and "rotate(-90" in svg and ">人次<" in svg  # axis titles in the caller's words
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_stacked_parts_carry_distinct_patterns_named_in_the_legend(app):
    series = [("家长", [1, 2, 3, 0, 1, 2, 1]), ("送货", [2, 0, 1, 1, 0, 0, 2]), ("其他", [0, 1, 1, 1, 1, 1, 1])]
    with app.test_request_context():
        first = str(stacked_bar_svg("按时段", DAYS, series, x_label="时段", y_label="人次"))
        second = str(stacked_bar_svg("按时段", DAYS, series))
    patterns = re.findall(r'<pattern id="([^"]+)"[^>]*>(.*?)</pattern>', first)
    assert len(patterns) == 3 and len({body for _, body in patterns}) == 3  # each part its own look
    for pid, _ in patterns:
        assert first.count(f"url(#{pid})") >= 2  # the bars and the legend swatch
    ids_second = re.findall(r'<pattern id="([^"]+)"', second)
    assert not set(ids_second) & {pid for pid, _ in patterns}  # two charts on one page do not clash
    assert ">3<" in first and ">家长<" in first  # totals over the bars, names in the legend


def test_bars_carry_their_values_and_axis_titles(app):
    with app.test_request_context():
        h = str(hbar_svg("按事由", [("家长", 12), ("送货", 5)], x_label="人次"))
        v = str(vbar_svg("按时段", [(str(h), h % 5) for h in range(24)], x_label="时", y_label="人次"))
    assert ">12<" in h and ">5<" in h and ">人次<" in h
    assert ">时<" in v and ">人次<" in v and 'stroke="#ddd"' in v  # grid lines at the ticks


def test_an_empty_chart_says_so_in_the_users_language(app):
    from flask import session
    from flask_babel import gettext

    with app.test_request_context():
        session["locale"] = "zh"
        empty = gettext("No data")
        assert empty != "No data"
        assert empty in str(line_svg("空", [], [])) and empty in str(stacked_bar_svg("空", [], []))
        assert empty in str(hbar_svg("空", [])) and empty in str(vbar_svg("空", []))

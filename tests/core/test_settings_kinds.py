"""Settings: decimal and date kinds (typed, validated, stored exactly), one key declared twice
stops start-up naming both, a change reaches every worker and host on its next request (the
version read with the user), and a dashboard tile that raises becomes a small error tile."""
from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

import pytest
from markupsafe import Markup

from app.plugin import Plugin, PluginError, Registry, SettingSpec, Widget
from app.settings import SettingError, parse, typed

RATE = SettingSpec("fee_band_pct", "Band", Decimal("2.00"), "decimal", minimum=Decimal("0"), maximum=10, places=2)
TERM = SettingSpec("term_start", "Term starts", "2026-09-01", "date", minimum="2020-01-01", maximum=date(2035, 12, 31))


@pytest.mark.parametrize("raw,stored", [
    ("2", "2.00"), ("2.5", "2.50"), (" 1.25 ", "1.25"), ("２．５", "2.50"), ("2。5", "2.50"), ("0", "0.00"),
    ("10", "10.00"),
])
def test_a_decimal_is_kept_exactly(raw, stored):
    assert parse(RATE, raw) == stored
    assert typed(RATE, stored) == Decimal(stored)


@pytest.mark.parametrize("raw,message", [
    ("abc", "Enter a number, e.g. 2.5."), ("1,5", "Enter a number, e.g. 2.5."), ("NaN", "Enter a number, e.g. 2.5."),
    ("Infinity", "Enter a number, e.g. 2.5."), ("2.555", "At most 2 digits after the decimal point."),
    ("-0.01", "Enter a number from 0 to 10."), ("10.01", "Enter a number from 0 to 10."),
    ("", "This field is required."),
])
def test_a_bad_decimal_says_what_is_wrong(raw, message):
    with pytest.raises(SettingError) as err:
        parse(RATE, raw)
    assert str(err.value.args[0]) == message


@pytest.mark.parametrize("raw,day", [("2026-09-01", date(2026, 9, 1)), ("2026/09/01", date(2026, 9, 1)),
                                     ("2035-12-31", date(2035, 12, 31))])
def test_a_date_is_read_as_a_date(raw, day):
    assert typed(TERM, parse(TERM, raw)) == day


@pytest.mark.parametrize("raw,message", [
    ("1.9.2026", "Enter a date as YYYY-MM-DD."), ("2026-02-30", "Enter a date as YYYY-MM-DD."),
    ("2019-12-31", "Enter a date from 2020-01-01 to 2035-12-31."),
])
def test_a_bad_date_says_what_is_wrong(raw, message):
    with pytest.raises(SettingError) as err:
        parse(TERM, raw)
    assert str(err.value.args[0]) == message


@pytest.fixture()
def kinds_declared(app, monkeypatch):
    registry = app.extensions["houqin"]
    monkeypatch.setattr(registry, "settings", registry.settings + [RATE, TERM])
    yield
    from app.audit import acting_as
    from app.extensions import db

    settings = app.extensions["houqin_settings"]
    with app.app_context(), acting_as(None, "tests", "cli"):
        settings.set(db.session, RATE.key, None)
        settings.set(db.session, TERM.key, None)
        db.session.commit()


def test_decimal_and_date_settings_on_the_screen(app, client_as, kinds_declared):
    c = client_as("director_a")
    page = c.get("/settings/").get_data(as_text=True)
    assert 'name="fee_band_pct"' in page and 'value="2.00"' in page and 'inputmode="decimal"' in page
    assert 'type="date" id="term_start"' in page and 'value="2026-09-01"' in page
    bad = c.post("/settings/", data={"fee_band_pct": "2,5", "term_start": "明年"})
    body = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "请输入数字，如 2.5。" in body and "请按“年-月-日”格式输入日期" in body
    assert 'value="2,5"' in body  # what was typed stays
    assert c.post("/settings/", data={"fee_band_pct": "1.5", "term_start": "2027-02-20"}).status_code == 302
    with app.test_request_context():
        settings = app.extensions["houqin_settings"]
        assert settings.get("fee_band_pct") == Decimal("1.50") and settings.get("term_start") == date(2027, 2, 20)
    assert 'value="1.50"' in c.get("/settings/").get_data(as_text=True)


def test_a_setting_key_declared_by_two_plugins_stops_start_up_naming_both():
    first = Plugin(name="meals", title="Meals", settings=[SettingSpec("band_pct", "Band", 2, "int")])
    second = Plugin(name="assets", title="Assets", settings=[SettingSpec("band_pct", "Other band", 3, "int")])
    with pytest.raises(PluginError, match=r"'band_pct' is declared by plugin 'meals' and by plugin 'assets'"):
        Registry([first, second]).ensure_loaded(None)
    core = Plugin(name="core", title="Core", settings=[SettingSpec("timezone", "Zone", "UTC", "timezone")])
    clash = Plugin(name="meals", title="Meals", settings=[SettingSpec("timezone", "Zone", "UTC", "timezone")])
    with pytest.raises(PluginError, match=r"'timezone' is declared by core and by plugin 'meals'"):
        Registry([clash], core=core).ensure_loaded(None)


def test_a_to_do_kind_or_panel_declared_twice_stops_start_up():
    from app.plugin import Panel, Todo

    kind = Todo("gate.waiting", "Waiting", lambda u: None, lambda u, n: [])
    with pytest.raises(PluginError, match=r"to-do kind 'gate.waiting', which plugin 'a' already declares"):
        Registry([Plugin(name="a", title="A", todos=[kind]), Plugin(name="b", title="B", todos=[kind])]).ensure_loaded(None)
    panel = Panel("mine", "Mine", lambda v, s: None)
    with pytest.raises(PluginError, match=r"panel 'mine', which plugin 'a' already declares"):
        Registry([Plugin(name="a", title="A", panels=[panel]),
                  Plugin(name="b", title="B", panels=[panel])]).ensure_loaded(None)


@pytest.mark.slow
def test_a_settings_change_reaches_another_worker_on_its_next_request(app, app_on, client_as, login_fn):
    """Two apps on one database are two workers (or two hosts): the second shows the new name on
    its very next request, never the old and new values alternately."""
    with app.test_request_context():
        before = app.extensions["houqin_settings"].get("institution_name")
    other = app_on(app.config["SQLALCHEMY_DATABASE_URI"])
    there = login_fn(other, "staff_a")
    assert f'hq-institution">{before}<' in there.get("/").get_data(as_text=True)  # its cache holds it now
    here = client_as("director_a")
    try:
        assert here.post("/settings/", data={"institution_name": "阳光第二幼儿园"}).status_code == 302
        for _ in range(3):
            assert 'hq-institution">阳光第二幼儿园<' in there.get("/").get_data(as_text=True)
    finally:
        here.post("/settings/", data={"institution_name": before})
    assert f'hq-institution">{before}<' in there.get("/").get_data(as_text=True)


def test_a_tile_that_raises_becomes_a_small_error_tile(app, client_as, monkeypatch, caplog):
    from sqlalchemy import text

    from app.extensions import db

    def broken_sql(appbuilder):
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))

    def broken_python(appbuilder):
        raise ZeroDivisionError("tile bug")

    registry = app.extensions["houqin"]
    fine = Widget("fine", lambda ab: Markup('<div id="fine-tile">fine</div>'), order=99)
    monkeypatch.setattr(registry, "widgets", [Widget("broken_sql", broken_sql, order=1),
                                              Widget("broken_python", broken_python, order=2)]
                        + registry.widgets + [fine])
    with caplog.at_level(logging.ERROR, logger="app.views.dashboard"):
        resp = client_as("director_a").get("/")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'data-widget="broken_sql"' in page and 'data-widget="broken_python"' in page
    assert "此卡片暂时无法显示，错误已记录。" in page
    assert 'id="fine-tile"' in page and 'id="widget-health-certs"' in page  # the others still show
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "broken_sql" in logged and "broken_python" in logged


def test_a_form_without_the_checkboxes_leaves_them_and_unticking_all_of_them_empties_them(app, client_as):
    """The settings form marks each checkbox field with a hidden "": a post without the field (a
    form of one section, a script) leaves the stored choice alone; the form with every box
    unticked stores none. Before, any partial post emptied the allowed attachment kinds."""
    from app.extensions import db

    settings = app.extensions["houqin_settings"]
    with app.app_context():
        before = settings.get("attachment_kinds")
    assert before, "the seed allows some kinds"
    c = client_as("director_a")
    page = c.get("/settings/").get_data(as_text=True)
    assert '<input type="hidden" name="attachment_kinds" value="">' in page
    try:
        assert c.post("/settings/", data={"health_cert_warning_days": "30"}).status_code == 302
        with app.app_context():
            assert settings.get("attachment_kinds") == before
        assert c.post("/settings/", data={"attachment_kinds": ["", "image"]}).status_code == 302
        with app.app_context():
            assert settings.get("attachment_kinds") == ["image"]
        assert c.post("/settings/", data={"attachment_kinds": [""]}).status_code == 302
        with app.app_context():
            assert settings.get("attachment_kinds") == []
    finally:
        with app.app_context():
            settings.set(db.session, "attachment_kinds", before)
            db.session.commit()
        settings.invalidate()

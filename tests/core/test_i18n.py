"""Bilingual shell: Chinese by default, English one click away, complete catalogues."""
import os
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRANSLATIONS = os.path.join(ROOT, "translations")


def _catalog(lang):
    with open(os.path.join(TRANSLATIONS, lang, "LC_MESSAGES", "messages.po"), "rb") as fh:
        return read_po(fh)


def test_every_chinese_entry_is_translated_and_none_is_fuzzy():
    bad = [m.id for m in _catalog("zh") if m.id and (not m.string or m.fuzzy)]
    assert bad == []


def test_catalogues_hold_every_string_of_the_template():
    with open(os.path.join(TRANSLATIONS, "messages.pot"), "rb") as fh:
        pot = {m.id for m in read_po(fh) if m.id}
    for lang in ("zh", "en"):
        assert pot - {m.id for m in _catalog(lang) if m.id} == set(), lang


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compiled_catalogues_are_not_stale(lang):
    po = {m.id: m.string for m in _catalog(lang) if m.id and m.string}
    with open(os.path.join(TRANSLATIONS, lang, "LC_MESSAGES", "messages.mo"), "rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id and m.string}
    assert mo == po


def test_template_is_current_with_the_source(tmp_path):
    """A string added to code without `make i18n` fails here."""
    import subprocess
    import sys

    out = tmp_path / "fresh.pot"
    pybabel = os.path.join(os.path.dirname(sys.executable), "pybabel")
    subprocess.run([pybabel, "-q", "extract", "-F", "babel.cfg", "-k", "N_", "-k", "_l", "-k", "lazy_gettext",
                    "-o", str(out), "."], cwd=ROOT, check=True)
    with open(out, "rb") as fh:
        fresh = {m.id for m in read_po(fh) if m.id}
    with open(os.path.join(TRANSLATIONS, "messages.pot"), "rb") as fh:
        current = {m.id for m in read_po(fh) if m.id}
    assert fresh - current == set(), "run `make i18n`"


def test_our_catalogue_fills_what_flask_appbuilders_chinese_misses():
    import importlib.util

    spec = importlib.util.spec_from_file_location("i18n_update", os.path.join(TRANSLATIONS, "update.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    gaps = mod.fab_gaps()
    assert len(gaps) >= 20 and "Add" in gaps
    ours = {m.id: m.string for m in _catalog("zh") if m.id}
    assert [g for g in gaps if not ours.get(g)] == []


def test_a_first_visit_is_in_chinese(app, anon):
    body = anon.get("/login/").get_data(as_text=True)
    assert "登录" in body


def test_a_first_visit_with_an_english_browser_starts_in_english(app):
    client = app.test_client()
    body = client.get("/login/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Login" in body and "登录" not in body


def test_the_navbar_switch_goes_to_english_and_back_and_persists(app, client_as):
    c = client_as("director_a")
    assert "工作台" in c.get("/").get_data(as_text=True)
    c.get("/lang/en")
    page = c.get("/").get_data(as_text=True)
    assert "Dashboard" in page and "中文" in page
    assert "Dashboard" in c.get("/").get_data(as_text=True)  # persists for the session
    c.get("/lang/zh")
    assert "工作台" in c.get("/").get_data(as_text=True)


@pytest.mark.parametrize("lang,expected", [("zh", "2026年11月22日"), ("en", "22 Nov 2026")])
def test_dates_read_naturally_in_each_language(lang, expected):
    from app.i18n import format_date

    assert format_date(date(2026, 11, 22), lang) == expected


def test_datetimes_are_shown_in_the_institutions_zone(app):
    from app.i18n import format_datetime

    with app.test_request_context():
        # 00:30 UTC is 08:30 in Asia/Shanghai
        assert format_datetime(datetime(2026, 11, 22, 0, 30, tzinfo=timezone.utc), "zh") == "2026年11月22日 08:30"


@pytest.mark.parametrize("value,expected", [(Decimal("1234.5"), "¥1,234.50"), (0, "¥0.00"),
                                            (Decimal("-3.005"), "-¥3.01"), ("1000000", "¥1,000,000.00")])
def test_money_reads_the_same_in_both_languages(value, expected):
    from app.i18n import format_money

    assert format_money(value) == expected

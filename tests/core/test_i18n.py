"""Bilingual shell: Chinese by default, English one click away, complete catalogues."""
import importlib.util
import os
import sys
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRANSLATIONS = os.path.join(ROOT, "translations")


def _update_module():
    spec = importlib.util.spec_from_file_location("i18n_update", os.path.join(TRANSLATIONS, "update.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclass looks itself up there
    spec.loader.exec_module(mod)
    return mod


UPDATE = _update_module()
CATALOGUES = UPDATE.catalogues()
NAMES = [c.name for c in CATALOGUES]


def _po(cat, lang):
    with open(cat.po(lang), "rb") as fh:
        return read_po(fh, locale=lang)


def test_core_and_every_built_in_plugin_have_a_catalogue():
    assert NAMES[0] == "core" and "visitors" in NAMES
    for cat in CATALOGUES:
        for lang in ("zh", "en"):
            assert os.path.exists(cat.po(lang)), cat.po(lang)


@pytest.mark.parametrize("cat", CATALOGUES, ids=NAMES)
def test_every_chinese_entry_is_translated_and_none_is_fuzzy(cat):
    # a plural entry's string is a tuple: every form must be there
    bad = [m.id for m in _po(cat, "zh") if m.id and (
        m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert bad == []


@pytest.mark.parametrize("cat", CATALOGUES, ids=NAMES)
def test_no_english_entry_is_fuzzy(cat):
    """English msgids are the English text (an empty msgstr shows them as they are), but a fuzzy
    entry is left out of the compiled catalogue: a guess nobody checked."""
    assert [m.id for m in _po(cat, "en") if m.id and m.fuzzy] == []


@pytest.mark.parametrize("cat", CATALOGUES, ids=NAMES)
def test_catalogues_hold_every_string_of_their_template(cat):
    with open(cat.pot, "rb") as fh:
        pot = {UPDATE.key(m) for m in read_po(fh) if m.id}
    for lang in ("zh", "en"):
        assert pot - {UPDATE.key(m) for m in _po(cat, lang) if m.id} == set(), lang


@pytest.mark.parametrize("cat", CATALOGUES, ids=NAMES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compiled_catalogues_are_built_and_not_stale(cat, lang):
    """`make catalogues` (part of `make run` and `make test`) builds them; git holds only the .po."""
    po = {UPDATE.key(m): m.string for m in _po(cat, lang) if m.id and m.string}
    with open(cat.po(lang)[:-3] + ".mo", "rb") as fh:
        mo = {UPDATE.key(m): m.string for m in read_mo(fh) if m.id and m.string}
    assert mo == po


@pytest.mark.slow
def test_templates_are_current_with_the_source():
    """A string added to code without `make i18n` fails here: each catalogue's folder is
    extracted afresh and compared with its messages.pot."""
    core = None
    for cat in CATALOGUES:
        fresh = UPDATE.template(cat, core)
        if core is None:
            core = {UPDATE.key(m) for m in fresh if m.id}
        with open(cat.pot, "rb") as fh:
            current = {UPDATE.key(m) for m in read_po(fh) if m.id}
        assert {UPDATE.key(m) for m in fresh if m.id} - current == set(), f"{cat.name}: run `make i18n`"


def test_no_msgid_is_translated_differently_in_two_catalogues():
    """They are merged into one at run time and the last one wins: a word that means two things
    (巡查 at the gate, 轮次 in appraisal for "Round") needs a context (pgettext)."""
    for lang in ("zh",):
        seen: dict[tuple, tuple[str, str]] = {}
        clashes = []
        for cat in CATALOGUES:
            for message in _po(cat, lang):
                if not message.id or not message.string:
                    continue
                k = UPDATE.key(message)
                if k in seen and seen[k][1] != message.string:
                    clashes.append((k, seen[k], (cat.name, message.string)))
                seen.setdefault(k, (cat.name, message.string))
        assert clashes == []


def test_our_catalogue_fills_what_flask_appbuilders_chinese_misses():
    gaps = UPDATE.fab_gaps()
    assert len(gaps) >= 20 and "Add" in gaps
    ours = {m.id: m.string for m in _po(CATALOGUES[0], "zh") if m.id}
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


def test_a_message_with_a_bare_percent_sign_is_shown_not_a_500(app):
    """Flask-AppBuilder's form template shows each field error through `_(error)`, which
    %-formats: "the weights add up to 90 %" used to raise. Formatting still works where it is
    meant: "%%" reads "%", and variables are filled in."""
    with app.test_request_context("/"):
        env = app.jinja_env
        assert env.from_string("{{ _(m) }}").render(m="合计 90 %，应为 100 %") == "合计 90 %，应为 100 %"
        assert env.from_string("{{ _(m) }}").render(m="<b>50 %</b>") == "&lt;b&gt;50 %&lt;/b&gt;"
        assert env.from_string('{{ _("50%%") }}').render() == "50%"
        assert env.from_string('{{ _("%(n)s done", n=3) }}').render() == "3 done"
        assert env.from_string("{% trans n=4 %}{{ n }} left{% endtrans %}").render() == "4 left"
        with pytest.raises(KeyError):
            env.from_string('{{ _("%(n)s done", m=3) }}').render()


def test_a_template_text_is_looked_up_once_per_language_and_kept_apart_by_language(app):
    """Template texts without variables are kept per language and escaping mode after their first
    lookup (each went through Flask-Babel again: ~30 µs, a hundred a page); texts with variables
    are formatted each time, and a kept text is never shown in the other language."""
    from flask import session
    from flask_babel import refresh

    template = app.jinja_env.from_string('{{ _("Save") }}|{{ _("50 %") }}|{{ _("%(n)s done", n=2) }}')
    for lang, expected in (("zh", "保存|50 %|2 done"), ("en", "Save|50 %|2 done"), ("zh", "保存|50 %|2 done")):
        with app.test_request_context("/"):
            session["locale"] = lang
            refresh()
            assert template.render() == expected, lang
    words = app.extensions["houqin_template_words"]
    assert words["zh"][(True, "Save")] == "保存" and words["en"][(True, "Save")] == "Save"
    # (other tests' pages keep their own texts here: only this one's text with a variable counts)
    assert not any(text in ("%(n)s done", "2 done") for lang in words for _, text in words[lang])

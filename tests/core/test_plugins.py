"""The plugin contract, seen from a third party: a small plugin defined here is
installed (a real dist-info with an entry point), and its view, menu, API, role
permissions, migration branch and translation appear; disabled, they disappear
and its table stays. Start-up stops with a clear message for broken setups."""
from __future__ import annotations

import importlib
import os
import sys

import pytest

from tests.seed import CHEAP_PASSWORD_HASH
from sqlalchemy import inspect, select

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "Test-Pass-2026!!"


def _install(site, name, module, target="plugin", code=None):
    """Write a minimal installed distribution: METADATA + entry_points.txt."""
    dist = os.path.join(site, f"{module}-0.1.dist-info")
    os.makedirs(dist, exist_ok=True)
    with open(os.path.join(dist, "METADATA"), "w") as fh:
        fh.write(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n")
    with open(os.path.join(dist, "entry_points.txt"), "w") as fh:
        fh.write(f"[houqin.plugins]\n{name} = {module}:{target}\n")
    if code is not None:
        with open(os.path.join(site, f"{module}.py"), "w") as fh:
            fh.write(code)


@pytest.fixture()
def site(tmp_path):
    """A site folder on sys.path for the duration of one test."""
    folder = tmp_path / "site"
    folder.mkdir()
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    yield str(folder)
    sys.path.remove(str(folder))
    from app.extensions import db

    for name in [t for t in db.Model.metadata.tables if t.startswith("sample_")]:
        db.Model.metadata.remove(db.Model.metadata.tables[name])  # uninstalled: its tables leave the metadata
    for mod in [m for m in sys.modules if m.startswith(("houqin_sample", "houqin_broken", "houqin_needy"))]:
        del sys.modules[mod]
    importlib.invalidate_caches()


@pytest.fixture()
def sample_installed(site):
    from tests.core.sample_app import install_sample

    install_sample(site)
    return site


def _make_app(tmp_path, name, plugins=None):
    from app import create_app

    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/{name}.db",
        "SECRET_KEY": "plugin-test-secret-0123456789abcdef012345", "TESTING": True,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "PLUGINS": plugins,
        "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
    }
    return create_app(config)


def _init(app):
    from flask_migrate import upgrade

    from app.audit import acting_as
    from app.cli import sync_permissions_and_roles

    with app.app_context(), acting_as(None, "tests", "cli"):
        upgrade(revision="heads")
        sync_permissions_and_roles()
        sm = app.appbuilder.sm
        if not sm.find_user("plugin_staff"):
            sm.add_user("plugin_staff", "P", "S", "ps@t", sm.find_role("Staff"), password=PASSWORD)


def _login(app):
    c = app.test_client()
    with c.session_transaction() as s:
        s["locale"] = "zh"
    assert c.post("/login/", data={"username": "plugin_staff", "password": PASSWORD}).status_code == 302
    return c


def _staff_permissions(app):
    with app.app_context():
        role = app.appbuilder.sm.find_role("Staff")
        return {(p.permission.name, p.view_menu.name) for p in role.permissions}


@pytest.mark.slow
def test_an_installed_plugin_appears_everywhere_and_disappears_when_disabled(sample_installed, tmp_path):
    app = _make_app(tmp_path, "p1", plugins="sample")
    _init(app)
    from app.extensions import db

    with app.app_context():
        assert "sample_note" in inspect(db.engine).get_table_names()  # its migration branch ran
    assert ("can_list", "SampleNoteView") in _staff_permissions(app)
    c = _login(app)
    page = c.get("/samplenoteview/list/").get_data(as_text=True)
    assert "示例便签" in page and "示例插件" in page  # view, menu, its own translation
    assert 'id="sample-widget"' in c.get("/").get_data(as_text=True)  # its dashboard widget
    with app.test_request_context():
        from flask import session
        from flask_babel import gettext, pgettext

        session["locale"] = "zh"
        assert pgettext("appraisal", "Round") == "轮次"  # a word with a context, from its catalogue
        assert gettext("Round") == "Round"
    token = app.test_client().post("/api/v1/security/login", json={
        "username": "plugin_staff", "password": PASSWORD, "provider": "db"}).get_json()["access_token"]
    assert app.test_client().get("/api/v1/samplenote/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    hello = c.get("/sample/hello").get_data(as_text=True)  # its own template, setting and stylesheet
    assert "示例插件向您问好" in hello and "轮次: 20" in hello and "/plugins/sample/static/sample.css" in hello
    assert c.get("/plugins/sample/static/sample.css").status_code == 200

    off = _make_app(tmp_path, "p1", plugins="")
    _init(off)
    c = _login(off)
    assert c.get("/samplenoteview/list/").status_code == 404
    assert "示例插件" not in c.get("/").get_data(as_text=True)
    assert 'id="sample-widget"' not in c.get("/").get_data(as_text=True)
    assert off.test_client().get("/api/v1/samplenote/").status_code == 404
    assert not {p for p in _staff_permissions(off) if p[1].startswith("SampleNote")}
    with off.app_context():
        assert "sample_note" in inspect(db.engine).get_table_names()  # disabling hides, never drops


@pytest.mark.slow
def test_a_plugin_brings_everything_from_its_one_folder(sample_installed, tmp_path):
    """The measure of a plugin: one folder and one entry-point line (here a dist-info's, for a
    built-in plugin a line in pyproject.toml). Its catalogue role, setting, command, demo data,
    migrations, translations, role page and routes all come from that folder."""
    from flask_migrate import upgrade

    from app.audit import acting_as
    from app.cli import sync_permissions_and_roles
    from app.demo import remove_demo
    from app.extensions import db
    from app.roles_doc import render, route_owner
    from houqin_sample.models import SampleNote

    folder = os.path.join(sample_installed, "houqin_sample")
    app = _make_app(tmp_path, "p6", plugins="sample")
    registry = app.extensions["houqin"]
    plugin = registry.plugin("sample")
    assert plugin.migrations == os.path.join(folder, "migrations", "versions")
    assert plugin.translations == os.path.join(folder, "translations")
    assert "SampleReviewer" in registry.catalogue  # a catalogue role of its own ...
    with app.app_context(), acting_as(None, "tests", "cli"):
        upgrade(revision="heads")
        sync_permissions_and_roles()
        reviewer = app.appbuilder.sm.find_role("SampleReviewer")  # ... synced like core's eight
        assert {(p.permission.name, p.view_menu.name) for p in reviewer.permissions} >= {
            ("can_list", "SampleNoteView"), ("menu_access", "Sample notes")}
        assert registry.setting_spec("sample_notes_per_page").default == 20
        plugin.demo(db.session)
        db.session.commit()
        assert db.session.query(SampleNote).filter_by(text="示例便签（演示）").count() == 1
        remove_demo()
        assert db.session.query(SampleNote).filter_by(text="示例便签（演示）").count() == 0
    assert "sample-count" in app.test_cli_runner().invoke(args=["houqin", "--help"]).output
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(("SampleNote", "SampleHello"))]
    assert rules and {route_owner(registry, r) for r in rules} == {"sample"}
    page = render(registry, "sample", {})
    assert "| SampleReviewer | 示例审核员 | Sample reviewer |" in page and "houqin_sample" not in page.split("##")[0]


@pytest.mark.slow
def test_a_record_type_can_hide_field_values_from_the_log_until_revealed(sample_installed, tmp_path):
    app = _make_app(tmp_path, "p5", plugins="sample")
    _init(app)
    from app.audit import HIDDEN, acting_as
    from app.extensions import db
    from app.models import AuditLog
    from houqin_sample.models import SampleNote

    with app.app_context(), acting_as(None, "tests", "cli"):
        note = SampleNote(text="月考", score=87, final=False)
        db.session.add(note)
        db.session.commit()
        note.score = 91
        db.session.commit()
        note.final = True
        note.score = 92
        db.session.commit()
        log = db.session.execute(select(AuditLog).where(AuditLog.table_name == "sample_note")
                                 .order_by(AuditLog.id)).scalars().all()
    assert log[0].changes["score"] == [None, HIDDEN]
    assert log[1].changes["score"] == [HIDDEN, HIDDEN]
    assert log[2].changes["score"] == [91, 92]  # finalised: the values may now be shown


def test_a_plugin_named_but_not_installed_stops_start_up(tmp_path):
    from app.plugin import PluginError

    with pytest.raises(PluginError, match="'ghost'.*not installed"):
        _make_app(tmp_path, "p2", plugins="ghost")


def test_a_plugin_that_fails_to_import_stops_start_up_naming_it(site, tmp_path):
    from app.plugin import PluginError

    _install(site, "broken", "houqin_broken", code="raise ImportError('missing dependency foo')\n")
    importlib.invalidate_caches()
    with pytest.raises(PluginError, match="'broken' failed to import.*foo"):
        _make_app(tmp_path, "p3", plugins="broken")


def test_a_plugin_requiring_a_disabled_plugin_stops_start_up(site, tmp_path):
    from app.plugin import PluginError

    _install(site, "needy", "houqin_needy", code=(
        "from app.plugin import Plugin\nplugin = Plugin(name='needy', title='Needy', requires=('absent',))\n"))
    importlib.invalidate_caches()
    with pytest.raises(PluginError, match="'needy' requires plugin 'absent'"):
        _make_app(tmp_path, "p4", plugins="needy")


def test_loading_twice_pushes_nothing_twice():
    from app.plugin import Plugin, Registry, Widget

    import app.plugin as contract

    calls = []
    plugin = Plugin(name="x", title="X", widgets=[Widget("w", lambda ab: None)])
    registry = Registry([plugin])
    registry.add_widget(Widget("w", lambda ab: None))
    saved = contract.INTEGRATIONS
    contract.INTEGRATIONS = saved + (lambda ab, manifest, reg: calls.append(manifest.name),)
    try:
        registry.ensure_loaded("ab")
        registry.ensure_loaded("ab")
    finally:
        contract.INTEGRATIONS = saved
    assert calls == ["x"] and len(registry.widgets) == 1

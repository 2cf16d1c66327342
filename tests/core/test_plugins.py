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


@pytest.mark.slow
def test_a_plugin_attaches_files_and_declares_an_import_with_nothing_of_its_own(sample_installed, app_on,
                                                                                  scratch_url):
    """docs/plugins.md's example, on the suite's kind of database: the manifest names an
    attachment owner and the view an importer; core gives the panel, the routes, the checks,
    the template, the errors and the match key."""
    import io

    import openpyxl

    from app.extensions import db
    from app.models import Staff
    from houqin_sample.models import SampleNote

    app = app_on(scratch_url, PLUGINS="sample")
    _init(app)
    with app.app_context():
        from app.models import Campus

        campus = Campus(name="样园", code="SY", active=True)
        db.session.add(campus)
        db.session.flush()
        sm = app.appbuilder.sm
        reviewer_user = sm.add_user("reviewer", "R", "V", "rv@t", sm.find_role("SampleReviewer"), password=PASSWORD)
        reviewer_user.campuses = [campus]  # the staff lookup searches the importer's campuses
        a = sm.add_user("staff_x", "S", "X", "sx@t", sm.find_role("Staff"), password=PASSWORD)
        for no in ("W1", "W2"):
            db.session.add(Staff(name="王伟", staff_no=no, campus_id=campus.id, employment_type="established",
                                 active=True))
        note = SampleNote(text="检查消毒柜", final=False)
        db.session.add(note)
        db.session.commit()
        note_id = a.id and note.id

    def login(username):
        c = app.test_client()
        with c.session_transaction() as s:
            s["locale"] = "zh"
        assert c.post("/login/", data={"username": username, "password": PASSWORD}).status_code == 302
        return c

    reviewer = login("reviewer")
    pdf = b"%PDF-1.4\n%%EOF\n"
    resp = reviewer.post(f"/attachments/sample.note/{note_id}/upload", data={"file": (io.BytesIO(pdf), "整改.pdf")},
                         content_type="multipart/form-data")
    assert resp.status_code == 302
    page = reviewer.get(f"/samplenoteview/show/{note_id}").get_data(as_text=True)
    assert "整改.pdf" in page and "hq-upload" in page  # the panel, from attachment_owner
    staff = login("staff_x")  # can_show only: reads the files, cannot add any
    assert "整改.pdf" in staff.get(f"/samplenoteview/show/{note_id}").get_data(as_text=True)
    assert staff.post(f"/attachments/sample.note/{note_id}/upload", data={"file": (io.BytesIO(pdf), "x.pdf")},
                      content_type="multipart/form-data", headers={"Accept": "application/json"}).status_code == 403

    template = openpyxl.load_workbook(io.BytesIO(reviewer.get("/samplenoteview/import/template/").data))
    assert [c.value for c in next(template.active.iter_rows(max_row=1))] == [
        "便签 Note text", "轮次 Round", "负责人 Person in charge"]

    def book(rows):
        wb = openpyxl.Workbook()
        wb.active.append(["便签", "轮次", "负责人"])
        for row in rows:
            wb.active.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        buf.seek(0)
        return buf

    def post(rows):
        return reviewer.post("/samplenoteview/import/", data={"file": (book(rows), "notes.xlsx")},
                             content_type="multipart/form-data")

    body = post([["检查留样冰箱", "2", "王伟"], ["x" * 201, "1", "W1"]]).get_data(as_text=True)
    assert "W1" in body and "W2" in body and "请改填工号" in body and "最多 200 个字符" in body
    assert post([["检查留样冰箱", "2", "W2"], ["检查消毒柜", "1", "W1"]]).status_code == 302
    with app.app_context():
        texts = sorted(db.session.execute(db.select(SampleNote.text)).scalars())
    assert texts == sorted(["检查留样冰箱", "检查消毒柜"])  # the note already there was not imported twice


def _user(app, username, roles, campuses=(), staff=None):
    """A login with these roles and campuses (ids), linked to the staff record `staff` (id) if given."""
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Campus, Staff

    with app.app_context(), acting_as(None, "tests", "cli"):
        sm = app.appbuilder.sm
        user = sm.add_user(username, username, "T", f"{username}@t", [sm.find_role(r) for r in roles],
                           password=PASSWORD)
        user.campuses = [db.session.get(Campus, c) for c in campuses]
        if staff is not None:
            db.session.get(Staff, staff).user_id = user.id
        db.session.commit()


def _login_as(app, username):
    c = app.test_client()
    with c.session_transaction() as s:
        s["locale"] = "zh"
    assert c.post("/login/", data={"username": username, "password": PASSWORD}).status_code == 302
    return c


@pytest.mark.slow
def test_a_plugins_panel_decides_per_viewer_and_a_colleague_finds_none_of_it(sample_installed, tmp_path):
    """The test plugin's private panel shows on a staff member's own record and to the office;
    staff A on colleague B's record — page, API, export — finds none of B's. With two plugins
    contributing to-do kinds, the navbar's count is still one statement."""
    from app.audit import acting_as
    from app.extensions import db
    from app.models import Campus, Staff
    from houqin_sample.models import SampleNote

    app = _make_app(tmp_path, "p7", plugins="sample,visitors")
    _init(app)
    with app.app_context(), acting_as(None, "tests", "cli"):
        campus = Campus(name="面板园", code="PNL", active=True)
        db.session.add(campus)
        db.session.flush()
        a = Staff(name="甲", staff_no="PNL-A", campus_id=campus.id, employment_type="contract", active=True)
        b = Staff(name="乙", staff_no="PNL-B", campus_id=campus.id, employment_type="contract", active=True)
        db.session.add_all([a, b, SampleNote(text="待定稿", final=False)])
        db.session.commit()
        campus_id, a_id, b_id = campus.id, a.id, b.id
    _user(app, "panel_a", ["Staff"], [campus_id], staff=a_id)
    _user(app, "panel_b", ["Staff"], [campus_id], staff=b_id)
    _user(app, "panel_auditor", ["Auditor"])
    _user(app, "panel_director", ["Director", "Staff"])
    mine, theirs = "sample-private-PNL-A", "sample-private-PNL-B"

    staff_a = _login_as(app, "panel_a")
    own = staff_a.get("/staffview/mine/")
    assert own.status_code == 302 and own.headers["Location"].endswith(f"/staffview/show/{a_id}")
    assert mine in staff_a.get(f"/staffview/show/{a_id}").get_data(as_text=True)
    colleague = staff_a.get(f"/staffview/show/{b_id}")
    assert colleague.status_code == 200 and "乙" in colleague.get_data(as_text=True)
    assert theirs not in colleague.get_data(as_text=True) and 'id="panel-sample-private"' not in \
        colleague.get_data(as_text=True)
    assert theirs not in staff_a.get("/staffview/list/").get_data(as_text=True)
    assert theirs not in staff_a.get("/staffview/export/").get_data(as_text=True)
    token = app.test_client().post("/api/v1/security/login", json={
        "username": "panel_a", "password": PASSWORD, "provider": "db"}).get_json()["access_token"]
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    answer = api.get(f"/api/v1/staff/{b_id}", headers=auth)
    assert answer.status_code == 200 and answer.get_json()["panels"] == []
    assert theirs not in answer.get_data(as_text=True)
    assert theirs not in api.get("/api/v1/staff/", headers=auth).get_data(as_text=True)
    assert api.get(f"/api/v1/staff/{a_id}", headers=auth).get_json()["panels"] == [
        {"name": "sample.private", "title": "Sample private panel", "data": {"marker": mine}}]

    auditor = _login_as(app, "panel_auditor")  # may export the staff list: still none of B's panel
    export = auditor.get("/staffview/export/")
    assert export.status_code == 200 and theirs.encode() not in export.data
    assert theirs not in auditor.get(f"/staffview/show/{b_id}").get_data(as_text=True)

    director = _login_as(app, "panel_director")  # the office sees it
    assert theirs in director.get(f"/staffview/show/{b_id}").get_data(as_text=True)
    director.get("/")
    from sqlalchemy import event

    from app.extensions import FRAME

    frames = []

    def note(conn, cursor, statement, parameters, context, executemany):
        frames.append(context.execution_options.get(FRAME))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        html = director.get("/todo/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    kinds = {t.name for t in app.extensions["houqin"].todos}
    assert {"sample.open", "visitors.host", "visitors.override"} <= kinds
    assert frames.count("todo") == 1 and "待定稿" in html

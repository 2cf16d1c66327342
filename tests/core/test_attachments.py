"""Attachments: the kind decided from the bytes (and what is refused), limits per file and per
request (refused before the body is read), sanitised names, download headers, thumbnails under a
pixel limit (decompression bombs and polyglots refused), access by the owning record (another
campus's, a draft the user may not read, a locked one), audit of uploads and deletions, and
Flask-AppBuilder's own download route serving none of it."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image
from sqlalchemy import select

from app.attachments import Access, AttachmentOwner
from app.filetypes import FileRefused, KINDS, image_trailer_ok, safe_filename, sniff
from app.models import Attachment, AuditLog, Building, Room

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png(size=(40, 30), color=(200, 30, 30)):
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def jpeg(size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


def webp():
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 200, 0)).save(buf, "WEBP")
    return buf.getvalue()


def ooxml(main: str, extra: dict | None = None, types: str = "<Types/>"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr(main, "<x/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def ole(*names: str) -> bytes:
    """A minimal OLE compound file (MS-CFB, 512-byte sectors) holding storages/streams by name."""
    sector = 512
    entries = [("Root Entry", 5)] + [(n, 2) for n in names]
    directory = b""
    for name, kind in entries:
        raw = name.encode("utf-16-le") + b"\0\0"
        entry = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1) + b"\xff" * 12
        directory += entry.ljust(128, b"\0")
    directory = directory.ljust(sector * ((len(directory) + sector - 1) // sector), b"\0")
    n_dir = len(directory) // sector
    fat = [0xFFFFFFFD] + [i + 2 for i in range(n_dir - 1)] + [0xFFFFFFFE]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(sector, b"\xff")
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<H", header, 0x20, 6)
    struct.pack_into("<II", header, 0x2C, 1, 1)  # one FAT sector; directory starts at sector 1
    struct.pack_into("<III", header, 0x38, 4096, 0xFFFFFFFE, 0)
    struct.pack_into("<II", header, 0x44, 0xFFFFFFFE, 0)
    difat = [0] + [0xFFFFFFFF] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)
    return bytes(header) + fat_sector + directory


def png_claiming(width, height):
    """A few hundred bytes whose header claims width x height pixels: a decompression bomb."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b"")


# -- what a file is ------------------------------------------------------------------------------

@pytest.mark.parametrize("data,code", [
    (jpeg(), "jpeg"), (png(), "png"), (webp(), "webp"), (PDF, "pdf"),
    (ooxml("word/document.xml"), "docx"), (ooxml("xl/workbook.xml"), "xlsx"), (ooxml("ppt/presentation.xml"), "pptx"),
    (ole("WordDocument"), "doc"), (ole("Workbook"), "xls"), (ole("PowerPoint Document"), "ppt"),
])
def test_the_kind_comes_from_the_content(data, code):
    assert sniff(data).code == code


@pytest.mark.parametrize("data,words", [
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    (b"<!DOCTYPE html><html><body>hi</body></html>", "SVG and HTML"),
    (b"\xef\xbb\xbf  <html><script>x</script>", "SVG and HTML"),
    (ooxml("word/document.xml", {"word/vbaProject.bin": b"VBA"}), "macros"),
    (ooxml("xl/workbook.xml", types='<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'), "macros"),
    (ole("WordDocument", "Macros"), "macros"),
    (ole("Workbook", "_VBA_PROJECT_CUR"), "macros"),
    (ole("EncryptedPackage"), "Password"),
    (b"MZ\x90\x00 an exe", "not accepted"),
    (ooxml("content.xml"), "not accepted"),
    (jpeg()[:20] + b"<script>alert(1)</script>" + jpeg()[20:], "SVG and HTML"),
])
def test_scriptable_macro_and_unknown_files_are_refused(data, words):
    with pytest.raises(FileRefused) as err:
        sniff(data)
    assert words.lower() in err.value.message.lower()


def test_a_zip_that_would_unpack_past_the_limit_is_refused():
    data = ooxml("word/document.xml", {"word/media/big.bin": b"\0" * (2 * 1024 * 1024)})
    with pytest.raises(FileRefused, match="unpacks"):
        sniff(data, max_unpacked=1024 * 1024)


def test_an_image_with_a_zip_appended_is_a_polyglot():
    assert image_trailer_ok(KINDS["jpeg"], jpeg()) and image_trailer_ok(KINDS["png"], png())
    assert not image_trailer_ok(KINDS["jpeg"], jpeg() + ooxml("word/document.xml"))
    assert not image_trailer_ok(KINDS["png"], png() + b"<html>")


@pytest.mark.parametrize("name,kind,expected", [
    ("../../etc/passwd", None, "passwd"), ("C:\\Users\\王\\发票 2026.pdf", "pdf", "发票 2026.pdf"),
    ("invoice.exe", "pdf", "invoice.exe.pdf"), (".hidden", None, "hidden"), ("a\x00b<>|.png", "png", "ab.png"),
    ("照片.JPG", "jpeg", "照片.jpg"), ("", "pdf", "file.pdf"), ("x" * 300 + ".pdf", "pdf", "x" * 116 + ".pdf"),
])
def test_names_are_sanitised(name, kind, expected):
    assert safe_filename(name, KINDS[kind] if kind else None) == expected


# -- through the web ---------------------------------------------------------------------------

@pytest.fixture()
def rooms(app, ctx, campuses, uid):
    """A room on each campus."""
    from app.audit import acting_as

    made = {}
    with acting_as(None, "tests", "cli"):
        for code in ("TA", "TB"):
            b = Building(name=uid("楼"), campus_id=campuses[code], active=True)
            ctx.session.add(b)
            ctx.session.flush()
            r = Room(building_id=b.id, campus_id=campuses[code], name="101", kind="office", active=True)
            ctx.session.add(r)
            ctx.session.flush()
            made[code] = r.id
        ctx.session.commit()
    return made


def upload(client, owner, record_id, *files, **kw):
    data = {"file": [(io.BytesIO(body), name) for name, body in files], "next": "/"}
    return client.post(f"/attachments/{owner}/{record_id}/upload", data=data, content_type="multipart/form-data", **kw)


def _rows(ctx, owner, record_id):
    ctx.session.expire_all()
    return ctx.session.execute(select(Attachment).where(Attachment.owner_type == owner,
                                                        Attachment.owner_id == record_id)).scalars().all()


def test_an_upload_is_stored_listed_downloaded_safely_and_audited(app, client_as, ctx, rooms):
    c = client_as("director_a")
    resp = upload(c, "room", rooms["TA"], ("平面图.png", png()), ("发票.pdf", PDF))
    assert resp.status_code == 302
    rows = _rows(ctx, "room", rooms["TA"])
    assert [(r.original_name, r.kind, r.content_type) for r in rows] == [
        ("平面图.png", "png", "image/png"), ("发票.pdf", "pdf", "application/pdf")]
    assert rows[0].thumbnail_name and not rows[1].thumbnail_name and len(rows[0].checksum) == 64
    assert rows[0].owner_table == "room"  # what the general locks name the parent by
    listing = c.get(f"/attachments/room/{rooms['TA']}/").get_json()
    assert [a["name"] for a in listing["result"]] == ["平面图.png", "发票.pdf"] and listing["can_change"]
    got = c.get(f"/attachments/{rows[1].id}/file")
    assert got.data == PDF and got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    thumb = c.get(f"/attachments/{rows[0].id}/thumbnail")
    assert thumb.mimetype == "image/jpeg" and Image.open(io.BytesIO(thumb.data)).format == "JPEG"
    logged = ctx.session.execute(select(AuditLog).where(AuditLog.table_name == "attachment",
                                                        AuditLog.record_id == str(rows[0].id))).scalars().all()
    assert [e.action for e in logged] == ["create"] and logged[0].actor == "director_a"


def test_a_deletion_is_audited_and_removes_the_bytes(app, client_as, ctx, rooms):
    import os

    c = client_as("director_a")
    upload(c, "room", rooms["TA"], ("a.pdf", PDF))
    row = _rows(ctx, "room", rooms["TA"])[-1]
    row_id, path = row.id, os.path.join(app.config["ATTACHMENT_FOLDER"], row.stored_name[:2], row.stored_name)
    assert os.path.exists(path)
    assert c.post(f"/attachments/{row_id}/delete", data={"next": "/"}).status_code == 302
    assert not os.path.exists(path) and not _rows(ctx, "room", rooms["TA"])
    logged = ctx.session.execute(select(AuditLog.action).where(AuditLog.table_name == "attachment",
                                                               AuditLog.record_id == str(row_id))).scalars().all()
    assert logged == ["create", "delete"]


def test_another_campuss_record_shows_no_files_and_takes_none(app, client_as, ctx, rooms):
    upload(client_as("director_a"), "room", rooms["TB"], ("b.pdf", PDF))
    row = _rows(ctx, "room", rooms["TB"])[0]
    keeper = client_as("assetkeeper_a")  # campus TA only
    assert keeper.get(f"/attachments/{row.id}/file").status_code == 404
    assert keeper.get(f"/attachments/{row.id}/thumbnail").status_code == 404
    assert keeper.get(f"/attachments/room/{rooms['TB']}/").status_code == 404
    assert upload(keeper, "room", rooms["TB"], ("x.pdf", PDF), headers={"Accept": "application/json"}).status_code == 404
    assert keeper.post(f"/attachments/{row.id}/delete").status_code == 404
    assert len(_rows(ctx, "room", rooms["TB"])) == 1


def test_a_reader_downloads_but_cannot_change(app, client_as, ctx, rooms):
    upload(client_as("director_a"), "room", rooms["TA"], ("a.pdf", PDF))
    row = _rows(ctx, "room", rooms["TA"])[-1]
    staff = client_as("staff_a")
    assert staff.get(f"/attachments/{row.id}/file").status_code == 200
    resp = upload(staff, "room", rooms["TA"], ("x.pdf", PDF), headers={"Accept": "application/json"})
    assert resp.status_code == 403 and "不能更改" in resp.get_json()["message"]
    assert staff.post(f"/attachments/{row.id}/delete", headers={"Accept": "application/json"}).status_code == 403
    page = staff.get(f"/roomview/show/{rooms['TA']}").get_data(as_text=True)
    assert "a.pdf" in page and "hq-upload" not in page
    assert "hq-upload" in client_as("director_a").get(f"/roomview/show/{rooms['TA']}").get_data(as_text=True)


@pytest.fixture()
def test_owners(app):
    """Owner types declared as a plugin would: drafts only Director reads, and a locked record."""
    from flask import g

    registry = app.extensions["houqin"]

    def draft_access(room):
        if room.note == "draft" and "Director" not in {r.name for r in g.user.roles}:
            return Access.NONE
        return Access.WRITE

    registry.attachment_owners["test.draft"] = AttachmentOwner("test.draft", "app.models:Room", access=draft_access)
    registry.attachment_owners["test.locked"] = AttachmentOwner(
        "test.locked", "app.models:Room", access=lambda room: Access.WRITE, locked=lambda room: True)
    yield
    registry.attachment_owners.pop("test.draft")
    registry.attachment_owners.pop("test.locked")


def test_a_draft_the_user_may_not_read_hides_its_files(app, client_as, ctx, rooms, test_owners):
    room = ctx.session.get(Room, rooms["TA"])
    room.note = "draft"
    ctx.session.commit()
    assert upload(client_as("director_a"), "test.draft", rooms["TA"], ("d.pdf", PDF)).status_code == 302
    row = _rows(ctx, "test.draft", rooms["TA"])[0]
    other = client_as("admin_a")
    assert other.get(f"/attachments/{row.id}/file").status_code == 404
    assert other.get(f"/attachments/test.draft/{rooms['TA']}/").status_code == 404
    assert client_as("director_a").get(f"/attachments/{row.id}/file").status_code == 200


def test_a_locked_records_files_are_locked_with_it(app, client_as, ctx, rooms, test_owners):
    from app.extensions import db

    with app.app_context():  # one already there before the lock (written directly)
        db.session.add(Attachment(owner_type="test.locked", owner_id=rooms["TA"], owner_table="room",
                                  original_name="old.pdf",
                                  stored_name="0" * 32, kind="pdf", content_type="application/pdf", size=1,
                                  checksum="0" * 64))
        db.session.commit()
    c = client_as("director_a")
    resp = upload(c, "test.locked", rooms["TA"], ("n.pdf", PDF), headers={"Accept": "application/json"})
    assert resp.status_code == 409 and "已锁定" in resp.get_json()["message"]
    row = _rows(ctx, "test.locked", rooms["TA"])[0]
    assert c.post(f"/attachments/{row.id}/delete", headers={"Accept": "application/json"}).status_code == 409
    assert len(_rows(ctx, "test.locked", rooms["TA"])) == 1
    with app.test_request_context():
        from flask import g
        from flask_login import login_user

        from app.views.attachments import attachment_panel

        user = app.appbuilder.sm.find_user("director_a")
        login_user(user)
        g.user = user
        html = str(attachment_panel("test.locked", rooms["TA"]))
    assert "hq-locked" in html and "hq-upload" not in html and "old.pdf" in html


@pytest.fixture()
def setting(app):
    """Change a setting for one test and put it back."""
    from app.extensions import db

    settings = app.extensions["houqin_settings"]
    changed = []

    def change(key, value):
        with app.app_context():
            changed.append((key, settings.get(key)))
            settings.set(db.session, key, value)
            db.session.commit()
    yield change
    with app.app_context():
        for key, value in reversed(changed):
            settings.set(db.session, key, value)
        db.session.commit()
    settings.invalidate()


def test_a_file_over_the_limit_is_refused_in_the_users_language(app, client_as, ctx, rooms, setting):
    setting("attachment_max_mb", 1)
    big = PDF + b"0" * (1024 * 1024 + 10)
    resp = upload(client_as("director_a", lang="en"), "room", rooms["TA"], ("big.pdf", big),
                  headers={"Accept": "application/json"})
    assert resp.status_code == 413 and resp.get_json()["message"] == "big.pdf is larger than 1 MB."
    resp = upload(client_as("director_a"), "room", rooms["TA"], ("big.pdf", big), follow_redirects=True)
    assert "big.pdf 超过 1 MB" in resp.get_data(as_text=True)
    assert not _rows(ctx, "room", rooms["TA"])


def test_a_request_over_the_limit_is_refused_before_its_body_is_read(app, client_as, rooms, setting):
    setting("attachment_request_max_mb", 1)

    class Body(io.BytesIO):
        reads = 0

        def read(self, *args):
            Body.reads += 1
            return super().read(*args)

    c = client_as("director_a")
    resp = c.post(f"/attachments/room/{rooms['TA']}/upload", input_stream=Body(b"x" * 100),
                  headers={"Accept": "application/json", "Content-Type": "multipart/form-data; boundary=b"},
                  environ_overrides={"CONTENT_LENGTH": str(5 * 1024 * 1024)})
    assert resp.status_code == 413, resp.get_data(as_text=True)
    assert "合计超过 1 MB" in resp.get_json()["message"] and Body.reads == 0


def test_the_allowed_kinds_setting_is_obeyed(app, client_as, ctx, rooms, setting):
    setting("attachment_kinds", ["image"])
    resp = upload(client_as("director_a"), "room", rooms["TA"], ("a.pdf", PDF), headers={"Accept": "application/json"})
    assert resp.status_code == 400 and "图片" in resp.get_json()["message"]
    assert not _rows(ctx, "room", rooms["TA"])


@pytest.mark.parametrize("name,body,words", [
    ("bomb.png", png_claiming(100_000, 100_000), "百万像素"),
    ("polyglot.jpg", jpeg() + ooxml("word/document.xml"), "末尾夹带"),
    ("page.jpg", b"<html><script>alert(1)</script></html>", "SVG 和 HTML"),
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG 和 HTML"),
    ("macro.docx", ooxml("word/document.xml", {"word/vbaProject.bin": b"x"}), "带宏"),
    ("broken.png", png()[:60], "无法读取该图片"),
])
def test_bombs_polyglots_pages_and_macros_are_refused_and_nothing_is_kept(app, client_as, ctx, rooms, name, body,
                                                                         words):
    import os

    before = sum(len(files) for _, _, files in os.walk(app.config["ATTACHMENT_FOLDER"]))
    resp = upload(client_as("director_a"), "room", rooms["TA"], ("ok.pdf", PDF), (name, body),
                  headers={"Accept": "application/json"})
    assert resp.status_code == 400 and words in resp.get_json()["message"]
    assert not _rows(ctx, "room", rooms["TA"])  # the good file of the same request is not kept either
    assert sum(len(files) for _, _, files in os.walk(app.config["ATTACHMENT_FOLDER"])) == before


def test_flask_appbuilders_own_download_route_never_serves_them(app, client_as, ctx, rooms):
    c = client_as("admin_a")
    upload(c, "room", rooms["TA"], ("a.pdf", PDF))
    row = _rows(ctx, "room", rooms["TA"])[0]
    for name in (row.stored_name, f"{row.stored_name}_sep_a.pdf", f"..%2F..%2Fattachments%2F{row.stored_name}"):
        resp = c.get(f"/roomview/download/{name}")
        assert resp.status_code == 404 and PDF not in resp.data
    import os

    uploads = os.path.abspath(app.config["UPLOAD_FOLDER"])
    assert os.path.commonpath([os.path.abspath(app.config["ATTACHMENT_FOLDER"]), uploads]) != uploads


def test_an_attachment_folder_inside_the_upload_folder_stops_start_up(tmp_path):
    from app import create_app

    with pytest.raises(RuntimeError, match="must not be inside UPLOAD_FOLDER"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "x" * 40,
                    "UPLOAD_FOLDER": str(tmp_path / "up"), "ATTACHMENT_FOLDER": str(tmp_path / "up" / "att")})


@pytest.mark.slow
def test_the_backup_archive_holds_the_attachment_files(tmp_path):
    """Attachments live under instance/ by default, so `flask houqin backup` carries them."""
    import tarfile

    from app import create_app
    from app.attachments import LocalStorage
    from tests.seed import CHEAP_PASSWORD_HASH

    inst = tmp_path / "instance"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{inst}/houqin.db", "TESTING": True,
                      "SECRET_KEY": "b" * 40, "RATELIMIT_ENABLED": False, "FAB_PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
                      "ATTACHMENT_FOLDER": str(inst / "attachments"), "UPLOAD_FOLDER": str(inst / "uploads")})
    app.instance_path = str(inst)
    LocalStorage(app.config["ATTACHMENT_FOLDER"]).save("ab" * 16, io.BytesIO(PDF))
    archive = tmp_path / "b.tar.gz"
    result = app.test_cli_runner().invoke(args=["houqin", "backup", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        member = tar.extractfile(f"instance/attachments/ab/{'ab' * 16}")
        assert member.read() == PDF


def test_after_an_upload_the_page_goes_back_only_to_this_site(app, client_as, rooms):
    c = client_as("director_a")
    for target, expected in (("//evil.example/x", "/"), ("https://evil.example/", "/"),
                             (f"/roomview/show/{rooms['TA']}", f"/roomview/show/{rooms['TA']}")):
        resp = c.post(f"/attachments/room/{rooms['TA']}/upload", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(PDF), "a.pdf"), "next": target})
        assert resp.status_code == 302 and resp.headers["Location"] == expected


def test_the_allowed_kinds_setting_takes_several_choices_and_refuses_others(app):
    from app.settings import SettingError, parse

    spec = app.extensions["houqin"].setting_spec("attachment_kinds")
    assert parse(spec, ["pdf", "", "image"]) == ["image", "pdf"]  # in the declared order; "" = none ticked
    assert parse(spec, [""]) == []
    with pytest.raises(SettingError):
        parse(spec, ["image", "exe"])


def test_an_owner_whose_view_does_not_exist_stops_start_up():
    from types import SimpleNamespace

    from flask import Flask

    from app.plugin import Plugin, PluginError, Registry, integrate_attachment_owners

    fake_ab = SimpleNamespace(baseviews=[], menu=SimpleNamespace(get_list=lambda: []))
    for owner, words in ((AttachmentOwner("x.note", "x:Note", view="NoSuchView"), "NoSuchView"),
                         (AttachmentOwner("x.note", "x:Note"), "neither a view nor an access function")):
        plugin = Plugin(name="x", title="X", attachment_owners=[owner])
        registry = Registry([plugin])
        integrate_attachment_owners(fake_ab, plugin, registry)
        with Flask("t").app_context(), pytest.raises(PluginError, match=words):
            registry.check(fake_ab)
    registry = Registry([Plugin(name="y", title="Y", attachment_owners=[AttachmentOwner("room", "a:B", view="V")])])
    registry.attachment_owners["room"] = object()
    with pytest.raises(PluginError, match="already declared"):
        integrate_attachment_owners(fake_ab, registry.plugins[0], registry)

"""What a file is, decided from its bytes in pure Python (no libmagic on a fresh machine).

`sniff(head, path_or_bytes)` names the kind of an upload or an import (JPEG, PNG, WebP, PDF, the
old OLE Office/WPS documents and the OOXML ones) or raises `FileRefused` with a translatable
message. Refused on purpose: SVG and HTML (a browser runs their scripts), Office files holding
macros (an OLE `Macros`/`_VBA_PROJECT_CUR` storage, an OOXML `vbaProject.bin` or a macro-enabled
content type), ZIPs whose members would unpack beyond a limit (a zip bomb), and anything else.
No Flask, no database: the attachment store and the importer both call it."""
from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from .rules import N_, RuleError

ERR_UNKNOWN = N_("This kind of file is not accepted (allowed: images, PDF, Office and WPS documents and spreadsheets).")
ERR_SCRIPTABLE = N_("SVG and HTML files are not accepted: they can carry scripts.")
ERR_MACROS = N_("Office files with macros are not accepted: save it without macros (e.g. as .docx or .xlsx).")
ERR_TOO_BIG_UNPACKED = N_("The file unpacks to more than %(mb)d MB: it is refused.")
ERR_DAMAGED = N_("The file is damaged or not what its name says.")
ERR_ENCRYPTED = N_("Password-protected files are not accepted: remove the password first.")


class FileRefused(RuleError):
    """The file's kind is unknown or forbidden; `message` is translatable (N_)."""


@dataclass(frozen=True)
class Kind:
    code: str          # "jpeg", "xlsx" ...
    group: str         # what the allowed-kinds setting lists: image, pdf, document, spreadsheet, presentation
    mime: str
    extensions: tuple[str, ...]  # the first is the canonical one

    @property
    def extension(self) -> str:
        return self.extensions[0]


KINDS = {k.code: k for k in (
    Kind("jpeg", "image", "image/jpeg", (".jpg", ".jpeg", ".jfif")),
    Kind("png", "image", "image/png", (".png",)),
    Kind("webp", "image", "image/webp", (".webp",)),
    Kind("pdf", "pdf", "application/pdf", (".pdf",)),
    Kind("doc", "document", "application/msword", (".doc", ".wps", ".dot")),
    Kind("docx", "document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         (".docx", ".wps", ".dotx")),
    Kind("xls", "spreadsheet", "application/vnd.ms-excel", (".xls", ".et", ".xlt")),
    Kind("xlsx", "spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         (".xlsx", ".et", ".xltx")),
    Kind("ppt", "presentation", "application/vnd.ms-powerpoint", (".ppt", ".dps")),
    Kind("pptx", "presentation", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
         (".pptx", ".dps")),
)}
GROUPS = ("image", "pdf", "document", "spreadsheet", "presentation")
GROUP_LABELS = {
    "image": N_("Images (JPEG, PNG, WebP)"),
    "pdf": N_("PDF"),
    "document": N_("Documents (Word, WPS)"),
    "spreadsheet": N_("Spreadsheets (Excel, WPS)"),
    "presentation": N_("Presentations (PowerPoint, WPS)"),
}
HEAD_BYTES = 4096

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Browsers that sniff (and some that are told "inline") render these as a page whatever the name.
_SCRIPTABLE_MARKERS = (b"<svg", b"<html", b"<script", b"<!doctype html", b"<body", b"<iframe", b"<?xml")


def _scriptable(head: bytes) -> bool:
    low = head[:1024].lower()
    return any(marker in low for marker in _SCRIPTABLE_MARKERS)


def sniff(data: bytes | BinaryIO, *, max_unpacked: int = 200 * 1024 * 1024) -> Kind:
    """The kind of the file (bytes or a seekable binary file, left at position 0)."""
    fh = _as_file(data)
    head = fh.read(HEAD_BYTES)
    fh.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        kind = KINDS["jpeg"]
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = KINDS["png"]
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = KINDS["webp"]
    elif head.startswith(b"%PDF-"):
        kind = KINDS["pdf"]
    elif head.startswith(OLE_MAGIC):
        kind = ole_kind(fh)
    elif head.startswith(ZIP_MAGIC):
        kind = ooxml_kind(fh, max_unpacked)
    else:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if _scriptable(text) or text.startswith(b"<"):
            raise FileRefused(ERR_SCRIPTABLE)
        raise FileRefused(ERR_UNKNOWN)
    # A polyglot: an image or PDF whose first kilobyte also reads as a web page.
    if kind.group in ("image", "pdf") and _scriptable(head):
        raise FileRefused(ERR_SCRIPTABLE)
    fh.seek(0)
    return kind


def _as_file(data):
    if isinstance(data, (bytes, bytearray, memoryview)):
        import io

        return io.BytesIO(bytes(data))
    data.seek(0)
    return data


# -- OOXML (a ZIP with [Content_Types].xml) ------------------------------------------------------

def check_zip(fh: BinaryIO, max_unpacked: int, max_members: int = 10_000) -> zipfile.ZipFile:
    """The ZIP, refused when its members would unpack beyond `max_unpacked` bytes (declared
    sizes; the readers stop at the same total when they inflate)."""
    try:
        archive = zipfile.ZipFile(fh)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise FileRefused(ERR_DAMAGED) from None
    if len(infos) > max_members or sum(i.file_size for i in infos) > max_unpacked:
        raise FileRefused(ERR_TOO_BIG_UNPACKED, mb=max_unpacked // (1024 * 1024))
    return archive


def ooxml_kind(fh: BinaryIO, max_unpacked: int) -> Kind:
    archive = check_zip(fh, max_unpacked)
    names = {i.filename.lower(): i for i in archive.infolist()}
    if "[content_types].xml" not in names:
        raise FileRefused(ERR_UNKNOWN)  # a plain ZIP, an OpenDocument file, a JAR ...
    if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in names):
        raise FileRefused(ERR_MACROS)
    info = names["[content_types].xml"]
    if info.file_size > 1024 * 1024:
        raise FileRefused(ERR_DAMAGED)
    try:
        types = archive.read(info).lower()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        raise FileRefused(ERR_DAMAGED) from None
    if b"macroenabled" in types or b"vbaproject" in types:
        raise FileRefused(ERR_MACROS)
    if "word/document.xml" in names:
        return KINDS["docx"]
    if "xl/workbook.xml" in names:
        return KINDS["xlsx"]
    if "ppt/presentation.xml" in names:
        return KINDS["pptx"]
    raise FileRefused(ERR_UNKNOWN)


# -- OLE compound files (.doc, .xls, .ppt and WPS's .wps/.et/.dps) --------------------------------

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
# Where Word, Excel and PowerPoint keep VBA projects in an OLE file.
_MACRO_NAMES = {"macros", "_vba_project_cur", "_vba_project", "vba"}


def ole_entries(fh: BinaryIO) -> list[str]:
    """The names of every storage and stream in an OLE compound file (MS-CFB)."""
    fh.seek(0, 2)
    size = fh.tell()
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512 or not header.startswith(OLE_MAGIC):
        raise FileRefused(ERR_DAMAGED)
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        raise FileRefused(ERR_DAMAGED)
    sector = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", header, 0x2C)
    first_difat, n_difat = struct.unpack_from("<II", header, 0x44)
    max_sectors = size // sector + 1

    def read_sector(n: int) -> bytes:
        if n >= max_sectors:
            raise FileRefused(ERR_DAMAGED)
        fh.seek((n + 1) * sector)
        data = fh.read(sector)
        if len(data) < sector:
            raise FileRefused(ERR_DAMAGED)
        return data

    difat = [v for v in struct.unpack_from("<109I", header, 0x4C)]
    nxt, guard = first_difat, 0
    while nxt not in (_FREE, _END) and guard < n_difat and guard < max_sectors:
        values = struct.unpack(f"<{sector // 4}I", read_sector(nxt))
        difat.extend(values[:-1])
        nxt = values[-1]
        guard += 1
    fat_sectors = [v for v in difat if v not in (_FREE, _END)][:n_fat]
    if len(fat_sectors) > max_sectors:
        raise FileRefused(ERR_DAMAGED)
    fat: list[int] = []
    for n in fat_sectors:
        fat.extend(struct.unpack(f"<{sector // 4}I", read_sector(n)))
    names, current, seen = [], first_dir, set()
    while current not in (_FREE, _END):
        if current in seen or current >= len(fat):
            raise FileRefused(ERR_DAMAGED)
        seen.add(current)
        block = read_sector(current)
        for off in range(0, sector, 128):
            length = struct.unpack_from("<H", block, off + 64)[0]
            kind = block[off + 66]
            if kind in (1, 2, 5) and 2 <= length <= 64:
                names.append(block[off:off + length - 2].decode("utf-16-le", "replace"))
        current = fat[current]
    return names


def ole_kind(fh: BinaryIO) -> Kind:
    names = ole_entries(fh)
    lower = {n.lower() for n in names}
    if lower & _MACRO_NAMES:
        raise FileRefused(ERR_MACROS)
    if "encryptedpackage" in lower:
        raise FileRefused(ERR_ENCRYPTED)  # a password-protected OOXML file inside an OLE wrapper
    if "worddocument" in lower:
        return KINDS["doc"]
    if "workbook" in lower or "book" in lower:
        return KINDS["xls"]
    if "powerpoint document" in lower:
        return KINDS["ppt"]
    raise FileRefused(ERR_UNKNOWN)


# -- images: the container ends where it says (bytes after it make a polyglot) ---------------------

def image_trailer_ok(kind: Kind, data: bytes) -> bool:
    """True when nothing follows the image's own end (a ZIP or page appended to a photo is a
    polyglot); cameras' zero padding is allowed."""
    if kind.code == "jpeg":
        return data.rstrip(b"\x00").endswith(b"\xff\xd9")
    if kind.code == "png":
        pos = 8
        while pos + 8 <= len(data):
            length, ctype = struct.unpack_from(">I4s", data, pos)
            pos += 12 + length
            if ctype == b"IEND":
                return len(data[pos:].rstrip(b"\x00")) == 0
        return False
    if kind.code == "webp":
        declared = struct.unpack_from("<I", data, 4)[0] + 8
        return declared <= len(data) <= declared + 1
    return True


def safe_filename(name: str, kind: Kind | None = None, limit: int = 120) -> str:
    """A name fit to show and to offer back as a download: no folders, no control or reserved
    characters, not hidden, at most `limit` characters, and an extension that says what the
    content is (a PDF called "invoice.exe" becomes "invoice.exe.pdf")."""
    import unicodedata

    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '<>:"|?*;')
    name = " ".join(name.split()).strip(" .")
    if not name:
        name = "file"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ("." + ext.lower()) if dot else ""
    if kind is not None and ext not in kind.extensions:
        stem, ext = name, kind.extension
    stem = stem[: max(1, limit - len(ext))]
    return stem + ext

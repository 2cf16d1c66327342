"""Files on any record: photos of a repair, invoices of an asset, the menu of a meeting.

- Owners: each record type that accepts files is an `AttachmentOwner` declared in a manifest
  (`Plugin.attachment_owners`, core's in app/manifest.py). Its access function says what the
  current user may do with one record's files (NONE, READ, WRITE); by default that is what the
  owner's screen allows: `can_show`/`can_edit` on the view and the row visible to the user
  through the view's campus scope and row access (`HouqinModelView.visible`).
- Every write (upload, delete) goes through `writable()`, which also asks `is_locked(record)`:
  the files of a locked record are locked with it.
- Storage: `Storage` is the small interface (save, open, delete); `LocalStorage` keeps the
  files in a folder (default instance/attachments, so `flask houqin backup` holds them; a
  mounted shared folder when several hosts serve, docs/operations.md). Object storage would be
  another implementation of the same three methods.
- What a file is comes from its bytes (app.filetypes); images are decoded once with Pillow
  under a pixel limit and re-encoded as a thumbnail, so a decompression bomb or an image with
  something appended (a polyglot) is refused at upload.
"""
from __future__ import annotations

import enum
import hashlib
import io
import os
import secrets
import shutil
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable

from flask import current_app, g
from flask_babel import gettext
from sqlalchemy import select

from .filetypes import GROUP_LABELS, GROUPS, KINDS, FileRefused, Kind, image_trailer_ok, safe_filename, sniff
from .rules import N_, RuleError

ERR_TOO_LARGE = N_("%(name)s is larger than %(mb)d MB.")
ERR_REQUEST_TOO_LARGE = N_("The upload is larger than %(mb)d MB in all: send fewer or smaller files at once.")
ERR_KIND_OFF = N_("Files of this kind are not allowed here (allowed: %(kinds)s).")
ERR_EMPTY = N_("The file is empty.")
ERR_PIXELS = N_("The image has more than %(mp)d million pixels: it is refused.")
ERR_IMAGE = N_("The image could not be read: it is damaged or not an image.")
ERR_POLYGLOT = N_("The image carries other data after its end: it is refused.")
ERR_LOCKED = N_("This record is locked: its attachments cannot change.")
ERR_NO_FILE = N_("Choose a file to upload.")

THUMB_SIZE = (320, 320)
DEFAULT_MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo; a 10 KB PNG claiming 10^10 pixels is a bomb


class Access(enum.IntEnum):
    NONE = 0
    READ = 1
    WRITE = 2


@dataclass
class AttachmentOwner:
    """A record type that accepts files. `name` is stored on each attachment ("room",
    "assets.asset"): never rename it. `model` is the owning model (or "module:Class"); `view`
    names the HouqinModelView whose permissions and visible rows decide access by default;
    `access(record) -> Access` replaces that (a draft only its author may read, say);
    `locked(record) -> bool` adds a lock of the type's own to the general one."""

    name: str
    model: Any
    view: str | None = None
    access: Callable[[Any], Access] | None = None
    locked: Callable[[Any], bool] | None = None
    label: Any = None


class AttachmentError(RuleError):
    """A refused upload or change, with a translatable message (and `status` for the answer)."""

    def __init__(self, message: str, status: int = 400, **params):
        super().__init__(message, **params)
        self.status = status


# -- the lock hook ---------------------------------------------------------------------------

def is_locked(record, fresh: bool = True) -> bool:
    """Is the record locked (an approved set of minutes, a closed month, a finalised round)?
    The general locks' answer (app/locks.py: its own state or a locked parent). Attachment rows
    are also declared `__locked_with__` their owner, so the flush-level guard refuses them on
    every path; this earlier check gives the panel and the routes the message first."""
    from sqlalchemy import inspect as sa_inspect

    from .extensions import db
    from .locks import is_locked as record_locked
    from .locks import is_locked_as_loaded

    if not fresh:
        known = is_locked_as_loaded(record)
        if known is not None:
            return known
    identity = sa_inspect(record).identity
    return bool(identity) and record_locked(db.session, type(record), identity[0])


# -- storage ---------------------------------------------------------------------------------

class Storage:
    """Where attachment bytes live. Three methods; names are opaque, made by `new_name`."""

    def save(self, name: str, stream: BinaryIO) -> None:
        raise NotImplementedError

    def open(self, name: str) -> BinaryIO:
        raise NotImplementedError

    def delete(self, name: str) -> None:
        raise NotImplementedError


class LocalStorage(Storage):
    """A folder (instance/attachments by default, or a mounted shared folder): files fanned out
    into 256 sub-folders by the first two characters of their random name."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def path(self, name: str) -> str:
        if not name or any(c not in "0123456789abcdef._thumbjpg" for c in name) or name.startswith("."):
            raise ValueError("not a stored name")
        return os.path.join(self.root, name[:2], name)

    def save(self, name: str, stream: BinaryIO) -> None:
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".part"
        with open(tmp, "wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)  # readers never see half a file

    def open(self, name: str) -> BinaryIO:
        return open(self.path(name), "rb")

    def delete(self, name: str) -> None:
        try:
            os.remove(self.path(name))
        except FileNotFoundError:
            pass


def new_name() -> str:
    return secrets.token_hex(16)


def storage() -> Storage:
    app = current_app
    store = app.extensions.get("houqin_attachment_storage")
    if store is None:
        store = app.extensions["houqin_attachment_storage"] = LocalStorage(app.config["ATTACHMENT_FOLDER"])
    return store


# -- limits and settings -----------------------------------------------------------------------

def _setting(key):
    return current_app.extensions["houqin_settings"].get(key)


def max_file_bytes() -> int:
    return int(_setting("attachment_max_mb")) * 1024 * 1024


def max_request_bytes() -> int:
    return int(_setting("attachment_request_max_mb")) * 1024 * 1024


def allowed_groups() -> list[str]:
    value = _setting("attachment_kinds")
    return [g_ for g_ in GROUPS if g_ in (value or [])]


def allowed_label() -> str:
    from .i18n import current_language

    sep = "、" if current_language() == "zh" else ", "
    return sep.join(gettext(GROUP_LABELS[g_]) for g_ in allowed_groups()) or "—"


# -- owners and access -----------------------------------------------------------------------

def owners() -> dict[str, AttachmentOwner]:
    return current_app.extensions["houqin"].attachment_owners


def owner_spec(name: str) -> AttachmentOwner | None:
    return owners().get(name)


def _view(spec: AttachmentOwner):
    if not spec.view:
        return None
    return next((v for v in current_app.appbuilder.baseviews if type(v).__name__ == spec.view), None)


def view_access(spec: AttachmentOwner, record_id: int):
    """(record, Access) by the owner's screen: its can_show/can_edit and the rows it shows."""
    view = _view(spec)
    sm = current_app.appbuilder.sm
    if view is None or not sm.has_access("can_show", spec.view):
        return None, Access.NONE
    record = view.visible(record_id)
    if record is None:
        return None, Access.NONE
    return record, (Access.WRITE if sm.has_access("can_edit", spec.view) else Access.READ)


def record_access(owner_type: str, record_id: int):
    """(spec, record, Access) for the current user; (None, None, NONE) for an unknown type or record."""
    spec = owner_spec(owner_type)
    user = getattr(g, "user", None)
    if spec is None or user is None or not getattr(user, "is_authenticated", False):
        return spec, None, Access.NONE
    if spec.access is None:
        record, level = view_access(spec, record_id)
        return spec, record, level
    from .extensions import db
    from .plugin import resolve

    record = db.session.get(resolve(spec.model), record_id)
    if record is None:
        return spec, None, Access.NONE
    return spec, record, Access(spec.access(record))


def locked(spec: AttachmentOwner, record, fresh: bool = True) -> bool:
    """`fresh=False` (the panel of a page being shown): the record's own state as loaded in this
    request answers without a statement where it can; every write checks with `fresh=True`."""
    return bool(spec.locked and spec.locked(record)) or is_locked(record, fresh)


def writable(owner_type: str, record_id: int):
    """The one gate of every attachment write: (spec, record) when the current user may change
    this record's files now; AttachmentError (404 unseen, 403 read-only, 409 locked) otherwise."""
    spec, record, level = record_access(owner_type, record_id)
    if level is Access.NONE:
        raise AttachmentError(N_("Not found."), status=404)
    if level < Access.WRITE:
        raise AttachmentError(N_("You may read these attachments but not change them."), status=403)
    if locked(spec, record):
        raise AttachmentError(ERR_LOCKED, status=409)
    return spec, record


def readable(owner_type: str, record_id: int):
    spec, record, level = record_access(owner_type, record_id)
    if level is Access.NONE:
        raise AttachmentError(N_("Not found."), status=404)
    return spec, record, level


def attachments_of(owner_type: str, record_id: int) -> list:
    from .models import Attachment
    from .extensions import db

    from sqlalchemy.orm import joinedload

    from .models import HouqinUser

    # the panel names each uploader: joined, not one query per file (nor their campuses)
    uploader = joinedload(Attachment.uploaded_by)
    return db.session.execute(select(Attachment).options(uploader, uploader.noload(HouqinUser.campuses)).where(
        Attachment.owner_type == owner_type, Attachment.owner_id == record_id).order_by(Attachment.id)).unique().scalars().all()


# -- checking a file ---------------------------------------------------------------------------

def _size(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def check_image(kind: Kind, data: bytes, max_pixels: int) -> bytes:
    """Decode the whole image under the pixel limit and return a re-encoded JPEG thumbnail."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as im:
            if (im.format or "").lower() != {"jpeg": "jpeg", "png": "png", "webp": "webp"}[kind.code]:
                raise AttachmentError(ERR_IMAGE)
            width, height = im.size
            if width * height > max_pixels:
                raise AttachmentError(ERR_PIXELS, mp=max_pixels // 1_000_000)
            if kind.code == "jpeg":
                im.draft("RGB", (THUMB_SIZE[0] * 2, THUMB_SIZE[1] * 2))  # decode at a fraction of the size
            im.load()
            im = ImageOps.exif_transpose(im)
            im.thumbnail(THUMB_SIZE)
            if im.mode in ("RGBA", "LA", "P"):
                im = im.convert("RGBA")
                canvas = Image.new("RGB", im.size, "white")
                canvas.paste(im, mask=im.split()[-1])
                im = canvas
            elif im.mode != "RGB":
                im = im.convert("RGB")
            out = io.BytesIO()
            im.save(out, "JPEG", quality=80, optimize=True)
        # Decoded fine, but something follows the image's end (a ZIP, a page): a polyglot.
        if not image_trailer_ok(kind, data):
            raise AttachmentError(ERR_POLYGLOT)
        return out.getvalue()
    except AttachmentError:
        raise
    except Image.DecompressionBombError:
        raise AttachmentError(ERR_PIXELS, mp=max_pixels // 1_000_000) from None
    except Exception:  # Pillow raises many kinds for a damaged file
        raise AttachmentError(ERR_IMAGE) from None


def inspect_upload(stream: BinaryIO, filename: str) -> tuple[Kind, str, int, str, bytes | None]:
    """(kind, safe name, size, sha256, thumbnail or None) of an upload, or AttachmentError."""
    size = _size(stream)
    name = safe_filename(filename)
    limit = max_file_bytes()
    if size > limit:
        raise AttachmentError(ERR_TOO_LARGE, status=413, name=name, mb=limit // (1024 * 1024))
    if size == 0:
        raise AttachmentError(ERR_EMPTY)
    try:
        kind = sniff(stream, max_unpacked=current_app.config["MAX_UNPACKED_BYTES"])
    except FileRefused as err:
        raise AttachmentError(err.message, **err.params) from None
    if kind.group not in allowed_groups():
        raise AttachmentError(ERR_KIND_OFF, kinds=allowed_label())
    digest = hashlib.sha256()
    stream.seek(0)
    thumb = None
    if kind.group == "image":
        data = stream.read()
        digest.update(data)
        thumb = check_image(kind, data, current_app.config.get("ATTACHMENT_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    else:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    stream.seek(0)
    return kind, safe_filename(filename, kind), size, digest.hexdigest(), thumb


# -- the verbs ---------------------------------------------------------------------------------

def attach(owner_type: str, record_id: int, stream: BinaryIO, filename: str):
    """Check and store one file on a record; the row is added to the session (audited when the
    caller commits). The stored bytes are removed again if the commit fails (`discard`)."""
    from .extensions import db
    from .models import Attachment

    writable(owner_type, record_id)
    kind, name, size, checksum, thumb = inspect_upload(stream, filename)
    store = storage()
    stored = new_name()
    store.save(stored, stream)
    thumb_name = None
    if thumb is not None:
        thumb_name = stored + ".thumb.jpg"
        store.save(thumb_name, io.BytesIO(thumb))
    user = getattr(g, "user", None)
    row = Attachment(owner_type=owner_type, owner_id=record_id, owner_table=_table_of(owner_type),
                     original_name=name, stored_name=stored,
                     thumbnail_name=thumb_name, kind=kind.code, content_type=kind.mime, size=size,
                     checksum=checksum, uploaded_by_id=getattr(user, "id", None))
    db.session.add(row)
    return row


def _table_of(owner_type: str) -> str:
    from .plugin import resolve

    return resolve(owner_spec(owner_type).model).__tablename__


def discard(rows) -> None:
    """Remove the stored bytes of rows that were not committed (a failed request)."""
    store = storage()
    for row in rows:
        store.delete(row.stored_name)
        if row.thumbnail_name:
            store.delete(row.thumbnail_name)


def remove(attachment) -> None:
    """Delete one attachment (row audited; bytes removed once the caller committed: see
    `purge_files`)."""
    from .extensions import db

    writable(attachment.owner_type, attachment.owner_id)
    db.session.delete(attachment)


def purge_files(names: list[str]) -> None:
    store = storage()
    for name in names:
        if name:
            store.delete(name)


def group_choices():
    return [(code, GROUP_LABELS[code]) for code in GROUPS]


def kind_of(attachment) -> Kind:
    return KINDS[attachment.kind]

"""The attachment routes (upload, list, download, thumbnail, delete) and the panel a show page
includes. Access is the owner's (app/attachments.py), never a permission of these routes:
whoever may see the record sees its files, whoever may edit it (and it is not locked) changes
them."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge

from .. import attachments as att
from ..extensions import db
from ..i18n import format_datetime
from ..models import Attachment
from .validators import rule_message


def _signed_in():
    user = getattr(g, "user", None)
    return user is not None and getattr(user, "is_authenticated", False)


def _back(default: str = "/"):
    """Only a path on this site (an upload form says where it was)."""
    target = request.form.get("next") or request.args.get("next") or request.referrer or default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _refuse(err: att.AttachmentError):
    message = rule_message(err)
    if _wants_json():
        return jsonify(message=message), err.status
    if err.status == 404:
        abort(404)
    flash(message, "danger")
    return redirect(_back())


def _mb(n: int) -> int:
    return n // (1024 * 1024)


def _describe(row, level) -> dict:
    return {
        "id": row.id, "name": row.original_name, "kind": row.kind, "size": row.size,
        "content_type": row.content_type, "checksum": row.checksum,
        "uploaded_at": row.uploaded_at.isoformat() if row.uploaded_at else None,
        "uploaded_by": row.uploaded_by.username if row.uploaded_by else None,
        "download": url_for("AttachmentView.file", attachment_id=row.id),
        "thumbnail": url_for("AttachmentView.thumbnail", attachment_id=row.id) if row.thumbnail_name else None,
    }


class AttachmentView(BaseView):
    route_base = "/attachments"
    default_view = "listing"

    @expose("/<owner>/<int:record_id>/")
    def listing(self, owner, record_id):
        if not _signed_in():
            return redirect(url_for(current_app.appbuilder.sm.auth_view.endpoint + ".login"))
        try:
            _spec, _record, level = att.readable(owner, record_id)
        except att.AttachmentError as err:
            return jsonify(message=rule_message(err)), err.status
        rows = att.attachments_of(owner, record_id)
        return jsonify(result=[_describe(r, level) for r in rows], can_change=level >= att.Access.WRITE)

    @expose("/<owner>/<int:record_id>/upload", methods=["POST"])
    def upload(self, owner, record_id):
        if not _signed_in():
            return redirect(url_for(current_app.appbuilder.sm.auth_view.endpoint + ".login"))
        try:
            att.writable(owner, record_id)
        except att.AttachmentError as err:
            return _refuse(err)
        limit = att.max_request_bytes()
        # Refused before the body is read: the browser said how much it is sending.
        request.max_content_length = limit
        if request.content_length is not None and request.content_length > limit:
            return _refuse(att.AttachmentError(att.ERR_REQUEST_TOO_LARGE, status=413, mb=_mb(limit)))
        try:
            files = [f for f in request.files.getlist("file") if f and f.filename]
        except RequestEntityTooLarge:  # a body without a length that went past the limit
            return _refuse(att.AttachmentError(att.ERR_REQUEST_TOO_LARGE, status=413, mb=_mb(limit)))
        if not files:
            return _refuse(att.AttachmentError(att.ERR_NO_FILE))
        added = []
        try:
            for upload in files:
                added.append(att.attach(owner, record_id, upload.stream, upload.filename))
            db.session.commit()
        except att.AttachmentError as err:
            db.session.rollback()
            att.discard(added)
            return _refuse(err)
        except Exception:
            db.session.rollback()
            att.discard(added)
            raise
        if _wants_json():
            return jsonify(result=[_describe(r, att.Access.WRITE) for r in added]), 201
        flash(gettext("%(count)d file(s) attached.", count=len(added)), "success")
        return redirect(_back())

    def _get(self, attachment_id):
        row = db.session.get(Attachment, attachment_id)
        if row is None or not _signed_in():
            abort(404)
        try:
            att.readable(row.owner_type, row.owner_id)
        except att.AttachmentError:
            abort(404)  # the record is not the user's to see: neither are its files
        return row

    # Not "download": the request guards treat every "<view>.download" as Flask-AppBuilder's own.
    @expose("/<int:attachment_id>/file")
    def file(self, attachment_id):
        if not _signed_in():
            return redirect(url_for(current_app.appbuilder.sm.auth_view.endpoint + ".login"))
        row = self._get(attachment_id)
        resp = send_file(att.storage().open(row.stored_name), mimetype=row.content_type, as_attachment=True,
                         download_name=row.original_name, max_age=0, conditional=False)
        return _harden(resp)

    @expose("/<int:attachment_id>/thumbnail")
    def thumbnail(self, attachment_id):
        if not _signed_in():
            return redirect(url_for(current_app.appbuilder.sm.auth_view.endpoint + ".login"))
        row = self._get(attachment_id)
        if not row.thumbnail_name:
            abort(404)
        # Our own re-encoded JPEG, never the uploaded bytes: safe to show inline.
        resp = send_file(att.storage().open(row.thumbnail_name), mimetype="image/jpeg", max_age=0,
                         conditional=False)
        return _harden(resp)

    @expose("/<int:attachment_id>/delete", methods=["POST"])
    def delete(self, attachment_id):
        if not _signed_in():
            return redirect(url_for(current_app.appbuilder.sm.auth_view.endpoint + ".login"))
        row = self._get(attachment_id)
        names = [row.stored_name, row.thumbnail_name]
        try:
            att.remove(row)
            db.session.commit()
        except att.AttachmentError as err:
            db.session.rollback()
            return _refuse(err)
        att.purge_files(names)
        if _wants_json():
            return jsonify(message=gettext("Attachment deleted.")), 200
        flash(gettext("Attachment deleted."), "success")
        return redirect(_back())


def _harden(resp):
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def attachment_panel(owner: str, record_id) -> Markup:
    """The files of one record, for a show page or a plugin's own page: thumbnails and
    downloads for whoever may see the record, the upload form and delete buttons for whoever
    may change it (nothing at all for anyone else)."""
    from flask import render_template

    if record_id is None:
        return Markup("")
    try:
        spec, record, level = att.readable(owner, int(record_id))
    except att.AttachmentError:
        return Markup("")
    rows = att.attachments_of(owner, int(record_id))
    is_locked = att.locked(spec, record, fresh=False)
    return Markup(render_template(
        "houqin/attachments_panel.html", owner=owner, record_id=record_id, rows=rows,
        can_change=level >= att.Access.WRITE and not is_locked, is_locked=is_locked,
        allowed=att.allowed_label(), max_mb=_mb(att.max_file_bytes()), request_mb=_mb(att.max_request_bytes()),
        accept=",".join(ext for k in att.KINDS.values() if k.group in att.allowed_groups() for ext in k.extensions),
        format_datetime=format_datetime, next=request.full_path.rstrip("?")))


def too_large(_err):
    """Any body past `request.max_content_length` (an attachment or an import upload): a message
    in the user's language instead of Werkzeug's English page."""
    limit = request.max_content_length or 0
    message = gettext("The upload is larger than %(mb)d MB in all: send fewer or smaller files at once.",
                      mb=_mb(limit))
    if _wants_json() or request.path.startswith("/api/"):
        return jsonify(message=message), 413
    flash(message, "danger")
    return redirect(_back())


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"

"""The import page of any house list that declares an importer (`ImportMixin`, `importer = ...`):
upload, progress, errors by row and column, the errors offered back as an .xlsx, and the
template generated from the same declaration. Permissions: `can_import` (upload, errors
workbook) and `can_template`."""
from __future__ import annotations

import io
import json
import os
import secrets
import time

from flask import (Response, abort, current_app, flash, g, redirect, render_template, request, send_file,
                   stream_with_context, url_for)
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from ..export.xlsx import Column
from ..extensions import db
from ..i18n import current_language
from ..imports import ImportState, Progress, Result, run
from ..scoping import user_campus_ids
from .exporting import xlsx_download

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_KEPT_SECONDS = 24 * 3600
SHOWN_ERRORS = 200


def _errors_folder() -> str:
    folder = os.path.join(current_app.instance_path, "import-errors")
    os.makedirs(folder, exist_ok=True)
    return folder


def _sweep(folder: str) -> None:
    cutoff = time.time() - ERRORS_KEPT_SECONDS
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        try:
            if os.path.getmtime(path) < cutoff:
                os.remove(path)
        except OSError:
            pass


def save_errors(importer, result: Result) -> str:
    """The file's rows with an error column, as JSON for the errors workbook; returns its token.
    Kept a day, readable only by the user who imported."""
    folder = _errors_folder()
    _sweep(folder)
    token = secrets.token_hex(12)
    by_row: dict[int, list[str]] = {}
    for err in result.errors:
        by_row.setdefault(err.row, []).append(f"{err.column}: {err.message}" if err.column else err.message)
    payload = {"user": g.user.id, "importer": importer.name, "header": result.header,
               "rows": [[no, [_jsonable(v) for v in cells], "；".join(by_row.get(no, []))] for no, cells in result.data]}
    with open(os.path.join(folder, f"{token}.json"), "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False)
    return token


def _jsonable(value):
    from ..imports.readers import cell_text

    return value if isinstance(value, (int, float, str)) or value is None else cell_text(value)


class ImportMixin:
    """Mixed into a HouqinModelView before it: `importer = SomeImporter()`."""

    importer = None
    import_template = "houqin/import.html"

    def _import_context(self, **extra):
        imp = self.importer
        lang = current_language()
        view = type(self).__name__
        return dict(
            title=gettext("Import: %(what)s", what=str(imp.title)), importer=imp, lang=lang,
            columns=[(c.label(lang), c.label("en" if lang == "zh" else "zh"), c.required, c.example,
                      imp.max_length(c)) for c in imp.columns],
            template_url=url_for(f"{view}.template"), list_url=url_for(f"{view}.list"),
            max_rows=imp.max_rows, max_mb=current_app.config["IMPORT_MAX_MB"], **extra)

    def _state(self) -> ImportState:
        return ImportState(campus_ids=user_campus_ids(), lang=current_language())

    def _events(self, upload):
        return run(self.importer, upload.stream, upload.filename, state=self._state(), translate=gettext,
                   max_unpacked=current_app.config["MAX_UNPACKED_BYTES"], session=db.session)

    def _result_html(self, result: Result) -> str:
        token = save_errors(self.importer, result) if result.errors else None
        view = type(self).__name__
        return render_template("houqin/import_result.html", result=result, errors=result.errors[:SHOWN_ERRORS],
                               error_count=len(result.errors),
                               errors_url=url_for(f"{view}.import_errors", token=token) if token else None)

    def _done(self, result: Result):
        parts = [gettext("%(count)d row(s) imported.", count=result.created)]
        if result.skipped:
            parts.append(gettext("%(count)d row(s) were already there and were left as they are.",
                                 count=result.skipped))
        return " ".join(parts)

    @expose("/import/", methods=["GET", "POST"])
    @has_access
    @permission_name("import")
    def import_(self):
        if request.method == "GET":
            return self.render_template(self.import_template, **self._import_context())
        limit = current_app.config["IMPORT_MAX_MB"] * 1024 * 1024
        request.max_content_length = limit
        message = None
        try:
            too_big = request.content_length is not None and request.content_length > limit
            upload = None if too_big else request.files.get("file")
        except RequestEntityTooLarge:
            too_big, upload = True, None
        if too_big:
            message = gettext("The file is larger than %(mb)d MB.", mb=current_app.config["IMPORT_MAX_MB"])
        elif upload is None or not upload.filename:
            message = gettext("Choose an Excel or CSV file (.xlsx, .xls or .csv).")
        if message:
            if request.accept_mimetypes.best == "application/x-ndjson":
                return Response(json.dumps({"done": True, "message": message}) + "\n",
                                mimetype="application/x-ndjson")
            flash(message, "danger")
            return self.render_template(self.import_template, **self._import_context())
        if request.accept_mimetypes.best == "application/x-ndjson":
            # The request's files are closed once the view returns; the stream reads a copy.
            copy = FileStorage(io.BytesIO(upload.read()), filename=upload.filename)
            return Response(stream_with_context(self._stream(copy)), mimetype="application/x-ndjson")
        result = None
        for event in self._events(upload):
            if isinstance(event, Result):
                result = event
        if result.ok:
            flash(self._done(result), "success")
            return redirect(url_for(f"{type(self).__name__}.list"))
        if result.message:
            flash(result.message, "danger")
        return self.render_template(self.import_template, **self._import_context(
            result_html=self._result_html(result) if result.errors else None))

    def _stream(self, upload):
        """One JSON object per line: progress while checking and writing, then the outcome."""
        for event in self._events(upload):
            if isinstance(event, Progress):
                yield json.dumps({"stage": event.stage, "done": event.done, "total": event.total}) + "\n"
                continue
            if event.ok:
                # The headers (and the session cookie) are already sent: no flash; the page says it.
                yield json.dumps({"done": True, "success": self._done(event),
                                  "redirect": url_for(f"{type(self).__name__}.list")}, ensure_ascii=False) + "\n"
            else:
                yield json.dumps({"done": True, "message": event.message,
                                  "html": self._result_html(event) if event.errors else None},
                                 ensure_ascii=False) + "\n"

    @expose("/import/errors/<token>")
    @has_access
    @permission_name("import")
    def import_errors(self, token):
        if not token.isalnum():
            abort(404)
        path = os.path.join(_errors_folder(), f"{token}.json")
        try:
            with open(path, encoding="utf-8") as fh:
                payload = json.load(fh)
        except (OSError, ValueError):
            abort(404)
        if payload.get("user") != g.user.id or payload.get("importer") != self.importer.name:
            abort(404)
        header = payload["header"]
        width = max([len(header)] + [len(cells) for _, cells, _ in payload["rows"]])
        columns = [Column(gettext("Row"), lambda r: r[0], "int")]
        for i in range(width):
            columns.append(Column(header[i] if i < len(header) and header[i] else f"#{i + 1}",
                                  lambda r, i=i: r[1][i] if i < len(r[1]) else None))
        columns.append(Column(gettext("Errors"), lambda r: r[2], width=60))
        return xlsx_download(payload["rows"], columns, title=gettext("Import errors: %(what)s",
                                                                     what=str(self.importer.title)),
                             filename=f"{self.importer.name}-import-errors.xlsx")

    @expose("/import/template/")
    @has_access
    def template(self):
        return send_file(io.BytesIO(template_workbook(self.importer)), as_attachment=True,
                         download_name=f"{self.importer.name}-import-template.xlsx", mimetype=XLSX_MIME)


def template_workbook(importer) -> bytes:
    """The header row from the declaration ("姓名 Name": either language is read back), a
    sample row, and a second sheet saying which columns are required and how long each may be.
    Every cell is written as text (nothing becomes a formula)."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(importer.name[:31] or "import")
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    text = book.add_format({"num_format": "@"})
    for i, col in enumerate(importer.columns):
        sheet.write_string(0, i, f"{col.zh} {col.en}", required if col.required else bold)
        sheet.set_column(i, i, max(14, len(col.zh) * 2 + len(col.en) // 2 + 4), text)
    samples = importer.template_rows or [[c.example for c in importer.columns]]
    for r, row in enumerate(samples, start=1):
        for i, value in enumerate(row):
            if value:
                sheet.write_string(r, i, str(value))
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("说明 Notes")
    for i, head in enumerate(("列 Column", "必填 Required", "最长 Max length", "示例 Example")):
        notes.write_string(0, i, head, bold)
    for r, col in enumerate(importer.columns, start=1):
        notes.write_string(r, 0, f"{col.zh} {col.en}")
        notes.write_string(r, 1, "是 yes" if col.required else "")
        length = importer.max_length(col)
        if length:
            notes.write_number(r, 2, length)
        if col.example:
            notes.write_string(r, 3, col.example)
    notes.set_column(0, 0, 34)
    notes.set_column(1, 3, 16)
    book.close()
    return buf.getvalue()

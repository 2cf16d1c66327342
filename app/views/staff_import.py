"""Staff import from Excel: template download; every row validated before any is
written; row-level errors naming row and column; all or nothing; one audit entry."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

import xlsxwriter
from flask import flash, redirect, request, send_file, url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from ..audit import audit_job
from ..extensions import db
from ..models import EMPLOYMENT_TYPES, GENDERS, Campus, Department, Position, Staff
from ..rules import RuleError, check_date_order, normalize_phone
from ..scoping import user_campus_ids
from .validators import rule_message

MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportColumn:
    key: str
    zh: str
    en: str
    required: bool = False


COLUMNS = [
    ImportColumn("name", "姓名", "Name", True),
    ImportColumn("staff_no", "工号", "Staff number", True),
    ImportColumn("gender", "性别", "Gender"),
    ImportColumn("work_phone", "工作电话", "Work phone"),
    ImportColumn("personal_phone", "个人电话", "Personal phone"),
    ImportColumn("position", "岗位", "Position"),
    ImportColumn("employment_type", "用工形式", "Employment type", True),
    ImportColumn("campus", "园区", "Campus", True),
    ImportColumn("department", "部门", "Department"),
    ImportColumn("hire_date", "入职日期", "Hire date"),
    ImportColumn("health_cert_no", "健康证号", "Health certificate no."),
    ImportColumn("health_cert_issued", "健康证发证日期", "Health certificate issued"),
    ImportColumn("health_cert_expiry", "健康证有效期至", "Health certificate expires"),
    ImportColumn("qualification_cert", "资格证书", "Qualification certificate"),
    ImportColumn("qualification_level", "资格等级", "Qualification level"),
]
DATE_KEYS = {"hire_date", "health_cert_issued", "health_cert_expiry"}
GENDER_WORDS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
EMPLOYMENT_WORDS = {"在编": "established", "外聘": "contract", "劳务派遣": "agency"}

ERR_FILE_TYPE = _l("Choose an Excel file (.xlsx).")
ERR_FILE_EMPTY = _l("The file holds no staff rows.")
ERR_FILE_UNREADABLE = _l("The file could not be read as an Excel workbook.")
ERR_HEADERS = _l("Missing columns: %(columns)s. Download the template and keep its header row.")
ERR_TOO_MANY = _l("At most %(max)d rows per import.")
ERR_REQUIRED = _l("This field is required.")
ERR_DUP_FILE = _l("Staff number %(no)s appears twice in the file (also row %(row)d).")
ERR_DUP_DB = _l("Staff number %(no)s already exists.")
ERR_DATE = _l("Not a date (use 2026-09-01).")
ERR_UNKNOWN = _l("Unknown value: %(value)s.")
ERR_CAMPUS = _l("Unknown campus or not one of yours: %(value)s.")


@dataclass
class RowError:
    row: int
    column: str
    message: str


def template_download():
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("staff")
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    for i, col in enumerate(COLUMNS):
        sheet.write_string(0, i, f"{col.zh} {col.en}", bold)
        sheet.set_column(i, i, 18)
    sample = ["张丽", "T0001", "女", "021-12345678", "13800138000", "保育员", "在编", "", "", "2020-09-01",
              "JK2026001", "2026-01-10", "2027-01-09", "保育员证", "初级"]
    for i, value in enumerate(sample):
        sheet.write_string(1, i, value)
    book.close()
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name="staff-import-template.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value).replace("/", "-").replace(".", "-")
    return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-"))) if text else None


def _header_map(header_row) -> tuple[dict[int, ImportColumn], list[ImportColumn]]:
    found: dict[int, ImportColumn] = {}
    for idx, cell in enumerate(header_row):
        text = _cell_text(cell)
        for col in COLUMNS:
            if text and (text == col.zh or text == col.en or text == f"{col.zh} {col.en}"):
                found[idx] = col
    present = {c.key for c in found.values()}
    missing = [c for c in COLUMNS if c.required and c.key not in present]
    return found, missing


class Lookups:
    def __init__(self):
        campus_ids = user_campus_ids()
        campuses = db.session.execute(select(Campus)).scalars().all()
        self.campuses = {}
        for c in campuses:
            if campus_ids is None or c.id in campus_ids:
                self.campuses[c.name] = c
                self.campuses[c.code] = c
        self.positions = {}
        for p in db.session.execute(select(Position)).scalars():
            self.positions[p.name_zh] = p
            self.positions[p.name_en.lower()] = p
        self.departments = {}
        for d in db.session.execute(select(Department)).scalars():
            self.departments[(d.campus_id, d.name)] = d
        self.existing_numbers = set(db.session.execute(select(Staff.staff_no)).scalars())


def validate_rows(rows, lookups: Lookups) -> tuple[list[dict], list[RowError]]:
    """rows: iterable of (row_number, {key: raw}). Returns clean records and every error found."""
    records, errors, seen = [], [], {}
    gender_words = {**GENDER_WORDS, **{str(v): k for k, v in GENDERS}}
    employment_words = {**EMPLOYMENT_WORDS, **{str(v): k for k, v in EMPLOYMENT_TYPES},
                        **{k: k for k, _ in EMPLOYMENT_TYPES}}
    labels = {c.key: (c.zh if _lang() == "zh" else c.en) for c in COLUMNS}
    for row_no, raw in rows:
        rec, row_errors = {}, []

        def err(key, message):
            row_errors.append(RowError(row_no, labels[key], str(message)))

        for col in COLUMNS:
            value = raw.get(col.key)
            text = _cell_text(value)
            if col.required and not text:
                err(col.key, ERR_REQUIRED)
                continue
            if not text:
                rec[col.key] = None
                continue
            try:
                if col.key in DATE_KEYS:
                    rec[col.key] = _parse_date(value)
                elif col.key in ("work_phone", "personal_phone"):
                    rec[col.key] = normalize_phone(text)
                elif col.key == "gender":
                    rec[col.key] = gender_words.get(text.lower()) or gender_words.get(text)
                    if rec[col.key] is None:
                        err(col.key, gettext(str(ERR_UNKNOWN), value=text))
                elif col.key == "employment_type":
                    rec[col.key] = employment_words.get(text)
                    if rec[col.key] is None:
                        err(col.key, gettext(str(ERR_UNKNOWN), value=text))
                elif col.key == "position":
                    rec[col.key] = lookups.positions.get(text) or lookups.positions.get(text.lower())
                    if rec[col.key] is None:
                        err(col.key, gettext(str(ERR_UNKNOWN), value=text))
                elif col.key == "campus":
                    rec[col.key] = lookups.campuses.get(text)
                    if rec[col.key] is None:
                        err(col.key, gettext(str(ERR_CAMPUS), value=text))
                else:
                    rec[col.key] = text[:80]
            except RuleError as exc:
                err(col.key, rule_message(exc))
            except ValueError:
                err(col.key, ERR_DATE)
        no = rec.get("staff_no")
        if no:
            if no in seen:
                err("staff_no", gettext(str(ERR_DUP_FILE), no=no, row=seen[no]))
            elif no in lookups.existing_numbers:
                err("staff_no", gettext(str(ERR_DUP_DB), no=no))
            seen.setdefault(no, row_no)
        dept = rec.get("department")
        if dept and rec.get("campus"):
            found = lookups.departments.get((rec["campus"].id, dept)) or lookups.departments.get((None, dept))
            if found is None:
                err("department", gettext(str(ERR_UNKNOWN), value=dept))
            rec["department"] = found
        try:
            check_date_order(rec.get("health_cert_issued"), rec.get("health_cert_expiry"))
        except RuleError as exc:
            err("health_cert_expiry", rule_message(exc))
        errors.extend(row_errors)
        if not row_errors:
            records.append(rec)
    return records, errors


def _lang():
    from ..i18n import current_language

    return current_language()


def read_workbook(stream) -> tuple[list, list[RowError] | None, str | None]:
    """Rows as (row_number, {key: value}); or a whole-file message."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for non-xlsx input
        return [], None, str(ERR_FILE_UNREADABLE)
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    header = next(it, None)
    if header is None:
        return [], None, str(ERR_FILE_EMPTY)
    mapping, missing = _header_map(header)
    if missing:
        names = ", ".join((c.zh if _lang() == "zh" else c.en) for c in missing)
        return [], None, gettext(str(ERR_HEADERS), columns=names)
    rows = []
    for number, values in enumerate(it, start=2):
        if not any(_cell_text(v) for v in values):
            continue
        rows.append((number, {mapping[i].key: v for i, v in enumerate(values) if i in mapping}))
        if len(rows) > MAX_ROWS:
            return [], None, gettext(str(ERR_TOO_MANY), max=MAX_ROWS)
    if not rows:
        return [], None, str(ERR_FILE_EMPTY)
    return rows, None, None


def import_staff(records: list[dict], filename: str) -> int:
    with audit_job(db.session, "staff_import", file=filename, rows=len(records)):
        for rec in records:
            db.session.add(Staff(
                name=rec["name"], staff_no=rec["staff_no"], gender=rec.get("gender"),
                work_phone=rec.get("work_phone"), personal_phone=rec.get("personal_phone"),
                position=rec.get("position"), employment_type=rec["employment_type"],
                campus=rec["campus"], department=rec.get("department"), hire_date=rec.get("hire_date"),
                health_cert_no=rec.get("health_cert_no"), health_cert_issued=rec.get("health_cert_issued"),
                health_cert_expiry=rec.get("health_cert_expiry"),
                qualification_cert=rec.get("qualification_cert"),
                qualification_level=rec.get("qualification_level"), active=True,
            ))
    db.session.commit()
    return len(records)


def import_page(view):
    errors: list[RowError] = []
    message = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            message = str(ERR_FILE_TYPE)
        elif not upload.filename.lower().endswith(".xlsx"):
            message = str(ERR_FILE_TYPE)
        else:
            rows, _, message = read_workbook(upload.stream)
            if message is None:
                records, errors = validate_rows(rows, Lookups())
                if not errors:
                    count = import_staff(records, upload.filename)
                    flash(gettext("%(count)d staff imported.", count=count), "success")
                    return redirect(url_for("StaffView.list"))
        if message:
            flash(message, "danger")
    return view.render_template("houqin/staff_import.html", errors=errors[:200], error_count=len(errors),
                                title=gettext("Import staff from Excel"))

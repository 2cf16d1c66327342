"""The staff import, declared for the one importer (app/imports): columns, lookups, the rule
across columns, the match key (the staff number) and the write."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..imports import ImportColumn, Importer
from ..imports import lookups
from ..imports.parsers import coded, date_value, phone
from ..imports.readers import cell_text
from ..models import EMPLOYMENT_TYPES, GENDERS, Department, Position, Staff
from ..rules import N_, RuleError, check_date_order

ERR_UNKNOWN = N_("Unknown value: %(value)s.")
ERR_TAKEN = N_("Staff number %(no)s already belongs to %(name)s.")
GENDER_WORDS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
EMPLOYMENT_WORDS = {"在编": "established", "外聘": "contract", "劳务派遣": "agency"}


def position(value, row):
    def load():
        table = {}
        for p in db.session.execute(select(Position)).scalars():
            table[p.name_zh] = p
            table[p.name_en.casefold()] = p
        return table
    text = cell_text(value)
    found = row.state.once("positions", load)
    hit = found.get(text) or found.get(text.casefold())
    if hit is None:
        raise RuleError(ERR_UNKNOWN, value=text)
    return hit


def department(value, row):
    """A department of the row's campus, or one shared by all campuses."""
    def load():
        return {(d.campus_id, d.name): d for d in db.session.execute(select(Department)).scalars()}
    text = cell_text(value)
    table = row.state.once("departments", load)
    campus = row.values.get("campus")
    hit = table.get((getattr(campus, "id", None), text)) or table.get((None, text))
    if hit is None:
        raise RuleError(ERR_UNKNOWN, value=text)
    return hit


class StaffImporter(Importer):
    name = "staff"
    title = _l("Staff")
    model = Staff
    key_column = "staff_no"
    empty_message = N_("The file holds no staff rows.")
    columns = [
        ImportColumn("name", "姓名", "Name", True, example="张丽"),
        ImportColumn("staff_no", "工号", "Staff number", True, example="T0001"),
        ImportColumn("gender", "性别", "Gender", parse=coded(GENDERS, GENDER_WORDS),
                     example="女"),
        ImportColumn("work_phone", "工作电话", "Work phone", parse=phone, example="021-12345678"),
        ImportColumn("personal_phone", "个人电话", "Personal phone", parse=phone, example="13800138000"),
        ImportColumn("position", "岗位", "Position", parse=position, example="保育员"),
        ImportColumn("employment_type", "用工形式", "Employment type", True,
                     parse=coded(EMPLOYMENT_TYPES, EMPLOYMENT_WORDS), example="在编"),
        ImportColumn("campus", "园区", "Campus", True, parse=lookups.campus),
        ImportColumn("department", "部门", "Department", parse=department),
        ImportColumn("hire_date", "入职日期", "Hire date", parse=date_value, example="2020-09-01"),
        ImportColumn("health_cert_no", "健康证号", "Health certificate no.", example="JK2026001"),
        ImportColumn("health_cert_issued", "健康证发证日期", "Health certificate issued", parse=date_value,
                     example="2026-01-10"),
        ImportColumn("health_cert_expiry", "健康证有效期至", "Health certificate expires", parse=date_value,
                     example="2027-01-09"),
        ImportColumn("qualification_cert", "资格证书", "Qualification certificate", example="保育员证"),
        ImportColumn("qualification_level", "资格等级", "Qualification level", example="初级"),
    ]

    def check(self, values, row):
        try:
            check_date_order(values.get("health_cert_issued"), values.get("health_cert_expiry"))
        except RuleError as err:
            return [err.on("health_cert_expiry")]
        return None

    def key(self, values):
        return values["staff_no"]

    def existing(self, keys, state):
        found = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):
            rows = db.session.execute(select(Staff.staff_no, Staff.name).where(
                Staff.staff_no.in_(keys[start:start + 500])))
            found.update({no: name for no, name in rows})
        return found

    def conflict(self, existing_name, values):
        # The same person imported again is left alone; the number on someone else is a mistake.
        if existing_name == values["name"]:
            return None
        return RuleError(ERR_TAKEN, field="staff_no", no=values["staff_no"], name=existing_name)

    def write(self, records, state):
        for rec in records:
            db.session.add(Staff(active=True, **rec))

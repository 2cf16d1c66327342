"""The organisation: campuses, departments, positions and staff."""
from __future__ import annotations

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import relationship

from .base import Audited, CampusScoped

GENDERS = [("M", _l("Male")), ("F", _l("Female"))]
EMPLOYMENT_TYPES = [
    ("established", _l("Established post")),  # 在编
    ("contract", _l("Contract")),  # 外聘
    ("agency", _l("Agency dispatched")),  # 劳务派遣
]
# Seeded into Position on init; the office edits the list afterwards.
DEFAULT_POSITIONS = [
    ("保育员", "Childcare worker"),
    ("营养员/厨师", "Nutrition worker / cook"),
    ("门卫/保安", "Gatekeeper / security guard"),
    ("保健教师", "Health teacher"),
    ("财务", "Finance"),
    ("司机", "Driver"),
    ("维修工", "Maintenance worker"),
    ("保洁员", "Cleaner"),
    ("教师", "Teacher"),
    ("管理人员", "Manager"),
]


class Campus(Audited, Model):
    __tablename__ = "campus"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)
    code = Column(String(20), nullable=False, unique=True)
    address = Column(String(200))
    active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        return self.name


class Department(Audited, Model):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("campus_id", "name"),)
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    campus_id = Column(Integer, ForeignKey("campus.id"), nullable=True, index=True)
    campus = relationship("Campus")
    active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        return self.name


class Position(Audited, Model):
    """Configurable list of posts (保育员, 门卫/保安 ...), named in both languages."""

    __tablename__ = "position"
    id = Column(Integer, primary_key=True)
    name_zh = Column(String(50), nullable=False, unique=True)
    name_en = Column(String(80), nullable=False)
    active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        from app.i18n import current_language

        return self.name_en if current_language() == "en" else self.name_zh


class Staff(Audited, CampusScoped, Model):
    __tablename__ = "staff"
    campus = relationship("Campus", lazy="joined")
    __audit_masked__ = {"personal_phone": "phone"}
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False, index=True)
    staff_no = Column(String(30), nullable=False, unique=True)
    gender = Column(String(1))
    work_phone = Column(String(20))
    personal_phone = Column(String(20))
    position_id = Column(Integer, ForeignKey("position.id"), index=True)
    # Small lookup tables shown in every staff list and export: join them, never one query per row.
    position = relationship("Position", lazy="joined")
    employment_type = Column(String(20), nullable=False, default="established")
    department_id = Column(Integer, ForeignKey("department.id"), index=True)
    department = relationship("Department", lazy="joined")
    hire_date = Column(Date)
    health_cert_no = Column(String(40))
    health_cert_issued = Column(Date)
    health_cert_expiry = Column(Date, index=True)
    qualification_cert = Column(String(80))
    qualification_level = Column(String(40))
    active = Column(Boolean, nullable=False, default=True, index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), unique=True)
    user = relationship("HouqinUser", foreign_keys=[user_id])
    # "The person behind this login" (a name beside every reporter, scorer, handler) joins staff on
    # user_id. Most staff have no login, and SQLite's ANALYZE counts the NULLs as one value: with
    # none or few logins the unique index looked useless and each joined row scanned the whole
    # staff table (the repair log of a month, 660 rows × 2,000 staff). Indexing only the logins
    # gives the planner true figures.
    __table_args__ = (Index("ix_staff_user_login", "user_id", sqlite_where=text("user_id IS NOT NULL"),
                            postgresql_where=text("user_id IS NOT NULL")),)
    __label_columns__ = ("name", "staff_no")  # what __str__ reads: search drop-downs load only these

    def __str__(self):
        return f"{self.name} ({self.staff_no})"

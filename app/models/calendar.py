"""The school calendar: academic years (学年) and their terms (第一/第二学期), with dates.

A year with no campus is the institution's calendar; a campus that keeps its own dates (a
kindergarten campus beside a primary school) has years of its own, which then replace the
institution's for that campus. Services: app.school_calendar."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import relationship

from .base import Audited

ZH_TERM_NUMBERS = {1: "第一学期", 2: "第二学期", 3: "第三学期", 4: "第四学期"}
EN_TERM_NUMBERS = {1: "first term", 2: "second term", 3: "third term", 4: "fourth term"}


def year_label(name: str, lang: str | None = None) -> str:
    if lang is None:
        from app.i18n import current_language

        lang = current_language()
    return f"{name} academic year" if lang == "en" else f"{name}学年"


class AcademicYear(Audited, Model):
    __tablename__ = "houqin_academic_year"
    __table_args__ = (Index("ix_houqin_academic_year_dates", "campus_id", "start_date", "end_date"),)
    id = Column(Integer, primary_key=True)
    campus_id = Column(Integer, ForeignKey("campus.id"), nullable=True)  # indexed first in ix_..._dates
    campus = relationship("Campus")
    name = Column(String(40), nullable=False)  # "2026-2027"
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    terms = relationship("Term", back_populates="academic_year", order_by="Term.number", lazy="selectin",
                         cascade="all, delete-orphan")
    __label_columns__ = ("name",)  # all that __str__ reads (search forms load only these)

    def label(self, lang: str | None = None) -> str:
        return year_label(self.name, lang)

    def __str__(self):
        return year_label(self.name)


class Term(Audited, Model):
    __tablename__ = "houqin_term"
    __table_args__ = (UniqueConstraint("academic_year_id", "number"),
                      Index("ix_houqin_term_dates", "start_date", "end_date"))
    id = Column(Integer, primary_key=True)
    academic_year_id = Column(Integer, ForeignKey("houqin_academic_year.id", ondelete="CASCADE"), nullable=False,
                              index=True)
    academic_year = relationship("AcademicYear", back_populates="terms", lazy="joined")
    number = Column(Integer, nullable=False)  # 1 = 第一学期 (autumn), 2 = 第二学期 (spring)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)

    @property
    def campus_id(self):
        return self.academic_year.campus_id if self.academic_year else None

    def short_label(self, lang: str | None = None) -> str:
        if lang is None:
            from app.i18n import current_language

            lang = current_language()
        if lang == "en":
            return EN_TERM_NUMBERS.get(self.number, f"term {self.number}").capitalize()
        return ZH_TERM_NUMBERS.get(self.number, f"第{self.number}学期")

    def label(self, lang: str | None = None) -> str:
        """2026-2027学年第一学期 / 2026-2027 academic year, first term."""
        if lang is None:
            from app.i18n import current_language

            lang = current_language()
        year = self.academic_year.name if self.academic_year else ""
        if lang == "en":
            return f"{year} academic year, {EN_TERM_NUMBERS.get(self.number, f'term {self.number}')}"
        return f"{year}学年{ZH_TERM_NUMBERS.get(self.number, f'第{self.number}学期')}"

    def utc_range(self, tz=None):
        """[first day 00:00, the day after the last 00:00) local, in UTC."""
        from app.periods import end_of_day, start_of_day

        return start_of_day(self.start_date, tz), end_of_day(self.end_date, tz)

    def contains(self, day) -> bool:
        return self.start_date <= day <= self.end_date

    def __str__(self):
        return self.label()

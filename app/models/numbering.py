"""The counters behind app.numbering.next_number: one row per sequence, scope and period."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, Integer, String, UniqueConstraint


class SequenceCounter(Model):
    __tablename__ = "houqin_sequence"
    __table_args__ = (UniqueConstraint("key", "scope", "period", name="uq_houqin_sequence"),)
    id = Column(Integer, primary_key=True)
    key = Column(String(80), nullable=False)  # the declared sequence: "assets.card"
    scope = Column(String(80), nullable=False, default="")  # e.g. the category code, the committee id
    period = Column(String(20), nullable=False, default="")  # e.g. "2026"; "" for a sequence without periods
    last_value = Column(Integer, nullable=False, default=0)

    def __str__(self):
        return f"{self.key}[{self.scope}/{self.period}] = {self.last_value}"

"""Settings stored in the database: one row per key (and campus, for per-campus values)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, Text, UniqueConstraint

from .base import Audited


class Setting(Audited, Model):
    __tablename__ = "houqin_setting"
    __table_args__ = (UniqueConstraint("key", "campus_id"),)
    id = Column(Integer, primary_key=True)
    key = Column(String(80), nullable=False, index=True)
    campus_id = Column(Integer, ForeignKey("campus.id", ondelete="CASCADE"), nullable=True)
    value = Column(Text, nullable=False)  # JSON

    def __str__(self):
        return self.key if self.campus_id is None else f"{self.key}@{self.campus_id}"


class Version(Model):
    """A change counter (app/freshness.py): "settings", "roles", "reference" (and what a plugin
    watches). Bumped in the transaction of every change to what it counts and read with the
    signed-in user on every request: each worker and host notices a change on its next request.
    Not audited: the change itself is."""

    __tablename__ = "houqin_version"
    key = Column(String(40), primary_key=True)
    version = Column(BigInteger, nullable=False, default=0)

"""Settings stored in the database: one row per key (and campus, for per-campus values)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint

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


class SettingVersion(Model):
    """One row, bumped in the transaction of every settings change and read with the signed-in
    user on every request (app.settings.version_column): each worker and host notices a change on
    its next request and reloads, instead of a per-process cache showing old and new values
    alternately until it expires. Not audited: the change itself is (Setting)."""

    __tablename__ = "houqin_setting_version"
    id = Column(Integer, primary_key=True)
    version = Column(Integer, nullable=False, default=0)

"""FAB's user, extended with campuses and the forced first-login password change."""
from __future__ import annotations

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, Column, ForeignKey, Integer, Table
from sqlalchemy.orm import relationship

user_campus = Table(
    "houqin_user_campus",
    Model.metadata,
    Column("user_id", Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True),
    Column("campus_id", Integer, ForeignKey("campus.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class HouqinUser(User):
    """Same table as FAB's User (single-table inheritance), two more things:
    the campuses that scope what the user sees, and whether the password
    an admin set must be changed at first login."""

    __tablename__ = "ab_user"
    __table_args__ = {"extend_existing": True}
    must_change_password = Column(Boolean, nullable=False, default=False, server_default="0")
    campuses = relationship("Campus", secondary=user_campus, lazy="selectin")

    def get_full_name(self):
        """Chinese names read surname first with no space (张主任); others "First Last"."""
        first, last = self.first_name or "", self.last_name or ""
        if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()

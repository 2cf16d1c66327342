"""FAB's user, extended with campuses, the forced first-login password change, a security stamp,
and the server-side record of each signed-in browser session."""
from __future__ import annotations

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import relationship

from .base import UTCDateTime

user_campus = Table(
    "houqin_user_campus",
    Model.metadata,
    Column("user_id", Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True),
    Column("campus_id", Integer, ForeignKey("campus.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class HouqinUser(User):
    """Same table as FAB's User (single-table inheritance), three more things:
    the campuses that scope what the user sees, whether the password
    an admin set must be changed at first login, and the security stamp that
    every JWT carries (a new password or a deactivation changes it: older tokens stop)."""

    __tablename__ = "ab_user"
    __table_args__ = {"extend_existing": True}
    must_change_password = Column(Boolean, nullable=False, default=False, server_default="0")
    security_stamp = Column(String(32), nullable=False, default="", server_default="")
    campuses = relationship("Campus", secondary=user_campus, lazy="selectin")

    def get_full_name(self):
        """Chinese names read surname first with no space (张主任); others "First Last"."""
        first, last = self.first_name or "", self.last_name or ""
        if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()


class UserSession(Model):
    """One row per signed-in browser session (app.sessions): the cookie names its row, logging
    out deletes it, so a copied or replayed cookie is refused after logout; a new password or a
    deactivation deletes every row of the user."""

    __tablename__ = "houqin_user_session"
    id = Column(String(64), primary_key=True)  # secrets.token_urlsafe(32), kept in the signed cookie
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(UTCDateTime, nullable=False)
    # Touched at most every few minutes (not on every request); stale rows are purged at login.
    last_seen = Column(UTCDateTime, nullable=False, index=True)


def _groups_accept_the_house_user() -> None:
    """Flask-AppBuilder's Group.users expects its own User class: a HouqinUser put in a group (the
    user form's groups, the group screen) failed the flush ("Expected an object of type User"),
    a 500. Its Role.user collection already allows subclasses (enable_typechecks=False); the same
    for groups. Set before the mappers are configured (the flag is copied then)."""
    from flask_appbuilder.security.sqla.models import Group

    prop = Group.__mapper__._props["users"]
    prop.enable_typechecks = False
    processor = getattr(prop, "_dependency_processor", None)
    if processor is not None:
        processor.enable_typechecks = False


_groups_accept_the_house_user()

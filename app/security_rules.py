"""Two invariants held on every write path (screens, API, CLI), checked when the session flushes:

* catalogue roles change only through the catalogue sync (`flask houqin init`/`sync-roles`,
  app.security.HouqinSecurityManager.sync_roles): their permissions, names and existence are the
  code's. A copied role is the admins' own and stays editable;
* the last active user holding Admin (directly or through a group) stays: deactivating,
  deleting or taking Admin from them is refused, so nobody locks the office out.

The screens check the same before they write (app.security's user and role views), to show the
message on the page; the flush check is what holds whatever the path.
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager

from flask import current_app, has_app_context
from flask_appbuilder.security.sqla.models import (
    Group, Role, User, assoc_group_role, assoc_user_group, assoc_user_role,
)
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, exists, inspect, or_, select
from sqlalchemy.orm import Session

CATALOGUE_READ_ONLY = _l("Catalogue roles are managed by the system; copy the role to make a variant.")
LAST_ADMIN = _l("This is the last active administrator: give another user the Admin role first.")

_syncing: contextvars.ContextVar[bool] = contextvars.ContextVar("houqin_catalogue_sync", default=False)


class SecurityRuleError(ValueError):
    """Flask-AppBuilder's screens flash str(error) of a ValueError raised while saving."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message

    def __str__(self):
        return str(self.message)  # lazy: in the language of the request that shows it


@contextmanager
def catalogue_sync():
    """The one way catalogue roles may change (permission sync and the catalogue's own sync)."""
    token = _syncing.set(True)
    try:
        yield
    finally:
        _syncing.reset(token)


def _catalogue() -> set[str]:
    if not has_app_context() or "houqin" not in current_app.extensions:
        return set()
    return set(current_app.extensions["houqin"].catalogue)


def _admin_role() -> str:
    return current_app.config.get("AUTH_ROLE_ADMIN", "Admin") if has_app_context() else "Admin"


def _old(state, key):
    hist = state.attrs[key].history
    return hist.deleted[0] if hist.deleted else getattr(state.obj(), key)


def is_catalogue_role_change(db_session: Session, role: Role) -> bool:
    names = _catalogue()
    state = inspect(role)
    if role in db_session.new:
        return role.name in names
    was = _old(state, "name")
    if was not in names:
        return False
    if role in db_session.deleted:
        return True
    return any(state.attrs[key].history.has_changes() for key in ("name", "permissions"))


def active_admin_ids(db_session: Session, exclude: int | None = None) -> set[int]:
    """Active users holding the Admin role directly or through a group, as the database has it."""
    name = _admin_role()
    direct = exists().where(assoc_user_role.c.user_id == User.id, assoc_user_role.c.role_id == Role.id,
                            Role.name == name)
    grouped = (select(assoc_user_group.c.user_id)
               .join(assoc_group_role, assoc_group_role.c.group_id == assoc_user_group.c.group_id)
               .join(Role, Role.id == assoc_group_role.c.role_id).where(Role.name == name))
    query = select(User.id).where(User.active.is_(True), or_(direct, User.id.in_(grouped)))
    if exclude is not None:
        query = query.where(User.id != exclude)
    with db_session.no_autoflush:
        return set(db_session.execute(query).scalars())


def _touches_admins(db_session: Session) -> bool:
    """Could this flush leave nobody with Admin? (then the count is checked before and after)."""
    for obj in db_session.deleted:
        if isinstance(obj, (User, Group)) or (isinstance(obj, Role) and obj.name == _admin_role()):
            return True
    for obj in db_session.dirty:
        state = inspect(obj)
        if isinstance(obj, User) and any(state.attrs[k].history.has_changes() for k in ("active", "roles", "groups")):
            return True
        if isinstance(obj, Group) and any(state.attrs[k].history.has_changes() for k in ("users", "roles")):
            return True
        if isinstance(obj, Role) and obj.name == _admin_role() and state.attrs.user.history.has_changes():
            return True
    return False


def loses_last_admin(db_session: Session, user) -> bool:
    """For a screen about to save `user`: would this leave no active administrator?"""
    state = inspect(user)
    name = _admin_role()
    roles = state.attrs.roles.history
    keeps = bool(user.active) and (any(r.name == name for r in (roles.unchanged or []) + (roles.added or []))
                                   or any(r.name == name for g in user.groups or [] for r in g.roles))
    if keeps and user not in db_session.deleted:
        return False
    return user.id in active_admin_ids(db_session) and not active_admin_ids(db_session, exclude=user.id)


def _before_flush(db_session: Session, _ctx, _instances) -> None:
    db_session.info.pop("hq_admins_before", None)
    if not has_app_context():
        return
    if not _syncing.get():
        for obj in list(db_session.new) + list(db_session.dirty) + list(db_session.deleted):
            if isinstance(obj, Role) and is_catalogue_role_change(db_session, obj):
                raise SecurityRuleError(CATALOGUE_READ_ONLY)
    if _touches_admins(db_session):
        db_session.info["hq_admins_before"] = len(active_admin_ids(db_session))


def _after_flush(db_session: Session, _ctx) -> None:
    before = db_session.info.pop("hq_admins_before", None)
    if before and not active_admin_ids(db_session):
        raise SecurityRuleError(LAST_ADMIN)


def install() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


__all__ = ["CATALOGUE_READ_ONLY", "LAST_ADMIN", "SecurityRuleError", "active_admin_ids", "catalogue_sync",
           "install", "is_catalogue_role_change", "loses_last_admin"]

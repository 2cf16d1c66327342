"""Server-side sessions and the security stamp.

The cookie session is signed but lives in the browser: before this, a copied cookie stayed
valid after logout. Now each login writes a row (houqin_user_session) whose id the cookie
carries; the user is loaded together with that row in the one statement that loads them
anyway (HouqinSecurityManager.load_user), so the check costs no extra statement. Logging out
deletes the row (only that browser's: the phone's logout leaves the gate PC signed in).

A new password or a deactivation changes the user's security stamp and deletes every session
row of the user (their own password change keeps the session it was made in). JWTs carry the
stamp (claim "stamp"): one issued before the change no longer matches and is refused (401).
"""
from __future__ import annotations

import secrets
import time
from datetime import timedelta

from flask import current_app, g, has_request_context, session
from flask_login import user_logged_in, user_logged_out
from sqlalchemy import and_, bindparam, delete, event, inspect, insert, select, update
from sqlalchemy.orm import Session, joinedload

from .models.base import utcnow
from . import freshness
from .models.user import HouqinUser, UserSession

SID_KEY = "_hq_sid"
STAMP_CLAIM = "stamp"
# last_seen is rewritten at most this often (one UPDATE per session every few minutes, not per request).
TOUCH_SECONDS = 300


# The two statements that load a user, built once per set of counters (the construct costs more to
# build than SQLAlchemy's compiled cache then costs to find): the user's id and the session's id are
# bound parameters.
_statements: dict = {}


def _user_query(with_session: bool):
    """The user with roles, groups and campuses, and the change counters riding along
    (app/freshness.py: a change of settings, roles or reference data reaches this worker on its
    next request without a statement of its own); with_session: and the browser session's row
    (its last_seen). Returns the statement (parameters `hq_pk`, `hq_sid`) and the counters' keys."""
    from .extensions import FRAME

    keys = freshness.counter_keys()
    found = _statements.get((keys, with_session))
    if found is None:
        query = (select(HouqinUser, *freshness.version_columns(keys)).where(HouqinUser.id == bindparam("hq_pk"))
                 .options(joinedload(HouqinUser.roles), joinedload(HouqinUser.groups),
                          joinedload(HouqinUser.campuses))
                 .execution_options(**{FRAME: "user"}))
        if with_session:
            query = query.add_columns(UserSession.last_seen).join(
                UserSession, and_(UserSession.user_id == HouqinUser.id, UserSession.id == bindparam("hq_sid")))
        found = _statements[(keys, with_session)] = query
    return found, keys


def load_session_user(db_session, pk: int, sid: str | None):
    """The user of this browser session with roles, groups and campuses, and the session row's
    last_seen, in one statement; None when the row is gone (logged out, password changed)."""
    if not sid:
        return None
    query, keys = _user_query(True)
    row = db_session.execute(query, {"hq_pk": pk, "hq_sid": sid}).unique().first()
    if row is None:
        return None
    user, *counters, last_seen = row
    freshness.note(keys, counters)
    if last_seen is not None and (utcnow() - last_seen).total_seconds() > TOUCH_SECONDS:
        _touch(sid)
    return user


def load_token_user(db_session, pk: int, stamp):
    """The user a JWT names, if the token's stamp is still theirs (one statement)."""
    query, keys = _user_query(False)
    row = db_session.execute(query, {"hq_pk": pk}).unique().first()
    if row is None:
        return None
    user, *counters = row
    freshness.note(keys, counters)
    if not isinstance(stamp, str) or stamp != (user.security_stamp or ""):
        return None
    return user


def _touch(sid: str) -> None:
    from .extensions import db

    # Its own short transaction: the request's session may never commit (a GET page).
    with db.engine.begin() as conn:
        conn.execute(update(UserSession.__table__).where(UserSession.__table__.c.id == sid)
                     .values(last_seen=utcnow()))


def _idle_limit() -> timedelta:
    minutes = current_app.extensions["houqin_settings"].get("idle_timeout_minutes")
    return timedelta(minutes=minutes, seconds=2 * TOUCH_SECONDS)


def _on_login(sender, user, **_):
    """A new row for this browser; stale rows of anyone (idle longer than the timeout) go."""
    from .extensions import db

    sid = secrets.token_urlsafe(32)
    now = utcnow()
    table = UserSession.__table__
    db.session.execute(delete(table).where(table.c.last_seen < now - _idle_limit()))
    db.session.execute(insert(table).values(id=sid, user_id=user.id, created_at=now, last_seen=now))
    db.session.commit()
    session[SID_KEY] = sid
    # An earlier session's activity time must not count against this one (idle sign-out).
    session["_last_seen"] = time.time()


def _on_logout(sender, user, **_):
    from .extensions import db

    sid = session.pop(SID_KEY, None)
    if sid:
        table = UserSession.__table__
        db.session.execute(delete(table).where(table.c.id == sid))
        db.session.commit()


def end_other_sessions(db_session, user_id: int, keep: str | None = None) -> None:
    table = UserSession.__table__
    clause = table.c.user_id == user_id
    if keep:
        clause = and_(clause, table.c.id != keep)
    db_session.connection().execute(delete(table).where(clause))


def _rotate_stamps(db_session: Session, _ctx, _instances) -> None:
    """Every write path (screens, API, CLI) that sets a password or deactivates a user."""
    for obj in list(db_session.dirty):
        if not isinstance(obj, HouqinUser):
            continue
        state = inspect(obj)
        new_password = state.attrs.password.history.has_changes()
        deactivated = state.attrs.active.history.has_changes() and not obj.active
        if new_password or deactivated:
            obj.security_stamp = secrets.token_hex(16)
            db_session.info.setdefault("hq_end_sessions", {})[obj.id] = deactivated


def _end_sessions(db_session: Session, _ctx) -> None:
    ended = db_session.info.pop("hq_end_sessions", None)
    if not ended:
        return
    me = getattr(g, "user", None) if has_request_context() else None
    for user_id, deactivated in ended.items():
        own = me is not None and getattr(me, "is_authenticated", False) and me.id == user_id and not deactivated
        end_other_sessions(db_session, user_id, keep=session.get(SID_KEY) if own else None)


def install(app) -> None:
    user_logged_in.connect(_on_login, app)
    user_logged_out.connect(_on_logout, app)
    if not event.contains(Session, "before_flush", _rotate_stamps):
        event.listen(Session, "before_flush", _rotate_stamps)
        event.listen(Session, "after_flush", _end_sessions)

    jwt = app.appbuilder.sm.jwt_manager

    @jwt.additional_claims_loader
    def _stamp_claim(identity):
        # Login: the user just authenticated; refresh: the refresh token's user (stamp checked).
        user = g.get("_hq_token_user") or g.get("user")
        if user is None or not getattr(user, "is_authenticated", False) or str(user.id) != str(identity):
            from .extensions import db

            user = db.session.get(HouqinUser, int(identity))
        return {STAMP_CLAIM: (user.security_stamp or "") if user is not None else "-"}

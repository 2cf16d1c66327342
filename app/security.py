"""Security: the user model with campuses, the role catalogue and its sync,
forced password change, idle timeout, and a per-request permission cache (FAB
otherwise runs one query per menu item). The login throttle is app.throttle, server-side
sessions and the security stamp app.sessions, the catalogue and last-Admin invariants
app.security_rules, the request guards of the API app.guards."""
from __future__ import annotations

import logging
import os
import time

from flask import abort, current_app, flash, g, has_request_context, redirect, request, session, url_for
from flask_appbuilder.api import safe
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.schemas import login_post
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import PermissionView, assoc_permissionview_role
from flask_appbuilder.views import expose
from flask_babel import gettext, lazy_gettext as _l
from flask_jwt_extended import create_access_token, create_refresh_token
from flask_login import logout_user
from marshmallow import ValidationError
from sqlalchemy import bindparam, select

from .guards import INT_MAX as MAX_ID
from .models.user import HouqinUser
from .security_rules import catalogue_sync
from .sessions import SID_KEY, load_session_user, load_token_user

log = logging.getLogger(__name__)

# Roles that see every campus (DESIGN.md: campuses scope rows except for these).
UNSCOPED_ROLES = frozenset({"Admin", "Director", "Auditor"})
# How often a page view rewrites the session's activity time (and so its cookie): an idle
# sign-out after N minutes may come up to this much early.
ACTIVITY_WRITE_SECONDS = 30
# Roles that see personal numbers unmasked.
UNMASKED_ROLES = frozenset({"Admin", "Director"})


def catalogue() -> dict:
    """The catalogue roles of this app (core's eight and those the enabled plugins declare):
    name -> app.plugin.CatalogueRole."""
    return current_app.extensions["houqin"].catalogue


def role_names(user) -> set[str]:
    """The user's role names, computed once per request (lists ask for every masked cell)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    from flask import has_request_context

    if has_request_context():
        cached = g.get("_houqin_role_names")
        if cached is not None and cached[0] == user.id:
            return cached[1]
    # Flask-AppBuilder's own list (the user's roles and their groups' roles), as its permissions
    # count them: a group's Director is unscoped and unmasked like one given the role directly
    names = {r.name for r in current_app.appbuilder.sm.get_user_roles(user)}
    if has_request_context():
        g._houqin_role_names = (user.id, names)
    return names


def is_unscoped(user) -> bool:
    return bool(role_names(user) & UNSCOPED_ROLES)


def sees_personal_data(user) -> bool:
    return bool(role_names(user) & UNMASKED_ROLES)


MUST_CHANGE_PASSWORD = _l("Please choose a new password before you continue.")


class HouqinSecurityApi(SecurityApi):
    """FAB's JWT login, plus: a user who must change their password gets no token (403, they
    change it on the web page first), and the token carries the user's security stamp
    (app.sessions). The throttle (app.throttle) and the body checks (app.guards) run before."""

    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        """Login endpoint for the API returns a JWT and optionally a refresh token
        ---
        post:
          description: >-
            Authenticate and get a JWT access and refresh token
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [username, password, provider]
                  properties:
                    username:
                      type: string
                    password:
                      type: string
                    provider:
                      type: string
                      enum: [db]
                    refresh:
                      type: boolean
          responses:
            200:
              description: Authentication Successful
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      access_token:
                        type: string
                      refresh_token:
                        type: string
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            429:
              $ref: '#/components/responses/429'
            500:
              $ref: '#/components/responses/500'
        """
        try:
            payload = login_post.load(request.get_json(silent=True))
        except ValidationError as error:
            return self.response_400(message=error.messages)
        if payload["provider"] != "db":
            return self.response_400(message={"provider": [gettext("Not a valid choice")]})
        user = self.appbuilder.sm.auth_user_db(payload["username"], payload["password"])
        if not user:
            return self.response_401()
        if user.must_change_password:
            return self.response(403, message=gettext(
                "This account must choose a new password first: sign in on the web page and change it."))
        g._hq_token_user = user
        tokens = {"access_token": create_access_token(identity=str(user.id), fresh=True)}
        if payload.get("refresh"):
            tokens["refresh_token"] = create_refresh_token(identity=str(user.id))
        return self.response(200, **tokens)


class HouqinSecurityManager(SecurityManager):
    user_model = HouqinUser
    security_api = HouqinSecurityApi
    # FAB's user statistics chart loads Google Charts from the internet: blank offline.
    userstatschartview = None

    def __init__(self, appbuilder):
        # The security screens in the house style (app/views/security.py); imported here, since
        # the house list they use scopes rows with this module's functions.
        from .views import security as screens

        self.userdbmodelview, self.rolemodelview = screens.HouqinUserView, screens.HouqinRoleView
        self.groupmodelview, self.permissionmodelview = screens.UserGroupModelView, screens.PermissionModelView
        self.viewmenumodelview = screens.ViewMenuModelView
        self.permissionviewmodelview = screens.PermissionViewModelView
        super().__init__(appbuilder)

    def load_user(self, pk):
        """The signed-in user of this browser session with roles, groups and campuses, checked
        against the session's row, in one statement (FAB loads each relation separately)."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        if not 0 < pk <= MAX_ID or not has_request_context():
            return None
        user = load_session_user(self.session, pk, session.get(SID_KEY))
        return user if user is not None and user.is_active else None

    def load_user_jwt(self, _jwt_header, jwt_data):
        """The JWT's user if its security stamp is still theirs; FAB's protect() may verify the
        token a second time in one request: loaded once."""
        key = (jwt_data.get("sub"), jwt_data.get("jti"))
        cached = g.get("_hq_jwt_user")
        if cached is not None and cached[0] == key:
            user = cached[1]
        else:
            try:
                pk = int(jwt_data.get("sub"))
            except (TypeError, ValueError):
                return None
            user = load_token_user(self.session, pk, jwt_data.get("stamp")) if 0 < pk <= MAX_ID else None
            g._hq_jwt_user = (key, user)
        if user is None or not user.is_active:
            return None
        g.user = user
        return user

    def auth_user_db(self, username, password):
        """FAB's check, with the throttle told how it went (app.throttle)."""
        from .throttle import throttle

        user = super().auth_user_db(username, password)
        limiter = throttle()
        if limiter is not None and has_request_context():
            limiter.after(success=user is not None)
        if user is not None:
            g._hq_signed_in = username
        return user

    # -- permissions: one query per request instead of one per menu item --------
    def _permission_set(self, user) -> set[tuple[str, str]]:
        """The user's (permission, view) pairs: once per request, and kept per role set until a
        role or permission changes anywhere (app/freshness.py), so most requests run no query."""
        cache = g.get("_houqin_perms")
        key = getattr(user, "id", None)
        if cache is not None and cache[0] == key:
            return cache[1]
        role_ids = tuple(sorted(r.id for r in self.get_user_roles(user)))
        from . import freshness

        result = current_app.extensions["houqin_kept"]["permissions"].get(
            role_ids, freshness.stamp("roles"), lambda: self._load_permissions(role_ids))
        g._houqin_perms = (key, result)
        return result

    def _load_permissions(self, role_ids) -> frozenset[tuple[str, str]]:
        from .extensions import FRAME

        if not role_ids:
            return frozenset()
        rows = self.session.execute(
            select(self.permission_model.name, self.viewmenu_model.name)
            .select_from(PermissionView)
            .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
            .join(self.permission_model, PermissionView.permission_id == self.permission_model.id)
            .join(self.viewmenu_model, PermissionView.view_menu_id == self.viewmenu_model.id)
            .where(assoc_permissionview_role.c.role_id.in_(role_ids))
            .execution_options(**{FRAME: "permissions"})
        ).all()
        return frozenset((p, v) for p, v in rows)

    def _has_view_access(self, user, permission_name, view_name) -> bool:
        return (permission_name, view_name) in self._permission_set(user)

    def held_among(self, pairs) -> set[tuple[str, str]]:
        """Which of these (permission, view) pairs the current user holds, in one statement that
        reads only them: a page's polling needs three answers, not the user's 500 permissions.
        Uses the request's full set when it is already loaded."""
        from .extensions import FRAME

        user = g.get("user")
        pairs = {tuple(p) for p in pairs}
        if user is None or not getattr(user, "is_authenticated", False) or not pairs:
            return set()
        cache = g.get("_houqin_perms")
        if cache is not None and cache[0] == user.id:
            return pairs & cache[1]
        from . import freshness

        kept = current_app.extensions["houqin_kept"]["permissions"].peek(
            tuple(sorted(r.id for r in self.get_user_roles(user))), freshness.stamp("roles"))
        if kept is not None:  # this worker keeps the role set's permissions: no statement at all
            return pairs & kept
        role_ids = [r.id for r in self.get_user_roles(user)]
        if not role_ids:
            return set()
        stmt = getattr(self, "_held_among_stmt", None)
        if stmt is None:  # built once: the poll runs it every 30 s for every open page
            stmt = self._held_among_stmt = (
                select(self.permission_model.name, self.viewmenu_model.name).distinct()
                .select_from(PermissionView)
                .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
                .join(self.permission_model, PermissionView.permission_id == self.permission_model.id)
                .join(self.viewmenu_model, PermissionView.view_menu_id == self.viewmenu_model.id)
                .where(assoc_permissionview_role.c.role_id.in_(bindparam("roles", expanding=True)),
                       self.permission_model.name.in_(bindparam("names", expanding=True)),
                       self.viewmenu_model.name.in_(bindparam("views", expanding=True)))
                .execution_options(**{FRAME: "permissions"}))
        rows = self.session.connection().execute(stmt, {
            "roles": role_ids, "names": sorted({p for p, _ in pairs}), "views": sorted({v for _, v in pairs})}).all()
        return pairs & {(p, v) for p, v in rows}

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name=None):
        if user is None:
            return super()._get_user_permission_view_menus(user, permission_name, view_menus_name)
        held = self._permission_set(user)
        names = {v for p, v in held if p == permission_name}
        if view_menus_name is not None:
            names &= set(view_menus_name)
        return names

    def reset_password(self, userid, password):
        super().reset_password(userid, password)
        user = self.get_user_by_id(userid)
        # Own change clears the flag; an admin's reset of someone else sets it.
        user.must_change_password = not (g.get("user") is not None and g.user.id == user.id)
        self.session.commit()

    # -- catalogue -----------------------------------------------------------------
    def sync_roles(self) -> dict[str, int]:
        """Make every catalogue role hold exactly its permissions (core + enabled plugins).
        Admin holds every permission. Roles outside the catalogue are left alone."""
        with catalogue_sync():
            return self._sync_roles()

    def _sync_roles(self) -> dict[str, int]:
        registry = current_app.extensions["houqin"]
        wanted = registry.role_permissions()
        all_pvs = self.session.execute(select(PermissionView)).scalars().all()
        by_key = {(pv.permission.name, pv.view_menu.name): pv for pv in all_pvs}
        counts = {}
        for name in registry.catalogue:
            role = self.find_role(name) or self.add_role(name)
            if name == "Admin":
                target = list(all_pvs)
            else:
                # Start-up refuses a declared permission that no view has (Registry.check), so
                # every wanted pair exists once FAB has created the permissions.
                target = [by_key[k] for k in sorted(wanted[name]) if k in by_key]
            role.permissions = target
            counts[name] = len(target)
        self.session.commit()
        return counts


def install_request_guards(app) -> None:
    """Forced password change and idle timeout, checked before every page request (the API's
    are app.guards'); unknown action names answer 404 (FAB raises a 500 on them)."""
    views = {type(v).__name__: v for v in app.appbuilder.baseviews}

    @app.before_request
    def _unknown_action():
        endpoint = request.endpoint or ""
        if not endpoint.endswith((".action", ".download")):
            return None
        user = getattr(g, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return redirect(url_for("AuthDBView.login"))
        if endpoint.endswith(".action") and request.view_args:
            view = views.get(request.endpoint.rsplit(".", 1)[0])
            if view is not None and request.view_args.get("name") not in getattr(view, "actions", {}):
                abort(404)
        if request.endpoint and request.endpoint.endswith(".download") and request.view_args:
            # FAB's file download raises on a missing or malformed name; none of ours uploads files.
            name = request.view_args.get("filename", "")
            folder = current_app.config.get("UPLOAD_FOLDER", "")
            if "_sep_" not in name or not os.path.isfile(os.path.join(folder, name)):
                abort(404)

    exempt_endpoints = {"static", "appbuilder.static", "LocaleView.index"}

    @app.before_request
    def _guards():
        if request.endpoint in exempt_endpoints or request.path.startswith("/static"):
            return None
        user = getattr(g, "user", None)
        if user is None or not getattr(user, "is_authenticated", False) or request.path.startswith("/api/"):
            return None
        now = time.time()
        idle = current_app.extensions["houqin_settings"].get("idle_timeout_minutes") * 60
        last = session.get("_last_seen")
        # A page's own polling (the to-do count, the desk's answers) is not activity: an open
        # page on the shared gate PC must still sign out after the idle time.
        background = request.headers.get("X-Houqin-Background") == "1"
        if last is not None and now - last > idle:
            logout_user()
            session.clear()
            if background:
                return {"message": str(_l("You were signed out after a period of inactivity."))}, 401
            flash(str(_l("You were signed out after a period of inactivity.")), "warning")
            return redirect(url_for("AuthDBView.login"))
        if not background and (last is None or now - last >= ACTIVITY_WRITE_SECONDS or not session.permanent):
            session["_last_seen"] = now
            session.permanent = True
        if getattr(user, "must_change_password", False):
            allowed = {"ResetMyPasswordView.this_form_get", "ResetMyPasswordView.this_form_post",
                       "AuthDBView.logout"}
            if request.endpoint not in allowed:
                flash(str(MUST_CHANGE_PASSWORD), "warning")
                return redirect(url_for("ResetMyPasswordView.this_form_get"))
        return None

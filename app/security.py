"""Security: the user model with campuses, the role catalogue and its sync,
login throttling, forced password change, idle timeout, and a per-request
permission cache (FAB otherwise runs one query per menu item)."""
from __future__ import annotations

import logging
import os
import time

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import PermissionView, Role, assoc_permissionview_role
from flask_appbuilder.security.views import RoleModelView, UserDBModelView
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from .models.user import HouqinUser

log = logging.getLogger(__name__)

# Roles that see every campus (DESIGN.md: campuses scope rows except for these).
UNSCOPED_ROLES = frozenset({"Admin", "Director", "Auditor"})
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
    names = {r.name for r in user.roles}
    if has_request_context():
        g._houqin_role_names = (user.id, names)
    return names


def is_unscoped(user) -> bool:
    return bool(role_names(user) & UNSCOPED_ROLES)


def sees_personal_data(user) -> bool:
    return bool(role_names(user) & UNMASKED_ROLES)


def login_rate_key() -> str:
    """Throttle per username *and* address: a school behind one NAT must not lock
    itself out because one person mistypes, and one address cannot spray users."""
    username = request.form.get("username")
    if username is None and request.is_json:
        username = (request.get_json(silent=True) or {}).get("username")
    return f"{(username or '').strip().lower()}|{get_remote_address()}"


class HouqinUserView(UserDBModelView):
    """FAB's user screen plus campuses; users an admin creates must change their password."""

    add_columns = UserDBModelView.add_columns + ["campuses"]
    edit_columns = UserDBModelView.edit_columns + ["campuses"]
    show_columns = ["username", "first_name", "last_name", "email", "active", "roles", "campuses",
                    "must_change_password", "last_login", "login_count"]
    label_columns = {**UserDBModelView.label_columns, "campuses": _l("Campuses"),
                     "must_change_password": _l("Must change password")}

    def post_add(self, item):
        item.must_change_password = True
        self.datamodel.edit(item)


class HouqinRoleView(RoleModelView):
    """Catalogue roles are owned by code (`flask houqin sync-roles`): read-only here.
    Admins copy one into a variant, which sync never touches."""

    CATALOGUE_READ_ONLY = _l("Catalogue roles are managed by the system; copy the role to make a variant.")

    def process_form(self, form, is_created):
        # FAB flushes while filling the item from the form, which loses the old name:
        # note whether the role being edited is a catalogue role before that happens.
        if not is_created:
            role = self.datamodel.get(getattr(form, "_id", None))
            g._houqin_catalogue_edit = role is not None and role.name in catalogue()

    def pre_update(self, item):
        if g.get("_houqin_catalogue_edit"):
            raise ValueError(str(self.CATALOGUE_READ_ONLY))  # FAB flashes it and saves nothing

    def pre_delete(self, item):
        if item.name in catalogue():
            raise ValueError(str(self.CATALOGUE_READ_ONLY))
        super().pre_delete(item)

    @action("copyrole", _l("Copy Role"), _l("Copy the selected roles?"), icon="fa-copy", single=False)
    def copy_role(self, items):
        items = items if isinstance(items, list) else [items]
        for item in items:
            name = f"{item.name} copy"
            n = 2
            while self.appbuilder.sm.find_role(name):
                name = f"{item.name} copy {n}"
                n += 1
            new_role = Role(name=name, permissions=list(item.permissions))
            self.datamodel.add(new_role)
        return redirect(url_for(f"{self.__class__.__name__}.list"))


class HouqinSecurityManager(SecurityManager):
    user_model = HouqinUser
    userdbmodelview = HouqinUserView
    rolemodelview = HouqinRoleView
    # FAB's user statistics chart loads Google Charts from the internet: blank offline.
    userstatschartview = None

    def load_user(self, pk):
        """The signed-in user with roles, groups and campuses in one statement
        (FAB loads each relation separately on every request)."""
        from . import freshness
        from .extensions import FRAME

        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        # The change counters ride along (app/freshness.py): a change of settings, roles or
        # reference data reaches this worker on its next request without a statement of its
        # own. Further per-request checks (a server-side session) belong in this statement too:
        # the page budget is 4 in all. Built once: it runs on every request, polls included.
        stmt = getattr(self, "_load_user_stmt", None)
        if stmt is None:
            self._load_user_keys = keys = freshness.counter_keys()
            stmt = self._load_user_stmt = (
                select(HouqinUser, *freshness.version_columns(keys))
                .where(HouqinUser.id == bindparam("pk"))
                .options(joinedload(HouqinUser.roles), joinedload(HouqinUser.groups),
                         joinedload(HouqinUser.campuses))
                .execution_options(**{FRAME: "user"}))
        row = self.session.execute(stmt, {"pk": pk}).unique().first()
        if row is None:
            return None
        user, *counters = row
        freshness.note(self._load_user_keys, counters)
        return user if user.is_active else None

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
    """Forced password change and idle timeout, checked before every request;
    unknown action names answer 404 (FAB raises a 500 on them)."""
    views = {type(v).__name__: v for v in app.appbuilder.baseviews}

    @app.before_request
    def _bad_api_query():
        # FAB answers a malformed rison `q` with a 500 ("Fatal error"); it is the client's mistake.
        if request.path.startswith("/api/") and "q" in request.args:
            import prison

            try:
                prison.loads(request.args["q"])
            except Exception:  # prison raises several types for bad input
                return {"message": "Not a valid rison argument"}, 400
        return None

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
        if not background:
            session["_last_seen"] = now
            session.permanent = True
        if getattr(user, "must_change_password", False):
            allowed = {"ResetMyPasswordView.this_form_get", "ResetMyPasswordView.this_form_post",
                       "AuthDBView.logout"}
            if request.endpoint not in allowed:
                flash(str(_l("Please choose a new password before you continue.")), "warning")
                return redirect(url_for("ResetMyPasswordView.this_form_get"))
        return None

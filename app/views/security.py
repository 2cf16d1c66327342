"""Flask-AppBuilder's security screens (users, roles, groups, permissions) in the house style:
是/否 instead of True/False, local times, roles and groups as chips with the catalogue's name in
the user's language, a role's permissions grouped by screen (FAB printed them as one string of
every "can list on VisitView", 30,000 px long), the screens named by their titles instead of
class names, and 名称 (not a person's 姓名) over the names of roles and permissions.

The screens are FAB's views with these mixins; app.security's SecurityManager names them as its
userdbmodelview, rolemodelview, groupmodelview, permissionmodelview, viewmenumodelview and
permissionviewmodelview (at start-up: the house list they use scopes rows with app.security)."""
from __future__ import annotations

from collections import defaultdict

from flask import current_app, g, redirect, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.api import BaseApi
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.security import views as fab_views
from flask_appbuilder.security.sqla.models import PermissionView, Role
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from flask_appbuilder.security.views import RoleModelView, UserDBModelView
from flask_appbuilder.widgets import ShowWidget
from flask_babel import gettext, lazy_gettext as _l, lazy_pgettext as _lp
from markupsafe import Markup

from ..i18n import current_language, format_datetime
from ..security import catalogue
from ..security_rules import CATALOGUE_READ_ONLY, LAST_ADMIN, SecurityRuleError, active_admin_ids, loses_last_admin
from .base import HouqinListWidget, PerRequest, yes_no

THING_NAME = _lp("place", "Name")  # 名称: a role's, a group's, a permission's name

# FAB's and Houqin's permission verbs, in words; any other is shown as its code.
PERMISSION_WORDS = {
    "can_list": _l("List"), "can_show": _l("Show"), "can_add": _l("Add"), "can_edit": _l("Edit"),
    "can_delete": _l("Delete"), "can_export": _l("Export"), "can_import": _l("Import"),
    "menu_access": _l("Menu entry"), "can_download": _l("Download"), "can_print": _l("Print"),
    "can_this_form_get": _l("Open the form"), "can_this_form_post": _l("Send the form"),
    "can_userinfo": _l("Own account"), "can_userinfoedit": _l("Edit own account"),
    "resetmypassword": _l("Change own password"), "resetpasswords": _l("Reset passwords"),
    "userinfoedit": _l("Edit own account"), "can_get": _l("Read (API)"), "can_put": _l("Change (API)"),
    "can_post": _l("Create (API)"), "can_info": _l("Describe (API)"), "can_read": _l("Read (API)"),
    "can_write": _l("Write (API)"), "copyrole": _l("Copy Role"),
}


def role_label(name: str) -> str:
    """A catalogue role's name in the user's language (后勤主任 / Logistics director); an
    admin's own role keeps its name."""
    role = current_app.extensions["houqin"].catalogue.get(name)
    return role.label(current_language()) if role is not None else name


def chips(labels) -> Markup:
    """Names as chips, one per item, in the order given."""
    return Markup(" ").join(Markup('<span class="label label-default hq-chip">{}</span>').format(label)
                            for label in labels)


def _role_chips():
    return lambda roles: chips(sorted(role_label(r.name) for r in roles or []))


def _name_chips():
    return lambda items: chips(sorted(str(getattr(i, "name", None) or i) for i in items or []))


def _user_chips():
    return lambda users: chips(sorted(u.get_full_name() or u.username for u in users or []))


# Screens FAB or core register without a title of their own.
UNTITLED = {"ResetMyPasswordView": _l("Change own password"), "UserInfoEditView": _l("Edit own account"),
            "ResetPasswordView": _l("Reset passwords"), "TodoView": _l("To-do")}


def screen_labels() -> dict[str, tuple[str, str]]:
    """view-menu name -> (the screen it belongs to, what the user calls it), once per request.
    Permissions name classes ("VisitView"), their APIs ("VisitApi") and menu entries ("Visits"):
    a menu entry and an API group with the screen they open."""
    labels = g.get("_hq_screen_labels")
    if labels is not None:
        return labels
    labels = {}
    appbuilder = current_app.appbuilder
    by_model = {}
    apis = [view for view in appbuilder.baseviews if isinstance(view, BaseApi)]
    for view in appbuilder.baseviews:
        if isinstance(view, BaseApi):  # FAB titles an API "List Visit": named after its screen below
            continue
        key = getattr(view, "class_permission_name", None) or type(view).__name__
        title = getattr(view, "list_title", None) or getattr(view, "show_title", None) \
            or UNTITLED.get(key)
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if title:
            labels.setdefault(key, (key, str(title)))
            if hasattr(view, "list_template"):  # a ModelView: its list's title names the model
                by_model.setdefault(model, (key, str(title)))
    for item in appbuilder.menu.get_list():
        for entry in [item, *item.childs]:
            if not entry.name or entry.name == "-" or not entry.label:
                continue
            view = entry.baseview
            key = (getattr(view, "class_permission_name", None) or type(view).__name__) if view else entry.name
            labels.setdefault(key, (key, str(entry.label)))
            labels.setdefault(entry.name, labels[key])
    for view in apis:  # a REST API: the screen of its model, "(API)"
        key = getattr(view, "class_permission_name", None) or type(view).__name__
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if key not in labels and model in by_model:
            screen, title = by_model[model]
            labels[key] = (screen, gettext("%(screen)s (API)", screen=title))
    g._hq_screen_labels = labels
    return labels


def screen_label(name: str) -> str:
    return screen_labels().get(name, (name, name))[1]


def permission_word(name: str) -> str:
    word = PERMISSION_WORDS.get(name)
    return str(word) if word is not None else name.removeprefix("can_")


def grouped_permissions(permission_views) -> list[tuple[str, str, list[str]]]:
    """(screen label, view-menu names, [permission words]) per screen, in label order: a screen's
    menu entry and API are in its row."""
    labels = screen_labels()
    by_screen: dict[str, list[str]] = defaultdict(list)
    names: dict[str, set[str]] = defaultdict(set)
    for pv in permission_views or []:
        if pv.permission is None or pv.view_menu is None:
            continue
        view = pv.view_menu.name
        screen = labels.get(view, (view, view))[0]
        by_screen[screen].append(permission_word(pv.permission.name))
        names[screen].add(view)
    rows = [(labels.get(screen, (screen, screen))[1], ", ".join(sorted(names[screen])), sorted(set(words)))
            for screen, words in by_screen.items()]
    return sorted(rows, key=lambda row: (row[0].lower(), row[1]))


def _permissions_table():
    def cell(permission_views):
        rows = grouped_permissions(permission_views)
        if not rows:
            return ""
        body = Markup("").join(
            Markup('<tr><th scope="row">{}<br><small class="text-muted">{}</small></th><td>{}</td></tr>')
            .format(label, code if code != label else "", chips(words)) for label, code, words in rows)
        return Markup('<table class="table table-condensed hq-permissions"><tbody>{}</tbody></table>').format(body)
    return cell


def _permissions_summary():
    def cell(permission_views):
        rows = grouped_permissions(permission_views)
        count = sum(len(words) for _label, _code, words in rows)
        return Markup('<span class="hq-nowrap">{}</span>').format(
            gettext("%(count)d permissions on %(screens)d screens", count=count, screens=len(rows)))
    return cell


def _text():
    return lambda v: "" if v is None else v


def _bool_cell():
    labels = yes_no()
    return lambda v: "" if v is None else labels[bool(v)]


def _role_name():
    def cell(name):
        label = role_label(name)
        return label if label == name else Markup('{} <small class="text-muted">{}</small>').format(label, name)
    return cell


def _permission_name():
    return lambda name: permission_word(name.name if hasattr(name, "name") else name)


def _screen_name():
    def cell(name):
        name = name.name if hasattr(name, "name") else name
        label = screen_label(name)
        return label if label == name else Markup('{} <small class="text-muted">{}</small>').format(label, name)
    return cell


# Plain cell functions, not PerRequest: the audit log reads a screen's PerRequest formatters as
# choice labels of stored codes (app/views/audit_text.py); these format related records.
USER_FORMATTERS = {
    "active": PerRequest(_bool_cell), "must_change_password": PerRequest(_bool_cell),
    "roles": _role_chips(), "groups": _name_chips(), "campuses": _name_chips(),
    "last_login": format_datetime, "created_on": format_datetime, "changed_on": format_datetime,
    "first_name": _text(), "last_name": _text(), "email": _text(),
    "changed_by": _text(), "created_by": _text(),
    "login_count": lambda n: n or 0, "fail_login_count": lambda n: n or 0,
}


class RoleListWidget(HouqinListWidget):
    """A role's permissions in the list: how many, on how many screens (its show page has them
    grouped by screen)."""

    def __init__(self, **kwargs):
        formatters = dict(kwargs.get("formatters_columns") or {})
        formatters["permissions"] = _permissions_summary()
        kwargs["formatters_columns"] = formatters
        super().__init__(**kwargs)


class HouseSecurityScreen:
    """Mixin for FAB's security ModelViews: the house list widget (formatters applied once per
    cell, escaped) and the house formats of the columns it knows."""

    list_widget = HouqinListWidget
    house_formatters: dict = {}
    house_labels: dict = {}

    def __init__(self, **kwargs):
        self.formatters_columns = {**self.house_formatters, **(self.formatters_columns or {})}
        self.label_columns = {**(self.label_columns or {}), **self.house_labels}
        super().__init__(**kwargs)


class HouseUserScreen(HouseSecurityScreen):
    house_formatters = USER_FORMATTERS
    house_labels = {"active": _l("Active"), "roles": _l("Roles"), "groups": _l("Groups")}
    list_columns = ["username", "first_name", "last_name", "email", "active", "roles", "campuses"]
    # FAB's fieldsets, with the campuses a login is bound to and its forced password change
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "campuses", "must_change_password",
                                      "login_count"]}),
        (_l("Personal Info"), {"fields": ["first_name", "last_name", "email"], "expanded": True}),
        (_l("Audit Info"), {"fields": ["last_login", "fail_login_count", "created_on", "created_by", "changed_on",
                                       "changed_by"], "expanded": False}),
    ]


def permission_view_label(pv) -> str:
    """"来访记录 · 查看列表" instead of FAB's "can list on VisitView" in a role's form."""
    return f"{screen_label(pv.view_menu.name)} · {permission_word(pv.permission.name)}"


def _permission_views():
    from ..extensions import db

    rows = db.session.execute(select(PermissionView).options(
        joinedload(PermissionView.permission), joinedload(PermissionView.view_menu))).scalars().all()
    return sorted(rows, key=lambda pv: permission_view_label(pv).lower())


class HouseRoleScreen(HouseSecurityScreen):
    list_widget = RoleListWidget
    show_widget = ShowWidget  # FAB's role widget prints the permissions as they are, formatters aside
    house_formatters = {"name": _role_name(), "permissions": _permissions_table(),
                        "user": _user_chips()}
    house_labels = {"name": THING_NAME, "user": _l("Users")}
    search_columns = ["name"]  # a search by permission offered every permission of the app in one drop-down
    add_form_extra_fields = edit_form_extra_fields = {
        "permissions": QuerySelectMultipleField(_l("Permissions"), query_func=_permission_views,
                                                get_pk_func=lambda pv: pv.id, get_label=permission_view_label,
                                                widget=Select2ManyWidget()),
    }


class HouseGroupScreen(HouseSecurityScreen):
    house_formatters = {"roles": _role_chips(), "users": _user_chips()}
    house_labels = {"name": THING_NAME, "label": _l("Label"), "description": _l("Description"),
                    "roles": _l("Roles"), "users": _l("Users")}


class HousePermissionScreen(HouseSecurityScreen):
    house_formatters = {"name": _permission_name()}
    house_labels = {"name": THING_NAME}
    list_columns = ["name"]


class HouseViewMenuScreen(HouseSecurityScreen):
    house_formatters = {"name": _screen_name()}
    house_labels = {"name": THING_NAME}
    list_columns = ["name"]


class HousePermissionViewScreen(HouseSecurityScreen):
    house_formatters = {"permission": _permission_name(), "view_menu": _screen_name()}
    house_labels = {"view_menu": _l("Screen")}


class HouqinUserView(HouseUserScreen, UserDBModelView):
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

    # The last administrator stays (app.security_rules holds it on every path; here the screen
    # says why before anything is written).
    def pre_update(self, item):
        super().pre_update(item)
        if loses_last_admin(self.datamodel.session, item):
            raise SecurityRuleError(LAST_ADMIN)

    def pre_delete(self, item):
        if loses_last_admin(self.datamodel.session, item) or item.id in _admin_ids_alone(self.datamodel.session):
            raise SecurityRuleError(LAST_ADMIN)
        super().pre_delete(item)


def _admin_ids_alone(db_session) -> set[int]:
    """{id} when exactly one active administrator is left, else empty."""
    ids = active_admin_ids(db_session)
    return ids if len(ids) == 1 else set()


class HouqinRoleView(HouseRoleScreen, RoleModelView):
    """Catalogue roles are owned by code (`flask houqin sync-roles`): read-only here.
    Admins copy one into a variant, which sync never touches."""

    CATALOGUE_READ_ONLY = CATALOGUE_READ_ONLY

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


# FAB's other security screens in the house style, under FAB's own class names: the names are
# their endpoints and permission names, which existing databases and role grants hold.
class UserGroupModelView(HouseGroupScreen, fab_views.UserGroupModelView):
    pass


class PermissionModelView(HousePermissionScreen, fab_views.PermissionModelView):
    pass


class ViewMenuModelView(HouseViewMenuScreen, fab_views.ViewMenuModelView):
    pass


class PermissionViewModelView(HousePermissionViewScreen, fab_views.PermissionViewModelView):
    pass

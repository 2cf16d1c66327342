"""Core's own declaration, in the same shape as a plugin's manifest: its catalogue roles, menus,
screens, APIs, dashboard tiles, settings and the permissions each role holds. Integrated by the
same functions as every plugin (app.plugin.INTEGRATIONS)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .attachments import AttachmentOwner
from .plugin import CatalogueRole, Menu, Plugin, View

READ = ("can_list", "can_show", "can_export")
EDIT = READ + ("can_add", "can_edit")
API_READ = ("can_get", "can_info")
API_WRITE = API_READ + ("can_post", "can_put", "can_delete")


def perms(view: str, names) -> list[tuple[str, str]]:
    """[(permission, view) ...] for one view: perms("VisitView", ("can_list", "can_show"))."""
    return [(name, view) for name in names]


def menus(*names: str) -> list[tuple[str, str]]:
    return [("menu_access", name) for name in names]


CATALOGUE_ROLES = [
    CatalogueRole("Admin", "系统管理员", "System administrator", _l("Everything: users, roles, settings, audit log.")),
    CatalogueRole("Director", "后勤主任", "Logistics director",
                  _l("All logistics data of every campus; organisation and staff; settings; approvals.")),
    CatalogueRole("Gatekeeper", "门卫", "Gatekeeper", _l("The gate desk of their campus.")),
    CatalogueRole("AssetKeeper", "资产管理员", "Asset keeper",
                  _l("The asset register, lending, repairs, stocktaking, labels.")),
    CatalogueRole("Appraiser", "考核小组成员", "Appraisal committee member",
                  _l("Enters their own scores, blind to others' until finalised.")),
    CatalogueRole("MealCommittee", "伙委会成员", "Meal committee member",
                  _l("Meetings, minutes, meal-fee accounts, action items.")),
    CatalogueRole("Staff", "教职工", "Staff member",
                  _l("Self-service: own profile and password, staff directory of their campus.")),
    CatalogueRole("Auditor", "审计/只读", "Auditor (read only)", _l("Reads everything, changes nothing.")),
]

# Places (campus -> building -> room): every role reads its campuses' rooms — a fault is reported
# for a room, a meeting is held in one, an asset stands in one; Director and Admin edit them.
PLACES_READ = (
    [p for v in ("BuildingView", "RoomView") for p in perms(v, ("can_list", "can_show"))]
    + [p for v in ("BuildingApi", "RoomApi") for p in perms(v, API_READ)]
    + menus("Buildings", "Rooms")
)
SELF_SERVICE = (
    perms("HouqinUserView", ("can_userinfo", "resetmypassword", "userinfoedit"))
    + perms("ResetMyPasswordView", ("can_this_form_get", "can_this_form_post"))
    + perms("UserInfoEditView", ("can_this_form_get", "can_this_form_post"))
    + perms("StaffView", ("can_list", "can_show"))
    + perms("StaffApi", API_READ)  # the same directory through the API (own record included)
    + perms("TodoView", ("can_list",))
    + menus("Organisation", "Staff")
    + PLACES_READ
)
ORG_MENUS = menus("Organisation", "Campuses", "Buildings", "Rooms", "Departments", "Positions", "Staff")
ORG_VIEWS = ("CampusView", "BuildingView", "RoomView", "DepartmentView", "PositionView", "StaffView")
CALENDAR_VIEWS = ("TermView", "AcademicYearView")
CALENDAR_MENUS = menus("School calendar", "Academic years")

ROLES: dict[str, list[tuple[str, str]]] = {
    "Director": (
        [p for v in ORG_VIEWS for p in perms(v, EDIT)]
        + perms("StaffView", ("can_import", "can_template", "can_deactivate"))
        + perms("RoomView", ("can_import", "can_template"))
        + [p for v in ("CampusApi", "DepartmentApi") for p in perms(v, API_WRITE)]
        # Rooms have history (assets stood in them, repairs were reported): deactivate, never delete.
        + [p for v in ("BuildingApi", "RoomApi") for p in perms(v, API_READ + ("can_post", "can_put"))]
        + perms("StaffApi", API_READ + ("can_post", "can_put"))
        + perms("SettingsView", ("can_index", "can_save"))
        + [p for v in CALENDAR_VIEWS for p in perms(v, EDIT + ("can_delete",))]
        # The change history of the records they answer for (read-only, like the Auditor's).
        + perms("AuditLogView", ("can_list", "can_show", "can_export"))
        + ORG_MENUS + menus("Settings", "Administration", "Audit log") + CALENDAR_MENUS
        + SELF_SERVICE
    ),
    "Auditor": (
        [p for v in ORG_VIEWS for p in perms(v, READ)]
        + [p for v in ("CampusApi", "DepartmentApi", "StaffApi", "BuildingApi", "RoomApi") for p in perms(v, API_READ)]
        + perms("AuditLogView", ("can_list", "can_show", "can_export"))
        + [p for v in CALENDAR_VIEWS + ("JobRunView",) for p in perms(v, READ)]
        + ORG_MENUS + menus("Audit log", "Administration", "Job history") + CALENDAR_MENUS
        + SELF_SERVICE
    ),
    "Gatekeeper": list(SELF_SERVICE),
    "AssetKeeper": list(SELF_SERVICE) + [p for v in ("BuildingView", "RoomView") for p in perms(v, ("can_export",))],
    "Appraiser": list(SELF_SERVICE),
    "MealCommittee": list(SELF_SERVICE),
    "Staff": list(SELF_SERVICE),
}


def _settings():
    from .settings import CORE_SETTINGS

    return CORE_SETTINGS


def _widgets():
    from .views.dashboard import CORE_WIDGETS
    from .views.jobs import JOB_WIDGETS

    return CORE_WIDGETS + JOB_WIDGETS


def core_manifest() -> Plugin:
    """Built per app (the lists are the module's; nothing here holds state)."""
    return Plugin(
        name="core",
        title=_l("Houqin"),
        catalogue_roles=CATALOGUE_ROLES,
        # The office's work (the plugins' menus, 20-60) first; the organisation's records, then
        # 系统管理 and FAB's 用户权限 (app._order_menu) last.
        menus=[Menu("Organisation", _l("Organisation"), "fa-sitemap", order=80),
               Menu("Administration", _l("Administration"), "fa-cog", order=90)],
        views=[
            View("app.views.org:StaffView", "Staff", _l("Staff"), "fa-id-badge", "Organisation"),
            View("app.views.org:DepartmentView", "Departments", _l("Departments"), "fa-users", "Organisation"),
            View("app.views.org:CampusView", "Campuses", _l("Campuses"), "fa-school", "Organisation"),
            View("app.views.locations:BuildingView", "Buildings", _l("Buildings"), "fa-building", "Organisation"),
            View("app.views.locations:RoomView", "Rooms", _l("Rooms"), "fa-door-open", "Organisation"),
            View("app.views.org:PositionView", "Positions", _l("Positions"), "fa-briefcase", "Organisation"),
            View("app.views.settings:SettingsView", "Settings", _l("Settings"), "fa-sliders", "Administration"),
            View("app.views.audit:AuditLogView", "Audit log", _l("Audit log"), "fa-history", "Administration"),
            View("app.views.calendar:TermView", "School calendar", _l("School calendar"), "fa-calendar",
                 "Administration"),
            View("app.views.calendar:AcademicYearView", "Academic years", _l("Academic years"), "fa-calendar-alt",
                 "Administration"),
            View("app.views.jobs:JobsView", "Scheduled jobs", _l("Scheduled jobs"), "fa-clock", "Administration"),
            View("app.views.jobs:JobRunView", "Job history", _l("Job history"), "fa-list-alt", "Administration"),
            View("app.views.workflow:RecordVersionView"),
            View("app.views.attachments:AttachmentView"),
            View("app.views.todo:TodoView"),  # reached from the navbar's count on every page
        ],
        apis=["app.api:CampusApi", "app.api:DepartmentApi", "app.api:StaffApi",
              "app.locations_api:BuildingApi", "app.locations_api:RoomApi"],
        attachment_owners=[
            AttachmentOwner("building", "app.models:Building", view="BuildingView", label=_l("Building")),
            AttachmentOwner("room", "app.models:Room", view="RoomView", label=_l("Room")),
        ],
        widgets=_widgets(),
        roles=ROLES,
        settings=_settings(),
    )

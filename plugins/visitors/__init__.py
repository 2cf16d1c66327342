"""门卫来访登记 — the gate visitor desk.

Adds: the desk page (sign in, returning visitors, appointments, on-site list,
sign-out, blocklist check with Director overrides, patrol rounds), the visit,
appointment, blocklist, purpose and duty-log screens, the visitor register,
statistics and evacuation list, a REST API for ID-card readers and kiosks,
dashboard tiles, demo data and `flask houqin purge-visitors` (retention).
"""
from flask_babel import lazy_gettext as _l

from app.plugin import Plugin, SettingSpec

from .cli import purge_visitors_command

READ = ("can_list", "can_show", "can_export")
ALL_MENUS = ("Gate", "Desk", "Visits", "Visitors", "Appointments", "Blocklist", "Purposes", "Duty log",
             "Overrides", "Register", "Statistics", "Evacuation list")


def _perms(view, names):
    return [(name, view) for name in names]


def _menus(*names):
    return [("menu_access", name) for name in names]


ROLES = {
    "Gatekeeper": (
        _perms("GateDeskView", ("can_desk",))
        + _perms("VisitView", READ + ("can_edit",))
        + _perms("AppointmentView", ("can_list", "can_show"))
        + _perms("DutyLogView", READ + ("can_add", "can_edit"))
        + _perms("PatrolRoundView", ("can_list", "can_show", "can_add", "can_edit"))
        + _perms("GateReportsView", ("can_register", "can_evacuation"))
        + _perms("VisitApi", ("can_get", "can_info", "can_post", "can_sign_out"))
        + _menus("Gate", "Desk", "Visits", "Appointments", "Duty log", "Register", "Evacuation list")
    ),
    "Staff": (
        _perms("VisitView", ("can_list", "can_show", "can_respond"))
        + _perms("AppointmentView", ("can_list", "can_show", "can_add", "can_edit", "can_cancel"))
        + _perms("VisitApi", ("can_get", "can_info"))
        + _menus("Gate", "Visits", "Appointments")
    ),
    "Director": (
        _perms("GateDeskView", ("can_desk", "can_decide"))
        + _perms("VisitView", READ + ("can_edit", "can_respond"))
        + _perms("VisitorView", READ + ("can_edit",))
        + _perms("AppointmentView", READ + ("can_add", "can_edit", "can_cancel"))
        + _perms("BlocklistView", READ + ("can_add", "can_edit", "can_delete"))
        + _perms("PurposeView", READ + ("can_add", "can_edit"))
        + _perms("DutyLogView", READ)
        + _perms("PatrolRoundView", ("can_list", "can_show"))
        + _perms("OverrideView", READ)
        + _perms("GateReportsView", ("can_register", "can_statistics", "can_evacuation"))
        + _perms("VisitApi", ("can_get", "can_info", "can_post", "can_sign_out"))
        + _menus(*ALL_MENUS)
    ),
    "Auditor": (
        [p for view in ("VisitView", "VisitorView", "AppointmentView", "BlocklistView", "PurposeView",
                        "DutyLogView", "OverrideView") for p in _perms(view, READ)]
        + _perms("PatrolRoundView", ("can_list", "can_show"))
        + _perms("GateReportsView", ("can_register", "can_statistics", "can_evacuation"))
        + _perms("VisitApi", ("can_get", "can_info"))
        + _menus(*[m for m in ALL_MENUS if m != "Desk"])
    ),
}

SETTINGS = [
    SettingSpec("visitor_retention_days", _l("Keep visitors' personal data for (days after the last visit)"),
                180, "int", minimum=1, maximum=3650,
                description=_l("Then `flask houqin purge-visitors` anonymises name, ID number and phone; "
                               "the visits stay for statistics.")),
]


def register(appbuilder):
    from .views import register_views

    register_views(appbuilder)


def load_demo(session):
    from .demo import load

    load(session)


plugin = Plugin(
    name="visitors",
    title=_l("Gate visitor desk"),
    version="1.0",
    models=("plugins.visitors.models",),
    register=register,
    roles=ROLES,
    settings=SETTINGS,
    demo=load_demo,
    commands=[purge_visitors_command],
)

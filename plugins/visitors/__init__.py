"""门卫来访登记 — the gate visitor desk.

Adds: the desk page (sign in, returning visitors, appointments, on-site list,
sign-out, blocklist check with Director overrides, patrol rounds), the visit,
appointment, blocklist, purpose and duty-log screens, the visitor register,
statistics and evacuation list, a REST API for ID-card readers and kiosks,
dashboard tiles, demo data, and the retention purge: a daily job (`visitors.purge`) and
`flask houqin purge-visitors`.
"""
import os

from flask_babel import lazy_gettext as _l

from app.jobs import Job, daily
from app.manifest import menus, perms
from app.plugin import Link, Menu, Plugin, SettingSpec, View

from .cli import purge_visitors_command
from .todo import PANELS, TODOS
from .widgets import WIDGETS

READ = ("can_list", "can_show", "can_export")
ALL_MENUS = ("Gate", "Desk", "Visits", "Visitors", "Appointments", "Blocklist", "Purposes", "Duty log",
             "Overrides", "Register", "Statistics", "Evacuation list")

ROLES = {
    "Gatekeeper": (
        perms("GateDeskView", ("can_desk",))
        + perms("VisitView", READ + ("can_edit",))
        + perms("AppointmentView", ("can_list", "can_show"))
        + perms("DutyLogView", READ + ("can_add", "can_edit"))
        + perms("PatrolRoundView", ("can_list", "can_show", "can_add", "can_edit"))
        + perms("GateReportsView", ("can_register", "can_evacuation"))
        + perms("VisitApi", ("can_get", "can_info", "can_post", "can_sign_out"))
        + menus("Gate", "Desk", "Visits", "Appointments", "Duty log", "Register", "Evacuation list")
    ),
    "Staff": (
        perms("VisitView", ("can_list", "can_show", "can_respond"))
        + perms("AppointmentView", ("can_list", "can_show", "can_add", "can_edit", "can_cancel"))
        + perms("VisitApi", ("can_get", "can_info"))
        + menus("Gate", "Visits", "Appointments")
    ),
    "Director": (
        perms("GateDeskView", ("can_desk", "can_decide"))
        + perms("VisitView", READ + ("can_edit", "can_respond"))
        + perms("VisitorView", READ + ("can_edit",))
        + perms("AppointmentView", READ + ("can_add", "can_edit", "can_cancel"))
        + perms("BlocklistView", READ + ("can_add", "can_edit", "can_delete"))
        + perms("PurposeView", READ + ("can_add", "can_edit"))
        + perms("DutyLogView", READ)
        + perms("PatrolRoundView", ("can_list", "can_show"))
        + perms("OverrideView", READ)
        + perms("GateReportsView", ("can_register", "can_statistics", "can_evacuation"))
        + perms("VisitApi", ("can_get", "can_info", "can_post", "can_sign_out"))
        + menus(*ALL_MENUS)
    ),
    "Auditor": (
        [p for view in ("VisitView", "VisitorView", "AppointmentView", "BlocklistView", "PurposeView",
                        "DutyLogView", "OverrideView") for p in perms(view, READ)]
        + perms("PatrolRoundView", ("can_list", "can_show"))
        + perms("GateReportsView", ("can_register", "can_statistics", "can_evacuation"))
        + perms("VisitApi", ("can_get", "can_info"))
        + menus(*[m for m in ALL_MENUS if m != "Desk"])
    ),
}

SETTINGS = [
    SettingSpec("visitor_retention_days", _l("Keep visitors' personal data for (days after the last visit)"),
                180, "int", minimum=1, maximum=3650,
                description=_l("Then the daily purge anonymises name, ID number and phone; "
                               "the visits stay for statistics."), job="visitors.purge"),
    SettingSpec("gate_lookback_days", _l("Gatekeepers look up past visits for (days)"), 7, "int", minimum=1,
                maximum=90, description=_l("The gate's visit list shows its campus's visits of this many days, "
                                           "today included (personal numbers masked); the office sees them all.")),
    SettingSpec("closing_time", _l("Closing time"), "18:00", "time", scope="campus",
                description=_l("Visitors still on site after this time are highlighted.")),
]

GATE = "Gate"


def load_demo(session):
    from .demo import load

    load(session)


plugin = Plugin(
    name="visitors",
    title=_l("Gate visitor desk"),
    version="1.0",
    package_dir=os.path.dirname(os.path.abspath(__file__)),
    static_url="/gate/assets",
    models=("plugins.visitors.models",),
    menus=[Menu(GATE, _l("Gate"), "fa-door-open", order=20)],
    views=[
        View("plugins.visitors.desk:GateDeskView", "Desk", _l("Desk"), "fa-id-card", GATE),
        View("plugins.visitors.views:VisitView", "Visits", _l("Visits"), "fa-list", GATE),
        View("plugins.visitors.lists:AppointmentView", "Appointments", _l("Appointments"), "fa-calendar-check", GATE),
        View("plugins.visitors.lists:BlocklistView", "Blocklist", _l("Blocklist"), "fa-ban", GATE),
        View("plugins.visitors.lists:PurposeView", "Purposes", _l("Purposes"), "fa-tags", GATE),
        View("plugins.visitors.lists:DutyLogView", "Duty log", _l("Duty log"), "fa-clipboard-list", GATE),
        View("plugins.visitors.lists:PatrolRoundView"),
        View("plugins.visitors.reports:GateReportsView", "Register", _l("Register"), "fa-book", GATE,
             endpoint="GateReportsView.register"),
        View("plugins.visitors.views:VisitorView", "Visitors", _l("Visitors"), "fa-address-book", GATE),
        View("plugins.visitors.views:OverrideView", "Overrides", _l("Blocklist overrides"), "fa-user-shield", GATE),
    ],
    links=[
        Link("Statistics", _l("Statistics"), "GateReportsView.statistics", "fa-chart-bar", GATE),
        Link("Evacuation list", _l("Evacuation list"), "GateReportsView.evacuation", "fa-running", GATE),
    ],
    apis=["plugins.visitors.api:VisitApi"],
    widgets=WIDGETS,
    todos=TODOS,  # a visitor waiting for their host; an override waiting for a Director
    panels=PANELS,  # the visitors a staff member hosted, on their record
    roles=ROLES,
    settings=SETTINGS,
    landing={"Gatekeeper": "GateDeskView.index"},  # the gatekeeper's day starts at the desk
    demo=load_demo,
    commands=[purge_visitors_command],
    jobs=[Job("visitors.purge", "plugins.visitors.retention:purge_job",
              _l("Anonymise visitors past the retention period"), daily("03:00"),
              description=_l("Name, ID number and phone of visitors not seen for the retention period."))],
    table_prefix="",  # its tables predate the prefix rule (visit, visitor, gate_duty_log ...)
)

"""The manifest of the meal-committee plugin: everything it adds, declared (docs/plugins.md)."""
import os
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.attachments import AttachmentOwner
from app.jobs import Job, daily
from app.manifest import menus, perms
from app.numbering import Sequence
from app.plugin import Menu, Plugin, SettingSpec, View

from .committee_rules import QUORUM_RULES
from .dashboard import TODOS, WIDGETS

MENU = "Meal committee"
READ = ("can_list", "can_show", "can_export")
EDIT = READ + ("can_add", "can_edit")
MEETING_EDIT = EDIT + ("can_circulate", "can_approve", "can_publish")
API_READ = ("can_get", "can_info")
API_EDIT = API_READ + ("can_post", "can_put")
SECTION_APIS = ("NutritionApi", "FeedbackApi", "MenuEntryApi")
ALL_MENUS = (MENU, "Meetings", "Action items", "Meal-fee accounts", "Ledger", "Committees", "Committee members",
             "Settlements")


def _committee(extra_meeting=(), extra=(), api_extra=()):
    return (perms("CommitteeView", EDIT + extra) + perms("MemberView", EDIT + extra)
            + perms("MeetingView", MEETING_EDIT + extra_meeting + extra)
            + perms("ActionItemView", ("can_list", "can_show", "can_edit", "can_export", "can_complete"))
            + perms("FeeAccountView", EDIT + extra) + perms("SettlementView", EDIT + extra)
            + perms("MealReportsView", ("can_minutes", "can_notice", "can_ledger"))
            + perms("CommitteeApi", API_EDIT + api_extra) + perms("MemberApi", API_EDIT + api_extra)
            + perms("MeetingApi", API_EDIT + ("can_circulate", "can_approve", "can_publish") + api_extra
                    + tuple(p for p in extra_meeting if p == "can_reopen"))
            + [p for api in SECTION_APIS for p in perms(api, API_EDIT + ("can_delete",))]
            + perms("FeeAccountApi", API_EDIT + api_extra)
            + perms("ActionItemApi", API_EDIT + ("can_complete",))
            + menus(*ALL_MENUS))


ROLES = {
    # Members write meetings, minutes and accounts of their committees' campuses; the chair (a
    # membership, checked by the approve guard) or a Director approves.
    "MealCommittee": _committee(),
    "Director": _committee(extra_meeting=("can_reopen",), extra=("can_delete",), api_extra=("can_delete",)),
    # Staff read published minutes and notices (row access: published only).
    "Staff": (perms("MeetingView", ("can_list", "can_show")) + perms("MealReportsView", ("can_minutes", "can_notice"))
              + perms("MeetingApi", API_READ) + menus(MENU, "Meetings")),
    "Auditor": ([p for view in ("CommitteeView", "MemberView", "MeetingView", "ActionItemView", "FeeAccountView",
                                "SettlementView") for p in perms(view, READ)]
                + perms("MealReportsView", ("can_minutes", "can_notice", "can_ledger"))
                + [p for api in ("CommitteeApi", "MemberApi", "MeetingApi", "FeeAccountApi", "ActionItemApi",
                                 *SECTION_APIS) for p in perms(api, API_READ)]
                + menus(*ALL_MENUS)),
}

SETTINGS = [
    SettingSpec("meals_band_pct", _l("Meal fees: band of the term's surplus or deficit (%)"), Decimal("2"), "decimal",
                minimum=0, maximum=100, places=2,
                description=_l("托儿所幼儿园卫生保健工作规范: 每学期膳食收支盈亏不超过2%. Exactly on the band passes.")),
    SettingSpec("meals_flag_staff", _l("Meal fees: also flag the staff account"), False, "bool"),
    SettingSpec("meals_quorum_rule", _l("Meal committee: quorum"), "more_than_half", "choice",
                choices=[(code, _l(label)) for code, label in QUORUM_RULES],
                description=_l("Counted among the members current on the meeting date; guests never count.")),
    SettingSpec("meals_anonymise_after_terms", _l("Meal committee: anonymise external members after (terms)"), 1,
                "int", minimum=0, maximum=10,
                description=_l("School terms after the end of the member's term; 0: the next day.")),
    SettingSpec("meals_nutrition_floor", _l("Nutrition: attainment floor (%)"), Decimal("80"), "decimal",
                minimum=0, maximum=200, places=1,
                description=_l("80 % in day care, 90 % in boarding kindergartens (托儿所幼儿园卫生保健工作规范).")),
]


def load_demo(session):
    from .demo import load

    load(session)


plugin = Plugin(
    name="meals",
    title=_l("Meal committee"),
    version="1.0",
    package_dir=os.path.dirname(os.path.abspath(__file__)),
    models=("plugins.meals.models",),
    menus=[Menu(MENU, _l("Meal committee"), "fa-utensils", order=40)],
    views=[
        View("plugins.meals.minutes:MeetingView", "Meetings", _l("Meetings and minutes"), "fa-file-alt", MENU),
        View("plugins.meals.views:ActionItemView", "Action items", _l("Action items"), "fa-tasks", MENU),
        View("plugins.meals.views:FeeAccountView", "Meal-fee accounts", _l("Meal-fee accounts"), "fa-yen-sign", MENU),
        View("plugins.meals.reports:MealReportsView", "Ledger", _l("Ledger"), "fa-chart-line", MENU,
             endpoint="MealReportsView.ledger"),
        View("plugins.meals.views:SettlementView", "Settlements", _l("Term-end settlements"), "fa-balance-scale",
             MENU),
        View("plugins.meals.views:CommitteeView", "Committees", _l("Committees"), "fa-users", MENU),
        View("plugins.meals.views:MemberView", "Committee members", _l("Committee members"), "fa-user-friends",
             MENU),
    ],
    apis=["plugins.meals.api:CommitteeApi", "plugins.meals.api:MemberApi", "plugins.meals.api:MeetingApi",
          "plugins.meals.api:NutritionApi", "plugins.meals.api:FeedbackApi", "plugins.meals.api:MenuEntryApi",
          "plugins.meals.api:FeeAccountApi", "plugins.meals.api:ActionItemApi"],
    widgets=WIDGETS,
    todos=TODOS,
    roles=ROLES,
    settings=SETTINGS,
    attachment_owners=[AttachmentOwner("meals.meeting", "plugins.meals.models:Meeting", view="MeetingView",
                                       label=_l("Meal committee minutes"))],
    sequences=[Sequence("meals.meeting", "{period}年第{n}次", gaps=False, period="year",
                        label=_l("Meal committee meetings"))],
    jobs=[Job("meals.anonymise", "plugins.meals.jobs:anonymise_job",
              _l("Anonymise external committee members after their term"), daily("03:30"),
              description=_l("Name, phone and child's class of parent and student representatives."))],
    demo=load_demo,
)

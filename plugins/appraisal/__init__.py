"""后勤人员考核 — staff appraisal (issue 17): rubric templates (考核方案), rounds (考核周期) with
their staff and committee, blind scoring by each member on their own grid (keyboard, phone),
the secretary's entry of counts, findings and paper sheets, and finalising through core's
workflow — trimmed means, group weights, grades with the quota and vetoes, stored and locked.

The pure rules (rules.py, rubric.py, scoring.py, finalising.py) decide; services.py runs them.
"""
import os

from flask_babel import lazy_gettext as _l

from app.manifest import menus, perms
from app.plugin import Menu, Plugin, View

from .todo import TODOS

READ = ("can_list", "can_show", "can_export")
EDIT = READ + ("can_add", "can_edit", "can_delete")
MENU = "Appraisal"
ALL_MENUS = (MENU, "My appraisal sheets", "Appraisal rounds", "Appraisal templates")
DESK = "AppraisalDeskView"

ROLES = {
    # Runs templates and rounds, decides ties and grades; sees who submitted, never the numbers.
    "Director": (
        perms("AppraisalTemplateView", ("can_list", "can_show", "can_export", "can_add", "can_edit", "can_import",
                                        "can_template"))
        + perms("AppraisalRoundView", READ + ("can_add", "can_edit", "can_open", "can_close", "can_finalise"))
        + perms("AppraisalMemberView", EDIT) + perms("AppraisalRoundStaffView", EDIT)
        + perms(DESK, ("can_index", "can_score", "can_enter", "can_progress", "can_run"))
        + perms("AppraisalTemplateApi", ("can_get", "can_info"))
        + perms("AppraisalRoundApi", ("can_get", "can_info", "can_post", "can_put", "can_open", "can_close",
                                      "can_finalise"))
        + perms("AppraisalSheetApi", ("can_get", "can_put", "can_post"))
        + menus(*ALL_MENUS)
    ),
    # Scores their own sheets; as a round's secretary enters counts, findings and paper sheets.
    "Appraiser": (
        perms("AppraisalRoundView", ("can_list", "can_show"))
        + perms(DESK, ("can_index", "can_score", "can_enter", "can_progress"))
        + perms("AppraisalRoundApi", ("can_get", "can_info"))
        + perms("AppraisalSheetApi", ("can_get", "can_put", "can_post"))
        + menus(MENU, "My appraisal sheets", "Appraisal rounds")
    ),
    # Reads finalised rounds.
    "Auditor": (
        perms("AppraisalTemplateView", READ) + perms("AppraisalRoundView", READ)
        + perms("AppraisalMemberView", READ) + perms("AppraisalRoundStaffView", READ)
        + perms(DESK, ("can_index", "can_progress"))
        + perms("AppraisalTemplateApi", ("can_get", "can_info")) + perms("AppraisalRoundApi", ("can_get", "can_info"))
        + menus(MENU, "Appraisal rounds", "Appraisal templates")
    ),
}


def load_demo(session):
    from .demo import load

    load(session)


plugin = Plugin(
    name="appraisal",
    title=_l("Staff appraisal"),
    version="0.1",
    package_dir=os.path.dirname(os.path.abspath(__file__)),
    models=("plugins.appraisal.models",),
    menus=[Menu(MENU, _l("Appraisal"), "fa-clipboard-check", order=40)],
    views=[
        View("plugins.appraisal.desk:AppraisalDeskView", "My appraisal sheets", _l("My appraisal sheets"),
             "fa-pen", MENU),
        View("plugins.appraisal.views:AppraisalRoundView", "Appraisal rounds", _l("Appraisal rounds"),
             "fa-calendar-alt", MENU),
        View("plugins.appraisal.views:AppraisalTemplateView", "Appraisal templates", _l("Appraisal templates"),
             "fa-list-ol", MENU),
        View("plugins.appraisal.views:AppraisalMemberView"),
        View("plugins.appraisal.views:AppraisalRoundStaffView"),
    ],
    apis=["plugins.appraisal.api:AppraisalTemplateApi", "plugins.appraisal.api:AppraisalRoundApi",
          "plugins.appraisal.api:AppraisalSheetApi"],
    todos=TODOS,
    roles=ROLES,
    demo=load_demo,
)

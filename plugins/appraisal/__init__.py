"""后勤人员考核 — staff appraisal (issues 17 and 18): rubric templates (考核方案), rounds (考核周期) with
their staff and committee, blind scoring by each member on their own grid (keyboard, phone),
the secretary's entry of counts, findings and paper sheets, and finalising through core's
workflow — trimmed means, group weights, grades with the quota and vetoes, stored and locked;
then (issue 18) publication, each person's own result on their staff record, appeals within a
window, one result reopened and republished, the public list, the printed sheets, the committee
summary and the export for pay.

The pure rules (rules.py, rubric.py, scoring.py, finalising.py) decide; services.py runs them.
"""
import os

from flask_babel import lazy_gettext as _l

from app.attachments import AttachmentOwner
from app.manifest import menus, perms
from app.plugin import Menu, Panel, Plugin, SettingSpec, View

from .person_sheet import appeal_access, appeal_locked, results_panel, results_panel_data
from .todo import TODOS

READ = ("can_list", "can_show", "can_export")
EDIT = READ + ("can_add", "can_edit", "can_delete")
MENU = "Appraisal"
ALL_MENUS = (MENU, "My appraisal sheets", "Appraisal rounds", "Appraisal templates", "My appraisal results")
DESK = "AppraisalDeskView"
RESULTS = "AppraisalResultsView"
# Issue 18: one's own results (and appeals); the office's publishing, answering, reopening, reports.
OWN = ("can_mine", "can_result", "can_appeal", "can_print_sheet")
READ_RESULTS = ("can_mine", "can_result", "can_print_sheet", "can_summary", "can_public", "can_export_pay")
RUN_RESULTS = READ_RESULTS + ("can_appeal", "can_answer", "can_reopen", "can_publish")

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
        + perms(RESULTS, RUN_RESULTS)
        + perms("AppraisalResultApi", ("can_get", "can_publish", "can_reopen"))
        + perms("AppraisalAppealApi", ("can_get", "can_post", "can_answer"))
        + menus(*ALL_MENUS)
    ),
    # Self-service: their own published results, appeals on them.
    "Staff": (
        perms(RESULTS, OWN) + perms("AppraisalResultApi", ("can_get",))
        + perms("AppraisalAppealApi", ("can_get", "can_post")) + menus(MENU, "My appraisal results")
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
        + perms(RESULTS, READ_RESULTS) + perms("AppraisalResultApi", ("can_get",)) + perms("AppraisalAppealApi", ("can_get",))
        + menus(MENU, "Appraisal rounds", "Appraisal templates", "My appraisal results")
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
        View("plugins.appraisal.results:AppraisalResultsView", "My appraisal results", _l("My appraisal results"),
             "fa-award", MENU),
        View("plugins.appraisal.views:AppraisalMemberView"),
        View("plugins.appraisal.views:AppraisalRoundStaffView"),
    ],
    apis=["plugins.appraisal.api:AppraisalTemplateApi", "plugins.appraisal.api:AppraisalRoundApi",
          "plugins.appraisal.api:AppraisalSheetApi", "plugins.appraisal.results_api:AppraisalResultApi",
          "plugins.appraisal.results_api:AppraisalAppealApi"],
    todos=TODOS,
    panels=[Panel("appraisal.results", _l("Appraisal results"), results_panel, data=results_panel_data, order=60)],
    settings=[
        SettingSpec("appraisal_appeal_days", _l("Days to appeal after an appraisal is published"), 5, "int",
                    minimum=1, maximum=60, description=_l("Counted in local calendar days from the publication day")),
        SettingSpec("appraisal_public_all_grades", _l("The public appraisal list shows every grade"), False, "bool",
                    description=_l("Off: only the highest grade and the best service stars")),
    ],
    attachment_owners=[AttachmentOwner("appraisal.appeal", "plugins.appraisal.models:AppraisalAppeal",
                                       access=appeal_access, locked=appeal_locked, label=_l("Appraisal appeals"))],
    roles=ROLES,
    demo=load_demo,
)

"""A small third-party plugin used by tests/core/test_plugins.py and the tests of core's services
(workflow, locks and versions, numbering, jobs, the school calendar): one folder holding everything
it adds (docs/plugins.md walks through the same shape and quotes it)."""
import os

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.attachments import AttachmentOwner
from app.jobs import Job, monthly
from app.manifest import menus, perms
from app.numbering import Sequence
from app.plugin import CatalogueRole, Menu, Panel, Plugin, SettingSpec, Todo, View, Widget

from .cli import sample_count_command


def sample_widget(appbuilder):
    return Markup('<div id="sample-widget">sample widget</div>')


def open_notes_count(user):
    """To-do: sample notes not final yet (a reviewer finalises them)."""
    from sqlalchemy import func, select

    from .models import SampleNote

    return select(func.count(SampleNote.id)).where(SampleNote.final.is_(False))


def open_notes(user, limit):
    from flask import url_for
    from sqlalchemy import select

    from app.extensions import db
    from app.todo import TodoItem

    from .models import SampleNote

    notes = db.session.execute(select(SampleNote).where(SampleNote.final.is_(False))
                               .order_by(SampleNote.id).limit(limit)).scalars()
    return [TodoItem(title=n.text, url=url_for("SampleNoteView.show", pk=n.id)) for n in notes]


def private_panel(viewer, staff):
    """Private to the person and the office: a colleague sees nothing of it."""
    from app.security import sees_personal_data

    if viewer.id != staff.user_id and not sees_personal_data(viewer):
        return None
    return Markup('<p class="sample-private">sample-private-{}</p>').format(staff.staff_no)


def private_panel_data(viewer, staff):
    from app.security import sees_personal_data

    if viewer.id != staff.user_id and not sees_personal_data(viewer):
        return None
    return {"marker": f"sample-private-{staff.staff_no}"}


def load_demo(session):
    from .demo import load

    load(session)


plugin = Plugin(
    name="sample",
    title=_l("Sample notes"),
    version="0.1",
    package_dir=os.path.dirname(os.path.abspath(__file__)),  # templates/, static/, translations/, migrations/
    models=("houqin_sample.models",),
    menus=[Menu("Sample", _l("Sample"))],
    views=[View("houqin_sample.views:SampleNoteView", "Sample notes", _l("Sample notes"), category="Sample"),
           View("houqin_sample.views:SampleRequestView", "Sample requests", _l("Sample requests"), category="Sample"),
           View("houqin_sample.views:SampleRequestLineView"),
           View("houqin_sample.views:SampleHelloView")],
    apis=["houqin_sample.views:SampleNoteApi", "houqin_sample.views:SampleRequestApi"],
    widgets=[Widget("sample", sample_widget, ("can_list", "SampleNoteView"))],
    todos=[Todo("sample.open", _l("Sample notes to finalise"), open_notes_count, open_notes,
                ("can_list", "SampleNoteView"))],
    panels=[Panel("sample.private", _l("Sample private panel"), private_panel, private_panel_data)],
    catalogue_roles=[CatalogueRole("SampleReviewer", "示例审核员", "Sample reviewer", _l("Reads the sample notes."))],
    roles={
        "Staff": perms("SampleNoteView", ("can_list", "can_show")) + menus("Sample", "Sample notes")
        + perms("SampleNoteApi", ("can_get",)) + perms("SampleHelloView", ("can_hello",))
        + perms("SampleRequestView", ("can_list", "can_show", "can_add", "can_edit", "can_delete", "can_submit",
                                      "can_touch_all"))
        + perms("SampleRequestLineView", ("can_list", "can_show", "can_add", "can_edit", "can_delete"))
        + perms("SampleRequestApi", ("can_get", "can_info", "can_post", "can_put", "can_delete", "can_submit"))
        + menus("Sample requests"),
        "SampleReviewer": perms("SampleNoteView", ("can_list", "can_show", "can_edit", "can_import", "can_template"))
        + menus("Sample", "Sample notes")
        + perms("SampleRequestView", ("can_list", "can_show", "can_approve", "can_reject"))
        + perms("SampleRequestApi", ("can_get", "can_approve", "can_reject")) + menus("Sample requests"),
        "Director": perms("SampleRequestView", ("can_list", "can_show", "can_reopen"))
        + perms("SampleRequestApi", ("can_get", "can_reopen")) + menus("Sample", "Sample requests"),
    },
    # Files on its notes: whoever may see a note (can_show, and the row visible) reads them;
    # whoever may edit it (can_edit) adds and deletes them.
    attachment_owners=[AttachmentOwner("sample.note", "houqin_sample.models:SampleNote", view="SampleNoteView",
                                       label=_l("Sample notes")),
                       # a request's invoices and quotes: locked with the request (app/locks.py)
                       AttachmentOwner("sample.request", "houqin_sample.models:SampleRequest",
                                       view="SampleRequestView", label=_l("Sample requests"))],
    settings=[SettingSpec("sample_notes_per_page", _l("Sample notes per page"), 20, "int", minimum=5, maximum=100),
              SettingSpec("sample_external_from", _l("External approval from (yuan)"), 1000, "int", minimum=0,
                          maximum=10**9)],
    sequences=[Sequence("sample.request", "SR-{period}-{n:04d}", gaps=False, period="year",
                        label=_l("Sample request numbers")),
               Sequence("sample.ticket", "T{n:05d}", label=_l("Sample tickets"))],
    jobs=[Job("sample.month_end", "houqin_sample.services:month_end", _l("Sample month-end totals"),
              monthly(day=1, at="01:00"), description=_l("Approved requests of the month just ended."))],
    commands=[sample_count_command],
    demo=load_demo,
)

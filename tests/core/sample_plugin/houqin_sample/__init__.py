"""A small third-party plugin used by tests/core/test_plugins.py (docs/plugins.md shows the same shape)."""
import os

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.manifest import menus, perms
from app.plugin import Menu, Plugin, View, Widget


def sample_widget(appbuilder):
    return Markup('<div id="sample-widget">sample widget</div>')


plugin = Plugin(
    name="sample",
    title=_l("Sample notes"),
    version="0.1",
    package_dir=os.path.dirname(os.path.abspath(__file__)),
    models=("houqin_sample.models",),
    menus=[Menu("Sample", _l("Sample"))],
    views=[View("houqin_sample.views:SampleNoteView", "Sample notes", _l("Sample notes"), category="Sample")],
    apis=["houqin_sample.views:SampleNoteApi"],
    widgets=[Widget("sample", sample_widget, ("can_list", "SampleNoteView"))],
    roles={"Staff": perms("SampleNoteView", ("can_list", "can_show")) + menus("Sample", "Sample notes")
           + perms("SampleNoteApi", ("can_get",))},
)

"""A small third-party plugin used by tests/core/test_plugins.py (docs/plugins.md shows the same shape)."""
import os

from flask_babel import lazy_gettext as _l

from app.plugin import Plugin, Widget

HERE = os.path.dirname(os.path.abspath(__file__))


def register(appbuilder):
    from markupsafe import Markup

    from .views import SampleNoteApi, SampleNoteView

    appbuilder.add_view(SampleNoteView, "Sample notes", label=_l("Sample notes"), category="Sample",
                        category_label=_l("Sample"))
    appbuilder.add_api(SampleNoteApi)
    appbuilder.app.extensions["houqin"].add_widget(
        Widget("sample", lambda ab: Markup('<div id="sample-widget">sample widget</div>'),
               ("can_list", "SampleNoteView")))


plugin = Plugin(
    name="sample",
    title=_l("Sample notes"),
    version="0.1",
    models=("houqin_sample.models",),
    register=register,
    roles={"Staff": [("can_list", "SampleNoteView"), ("can_show", "SampleNoteView"),
                     ("menu_access", "Sample"), ("menu_access", "Sample notes"), ("can_get", "SampleNoteApi")]},
    translations=os.path.join(HERE, "translations"),
    migrations=os.path.join(HERE, "migrations", "versions"),
)

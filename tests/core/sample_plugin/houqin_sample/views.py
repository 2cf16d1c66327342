from flask import current_app
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l, lazy_pgettext as _lp

from app.api import HouqinModelRestApi
from app.views.base import HouqinModelView
from app.views.imports import ImportMixin

from .imports import SampleNoteImporter
from .models import SampleNote


class SampleNoteView(ImportMixin, HouqinModelView):
    datamodel = SQLAInterface(SampleNote)
    attachment_owner = "sample.note"  # its show page lists and takes files
    importer = SampleNoteImporter()   # /samplenoteview/import/ and the template
    list_title = _l("Sample notes")
    list_columns = add_columns = edit_columns = show_columns = ["text", "round_no"]
    label_columns = {"text": _l("Note text"), "round_no": _lp("appraisal", "Round")}


class SampleNoteApi(HouqinModelRestApi):
    resource_name = "samplenote"
    datamodel = SQLAInterface(SampleNote)
    list_columns = show_columns = ["id", "text"]
    add_columns = edit_columns = ["text"]


class SampleHelloView(BaseView):
    """A hand-made page: the plugin's own template and stylesheet."""

    route_base = "/sample"
    default_view = "hello"

    @expose("/hello")
    @has_access
    def hello(self):
        per_page = current_app.extensions["houqin_settings"].get("sample_notes_per_page")
        return self.render_template("sample/hello.html", per_page=per_page)

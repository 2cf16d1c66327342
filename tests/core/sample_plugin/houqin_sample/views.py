from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.api import HouqinModelRestApi
from app.views.base import HouqinModelView

from .models import SampleNote


class SampleNoteView(HouqinModelView):
    datamodel = SQLAInterface(SampleNote)
    list_title = _l("Sample notes")
    list_columns = add_columns = edit_columns = show_columns = ["text"]
    label_columns = {"text": _l("Note text")}


class SampleNoteApi(HouqinModelRestApi):
    resource_name = "samplenote"
    datamodel = SQLAInterface(SampleNote)
    list_columns = show_columns = ["id", "text"]
    add_columns = edit_columns = ["text"]

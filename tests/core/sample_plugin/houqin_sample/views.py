from flask import current_app, g
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l, lazy_pgettext as _lp

from app.api import HouqinModelRestApi
from app.extensions import db
from app.views.base import HouqinModelView, choice_label
from app.views.imports import ImportMixin
from app.views.workflow import TransitionsApiMixin, TransitionsMixin

from .imports import SampleNoteImporter
from .models import REQUEST_STATES, SampleNote, SampleRequest, SampleRequestLine
from .services import number_request

TRANSITIONS = ("submit", "approve", "reject", "reopen")


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


class SampleRequestLineView(HouqinModelView):
    datamodel = SQLAInterface(SampleRequestLine)
    list_title = _l("Request lines")
    list_columns = add_columns = edit_columns = show_columns = ["request", "item", "quantity"]
    # No drop-down of every request in the search form: a relation there makes its table one
    # whose changes rebuild the kept search forms (app/freshness.py).
    search_columns = ["item", "quantity"]
    label_columns = {"request": _l("Request"), "item": _l("Item"), "quantity": _l("Quantity")}


class SampleRequestView(TransitionsMixin, HouqinModelView):
    """Transitions as routes and show-page buttons (core's TransitionsMixin); locks and versions
    need nothing here: core enforces them at every write."""

    datamodel = SQLAInterface(SampleRequest)
    list_title = _l("Sample requests")
    show_title = add_title = edit_title = _l("Sample request")
    campus_column = "campus_id"
    list_columns = ["number", "title", "amount", "status", "requested_by", "campus"]
    add_columns = ["title", "amount", "campus", "staff"]
    edit_columns = ["title", "amount", "staff"]
    show_columns = ["number", "title", "amount", "status", "requested_by", "campus", "staff", "self_approved",
                    "term_label"]
    label_columns = {"number": _l("Number"), "title": _l("Title"), "amount": _l("Amount"), "status": _l("State"),
                     "requested_by": _l("Requested by"), "campus": _l("Campus"), "staff": _l("For"),
                     "self_approved": _l("Self-approved"), "term_label": _l("Term")}
    formatters_columns = {"status": choice_label(REQUEST_STATES)}
    related_views = [SampleRequestLineView]
    transition_routes = TRANSITIONS
    base_order = ("id", "desc")
    method_permission_name = {"touch_all": "touch_all"}  # the action's permission keeps the can_ prefix

    def pre_add(self, item):
        super().pre_add(item)
        number_request(db.session, item, g.user)

    @action("touch_all", _l("Rename"), _l("Add “(checked)” to the selected titles?"), icon="fa-pen", single=False)
    def touch_all(self, items):
        """A bulk action: core's flush check refuses it for a locked request, like any other path."""
        from flask import redirect, url_for

        for item in items if isinstance(items, list) else [items]:
            item.title = f"{item.title} (checked)"
        db.session.commit()
        return redirect(url_for("SampleRequestView.list"))


class SampleRequestApi(TransitionsApiMixin, HouqinModelRestApi):
    resource_name = "samplerequest"
    datamodel = SQLAInterface(SampleRequest)
    campus_column = "campus_id"
    list_columns = show_columns = ["id", "number", "title", "amount", "status", "self_approved", "campus_id"]
    add_columns = ["title", "amount", "campus"]
    edit_columns = ["title", "amount"]
    transition_routes = TRANSITIONS

    def pre_add(self, item):
        super().pre_add(item)
        number_request(db.session, item, g.user)


class SampleHelloView(BaseView):
    """A hand-made page: the plugin's own template and stylesheet, and "this term"."""

    route_base = "/sample"
    default_view = "hello"

    @expose("/hello")
    @has_access
    def hello(self):
        from app.school_calendar import this_term

        per_page = current_app.extensions["houqin_settings"].get("sample_notes_per_page")
        return self.render_template("sample/hello.html", per_page=per_page, term=this_term(db.session))

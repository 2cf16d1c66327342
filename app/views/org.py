"""Screens for the organisation: campuses, departments, positions, staff."""
from __future__ import annotations

from flask import flash, g, has_request_context, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l, lazy_pgettext as _lp
from wtforms import SelectField

from ..extensions import db
from ..panels import render_panels
from ..models import EMPLOYMENT_TYPES, GENDERS, Campus, Department, Position, Staff
from ..rules import check_date_order, normalize_phone
from ..scoping import FilterCampusScope
from ..security import is_unscoped
from .base import HouqinModelView, choice_label
from .imports import ImportMixin
from .staff_import import StaffImporter
from .validators import NotBefore, Rule

STAFF_LABELS = {
    "name": _l("Name"),
    "staff_no": _l("Staff number"),
    "gender": _l("Gender"),
    "work_phone": _l("Work phone"),
    "personal_phone": _l("Personal phone"),
    "position": _l("Position"),
    "employment_type": _l("Employment type"),
    "campus": _l("Campus"),
    "department": _l("Department"),
    "hire_date": _l("Hire date"),
    "health_cert_no": _l("Health certificate no."),
    "health_cert_issued": _l("Health certificate issued"),
    "health_cert_expiry": _l("Health certificate expires"),
    "qualification_cert": _l("Qualification certificate"),
    "qualification_level": _l("Qualification level"),
    "active": _l("Active"),
    "user": _l("Login user"),
}


class CampusView(HouqinModelView):
    datamodel = SQLAInterface(Campus)
    list_title = _l("Campuses")
    show_title = add_title = edit_title = _l("Campus")
    list_columns = ["name", "code", "address", "active"]
    add_columns = edit_columns = show_columns = ["name", "code", "address", "active"]
    search_columns = ["name", "code", "active"]
    base_order = ("name", "asc")
    # 名称: a campus's name (a person's is 姓名)
    label_columns = {"name": _lp("place", "Name"), "code": _l("Code"), "address": _l("Address"),
                     "active": _l("Active")}
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]

    def __init__(self, **kw):
        # Scoped users see only their own campuses in the list too.
        self.base_filters = [["id", FilterCampusScope, False]]
        super().__init__(**kw)


class DepartmentView(HouqinModelView):
    datamodel = SQLAInterface(Department)
    list_title = _l("Departments")
    show_title = add_title = edit_title = _l("Department")
    list_columns = ["name", "campus", "active"]
    add_columns = edit_columns = show_columns = ["name", "campus", "active"]
    search_columns = ["name", "campus", "active"]
    base_order = ("name", "asc")
    label_columns = {"name": _lp("place", "Name"), "campus": _l("Campus"), "active": _l("Active")}
    description_columns = {"campus": _l("Leave empty for a department shared by all campuses.")}
    campus_column = "campus_id"
    campus_nullable = True
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]


class PositionView(HouqinModelView):
    datamodel = SQLAInterface(Position)
    list_title = _l("Positions")
    show_title = add_title = edit_title = _l("Position")
    list_columns = ["name_zh", "name_en", "active"]
    add_columns = edit_columns = show_columns = ["name_zh", "name_en", "active"]
    base_order = ("name_zh", "asc")
    label_columns = {"name_zh": _l("Name (Chinese)"), "name_en": _l("Name (English)"), "active": _l("Active")}
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]


# A colleague's record shows the work details only (name, position, department, campus, work
# phone and the staff number); the rest is for Director, Admin, Auditor and the person themself.
STAFF_PRIVATE = frozenset({"gender", "personal_phone", "employment_type", "hire_date", "health_cert_no",
                           "health_cert_issued", "health_cert_expiry", "qualification_cert", "qualification_level",
                           "user"})


def sees_staff_details(user, staff=None) -> bool:
    """Director/Admin (and the Auditor, personal numbers masked as everywhere) see every staff
    record in full; anyone else only their own."""
    if is_unscoped(user):
        return True
    return staff is not None and staff.user_id is not None and staff.user_id == getattr(user, "id", None)


class ForViewer:
    """A column list that depends on who looks: the full list for Director/Admin (and, on a show
    page, for the person themself), the work details for anyone else. Outside a request (FAB's
    set-up) the full list, so forms and labels are built for every column."""

    def __init__(self, columns):
        self.full = list(columns)
        self.work = [c for c in self.full if c not in STAFF_PRIVATE]

    def __get__(self, view, owner=None):
        if view is None or not has_request_context() or getattr(g, "user", None) is None:
            return self.full
        return self.full if sees_staff_details(g.user, g.get("hq_staff_shown")) else self.work

    def __set__(self, view, value):  # FAB assigns its defaults; the lists are ours
        pass


class StaffView(ImportMixin, HouqinModelView):
    datamodel = SQLAInterface(Staff)
    list_title = _l("Staff")
    show_title = _l("Staff member")
    add_title = _l("Add staff member")
    edit_title = _l("Edit staff member")
    importer = StaffImporter()
    list_template = "houqin/staff_list.html"
    show_template = "houqin/staff_show.html"
    list_columns = ForViewer(["staff_no", "name", "gender", "position", "campus", "department", "work_phone",
                              "personal_phone", "health_cert_expiry", "active"])
    show_columns = ForViewer(["name", "staff_no", "gender", "work_phone", "personal_phone", "position",
                              "employment_type", "campus", "department", "hire_date", "health_cert_no",
                              "health_cert_issued", "health_cert_expiry", "qualification_cert",
                              "qualification_level", "active", "user"])
    add_columns = [c for c in show_columns.full if c not in ("active",)]
    edit_columns = show_columns.full
    export_columns = ForViewer(show_columns.full)
    # Every related column here adds two queries to each list page (FAB loads its choices):
    # keep the campus, search the rest by text.
    search_columns = ForViewer(["name", "staff_no", "campus", "employment_type", "active", "health_cert_expiry"])
    order_columns = ["staff_no", "name", "health_cert_expiry"]
    base_order = ("staff_no", "asc")
    label_columns = STAFF_LABELS
    masked_columns = {"personal_phone": "phone"}
    campus_column = "campus_id"
    own_record_column = "user_id"  # everyone reaches their own record (and its panels)
    formatters_columns = {
        "gender": choice_label(GENDERS),
        "employment_type": choice_label(EMPLOYMENT_TYPES),
    }
    validators_columns = {
        "work_phone": [Rule(normalize_phone, skip_masked=False)],
        "personal_phone": [Rule(normalize_phone)],
        "health_cert_expiry": [NotBefore("health_cert_issued", check_date_order)],
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "gender": SelectField(_l("Gender"), choices=[("", "—")] + [(k, v) for k, v in GENDERS],
                              widget=Select2Widget()),
        "employment_type": SelectField(_l("Employment type"), choices=EMPLOYMENT_TYPES, widget=Select2Widget()),
    }
    # FAB names an action's permission after the action unless mapped; keep the can_ prefix.
    method_permission_name = {"deactivate": "deactivate"}
    # No hard delete: staff have history (visits hosted, scores, assets). Deactivate instead.
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export",
                        "can_import", "can_template", "can_deactivate"]  # the roster prints with can_export

    def __init__(self, **kw):
        rel = {"department": [["campus_id", FilterCampusScope, True]]}
        self.add_form_query_rel_fields = {**rel}
        self.edit_form_query_rel_fields = {**rel}
        super().__init__(**kw)

    def pre_add(self, item):
        item.gender = item.gender or None
        super().pre_add(item)

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        g.hq_staff_shown = item  # their own record shows a staff member every detail
        widgets = super()._get_show_widget(pk, item, widgets, actions, show_fieldsets)
        widgets["panels"] = render_panels(g.user, item)
        return widgets

    @expose("/mine/")
    @has_access
    @permission_name("show")
    def mine(self):
        """The signed-in user's own record (the user menu's "My staff record")."""
        from sqlalchemy import select

        pk = db.session.execute(select(Staff.id).where(Staff.user_id == g.user.id)).scalar()
        if pk is None:
            flash(gettext("Your login is not linked to a staff record: ask the office."), "warning")
            return redirect(self.appbuilder.get_url_for_index)
        return redirect(url_for("StaffView.show", pk=pk))

    @action("deactivate", _l("Deactivate"), _l("Deactivate the selected staff?"), icon="fa-user-slash")
    def deactivate(self, items):
        items = items if isinstance(items, list) else [items]
        for item in items:
            item.active = False
        db.session.commit()
        flash(gettext("%(count)d staff deactivated.", count=len(items)), "success")
        return redirect(url_for("StaffView.list"))

    @expose("/roster/")
    @has_access
    @permission_name("export")
    def roster(self):
        """The staff roster (教职工花名册) on A4 landscape, active staff of the user's campuses (or
        of one), with lines for the one who prepared it and the one who checked it."""
        from flask import request
        from sqlalchemy import select

        from ..scoping import scope_clause

        query = select(Staff).where(Staff.active.is_(True)).order_by(Staff.campus_id, Staff.staff_no)
        clause = scope_clause(Staff.campus_id)
        if clause is not None:
            query = query.where(clause)
        campuses = db.session.execute(
            select(Campus).where(Campus.active.is_(True), *(() if clause is None else (scope_clause(Campus.id),)))
            .order_by(Campus.name)).scalars().all()
        campus_id = request.args.get("campus_id", type=int)
        campus = next((c for c in campuses if c.id == campus_id), None)
        if campus is not None:
            query = query.where(Staff.campus_id == campus.id)
        staff = db.session.execute(query).unique().scalars().all()
        return self.render_template("houqin/staff_roster.html", staff=staff, campuses=campuses, campus=campus,
                                    title=gettext("Staff roster"), genders=dict(GENDERS),
                                    employment=dict(EMPLOYMENT_TYPES))


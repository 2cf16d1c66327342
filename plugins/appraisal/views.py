"""The lists and forms of appraisal: templates (考核方案), rounds (考核周期) with their staff and
committee. Scoring, the secretary's entry and finalising are hand-made pages (desk.py)."""
from __future__ import annotations

import json

from flask import abort, flash, g, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from flask_appbuilder.fieldwidgets import DatePickerWidget
from wtforms import BooleanField, DateField
from wtforms.validators import Optional, ValidationError

from app.extensions import db
from app.rules import RuleError
from app.views.base import HouqinModelView, choice_label
from app.views.imports import ImportMixin
from app.views.validators import NotBefore, Rule, rule_message
from app.views.workflow import TransitionsMixin

from . import closing, services
from .models import (DRAFT, KINDS, ROUND_STATES, AppraisalMember, AppraisalRound, AppraisalRoundStaff,
                     AppraisalTemplate)
from .queries import member_access_clause, round_access_clause, round_staff_access_clause, template_in_use
from .rubric import PERIODS
from .scoring import ERR_TRIM_AT
from .template_sheet import TemplateImporter, sheet_columns, template_rows
from .rubric_data import dumps_rubric, loads_rubric, shipped_rubrics

ERR_TEMPLATE_IN_USE = services.N_("This template is used by a round that is open or later: copy it and change the copy")
ERR_ROUND_NOT_DRAFT = services.ERR_ROUND_NOT_DRAFT
PERIOD_LABELS = {p: KINDS[p] for p in PERIODS}


def _refuse(message: str, **params):
    db.session.rollback()
    raise ValueError(gettext(message, **params))


def check_template_json(text) -> str:
    """The template as JSON (rubric_data's format), checked whole; stored as the canonical dump."""
    return dumps_rubric(loads_rubric(text))


def weights_field(text) -> str:
    """The weights as typed (or as stored, on edit), checked. FAB's form shows an error as `_(error)`;
    core's i18n.tolerate_percent shows a message with a bare "%" as it is there."""
    try:
        return _weights(text)
    except RuleError as err:
        raise ValidationError(rule_message(err)) from None


def _weights(text) -> str:
    try:
        loaded = json.loads(text)
    except ValueError:
        loaded = None
    if isinstance(loaded, dict):
        text = ", ".join(f"{k}={v}" for k, v in loaded.items())
    checked = services.parse_weights(text)
    return json.dumps(checked) if checked else ""


class AppraisalTemplateView(ImportMixin, HouqinModelView):
    datamodel = SQLAInterface(AppraisalTemplate)
    importer = TemplateImporter()   # a sheet exported below, adjusted, read back as new templates
    list_title = _l("Appraisal templates")
    show_title = edit_title = add_title = _l("Appraisal template")
    list_columns = ["name_zh", "name_en", "period", "sample", "active"]
    show_columns = ["code", "name_zh", "name_en", "period", "sample", "active", "source", "data"]
    add_columns = ["data"]
    edit_columns = ["name_zh", "name_en", "active", "data"]
    search_columns = ["name_zh", "name_en", "period"]
    label_columns = {"code": _l("Code"), "name_zh": _l("Name (Chinese)"), "name_en": _l("Name (English)"),
                     "period": _l("Period"), "sample": _l("Sample (adjust before use)"), "active": _l("Available for rounds"),
                     "source": _l("Source"), "data": _l("Template (JSON)")}
    description_columns = {"data": _l("Sections, items, grades and quota, as exported; checked whole when saved.")}
    formatters_columns = {"period": choice_label(PERIOD_LABELS)}
    validators_columns = {"data": [Rule(check_template_json)]}
    edit_form_extra_fields = {"active": BooleanField(_l("Available for rounds"), default=True)}
    base_order = ("name_zh", "asc")
    list_template = "appraisal/template_list.html"
    show_template = "appraisal/template_show.html"

    def _fill(self, item):
        rubric = loads_rubric(item.data)
        item.code = rubric.code
        item.period = rubric.period
        item.sample = rubric.sample
        item.source = rubric.source.zh if rubric.source else None
        if not item.name_zh:
            item.name_zh, item.name_en = rubric.name.zh, rubric.name.en

    def pre_add(self, item):
        super().pre_add(item)
        self._fill(item)
        if db.session.execute(select(AppraisalTemplate.id).where(AppraisalTemplate.code == item.code)).first():
            _refuse(services.N_("A template with the code %(code)s exists: change the code in the JSON"), code=item.code)

    def pre_update(self, item):
        super().pre_update(item)
        if template_in_use(db.session, item.id):
            _refuse(ERR_TEMPLATE_IN_USE)
        self._fill(item)

    @expose("/shipped/", methods=["POST"])
    @has_access
    @permission_name("add")
    def shipped(self):
        """Add the shipped templates that are not there yet (by code)."""
        have = set(db.session.execute(select(AppraisalTemplate.code)).scalars())
        added = 0
        for code, rubric in shipped_rubrics().items():
            if rubric.code not in have:
                db.session.add(template_row(rubric))
                added += 1
        db.session.commit()
        flash(gettext("%(n)s shipped templates added", n=added), "success")
        return redirect(url_for(".list"))

    @expose("/sheet/<int:pk>")
    @has_access
    @permission_name("export")
    def export_sheet(self, pk):
        """The template as rows, one per part (the import's columns): adjust a copy in Excel.
        (Named export_*: a download, not a page, for the checks that open every page.)"""
        from app.views.exporting import xlsx_download

        item = self.visible(pk)
        if item is None:
            abort(404)
        rows = template_rows(json.loads(item.data))
        return xlsx_download(rows, sheet_columns(gettext), title=str(item), filename=f"{item.code}.xlsx")

    @expose("/copy/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("add")
    def copy(self, pk):
        item = self.visible(pk)
        if item is None:
            return redirect(url_for(".list"))
        new = copy_template(db.session, item)
        db.session.commit()
        flash(gettext("Copied: change the copy, the original stays as the rounds used it"), "success")
        return redirect(url_for(".edit", pk=new.id))


def template_row(rubric) -> AppraisalTemplate:
    return AppraisalTemplate(code=rubric.code, name_zh=rubric.name.zh, name_en=rubric.name.en, period=rubric.period,
                             sample=rubric.sample, source=rubric.source.zh if rubric.source else None,
                             data=dumps_rubric(rubric), active=True)


def copy_template(session, item: AppraisalTemplate) -> AppraisalTemplate:
    data = json.loads(item.data)
    n = 2
    codes = set(session.execute(select(AppraisalTemplate.code)).scalars())
    while f"{item.code[:58]}_v{n}" in codes:
        n += 1
    data["code"] = f"{item.code[:58]}_v{n}"
    new = AppraisalTemplate(code=data["code"], name_zh=f"{item.name_zh}（{n}）", name_en=f"{item.name_en} ({n})",
                            period=item.period, sample=item.sample, source=item.source,
                            data=json.dumps(data, ensure_ascii=False), active=True)
    session.add(new)
    session.flush()
    return new


class _RoundChild(HouqinModelView):
    def _draft(self, item):
        rnd = item.round or (db.session.get(AppraisalRound, item.round_id) if item.round_id else None)
        if rnd is not None and rnd.status != DRAFT:
            _refuse(ERR_ROUND_NOT_DRAFT)

    def pre_add(self, item):
        super().pre_add(item)
        self._draft(item)

    def pre_update(self, item):
        super().pre_update(item)
        self._draft(item)

    def pre_delete(self, item):
        super().pre_delete(item)
        self._draft(item)


class AppraisalMemberView(_RoundChild):
    datamodel = SQLAInterface(AppraisalMember)
    list_title = _l("Appraisal committee members")
    show_title = add_title = edit_title = _l("Appraisal committee member")
    list_columns = show_columns = ["round", "user", "group"]
    add_columns = edit_columns = ["round", "user", "group"]
    search_columns = ["group"]
    label_columns = {"round": _l("Round"), "user": _l("Member"), "group": _l("Group")}
    description_columns = {"group": _l("e.g. committee, leaders, peers, or a scorer group of the template "
                                       "(academic, moral, general, inspection)")}
    row_access = member_access_clause


class AppraisalRoundStaffView(_RoundChild):
    datamodel = SQLAInterface(AppraisalRoundStaff)
    list_title = _l("Staff in the round")
    show_title = add_title = edit_title = _l("Staff in the round")
    list_columns = show_columns = ["round", "staff", "graded"]
    add_columns = edit_columns = ["round", "staff", "graded"]
    search_columns = ["graded"]
    label_columns = {"round": _l("Round"), "staff": _l("Staff"), "graded": _l("Graded")}
    description_columns = {"graded": _l("Not graded: left out of the totals, the ranks and the quota")}
    add_form_extra_fields = edit_form_extra_fields = {"graded": BooleanField(_l("Graded"), default=True)}
    row_access = round_staff_access_clause


class AppraisalRoundView(TransitionsMixin, HouqinModelView):
    datamodel = SQLAInterface(AppraisalRound)
    list_title = _l("Appraisal rounds")
    show_title = add_title = edit_title = _l("Appraisal round")
    list_columns = ["name", "kind", "template", "start_date", "end_date", "status"]
    show_columns = ["name", "kind", "template", "start_date", "end_date", "term", "status", "trim_at",
                    "self_assessment", "weights", "small_round_quota", "comment_below_percent", "secretary"]
    add_columns = edit_columns = ["name", "kind", "template", "start_date", "end_date", "term", "trim_at",
                                  "self_assessment", "weights", "small_round_quota", "comment_below_percent",
                                  "secretary"]
    search_columns = ["name", "kind", "status", "start_date"]
    label_columns = {"name": _l("Name"), "kind": _l("Kind"), "template": _l("Template"), "start_date": _l("Starts"),
                     "end_date": _l("Ends"), "term": _l("Term"), "status": _l("State"),
                     "trim_at": _l("Trim from this many scores"), "self_assessment": _l("Self-assessment"),
                     "weights": _l("Group weights"), "small_round_quota": _l("Quota below 5 staff (%)"),
                     "comment_below_percent": _l("Comment needed below (% of the item)"),
                     "secretary": _l("Secretary")}
    description_columns = {
        "weights": _l("Empty: the committee is one pool. Else every group with its percentage, totalling 100, "
                      "e.g. leaders=35, peers=50, self=15"),
        "trim_at": _l("From this many scores in a group, the highest and the lowest are dropped (default 5)"),
        "term": _l("A term round takes the term's dates from the school calendar"),
        "small_round_quota": _l("Empty: no quota when fewer than 5 staff are graded"),
    }
    formatters_columns = {"status": choice_label(ROUND_STATES), "kind": choice_label(KINDS)}
    validators_columns = {"weights": [Rule(weights_field, skip_masked=False)]}
    add_form_extra_fields = edit_form_extra_fields = {
        "self_assessment": BooleanField(_l("Self-assessment"), default=False),
        # Optional when a term is chosen: a term round takes the term's dates from the calendar.
        "start_date": DateField(_l("Starts"), format="%Y-%m-%d", widget=DatePickerWidget(), validators=[Optional()]),
        "end_date": DateField(_l("Ends"), format="%Y-%m-%d", widget=DatePickerWidget(),
                              validators=[Optional(), NotBefore("start_date", services.check_dates)]),
    }
    related_views = [AppraisalMemberView, AppraisalRoundStaffView]
    transition_routes = ("open", "close", "finalise")
    row_access = round_access_clause
    base_order = ("start_date", "desc")
    show_template = "appraisal/round_show.html"

    def _check(self, item):
        if item.term is not None:
            item.start_date, item.end_date = item.term.start_date, item.term.end_date
        if not (item.start_date and item.end_date):
            _refuse(services.ERR_NO_DATES)
        if item.end_date < item.start_date:
            _refuse(services.ERR_DATES)
        if item.kind not in KINDS:
            item.kind = "monthly"
        if item.trim_at is not None and item.trim_at < 3:
            _refuse(ERR_TRIM_AT, least=3)

    def pre_add(self, item):
        super().pre_add(item)
        self._check(item)

    def pre_update(self, item):
        super().pre_update(item)
        if item.status != DRAFT:
            _refuse(ERR_ROUND_NOT_DRAFT)
        self._check(item)

    def render_template(self, template, **kwargs):
        if template == self.show_template:   # the scope form's choices
            from app.models import Campus, Department, Position

            kwargs["scope_choices"] = {
                "campus_id": db.session.execute(select(Campus.id, Campus.name).order_by(Campus.name)).all(),
                "department_id": [(i, f"{d}（{c}）" if c else d) for i, d, c in db.session.execute(
                    select(Department.id, Department.name, Campus.name).outerjoin(Campus, Department.campus_id == Campus.id)
                    .where(Department.active.is_(True)).order_by(Campus.name, Department.name))],
                "position_id": db.session.execute(select(Position.id, Position.name_zh).order_by(
                    Position.name_zh)).all()}
        return super().render_template(template, **kwargs)

    def perform_transition(self, name, item, *, reason, external):
        if name == "open":
            return services.open_round(db.session, item.id, g.user)
        if name == "finalise":
            return closing.finalise_round(db.session, item.id, g.user)
        return super().perform_transition(name, item, reason=reason, external=external)

    @expose("/scope/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("edit")
    def scope(self, pk):
        """Add staff by campus, department or position (each person once)."""
        from flask import request

        from .scope import add_scope

        item = self.visible(pk)
        if item is None:
            return redirect(url_for(".list"))
        try:
            n = add_scope(db.session, item, request.form.get("campus_id", type=int),
                          request.form.get("department_id", type=int), request.form.get("position_id", type=int))
            db.session.commit()
            flash(gettext("%(n)s staff added to the round", n=n), "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(url_for(".show", pk=pk))

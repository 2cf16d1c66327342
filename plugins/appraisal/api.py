"""REST API of appraisal (issue 17 point 10): templates and rounds (read as their screens, rounds
run through the same transitions), and score entry on one's own sheets only — another member's
sheet answers 404, whatever the role. Errors are JSON with `message`, never 500."""
from __future__ import annotations

from flask import g, request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from marshmallow import Schema, fields
from sqlalchemy import select

from app.api import HouqinModelRestApi, rule_errors
from app.extensions import db
from app.rules import RuleError
from app.workflow import RecordLocked
from app.views.validators import rule_message
from app.views.workflow import TransitionsApiMixin
from app.workflow import refusal_response

from . import closing, services
from .models import DRAFT, OPEN, AppraisalMember, AppraisalRound, AppraisalSheet, AppraisalTemplate
from .queries import round_access_clause
from .scoring import ERR_TRIM_AT


class AppraisalTemplateApi(HouqinModelRestApi):
    resource_name = "appraisaltemplate"
    datamodel = SQLAInterface(AppraisalTemplate)
    list_columns = ["id", "code", "name_zh", "name_en", "period", "sample", "active"]
    show_columns = list_columns + ["source", "data"]
    base_permissions = ["can_get", "can_info"]
    order_columns = ["name_zh", "code"]


class AppraisalRoundApi(TransitionsApiMixin, HouqinModelRestApi):
    resource_name = "appraisalround"
    datamodel = SQLAInterface(AppraisalRound)
    list_columns = show_columns = ["id", "name", "kind", "template_id", "start_date", "end_date", "term_id", "status",
                                   "trim_at", "self_assessment", "weights", "small_round_quota",
                                   "comment_below_percent", "secretary_id"]
    add_columns = ["name", "kind", "template", "start_date", "end_date", "trim_at", "self_assessment",
                   "small_round_quota", "comment_below_percent", "secretary"]
    edit_columns = add_columns
    base_permissions = ["can_get", "can_info", "can_post", "can_put"]
    order_columns = ["start_date", "name", "status"]
    transition_routes = ("open", "close", "finalise")
    row_access = round_access_clause

    def validate(self, item):
        errors = super().validate(item)
        if item.start_date and item.end_date and item.end_date < item.start_date:
            errors.setdefault("end_date", []).append(rule_message(RuleError(services.ERR_DATES)))
        if item.trim_at is not None and item.trim_at < 3:
            errors.setdefault("trim_at", []).append(rule_message(RuleError(ERR_TRIM_AT, least=3)))
        if item.id is not None and item.status != DRAFT:
            errors.setdefault("status", []).append(rule_message(RuleError(services.ERR_ROUND_NOT_DRAFT)))
        return errors

    def perform_transition(self, name, item, *, reason, external):
        if name == "open":
            return services.open_round(db.session, item.id, g.user)
        if name == "finalise":
            return closing.finalise_round(db.session, item.id, g.user)
        return super().perform_transition(name, item, reason=reason, external=external)


class CellSchema(Schema):
    staff_id = fields.Integer(required=True)
    item = fields.String(required=True, metadata={"description": "The item's code in the template"})
    value = fields.String(required=True, metadata={"description": "The score, at most two decimal places"})
    comment = fields.String(metadata={"description": "Needed below the round's comment threshold"})


class AppraisalSheetApi(BaseApi):
    """/api/v1/appraisalsheet/: the signed-in member's own sheets."""

    resource_name = "appraisalsheet"
    openapi_spec_tag = "Appraisal sheets"
    openapi_spec_component_schemas = (CellSchema,)
    base_permissions = ["can_get", "can_put", "can_post"]

    def _own(self, pk):
        sheet = db.session.get(AppraisalSheet, pk)
        if sheet is None or not services.may_read_sheet(db.session, sheet, g.user):
            return None
        return sheet

    @expose("/", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def mine(self):
        """Your sheets.
        ---
        get:
          description: The sheets of the signed-in member (rounds open or later).
          responses:
            200:
              description: id, round_id, round, status
        """
        rows = db.session.execute(
            select(AppraisalSheet.id, AppraisalSheet.round_id, AppraisalRound.name, AppraisalSheet.status)
            .join(AppraisalRound, AppraisalSheet.round_id == AppraisalRound.id)
            .join(AppraisalMember, AppraisalSheet.member_id == AppraisalMember.id)
            .where(AppraisalMember.user_id == g.user.id).order_by(AppraisalSheet.id)).all()
        return self.response(200, result=[dict(id=i, round_id=r, round=n, status=s) for i, r, n, s in rows])

    @expose("/<int:pk>", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def sheet(self, pk):
        """One of your sheets with its cells.
        ---
        get:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200:
              description: the sheet, its people, items and cells
            404:
              description: not one of your sheets
        """
        sheet = self._own(pk)
        if sheet is None:
            return self.response_404()
        rnd = db.session.get(AppraisalRound, sheet.round_id)
        member = db.session.get(AppraisalMember, sheet.member_id)
        items = services.sheet_items(services.rubric_of(rnd), member.group)
        cells = [dict(staff_id=s, item=i, value=str(v), comment=c)
                 for (s, i), (v, c) in sorted(services.sheet_scores(db.session, sheet.id).items())]
        return self.response(200, id=sheet.id, round_id=rnd.id, status=sheet.status,
                             editable=sheet.status == DRAFT and rnd.status == OPEN,
                             people=services.sheet_people(db.session, sheet, rnd, member),
                             items=[dict(code=i.code, minimum=str(i.minimum), maximum=str(i.points)) for i in items],
                             cells=cells)

    @expose("/<int:pk>/cell", methods=["PUT"])
    @protect()
    @safe
    @permission_name("put")
    def cell(self, pk):
        """Save one cell of your draft sheet.
        ---
        put:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/CellSchema'}
          responses:
            200: {description: saved}
            404: {description: not one of your sheets}
            409: {description: the sheet is submitted or the round not open}
            422: {description: a bad value, on its field}
        """
        sheet = self._own(pk)
        if sheet is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        staff_id = body.get("staff_id")
        if not isinstance(staff_id, int) or isinstance(staff_id, bool):
            return self.response_422(message={"staff_id": ["integer required"]})
        try:
            value = services.save_cell(db.session, pk, g.user, staff_id, str(body.get("item") or ""),
                                       body.get("value"), body.get("comment") or "")
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            status = 409 if err.message in (services.ERR_SHEET_SUBMITTED, services.ERR_NOT_OPEN) or isinstance(err, RecordLocked) else 422
            return self.response(status, message=rule_errors(err))
        return self.response(200, value=str(value))

    @expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    @permission_name("post")
    def submit(self, pk):
        """Submit your sheet (once).
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {description: submitted}
            404: {description: not one of your sheets}
            409: {description: already submitted, or the round is not open}
            422: {description: cells still empty}
        """
        sheet = self._own(pk)
        if sheet is None:
            return self.response_404()
        try:
            services.submit_sheet(db.session, pk, g.user)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return refusal_response(self, err)
        return self.response(200, id=pk, state="submitted")

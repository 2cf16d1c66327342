"""/api/v1/visit/: for ID-card readers and kiosks. Creates a visit (the desk's
rules and blocklist check) and signs it out; lists and reads visits masked as on
screen. Bad input answers 4xx with the same messages as the desk, never 500."""
from __future__ import annotations

from datetime import datetime

from flask import g, request
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from marshmallow import Schema, fields

from app.api import HouqinModelRestApi, rule_errors
from app.extensions import db
from app.i18n import institution_tz, local_now
from app.privacy import MASKERS
from app.rules import RuleError
from app.scoping import can_use_campus, user_campus_ids
from app.security import sees_personal_data
from app.views.validators import rule_message

from . import services
from .intake import clean_sign_in
from .models import TURNED_AWAY, Visit
from .queries import visit_access_clause

VISIT_COLUMNS = ["id", "time_in", "time_out", "visitor_name", "visitor.doc_type", "visitor.id_number",
                 "visitor.phone", "visitor.organisation", "purpose_id", "purpose.name_zh", "purpose.name_en",
                 "host_id", "host.name", "host_response", "party_size", "plate", "badge", "status", "campus_id",
                 "note"]
NESTED_MASKS = {"visitor": {"id_number": "id", "phone": "phone"}}
ERR_TIME = services.N_("Give the time as ISO 8601, e.g. 2026-05-01T17:30")


class SignInSchema(Schema):
    """The body of POST /api/v1/visit/ (documented in the OpenAPI spec)."""

    campus_id = fields.Integer(metadata={"description": "Needed when the user has several campuses"})
    doc_type = fields.String(metadata={"description": "resident_id | hk_macao_permit | taiwan_permit | passport | other"})
    id_number = fields.String(required=True)
    name = fields.String(required=True)
    phone = fields.String()
    organisation = fields.String()
    purpose_id = fields.Integer(required=True)
    reason = fields.String()
    host_id = fields.Integer()
    host_confirmation = fields.String(metadata={"description": "'' (ask the host in the app) | phone | in_person"})
    party_size = fields.Integer()
    plate = fields.String()
    badge = fields.String()
    note = fields.String()
    appointment_code = fields.String()
    confirm_name_match = fields.Boolean(metadata={"description": "The gate checked the ID after a name-only match"})
    stored_details = fields.String(metadata={"description": "A known document number sent with another name or "
                                                            "phone: 'keep' the stored details or 'change' them"})


class SignOutSchema(Schema):
    time_out = fields.DateTime(metadata={"description": "When the visitor left; default now. Local time if naive."})
    badge = fields.String(metadata={"description": "POST /sign-out only: the badge to sign out"})
    campus_id = fields.Integer()


def _parse_time(raw):
    if raw in (None, ""):
        return None
    try:
        value = datetime.fromisoformat(str(raw))
    except ValueError:
        raise RuleError(ERR_TIME, field="time_out") from None
    return value.replace(tzinfo=institution_tz()) if value.tzinfo is None else value


class VisitApi(HouqinModelRestApi):
    resource_name = "visit"
    datamodel = SQLAInterface(Visit)
    campus_column = "campus_id"
    list_columns = show_columns = VISIT_COLUMNS
    add_columns = edit_columns = ["note"]
    add_model_schema = SignInSchema()
    order_columns = ["time_in", "visitor_name", "status"]
    search_columns = ["visitor_name", "status", "badge", "campus_id", "host_id"]
    base_order = ("time_in", "desc")
    base_permissions = ["can_get", "can_info", "can_post", "can_sign_out"]
    openapi_spec_component_schemas = (SignOutSchema,)
    openapi_spec_methods = {"post": {"post": {"description": "Sign a visitor in (same rules and blocklist as the desk)."}}}
    row_access = visit_access_clause

    # -- masking of the nested visitor fields -------------------------------------------------
    def mask_record(self, record: dict) -> None:
        super().mask_record(record)
        if sees_personal_data(g.user):
            return
        for key, kinds in NESTED_MASKS.items():
            nested = record.get(key)
            if isinstance(nested, dict):
                for col, kind in kinds.items():
                    if nested.get(col):
                        nested[col] = MASKERS[kind](str(nested[col]))
            for col, kind in kinds.items():
                flat = f"{key}.{col}"
                if record.get(flat):
                    record[flat] = MASKERS[kind](str(record[flat]))

    # -- sign in ---------------------------------------------------------------------------------
    def _campus(self, body) -> int | None:
        if body.get("campus_id") not in (None, ""):
            return body.get("campus_id")
        ids = user_campus_ids()
        return ids[0] if ids and len(ids) == 1 else None

    def post_headless(self):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        body = {**body, "campus_id": self._campus(body)}
        data, errors = clean_sign_in(body, today=local_now().date())
        if data.campus_id is None and "campus_id" not in errors:
            return self.response_422(message={"campus_id": [rule_message(RuleError(services.ERR_CHOOSE_CAMPUS))]})
        if errors:
            return self.response_422(message={k: [rule_message(v)] for k, v in errors.items()})
        if not can_use_campus(data.campus_id):
            return self.response_403()
        try:
            visit = services.sign_in(db.session, data, g.user, can_override=False)
            db.session.commit()
        except services.SignInRefused as refused:
            db.session.rollback()
            message = {k: [rule_message(v)] for k, v in refused.errors.items()}
            conflict = refused.name_match is not None or refused.on_site is not None or refused.stored is not None
            return self.response(409 if conflict else 422, message=message)
        if visit.status == TURNED_AWAY:
            return self.response(403, id=visit.id, status=visit.status, message={
                "blocklist": [rule_message(RuleError(services.ERR_BLOCKED))]})
        return self.response(201, id=visit.id, status=visit.status, badge=visit.badge)

    # -- sign out --------------------------------------------------------------------------------
    def _signed_out(self, call):
        try:
            visit = call()
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return self.response_422(message=rule_errors(err, default="status"))
        return self.response(200, id=visit.id, status=visit.status)

    def _visible(self, pk):
        clause = visit_access_clause()
        query = db.session.query(Visit).filter(Visit.id == pk)
        if clause is not None:
            query = query.filter(clause)
        visit = query.one_or_none()
        return visit if visit is not None and can_use_campus(visit.campus_id) else None

    @expose("/<int:pk>/sign-out", methods=["POST"])
    @protect()
    @safe
    @permission_name("sign_out")
    def sign_out(self, pk):
        """Sign a visit out, once.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema:
              type: integer
          requestBody:
            required: false
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/SignOutSchema'
          responses:
            200:
              description: Signed out
            404:
              $ref: '#/components/responses/404'
            422:
              $ref: '#/components/responses/422'
        """
        visit = self._visible(pk)
        if visit is None:
            return self.response_404()
        body = request.get_json(silent=True) or {}

        def call():
            services.sign_out(db.session, visit.id, at=_parse_time(body.get("time_out")))
            return visit
        return self._signed_out(call)

    @expose("/sign-out", methods=["POST"])
    @protect()
    @safe
    @permission_name("sign_out")
    def sign_out_badge(self):
        """Sign out the visitor on site with this badge.
        ---
        post:
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/SignOutSchema'
          responses:
            200:
              description: Signed out
            422:
              $ref: '#/components/responses/422'
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Request is not a JSON object")
        campus_id = self._campus(body)
        try:
            campus_id = int(campus_id) if campus_id is not None else None
        except (TypeError, ValueError):
            campus_id = None
        if campus_id is None:
            return self.response_422(message={"campus_id": [rule_message(RuleError(services.ERR_CHOOSE_CAMPUS))]})
        if not can_use_campus(campus_id):
            return self.response_403()

        def call():
            return services.sign_out_by_badge(db.session, campus_id, str(body.get("badge") or ""),
                                              at=_parse_time(body.get("time_out")))
        return self._signed_out(call)

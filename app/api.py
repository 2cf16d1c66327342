"""REST API (/api/v1/...) for the organisation, with the house rules: campus
scoping, masking, masked values never written back, and 4xx (never 500) with
the same messages as the forms."""
from __future__ import annotations

from flask import g, request
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from sqlalchemy import inspect as sa_inspect, select
from sqlalchemy.exc import DataError, StatementError

from .extensions import db
from .locks import refuse_if_locked
from .models import Campus, Department, Staff
from .views.org import STAFF_PRIVATE
from .panels import panel_data
from .privacy import MASKERS, is_masked
from .rules import RuleError, check_date_order, normalize_phone
from .scoping import FilterCampusScope, FilterCampusScopeOrOwn, FilterOwnCampuses, can_use_campus
from .security import is_unscoped, sees_personal_data
from .views.base import WRONG_CAMPUS, campus_of
from .views.filters import FilterClause
from .views.validators import rule_message
from .workflow import Refusal, refusal_response


def rule_errors(*errors: RuleError, default: str = "message") -> dict[str, list[str]]:
    """{field: [messages]} for a 422 answer: each error on the field it names."""
    out: dict[str, list[str]] = {}
    for err in errors:
        out.setdefault(err.field or default, []).append(rule_message(err))
    return out


class FieldErrors(Exception):
    def __init__(self, messages: dict[str, list[str]]):
        super().__init__(messages)
        self.messages = messages


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class HouqinModelRestApi(ModelRestApi):
    masked_columns: dict[str, str] = {}
    campus_column: str | None = None
    own_record_column: str | None = None  # as HouqinModelView.own_record_column
    # Who may see which rows beyond campus scoping (as HouqinModelView.row_access).
    row_access = None
    allow_browser_login = True

    def __init__(self):
        if self.row_access is not None:
            self.base_filters = list(self.base_filters or []) + [["id", FilterClause, type(self).row_access]]
        if self.campus_column:
            scope = [self.campus_column, FilterCampusScopeOrOwn, self.own_record_column] if self.own_record_column \
                else [self.campus_column, FilterCampusScope, False]
            self.base_filters = list(self.base_filters or []) + [scope]
            self.add_query_rel_fields = {"campus": [["id", FilterOwnCampuses, None]]}
            self.edit_query_rel_fields = {"campus": [["id", FilterOwnCampuses, None]]}
        super().__init__()

    def mask_record(self, record: dict) -> None:
        """Personal numbers of one answer masked for all but Director/Admin (subclasses add nested ones)."""
        if sees_personal_data(g.user):
            return
        for col, kind in self.masked_columns.items():
            if record.get(col):
                record[col] = MASKERS[kind](str(record[col]))

    def _get_field_info(self, field, filter_rel_field, page=None, page_size=None):
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        # FAB translates a missing description as gettext(""): the catalogue's header text.
        for key, declared in (("description", self.description_columns), ("label", self.label_columns)):
            if not declared.get(field.name):
                info[key] = ""
        return info

    def pre_get(self, data):
        self.mask_record(data.get("result", {}))

    def pre_get_list(self, data):
        for record in data.get("result", []):
            self.mask_record(record)

    def validate(self, item) -> dict[str, list[str]]:
        """Return {field: [messages]}; subclasses add their rules."""
        errors: dict[str, list[str]] = {}
        if self.campus_column and not can_use_campus(campus_of(item, self.campus_column)):
            errors.setdefault("campus", []).append(str(WRONG_CAMPUS))
        return errors

    def pre_add(self, item):
        errors = self.validate(item)
        if errors:
            raise FieldErrors(errors)

    def pre_update(self, item):
        refuse_if_locked(item)
        state = sa_inspect(item)
        for col in self.masked_columns:
            if is_masked(getattr(item, col)):
                hist = state.attrs[col].history
                setattr(item, col, hist.deleted[0] if hist.deleted else None)
        self.pre_add(item)

    def _guarded(self, call):
        try:
            return call()
        except FieldErrors as err:
            db.session.rollback()
            return self.response_422(message=err.messages)
        except Refusal as err:  # a locked record (checked again at every flush): 409 with its message
            db.session.rollback()
            return refusal_response(self, err)
        except (DataError, StatementError):
            # e.g. a related id that is not a number: PostgreSQL refuses the cast (SQLite does not)
            db.session.rollback()
            return self.response_400(message=gettext("Not a valid choice"))

    def _relation_errors(self, columns) -> dict[str, list[str]]:
        """A related record is named by its id (a list of ids for many): marshmallow-sqlalchemy
        would try to build a new record from an object and fail with a 500."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return {}
        errors = {}
        for col in columns:
            if col not in body or not self.datamodel.is_relation(col):
                continue
            value = body[col]
            many = self.datamodel.is_relation_many_to_many(col) or self.datamodel.is_relation_one_to_many(col)
            ok = (isinstance(value, list) and all(_is_id(v) for v in value)) if many else (value is None or _is_id(value))
            if not ok:
                errors[col] = [gettext("Not a valid choice")]
        return errors

    def post_headless(self):
        errors = self._relation_errors(self.add_columns)
        if errors:
            return self.response_422(message=errors)
        return self._guarded(super().post_headless)

    def put_headless(self, pk):
        errors = self._relation_errors(self.edit_columns)
        if errors:
            return self.response_422(message=errors)
        return self._guarded(lambda: super(HouqinModelRestApi, self).put_headless(pk))

    def pre_delete(self, item):
        refuse_if_locked(item)
        if self.campus_column and not can_use_campus(getattr(item, self.campus_column)):
            raise FieldErrors({"campus": [str(WRONG_CAMPUS)]})

    def delete_headless(self, pk):
        return self._guarded(lambda: super(HouqinModelRestApi, self).delete_headless(pk))


class CampusApi(HouqinModelRestApi):
    resource_name = "campus"
    datamodel = SQLAInterface(Campus)
    list_columns = show_columns = ["id", "name", "code", "address", "active"]
    add_columns = edit_columns = ["name", "code", "address", "active"]
    base_filters = [["id", FilterCampusScope, False]]

    def validate(self, item):
        errors = super().validate(item)
        clash = db.session.execute(select(Campus.id).where(
            (Campus.name == item.name) | (Campus.code == item.code), Campus.id != (item.id or 0))).first()
        if clash:
            errors.setdefault("name", []).append(gettext("Already exists."))
        return errors


class DepartmentApi(HouqinModelRestApi):
    resource_name = "department"
    datamodel = SQLAInterface(Department)
    list_columns = show_columns = ["id", "name", "campus_id", "campus.name", "active"]
    add_columns = edit_columns = ["name", "campus", "active"]
    base_filters = [["campus_id", FilterCampusScope, True]]
    add_query_rel_fields = edit_query_rel_fields = {"campus": [["id", FilterOwnCampuses, None]]}


STAFF_FIELDS = ["name", "staff_no", "gender", "work_phone", "personal_phone", "position", "employment_type",
                "campus", "department", "hire_date", "health_cert_no", "health_cert_issued",
                "health_cert_expiry", "qualification_cert", "qualification_level", "active"]


class StaffApi(HouqinModelRestApi):
    resource_name = "staff"
    datamodel = SQLAInterface(Staff)
    campus_column = "campus_id"
    own_record_column = "user_id"
    masked_columns = {"personal_phone": "phone"}
    list_columns = ["id", "name", "staff_no", "gender", "work_phone", "personal_phone", "position.name_zh",
                    "position.name_en", "employment_type", "campus_id", "campus.name", "department.name",
                    "health_cert_expiry", "active"]
    show_columns = ["id"] + [c for c in STAFF_FIELDS if c not in ("position", "campus", "department")] + [
        "position.name_zh", "campus_id", "campus.name", "department.name"]
    add_columns = edit_columns = STAFF_FIELDS
    search_columns = ["name", "staff_no", "campus", "active"]
    order_columns = ["staff_no", "name"]
    # Staff have history: deactivate (PUT active=false) instead of deleting.
    base_permissions = ["can_get", "can_info", "can_post", "can_put"]
    base_order = ("staff_no", "asc")

    def mask_record(self, record: dict) -> None:
        """A colleague's record: the work details only (app.views.org.STAFF_PRIVATE)."""
        super().mask_record(record)
        if is_unscoped(g.user):
            return
        if "own_staff_id" not in g:
            g.own_staff_id = db.session.execute(select(Staff.id).where(Staff.user_id == g.user.id)).scalar()
        if record.get("id") is not None and record.get("id") == g.own_staff_id:
            return
        for key in list(record):
            if key.split(".")[0] in STAFF_PRIVATE:
                record.pop(key)

    def pre_get(self, data):
        """One record's answer carries the panels that chose to show something to this viewer."""
        super().pre_get(data)
        pk = data.get("id")
        staff = db.session.get(Staff, pk) if pk is not None else None
        data["panels"] = panel_data(g.user, staff) if staff is not None else []

    def validate(self, item):
        errors = super().validate(item)
        for col in ("work_phone", "personal_phone"):
            value = getattr(item, col)
            if value:
                try:
                    setattr(item, col, normalize_phone(value))
                except RuleError as err:
                    errors.setdefault(col, []).append(rule_message(err))
        try:
            check_date_order(item.health_cert_issued, item.health_cert_expiry)
        except RuleError as err:
            errors.setdefault("health_cert_expiry", []).append(rule_message(err))
        if item.gender not in (None, "", "M", "F"):
            errors.setdefault("gender", []).append(gettext("Not a valid choice"))
        if item.employment_type not in ("established", "contract", "agency"):
            errors.setdefault("employment_type", []).append(gettext("Not a valid choice"))
        if item.staff_no:
            clash = db.session.execute(select(Staff.id).where(
                Staff.staff_no == item.staff_no, Staff.id != (item.id or 0))).first()
            if clash:
                errors.setdefault("staff_no", []).append(gettext("Already exists."))
        return errors


CORE_APIS = [CampusApi, DepartmentApi, StaffApi]


# -- the OpenAPI document ----------------------------------------------------------------------

ERROR_RESPONSE = {
    "description": "Error",
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["message"],
        # A sentence, or {field: [messages]} for a 400/422 that names fields.
        "properties": {"message": {"oneOf": [
            {"type": "string"},
            {"type": "object", "additionalProperties": {"oneOf": [
                {"type": "array", "items": {"type": "string"}}, {"type": "string"}, {"type": "object"}]}},
        ]}},
    }}},
}
# Every route may answer these (app.guards: bad bodies, tokens, ids out of range; permissions).
COMMON_ERRORS = ("400", "401", "403", "404", "405", "422", "500")
INFO_COLUMNS = {"type": "array", "items": {"type": "object"}}


def complete_spec(spec: dict, integer_ids: set[str] = frozenset()) -> dict:
    """Flask-AppBuilder's generated document, made to say what the API answers: every error is
    JSON with a message (a sentence, or messages by field) and every route may give the common
    ones; ids of the APIs in `integer_ids` (their route bases) are integers, not strings; a
    related record shown nested may be null; _info's column lists are lists."""
    responses = spec.setdefault("components", {}).setdefault("responses", {})
    for code in COMMON_ERRORS + ("409", "429"):
        responses[code] = {**ERROR_RESPONSE, "description": responses.get(code, {}).get("description", "Error")}
    schemas = spec["components"].get("schemas", {})
    for schema in list(schemas.values()):
        for prop in (schema.get("properties") or {}).values():
            ref = prop.get("$ref", "") if isinstance(prop, dict) else ""
            if ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas:
                schemas[ref.rsplit("/", 1)[1]]["nullable"] = True
    for path, item in spec.get("paths", {}).items():
        integer = any(path.startswith(base + "/") for base in integer_ids)
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in COMMON_ERRORS:
                operation["responses"].setdefault(code, {"$ref": f"#/components/responses/{code}"})
            for code, answer in operation["responses"].items():
                props = answer.get("content", {}).get("application/json", {}).get("schema", {}).get("properties", {})
                if integer and "ids" in props:
                    props["ids"] = {"type": "array", "items": {"type": "integer"}}
                # FAB answers a new record's id and a record's own (GET /<int:pk>) as numbers.
                if integer and method in ("post", "get") and props.get("id", {}).get("type") == "string":
                    props["id"] = {"type": "integer"}
                if path.endswith("/_info"):
                    # FAB documents add_columns and edit_columns as objects; they are lists of fields.
                    for key in ("add_columns", "edit_columns"):
                        if key in props:
                            props[key] = INFO_COLUMNS
    return spec


def install_spec(app) -> None:
    import json

    from sqlalchemy import Integer

    integer_ids = set()
    for view in app.appbuilder.baseviews:
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if isinstance(view, ModelRestApi) and model is not None:
            keys = sa_inspect(model).primary_key
            if len(keys) == 1 and isinstance(keys[0].type, Integer):
                integer_ids.add(view.route_base)

    @app.after_request
    def _complete_openapi(response):
        from flask import request

        if request.endpoint == "OpenApi.get" and response.status_code == 200 and response.is_json:
            response.set_data(json.dumps(complete_spec(response.get_json(), integer_ids)))
        return response

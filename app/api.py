"""REST API (/api/v1/...) for the organisation, with the house rules: campus
scoping, masking, masked values never written back, and 4xx (never 500) with
the same messages as the forms."""
from __future__ import annotations

from flask import g
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from sqlalchemy import inspect as sa_inspect, select
from sqlalchemy.exc import DataError, StatementError

from .extensions import db
from .locks import refuse_if_locked
from .models import Campus, Department, Staff
from .panels import panel_data
from .privacy import MASKERS, is_masked
from .rules import RuleError, check_date_order, normalize_phone
from .scoping import FilterCampusScope, FilterCampusScopeOrOwn, FilterOwnCampuses, can_use_campus
from .security import sees_personal_data
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

    def post_headless(self):
        return self._guarded(super().post_headless)

    def put_headless(self, pk):
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

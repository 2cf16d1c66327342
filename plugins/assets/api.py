"""REST API: /api/v1/assetcategory/, /api/v1/asset/ and /api/v1/assetdepreciation/.
The card's rules and messages are the form's (services.check_card); 4xx with messages, never 500.
Depreciation figures are the stored rows' (the card's total, the rows themselves)."""
from __future__ import annotations

from flask import g
from flask_appbuilder.models.sqla.interface import SQLAInterface
from marshmallow import fields

from app.api import HouqinModelRestApi, rule_errors
from app.extensions import db
from app.views.workflow import TransitionsApiMixin

from . import services
from .access import asset_access_clause
from .models import Asset, AssetCategory, DepreciationRow

ASSET_COLUMNS = ["id", "code", "legacy_no", "name", "category_id", "category.code", "category.name_zh",
                 "category.name_en", "brand", "model", "specification", "serial_no", "quantity", "unit", "unit_price",
                 "original_value", "acquired_on", "acquisition_method", "funding_source", "supplier", "invoice_no",
                 "campus_id", "room_id", "department_id", "custodian_id", "status", "warranty_end", "life_months",
                 "structure", "nominal", "accumulated_depreciation", "net_value", "depreciated_through",
                 "caught_up_in", "note"]
WRITABLE = ["legacy_no", "name", "category", "brand", "model", "specification", "serial_no", "quantity", "unit",
            "unit_price", "original_value", "acquired_on", "acquisition_method", "funding_source", "supplier",
            "invoice_no", "campus", "room", "department", "custodian", "status", "warranty_end", "life_months",
            "structure", "nominal", "note"]


class CategoryApi(HouqinModelRestApi):
    resource_name = "assetcategory"
    datamodel = SQLAInterface(AssetCategory)
    list_columns = show_columns = ["id", "code", "parent_code", "name_zh", "name_en", "financial_class", "depreciable",
                                   "min_life_years", "life_by_structure", "life_source", "code_source", "shipped",
                                   "active"]
    order_columns = ["code"]
    search_columns = ["code", "name_zh", "name_en", "financial_class"]
    base_order = ("code", "asc")
    base_permissions = ["can_get", "can_info"]


class AssetApi(TransitionsApiMixin, HouqinModelRestApi):
    resource_name = "asset"
    datamodel = SQLAInterface(Asset)
    campus_column = "campus_id"
    list_columns = show_columns = ASSET_COLUMNS
    add_columns = WRITABLE
    # the status moves only through the lifecycle (core workflow): set on a new card, never edited
    edit_columns = [c for c in WRITABLE if c not in ("category", "campus", "status")]
    transition_routes = ("set_idle", "set_repair", "back_in_use")
    order_columns = ["code", "name", "acquired_on", "original_value"]
    search_columns = ["code", "legacy_no", "name", "status", "campus_id", "category_id", "room_id", "custodian_id"]
    base_order = ("code", "asc")
    base_permissions = ["can_get", "can_info", "can_post", "can_put"]
    list_model_schema_extra = {"net_value": fields.Decimal(as_string=True)}
    openapi_spec_methods = {"post": {"post": {"description": "Register an asset card (the card form's rules)."}}}

    @staticmethod
    def row_access():
        return asset_access_clause()

    def validate(self, item):
        errors = super().validate(item)
        for err in services.check_card(item):
            errors.update(rule_errors(err) if err.field not in errors else {})
        if not errors and item.id is not None:
            from sqlalchemy import inspect as sa_inspect

            state = sa_inspect(item)
            planned = ("original_value", "acquired_on", "life_months", "nominal", "structure")
            if any(state.attrs[k].history.has_changes() for k in planned) and services.has_rows(db.session, item):
                from flask_babel import gettext

                errors["life_months"] = [gettext(services.ERR_LOCKED_FIELD)]
        return errors

    def pre_add(self, item):
        super().pre_add(item)
        item.structure = item.structure or None
        services.register(db.session, item, user_id=g.user.id)

    def pre_update(self, item):
        super().pre_update(item)
        from sqlalchemy import inspect as sa_inspect

        state = sa_inspect(item)
        if any(state.attrs[k].history.has_changes() for k in ("original_value", "acquired_on", "life_months",
                                                               "nominal", "structure")):
            services.set_plan(item)
        services.record(db.session, item, "edited", user_id=g.user.id, source="api")


class DepreciationRowApi(HouqinModelRestApi):
    resource_name = "assetdepreciation"
    datamodel = SQLAInterface(DepreciationRow)
    campus_column = "campus_id"
    list_columns = show_columns = ["id", "asset_id", "month", "amount", "accumulated", "net", "campus_id",
                                   "category_id", "run_id"]
    order_columns = ["month", "asset_id"]
    search_columns = ["asset_id", "month", "campus_id", "category_id"]
    base_order = ("month", "desc")
    base_permissions = ["can_get", "can_info"]

    @staticmethod
    def row_access():
        from sqlalchemy import select

        clause = asset_access_clause()
        return None if clause is None else DepreciationRow.asset_id.in_(select(Asset.id).where(clause))

"""REST API for buildings and rooms (/api/v1/building/, /api/v1/room/): campus-scoped like
the screens, 422 with a message on the field for bad input, never 500."""
from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from sqlalchemy import select

from .api import HouqinModelRestApi
from .extensions import db
from .models import Building, Room
from .models.locations import ROOM_KIND_CODES
from .scoping import FilterCampusScope, can_use_campus
from .views.base import WRONG_CAMPUS


def duplicate_building(item) -> bool:
    return db.session.execute(select(Building.id).where(
        Building.campus_id == (item.campus.id if item.campus else item.campus_id), Building.name == item.name,
        Building.id != (item.id or 0))).first() is not None


def duplicate_room(item) -> bool:
    building_id = item.building.id if item.building is not None else item.building_id
    return db.session.execute(select(Room.id).where(
        Room.building_id == building_id, Room.name == item.name, Room.id != (item.id or 0))).first() is not None


class BuildingApi(HouqinModelRestApi):
    resource_name = "building"
    datamodel = SQLAInterface(Building)
    campus_column = "campus_id"
    list_columns = show_columns = ["id", "name", "code", "floors", "note", "active", "campus_id", "campus.name"]
    add_columns = edit_columns = ["campus", "name", "code", "floors", "note", "active"]
    search_columns = ["name", "code", "campus", "active"]
    order_columns = ["name", "code"]
    base_order = ("name", "asc")
    # Places have history (assets stood there, repairs were reported): deactivate, never delete.
    base_permissions = ["can_get", "can_info", "can_post", "can_put"]

    def validate(self, item):
        errors = super().validate(item)
        if item.name and duplicate_building(item):
            errors.setdefault("name", []).append(gettext("Already exists."))
        return errors


class RoomApi(HouqinModelRestApi):
    resource_name = "room"
    datamodel = SQLAInterface(Room)
    list_columns = show_columns = ["id", "name", "code", "floor", "kind", "class_name", "area", "capacity", "note",
                                   "active", "building_id", "building.name", "campus_id", "campus.name"]
    add_columns = edit_columns = ["building", "name", "code", "floor", "kind", "class_name", "area", "capacity",
                                  "note", "active"]
    search_columns = ["name", "code", "class_name", "kind", "building", "campus", "active"]
    order_columns = ["name", "code", "floor"]
    base_order = ("name", "asc")
    base_filters = [["campus_id", FilterCampusScope, False]]
    base_permissions = ["can_get", "can_info", "can_post", "can_put"]
    add_query_rel_fields = edit_query_rel_fields = {"building": [["campus_id", FilterCampusScope, False]]}

    def validate(self, item):
        errors = super().validate(item)
        if item.building is None:
            errors.setdefault("building", []).append(gettext("This field is required."))
        elif not can_use_campus(item.building.campus_id):
            errors.setdefault("building", []).append(str(WRONG_CAMPUS))
        if (item.kind or "classroom") not in ROOM_KIND_CODES:
            errors.setdefault("kind", []).append(gettext("Not a valid choice"))
        if item.building is not None and item.name and duplicate_room(item):
            errors.setdefault("name", []).append(gettext("Already exists."))
        return errors

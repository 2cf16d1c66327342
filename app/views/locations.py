"""Buildings and rooms: listed, searched, imported, exported, campus-scoped, with attachments
(floor plans, photos). The room importer creates a building the office names for the first
time; a room already there (same campus, building and name) is left alone."""
from __future__ import annotations

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l, lazy_pgettext as _lp
from sqlalchemy import select
from wtforms import BooleanField, SelectField

from ..extensions import db
from ..imports import ImportColumn, Importer
from ..imports import lookups
from ..imports.parsers import coded, decimal, integer
from ..models import ROOM_KINDS, Building, Room
from ..scoping import FilterCampusScope
from .base import HouqinModelView, choice_label
from .imports import ImportMixin

LOCATION_LABELS = {
    "name": _lp("place", "Name"), "code": _lp("place", "Code"), "campus": _l("Campus"), "floors": _l("Floors"),
    "note": _l("Note"), "active": _l("Active"), "building": _l("Building"), "floor": _l("Floor"),
    "kind": _l("Kind"), "class_name": _l("Class using it"), "area": _l("Area (m²)"),
    "capacity": _l("Capacity"),
}
ERR_BUILDING_TAKEN = _l("This campus already has a building of that name.")
ERR_ROOM_TAKEN = _l("This building already has a room of that name.")
# FAB makes a non-nullable boolean a required field, so an unticked box could never be saved.
ACTIVE_FIELD = BooleanField(_l("Active"), default=True)
KIND_WORDS = {"教室": "classroom", "活动室": "classroom", "功能室": "function", "专用教室": "function",
              "办公室": "office", "会议室": "meeting", "宿舍": "dormitory", "寝室": "dormitory",
              "午睡室": "dormitory", "厨房": "kitchen", "食堂": "dining", "餐厅": "dining", "仓库": "store",
              "库房": "store", "保健室": "clinic", "医务室": "clinic", "体育馆": "gym", "室外": "outdoor",
              "操场": "outdoor", "其他": "other"}


class BuildingView(HouqinModelView):
    datamodel = SQLAInterface(Building)
    list_title = _l("Buildings")
    show_title = add_title = edit_title = _l("Building")
    list_columns = ["name", "campus", "code", "floors", "active"]
    add_columns = edit_columns = ["campus", "name", "code", "floors", "note", "active"]
    show_columns = ["name", "campus", "code", "floors", "note", "active"]
    search_columns = ["name", "code", "campus", "active"]
    order_columns = ["name", "code"]
    base_order = ("name", "asc")
    label_columns = LOCATION_LABELS
    campus_column = "campus_id"
    attachment_owner = "building"
    add_form_extra_fields = edit_form_extra_fields = {"active": ACTIVE_FIELD}
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]

    def pre_add(self, item):
        super().pre_add(item)
        from ..locations_api import duplicate_building

        if duplicate_building(item):
            raise ValueError(str(ERR_BUILDING_TAKEN))

    pre_update = pre_add


class RoomImporter(Importer):
    name = "room"
    title = _l("Rooms")
    model = Room
    key_column = "name"
    columns = [
        ImportColumn("campus", "园区", "Campus", True, parse=lookups.campus, example="总园"),
        ImportColumn("building", "楼栋", "Building", True, max_length=60, example="教学楼"),
        ImportColumn("name", "房间", "Room", True, example="201", aliases=("房间名称", "Room name")),
        ImportColumn("code", "编号", "Code", example="JX-201", aliases=("房间编号", "Room code")),
        ImportColumn("floor", "楼层", "Floor", parse=lambda v, r: integer(v, r, minimum=None), example="2"),
        ImportColumn("kind", "类型", "Kind", parse=coded(ROOM_KINDS, KIND_WORDS), example="教室"),
        ImportColumn("class_name", "班级", "Class", example="小一班"),
        ImportColumn("area", "面积", "Area", parse=decimal, example="62.5", aliases=("面积(㎡)", "面积(m²)")),
        ImportColumn("capacity", "容纳人数", "Capacity", parse=integer, example="30"),
        ImportColumn("note", "备注", "Note"),
    ]

    def key(self, values):
        return (values["campus"].id, values["building"], values["name"])

    def key_label(self, key):
        return f"{key[1]} {key[2]}"

    def existing(self, keys, state):
        rows = db.session.execute(select(Room.campus_id, Building.name, Room.name).join(
            Building, Room.building_id == Building.id).where(Room.campus_id.in_({k[0] for k in keys})))
        return {tuple(r): True for r in rows if tuple(r) in keys}

    def write(self, records, state):
        buildings = {(b.campus_id, b.name): b for b in db.session.execute(
            select(Building).where(Building.campus_id.in_({r["campus"].id for r in records}))).scalars()}
        for rec in records:
            campus = rec.pop("campus")
            name = rec.pop("building")
            building = buildings.get((campus.id, name))
            if building is None:
                building = buildings[(campus.id, name)] = Building(campus=campus, name=name, active=True)
                db.session.add(building)
            db.session.add(Room(building=building, active=True, kind=rec.pop("kind") or "classroom", **rec))


class RoomView(ImportMixin, HouqinModelView):
    datamodel = SQLAInterface(Room)
    list_title = _l("Rooms")
    show_title = add_title = edit_title = _l("Room")
    list_columns = ["building", "name", "campus", "floor", "kind", "class_name", "code", "active"]
    add_columns = edit_columns = ["building", "name", "code", "floor", "kind", "class_name", "area", "capacity",
                                  "note", "active"]
    show_columns = ["campus", "building", "name", "code", "floor", "kind", "class_name", "area", "capacity",
                    "note", "active"]
    export_columns = show_columns
    search_columns = ["name", "building", "code", "class_name", "campus", "kind", "active"]
    # the building by typing the start of its name (a text box, not a drop-down of every building)
    name_search_relations = ("building",)
    order_columns = ["name", "code", "floor", "class_name"]
    base_order = ("name", "asc")
    label_columns = LOCATION_LABELS
    campus_column = "campus_id"
    list_joins = ("building", "campus")
    attachment_owner = "room"
    importer = RoomImporter()
    formatters_columns = {"kind": choice_label(ROOM_KINDS)}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=ROOM_KINDS, widget=Select2Widget(), default="classroom"),
        "active": ACTIVE_FIELD,
    }
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export", "can_import", "can_template"]

    def pre_add(self, item):
        super().pre_add(item)
        from ..locations_api import duplicate_room

        if duplicate_room(item):
            raise ValueError(str(ERR_ROOM_TAKEN))

    def pre_update(self, item):
        super().pre_update(item)
        from ..locations_api import duplicate_room

        if duplicate_room(item):
            raise ValueError(str(ERR_ROOM_TAKEN))

    def __init__(self, **kw):
        rel = {"building": [["campus_id", FilterCampusScope, False]]}
        self.add_form_query_rel_fields = {**rel}
        self.edit_form_query_rel_fields = {**rel}
        super().__init__(**kw)

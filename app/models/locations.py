"""Places: campus -> building -> room, so assets, repairs, stocktakes and inspections name the
same rooms. A room carries its campus (the building's, kept in step) so campus scoping is one
indexed column, as for every other campus-bound record."""
from __future__ import annotations

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import relationship, validates

from .base import Audited, CampusScoped

ROOM_KINDS = [
    ("classroom", _l("Classroom")),          # 教室 / 活动室 (kindergarten class rooms)
    ("function", _l("Function room")),       # 功能室: music, art, computer, science
    ("office", _l("Office")),
    ("meeting", _l("Meeting room")),
    ("dormitory", _l("Dormitory / nap room")),  # 宿舍 / 午睡室
    ("kitchen", _l("Kitchen")),
    ("dining", _l("Dining room")),
    ("store", _l("Store room")),
    ("clinic", _l("Clinic / health room")),  # 保健室 / 医务室
    ("gym", _l("Gym / sports hall")),
    ("outdoor", _l("Outdoor area")),         # 操场, 户外活动场地
    ("other", _l("Other")),
]
ROOM_KIND_CODES = frozenset(code for code, _ in ROOM_KINDS)


class Building(Audited, CampusScoped, Model):
    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("campus_id", "name"),)
    campus = relationship("Campus", lazy="joined")
    id = Column(Integer, primary_key=True)
    name = Column(String(60), nullable=False)
    code = Column(String(20))
    floors = Column(Integer)
    note = Column(String(200))
    active = Column(Boolean, nullable=False, default=True)
    __label_columns__ = ("name",)

    def __str__(self):
        return self.name


class Room(Audited, CampusScoped, Model):
    __tablename__ = "room"
    __table_args__ = (
        UniqueConstraint("building_id", "name"),
        # the room list of a campus in name order, and "starts with" searches on it
        Index("ix_room_campus_name", "campus_id", "name"),
    )
    id = Column(Integer, primary_key=True)
    building_id = Column(Integer, ForeignKey("building.id"), nullable=False, index=True)
    building = relationship("Building", lazy="joined", innerjoin=True)
    name = Column(String(60), nullable=False)  # "201", "小一班活动室", "保健室"
    code = Column(String(30), index=True)  # the office's own room number (door plates, asset labels)
    floor = Column(Integer)
    kind = Column(String(20), nullable=False, default="classroom", index=True)
    class_name = Column(String(40), index=True)  # 班级 using the room this term
    area = Column(Numeric(8, 2))  # m²
    capacity = Column(Integer)
    note = Column(String(200))
    active = Column(Boolean, nullable=False, default=True)

    @validates("building")
    def _campus_follows_building(self, _key, building):
        # A room is on its building's campus; the column is kept only so scoping is one index.
        if building is not None:
            self.campus = building.campus
        return building

    def __str__(self):
        building = self.building
        return f"{building.name} {self.name}" if building is not None else self.name

from .attachments import Attachment
from .audit import AuditLog, DemoRecord
from .base import Audited, CampusScoped, UTCDateTime, utcnow
from .locations import ROOM_KINDS, Building, Room
from .org import DEFAULT_POSITIONS, EMPLOYMENT_TYPES, GENDERS, Campus, Department, Position, Staff
from .settings import Setting, SettingVersion
from .user import HouqinUser, user_campus

__all__ = [
    "Attachment", "Building", "Room", "ROOM_KINDS",
    "AuditLog", "DemoRecord", "Audited", "CampusScoped", "UTCDateTime", "utcnow",
    "DEFAULT_POSITIONS", "EMPLOYMENT_TYPES", "GENDERS", "Campus", "Department", "Position",
    "Staff", "Setting", "SettingVersion", "HouqinUser", "user_campus",
]

from .audit import AuditLog, DemoRecord
from .base import Audited, CampusScoped, UTCDateTime, utcnow
from .org import DEFAULT_POSITIONS, EMPLOYMENT_TYPES, GENDERS, Campus, Department, Position, Staff
from .settings import Setting
from .user import HouqinUser, UserSession, user_campus

__all__ = [
    "AuditLog", "DemoRecord", "Audited", "CampusScoped", "UTCDateTime", "utcnow",
    "DEFAULT_POSITIONS", "EMPLOYMENT_TYPES", "GENDERS", "Campus", "Department", "Position",
    "Staff", "Setting", "HouqinUser", "UserSession", "user_campus",
]

from .attachments import Attachment
from .audit import AuditLog, DemoRecord
from .base import Audited, CampusScoped, UTCDateTime, utcnow
from .locations import ROOM_KINDS, Building, Room
from .org import DEFAULT_POSITIONS, EMPLOYMENT_TYPES, GENDERS, Campus, Department, Position, Staff
from .settings import Setting, Version
from .user import HouqinUser, UserSession, user_campus
from .calendar import AcademicYear, Term
from .jobs import JobRun, SchedulerBeat
from .numbering import SequenceCounter
from .workflow import ApprovalRecord, RecordVersion

__all__ = [
    "Attachment", "Building", "Room", "ROOM_KINDS",
    "AuditLog", "DemoRecord", "Audited", "CampusScoped", "UTCDateTime", "utcnow",
    "DEFAULT_POSITIONS", "EMPLOYMENT_TYPES", "GENDERS", "Campus", "Department", "Position",
    "Staff", "Setting", "Version", "HouqinUser", "UserSession", "user_campus",
    "AcademicYear", "Term", "JobRun", "SchedulerBeat", "SequenceCounter", "ApprovalRecord", "RecordVersion",
]

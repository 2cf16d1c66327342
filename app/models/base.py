"""Shared column types and mixins for domain models."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlalchemy.orm import declared_attr, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, naive UTC in the database.

    SQLite returns naive datetimes (DESIGN.md), so we store UTC everywhere and
    convert at the edges with the institution's zone.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            # A time a person typed (a list filter, a form): it is the institution's local time.
            from app.i18n import institution_tz

            value = value.replace(tzinfo=institution_tz())
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Audited:
    """Marker: every insert, update and delete of this model goes to the audit log.

    __audit_masked__: field -> masking kind ("phone" | "id"), logged masked.
    __audit_hidden__: fields whose values the log must not show yet
        (the model's `audit_reveal(field)` decides; default: never).
    __audit_exclude__: fields never logged (lookup hashes).
    """

    __audit_masked__: dict[str, str] = {}
    __audit_hidden__: frozenset[str] = frozenset()
    __audit_exclude__: frozenset[str] = frozenset()

    def audit_reveal(self, field: str) -> bool:
        return False


class CampusScoped:
    """A row that belongs to one campus: users see it only within their campuses
    (except Director, Admin and Auditor). See app.scoping."""

    @declared_attr
    def campus_id(cls):
        return Column(Integer, ForeignKey("campus.id"), nullable=False, index=True)

    @declared_attr
    def campus(cls):
        return relationship("Campus")

"""Campus scoping, offered to plugins: a filter for views/APIs/dropdowns and
helpers for checks in custom pages. A user linked to campus A sees campus A's
rows; Director, Admin and Auditor see all; a user with no campus sees none."""
from __future__ import annotations

from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import false, or_, select

from .security import is_unscoped


def current_user():
    return getattr(g, "user", None) if has_request_context() else None


def user_campus_ids(user=None) -> list[int] | None:
    """None means unrestricted; [] means no campus at all."""
    user = user if user is not None else current_user()
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if is_unscoped(user):
        return None
    return [c.id for c in user.campuses]


def scope_clause(column, nullable: bool = False):
    """A WHERE clause restricting `column` (a campus_id) to the user's campuses."""
    ids = user_campus_ids()
    if ids is None:
        return None
    if not ids:
        return column.is_(None) if nullable else false()
    clause = column.in_(ids)
    return or_(clause, column.is_(None)) if nullable else clause


def scope_query(query, column, nullable: bool = False):
    clause = scope_clause(column, nullable)
    return query if clause is None else query.filter(clause)


def can_use_campus(campus_id) -> bool:
    ids = user_campus_ids()
    return ids is None or (campus_id is not None and int(campus_id) in ids)


class FilterCampusScope(BaseFilter):
    """base_filters = [["campus_id", FilterCampusScope, None]] on a view or API."""

    name = "campus scope"
    arg_name = "campus_scope"

    def apply(self, query, value):
        return scope_query(query, getattr(self.model, self.column_name), nullable=bool(value))


class FilterCampusScopeOrOwn(BaseFilter):
    """Campus scope, or the user's own record whatever its campus: value = the model's column
    holding the login's id ("user_id"). A staff member reaches their own staff record even when
    their login is bound to no campus, or to another one."""

    name = "campus scope or own"
    arg_name = "campus_scope_own"

    def apply(self, query, value):
        clause = scope_clause(getattr(self.model, self.column_name))
        if clause is None:
            return query
        user = current_user()
        if user is None or not getattr(user, "is_authenticated", False):
            return query.filter(false())
        return query.filter(or_(clause, getattr(self.model, value) == user.id))


class FilterOwnCampuses(BaseFilter):
    """For the Campus dropdowns: only the campuses the user may use."""

    name = "own campuses"
    arg_name = "own_campuses"

    def apply(self, query, value):
        return scope_query(query, getattr(self.model, "id"))


def own_staff_id(user):
    """The user's own staff record's id, as a scalar subquery (staff.user_id is unique: at most
    one). `host_id = (SELECT ...)` is computed once and can drive an index, alone or OR-ed with
    other conditions; `host_id IN (SELECT ...)` made PostgreSQL scan all visits (~130 ms for
    a gatekeeper's count over a million). correlate(None): a list that also joins staff must
    not capture it."""
    from .models import Staff

    return select(Staff.id).where(Staff.user_id == user.id).correlate(None).scalar_subquery()

"""The approval rules of app.workflow's transitions: who else holds the permission (the requester
may not approve their own request, unless nobody else may: the sole-holder fallback, flagged
self-approved) and the external approval's reference from a threshold (approving body, document
number, date). Used by app.workflow.transition; `approvals(session, Model, pk)` reads what was kept."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable, Optional

from sqlalchemy import and_, or_, select

from .rules import N_, RuleError

if TYPE_CHECKING:  # the workflow imports this module; its types are only named here
    from .workflow import Approval, Transition

ERR_OWN_REQUEST = N_("You made this request: someone else who may approve it must do so.")
ERR_EXTERNAL_BODY = N_("From %(threshold)s an external approval is needed: give the approving body")
ERR_EXTERNAL_NUMBER = N_("Give the approval's document number")
ERR_EXTERNAL_DATE = N_("Give the approval's date (YYYY-MM-DD)")
ERR_EXTERNAL_FUTURE = N_("The approval's date cannot be in the future")


def holds(user, permission) -> bool:
    """Whether `user` holds the permission (or one of a list of alternatives)."""
    pairs = permission if isinstance(permission, list) else [permission]
    if user is None or not pairs:
        return user is None or not pairs
    from flask import current_app

    sm = current_app.appbuilder.sm
    return any(sm._has_view_access(user, p, v) for p, v in pairs)


def holders(session, permission, *, exclude_user_id=None, campus_id=None,
            ignore_roles: Iterable[str] = ("Admin",)) -> list[int]:
    """Active users holding the permission through a role other than `ignore_roles`; with a campus,
    only those who may use it (linked to it, or in a role that sees every campus)."""
    from flask_appbuilder.security.sqla.models import (Permission as Perm, PermissionView, Role, User, ViewMenu,
                                                      assoc_permissionview_role, assoc_user_role)

    from .models.user import user_campus
    from .security import UNSCOPED_ROLES

    pairs = permission if isinstance(permission, list) else [permission]
    query = (select(User.id).distinct()
             .join(assoc_user_role, assoc_user_role.c.user_id == User.id)
             .join(Role, Role.id == assoc_user_role.c.role_id)
             .join(assoc_permissionview_role, assoc_permissionview_role.c.role_id == Role.id)
             .join(PermissionView, PermissionView.id == assoc_permissionview_role.c.permission_view_id)
             .join(Perm, Perm.id == PermissionView.permission_id)
             .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
             .where(User.active.is_(True), Role.name.not_in(list(ignore_roles)),
                    or_(*[and_(Perm.name == p, ViewMenu.name == v) for p, v in pairs])))
    if exclude_user_id is not None:
        query = query.where(User.id != exclude_user_id)
    if campus_id is not None:
        unscoped = (select(assoc_user_role.c.user_id).join(Role, Role.id == assoc_user_role.c.role_id)
                    .where(Role.name.in_(sorted(UNSCOPED_ROLES))))
        linked = select(user_campus.c.user_id).where(user_campus.c.campus_id == campus_id)
        query = query.where(or_(User.id.in_(unscoped), User.id.in_(linked)))
    return list(session.execute(query).scalars())


def external_reference(approval: Approval, record, raw: Optional[dict], today: date) -> tuple[Optional[Decimal], dict]:
    """The amount and the external reference the approval needs (errors by field), or {}."""
    from .workflow import InputErrors

    if approval.amount is None:
        return None, {}
    amount = approval.amount(record) if callable(approval.amount) else getattr(record, approval.amount)
    amount = Decimal(str(amount)) if amount is not None else None
    threshold = approval.external_from
    if isinstance(threshold, str):
        from flask import current_app

        threshold = current_app.extensions["houqin_settings"].get(threshold)
    if threshold is None or amount is None or amount < Decimal(str(threshold)):
        return amount, {}
    raw = raw or {}
    body = str(raw.get("body") or "").strip()[:100]
    number = str(raw.get("number") or "").strip()[:60]
    when = raw.get("date")
    errors = []
    from .i18n import format_money

    if not body:
        errors.append(RuleError(ERR_EXTERNAL_BODY, field="external_body", threshold=format_money(threshold)))
    if not number:
        errors.append(RuleError(ERR_EXTERNAL_NUMBER, field="external_number"))
    if isinstance(when, datetime):
        when = when.date()
    if not isinstance(when, date):
        try:
            when = date.fromisoformat(str(when or "").strip())
        except ValueError:
            when = None
            errors.append(RuleError(ERR_EXTERNAL_DATE, field="external_date"))
    if isinstance(when, date) and when > today:
        errors.append(RuleError(ERR_EXTERNAL_FUTURE, field="external_date"))
    if errors:
        raise InputErrors(errors)
    return amount, {"body": body, "number": number, "date": when}


def self_approval(session, t: Transition, record, user) -> bool:
    """True when the requester approves their own request under the sole-holder fallback."""
    from .workflow import SOLE_HOLDER, InputErrors

    approval = t.approval
    if approval.requester is None or user is None:
        return False
    requester = approval.requester(record) if callable(approval.requester) else getattr(record, approval.requester)
    if requester is None or int(requester) != user.id:
        return False
    if approval.self_approval == SOLE_HOLDER and t.permission is not None:
        others = holders(session, t.permissions(), exclude_user_id=user.id, campus_id=getattr(record, "campus_id", None),
                         ignore_roles=approval.ignore_roles)
        if not others:
            return True
    raise InputErrors([RuleError(ERR_OWN_REQUEST)])


def approvals(session, model, pk) -> list:
    from .models.workflow import ApprovalRecord

    return list(session.execute(select(ApprovalRecord).where(
        ApprovalRecord.table_name == model.__tablename__, ApprovalRecord.record_id == str(pk))
        .order_by(ApprovalRecord.id)).scalars())

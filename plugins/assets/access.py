"""Who sees which cards, beyond campus scoping: the office (Director, Admin, Auditor) every card;
whoever keeps the register (may add cards: the AssetKeeper and roles cloned from it) the cards of
their campuses; anyone else (Staff) only the cards in their own custody ("各室物品责任到人")."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import false

from app.scoping import current_user, own_staff_id
from app.security import is_unscoped

from .models import Asset


def keeps_register(user) -> bool:
    return current_app.appbuilder.sm.has_access("can_add", "AssetView")


def asset_access_clause(user=None):
    user = user if user is not None else current_user()
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    if is_unscoped(user) or keeps_register(user):
        return None
    return Asset.custodian_id == own_staff_id(user)


def _office_or_keeper(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and (is_unscoped(user) or keeps_register(user))


def purchase_access_clause(user=None):
    """Staff see the requests they made; the office and the keepers every one of their campuses."""
    from .lifecycle_models import PurchaseRequest

    user = user if user is not None else current_user()
    if _office_or_keeper(user) or current_app.appbuilder.sm.has_access("can_approve", "PurchaseView"):
        return None
    return false() if user is None else PurchaseRequest.requested_by_id == user.id


def receipt_access_clause(user=None):
    """Staff see the receipts they are named in (经办人、证明人、审核人)."""
    from sqlalchemy import or_

    from .lifecycle_models import Receipt

    user = user if user is not None else current_user()
    if _office_or_keeper(user):
        return None
    if user is None:
        return false()
    return or_(Receipt.handler_id == user.id, Receipt.witness_id == user.id, Receipt.reviewer_id == user.id)


def loan_access_clause(user=None):
    """Staff see their own loans."""
    from .lifecycle_models import Loan

    user = user if user is not None else current_user()
    if _office_or_keeper(user):
        return None
    return false() if user is None else Loan.borrower_id == own_staff_id(user)


def transfer_access_clause(user=None):
    """A transfer belongs to both campuses: the one it leaves and the one it goes to."""
    from sqlalchemy import or_

    from app.scoping import user_campus_ids

    from .lifecycle_models import Transfer

    ids = user_campus_ids(user)
    if ids is None:
        return None
    return or_(Transfer.from_campus_id.in_(ids), Transfer.to_campus_id.in_(ids)) if ids else false()


def repair_access_clause(user=None):
    """Repairs: the office and the keepers (who dispatch) every one of their campuses; anyone else
    the requests they reported and those dispatched to them (a 维修工's queue)."""
    from sqlalchemy import or_

    from .repair_models import RepairRequest

    user = user if user is not None else current_user()
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    if is_unscoped(user) or current_app.appbuilder.sm.has_access("can_dispatch", "RepairView"):
        return None
    return or_(RepairRequest.reported_by_id == user.id, RepairRequest.repairer_id == user.id)

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

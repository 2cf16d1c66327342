"""The asset plugin's contributions to core's to-do list and staff record: a month signed by
the keeper waiting for an accountant's confirmation, and the assets in a person's custody
(for the person themself, and the office; never for a colleague)."""
from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select

from app.extensions import db
from app.plugin import Panel, Todo
from app.security import is_unscoped
from app.todo import TodoItem

from .models import STATUS_LABELS, SUBMITTED, Asset, Reconciliation

PANEL_ROWS = 50


def confirm_count(user):
    return select(func.count(Reconciliation.id)).where(Reconciliation.status == SUBMITTED,
                                                       Reconciliation.keeper_id != user.id)


def confirm_items(user, limit: int) -> list[TodoItem]:
    rows = db.session.execute(select(Reconciliation).where(Reconciliation.status == SUBMITTED,
                                                           Reconciliation.keeper_id != user.id)
                              .order_by(Reconciliation.month).limit(limit)).scalars().all()
    return [TodoItem(title=gettext("Reconciliation of %(month)s to confirm", month=r.month.strftime("%Y-%m")),
                     detail=gettext("Signed by the asset keeper %(who)s", who=r.keeper.username if r.keeper else ""),
                     when=r.keeper_at, url=url_for("ReconciliationView.show", pk=r.id)) for r in rows]


def custody_rows(staff, limit=PANEL_ROWS):
    return db.session.execute(select(Asset).where(Asset.custodian_id == staff.id).order_by(Asset.code)
                              .limit(limit)).scalars().all()


def custody_panel(viewer, staff):
    if not (viewer.id == staff.user_id or is_unscoped(viewer)
            or current_app.appbuilder.sm.has_access("can_add", "AssetView")):
        return None
    rows = custody_rows(staff)
    return Markup(render_template("assets/panel_custody.html", rows=rows, staff=staff,
                                  mine=viewer.id == staff.user_id,
                                  statuses={k: str(v) for k, v in STATUS_LABELS.items()}))


def custody_data(viewer, staff):
    if not (viewer.id == staff.user_id or is_unscoped(viewer)):
        return None
    return [{"id": a.id, "code": a.code, "name": a.name, "quantity": a.quantity, "status": a.status,
             "original_value": str(a.original_value)} for a in custody_rows(staff)]


TODOS = [Todo("assets.reconciliation", _l("Reconciliations to confirm"), confirm_count, confirm_items,
              ("can_confirm", "ReconciliationView"), icon="fa-balance-scale", order=40)]
PANELS = [Panel("assets.custody", _l("Assets in custody"), custody_panel, custody_data, order=30)]

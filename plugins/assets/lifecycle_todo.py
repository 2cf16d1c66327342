"""What purchases and the lifecycle put on someone's to-do list (and so on the dashboard):
purchases and disposals waiting for the Director (never one's own), receipts waiting for a named
signer, transfers waiting for the receiving campus, overdue loans (the keeper's and the
borrower's), warranties ending within 60 days. Each count is one indexed SELECT."""
from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import and_, func, literal_column, or_, select

from app.extensions import db
from app.i18n import format_money
from app.periods import local_today
from app.plugin import Todo
from app.scoping import own_staff_id, scope_clause, user_campus_ids
from app.todo import TodoButton, TodoItem

from .lifecycle_models import Disposal, Loan, PurchaseRequest, Receipt, Transfer
from .models import Asset

WARRANTY_DAYS = 60


def _scoped(q, column):
    clause = scope_clause(column)
    return q if clause is None else q.where(clause)


# -- purchases and disposals waiting for the Director --------------------------------------------------

def _purchases(user):
    return _scoped(select(PurchaseRequest).where(PurchaseRequest.status == literal_column("'submitted'"),
                                                 PurchaseRequest.requested_by_id != user.id), PurchaseRequest.campus_id)


def purchase_count(user):
    return _purchases(user).with_only_columns(func.count(PurchaseRequest.id))


def purchase_items(user, limit):
    rows = db.session.execute(_purchases(user).order_by(PurchaseRequest.requested_at).limit(limit)).scalars()
    return [TodoItem(title=gettext("Purchase %(number)s to approve", number=p.number),
                     detail=f"{p.description} · {format_money(p.approval_amount)}", when=p.requested_at,
                     url=url_for("PurchaseView.show", pk=p.id)) for p in rows]


def _disposals(user):
    return _scoped(select(Disposal).where(Disposal.status == literal_column("'requested'"),
                                          Disposal.requested_by_id != user.id), Disposal.campus_id)


def disposal_count(user):
    return _disposals(user).with_only_columns(func.count(Disposal.id))


def disposal_items(user, limit):
    rows = db.session.execute(_disposals(user).order_by(Disposal.requested_at).limit(limit)).scalars()
    return [TodoItem(title=gettext("Disposal %(number)s to decide", number=d.number),
                     detail=f"{d.asset.code} {d.asset.name} · {format_money(d.original_value)}", when=d.requested_at,
                     url=url_for("DisposalView.show", pk=d.id)) for d in rows]


# -- receipts waiting for a signer ----------------------------------------------------------------------

def _receipts(user):
    pending = literal_column("'pending'")
    return select(Receipt).where(Receipt.status == literal_column("'open'"), or_(
        and_(Receipt.handler_id == user.id, Receipt.handler_state == pending),
        and_(Receipt.witness_id == user.id, Receipt.witness_state == pending),
        and_(Receipt.reviewer_id == user.id, Receipt.reviewer_state == pending)))


def receipt_count(user):
    return _receipts(user).with_only_columns(func.count(Receipt.id))


def receipt_items(user, limit):
    rows = db.session.execute(_receipts(user).order_by(Receipt.id).limit(limit)).scalars()
    return [TodoItem(title=gettext("Receipt of %(number)s to confirm", number=r.purchase.number),
                     detail=f"{r.purchase.description} · {r.supplier} · {format_money(r.actual_total)}",
                     url=url_for("ReceiptView.show", pk=r.id), action=url_for("ReceiptView.sign", pk=r.id),
                     buttons=[TodoButton(gettext("Confirm the receipt"), "answer", "confirm", "success")])
            for r in rows]


# -- transfers waiting for the receiving campus ---------------------------------------------------------

def _transfers(user):
    q = select(Transfer).where(Transfer.status == literal_column("'waiting'"))
    ids = user_campus_ids(user)
    return q if ids is None else q.where(Transfer.to_campus_id.in_(ids or [-1]))


def transfer_count(user):
    return _transfers(user).with_only_columns(func.count(Transfer.id))


def transfer_items(user, limit):
    rows = db.session.execute(_transfers(user).order_by(Transfer.id).limit(limit)).scalars()
    return [TodoItem(title=gettext("Transfer of %(code)s to confirm", code=t.asset.code),
                     detail=f"{t.asset.name} · {t.from_campus.name} → {t.to_campus.name}",
                     url=url_for("TransferView.show", pk=t.id)) for t in rows]


# -- overdue loans, warranties -------------------------------------------------------------------------

def _overdue(user, own: bool):
    q = select(Loan).where(Loan.status == literal_column("'open'"), Loan.due_on < local_today())
    if own:
        return q.where(Loan.borrower_id == own_staff_id(user))
    return _scoped(q, Loan.campus_id)


def overdue_count(user):
    return _overdue(user, False).with_only_columns(func.count(Loan.id))


def overdue_items(user, limit, own=False):
    rows = db.session.execute(_overdue(user, own).order_by(Loan.due_on).limit(limit)).scalars()
    return [TodoItem(title=gettext("Overdue: %(code)s %(name)s", code=loan.asset.code, name=loan.asset.name),
                     detail=gettext("Lent to %(who)s, due %(due)s", who=loan.borrower_label(),
                                    due=loan.due_on.isoformat()),
                     url=url_for("LoanView.show", pk=loan.id), urgent=True) for loan in rows]


def my_overdue_count(user):
    return _overdue(user, True).with_only_columns(func.count(Loan.id))


def my_overdue_items(user, limit):
    return overdue_items(user, limit, own=True)


def _warranties(user):
    today = local_today()
    q = select(Asset).where(Asset.warranty_end >= today, Asset.warranty_end <= today + timedelta(days=WARRANTY_DAYS),
                            Asset.status != literal_column("'disposed'"))
    return _scoped(q, Asset.campus_id)


def warranty_count(user):
    return _warranties(user).with_only_columns(func.count(Asset.id))


def warranty_items(user, limit):
    rows = db.session.execute(_warranties(user).order_by(Asset.warranty_end).limit(limit)).scalars()
    return [TodoItem(title=gettext("Warranty of %(code)s %(name)s ends", code=a.code, name=a.name),
                     detail=a.warranty_end.isoformat(), url=url_for("AssetView.show", pk=a.id)) for a in rows]


LIFECYCLE_TODOS = [
    Todo("assets.purchase", _l("Purchase requests to approve"), purchase_count, purchase_items,
         ("can_approve", "PurchaseView"), icon="fa-shopping-cart", order=41),
    Todo("assets.receipt", _l("Receipts to confirm"), receipt_count, receipt_items, ("can_confirm", "ReceiptView"),
         icon="fa-truck", order=42),
    Todo("assets.transfer", _l("Transfers to confirm"), transfer_count, transfer_items,
         ("can_receive", "TransferView"), icon="fa-exchange-alt", order=43),
    Todo("assets.disposal", _l("Disposals to decide"), disposal_count, disposal_items,
         ("can_approve", "DisposalView"), icon="fa-trash", order=44),
    Todo("assets.overdue", _l("Overdue loans"), overdue_count, overdue_items, ("can_add", "LoanView"),
         icon="fa-clock", order=45),
    Todo("assets.my_overdue", _l("My overdue loans"), my_overdue_count, my_overdue_items, ("can_list", "LoanView"),
         icon="fa-clock", order=46),
    Todo("assets.warranty", _l("Warranties ending within 60 days"), warranty_count, warranty_items,
         ("can_add", "AssetView"), icon="fa-shield-alt", order=47),
]

"""What purchases and the lifecycle put on someone's to-do list (and so on the dashboard):
purchases and disposals waiting for the Director (never one's own), receipts waiting for a named
signer, transfers waiting for the receiving campus, overdue loans (the keeper's and the
borrower's), warranties ending within 60 days. Each count is one indexed SELECT."""
from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, literal_column, or_, select

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


# The counts run on every page (the navbar): each statement is built once and filled with
# .params() (building them per request cost ~1 ms each); the campus scope is a bound list.
def _campus_in(column):
    return column.in_(bindparam("todo_campuses", expanding=True))


def _scope_params(user):
    ids = user_campus_ids(user)
    return {"todo_campuses": [-1]} if ids == [] else ({"todo_campuses": ids} if ids is not None else None)


PURCHASE_COUNT = [select(func.count(PurchaseRequest.id)).where(
    PurchaseRequest.status == literal_column("'submitted'"), PurchaseRequest.requested_by_id != bindparam("todo_user"),
    *scoped) for scoped in ((), (_campus_in(PurchaseRequest.campus_id),))]


def _filled(pair, user, **params):
    scope = _scope_params(user)
    stmt = pair[0] if scope is None else pair[1]
    return stmt.params(todo_user=user.id, **(scope or {}), **params)


def purchase_count(user):
    return _filled(PURCHASE_COUNT, user)


def purchase_items(user, limit):
    rows = db.session.execute(_purchases(user).order_by(PurchaseRequest.requested_at).limit(limit)).scalars()
    return [TodoItem(title=gettext("Purchase %(number)s to approve", number=p.number),
                     detail=f"{p.description} · {format_money(p.approval_amount)}", when=p.requested_at,
                     url=url_for("PurchaseView.show", pk=p.id)) for p in rows]


def _disposals(user):
    return _scoped(select(Disposal).where(Disposal.status == literal_column("'requested'"),
                                          Disposal.requested_by_id != user.id), Disposal.campus_id)


DISPOSAL_COUNT = [select(func.count(Disposal.id)).where(
    Disposal.status == literal_column("'requested'"), Disposal.requested_by_id != bindparam("todo_user"), *scoped)
    for scoped in ((), (_campus_in(Disposal.campus_id),))]


def disposal_count(user):
    return _filled(DISPOSAL_COUNT, user)


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


_PENDING = literal_column("'pending'")
RECEIPT_COUNT = select(func.count(Receipt.id)).where(Receipt.status == literal_column("'open'"), or_(
    and_(Receipt.handler_id == bindparam("todo_user"), Receipt.handler_state == _PENDING),
    and_(Receipt.witness_id == bindparam("todo_user"), Receipt.witness_state == _PENDING),
    and_(Receipt.reviewer_id == bindparam("todo_user"), Receipt.reviewer_state == _PENDING)))


def receipt_count(user):
    return RECEIPT_COUNT.params(todo_user=user.id)


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


TRANSFER_COUNT = [select(func.count(Transfer.id)).where(Transfer.status == literal_column("'waiting'"), *scoped)
                  for scoped in ((), (_campus_in(Transfer.to_campus_id),))]


def transfer_count(user):
    return _filled(TRANSFER_COUNT, user)


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


OVERDUE_COUNT = [select(func.count(Loan.id)).where(Loan.status == literal_column("'open'"),
                                                   Loan.due_on < bindparam("todo_day"), *scoped)
                 for scoped in ((), (_campus_in(Loan.campus_id),))]


def overdue_count(user):
    return _filled(OVERDUE_COUNT, user, todo_day=local_today())


def overdue_items(user, limit, own=False):
    rows = db.session.execute(_overdue(user, own).order_by(Loan.due_on).limit(limit)).scalars()
    return [TodoItem(title=gettext("Overdue: %(code)s %(name)s", code=loan.asset.code, name=loan.asset.name),
                     detail=gettext("Lent to %(who)s, due %(due)s", who=loan.borrower_label(),
                                    due=loan.due_on.isoformat()),
                     url=url_for("LoanView.show", pk=loan.id), urgent=True) for loan in rows]


def my_overdue_count(user):
    # own_staff_id is a scalar subquery of the user: built per request (one small SELECT)
    return _overdue(user, True).with_only_columns(func.count(Loan.id))


def my_overdue_items(user, limit):
    return overdue_items(user, limit, own=True)


def _warranties(user):
    today = local_today()
    q = select(Asset).where(Asset.warranty_end >= today, Asset.warranty_end <= today + timedelta(days=WARRANTY_DAYS),
                            Asset.status != literal_column("'disposed'"))
    return _scoped(q, Asset.campus_id)


WARRANTY_COUNT = [select(func.count(Asset.id)).where(
    Asset.warranty_end >= bindparam("todo_day"), Asset.warranty_end <= bindparam("todo_until"),
    Asset.status != literal_column("'disposed'"), *scoped) for scoped in ((), (_campus_in(Asset.campus_id),))]


def warranty_count(user):
    today = local_today()
    return _filled(WARRANTY_COUNT, user, todo_day=today, todo_until=today + timedelta(days=WARRANTY_DAYS))


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

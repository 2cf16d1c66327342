"""Reports of purchases and the lifecycle, each on screen, A4 (core print layout) and Excel (core
export): purchases (requested, approved, received, spent), loans (open, overdue, returned),
transfers, damage and compensation, disposals by kind and value; and the term-end recall (各班
归还出借物品, 003): everything lent that must come back before the term ends (core calendar), by
class and custodian, with signature lines."""
from __future__ import annotations

from decimal import Decimal
from operator import attrgetter

from flask import request
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from sqlalchemy import func, select

from app.export.xlsx import Column
from app.extensions import db
from app.models import Campus, Staff
from app.periods import local_today
from app.school_calendar import current_or_next_term
from app.scoping import scope_clause
from app.views.base import xlsx_download

from .lifecycle_models import (CAUSES, DAMAGE_STATES, DISPOSAL_KINDS, DISPOSAL_STATES, PURCHASE_STATES,
                               TRANSFER_STATES, Damage, Disposal, Loan, PurchaseRequest, Receipt, Transfer)
from .models import Asset
from .reports import campuses, chosen_campus


def _scoped(q, column, campus_id):
    clause = scope_clause(column)
    if clause is not None:
        q = q.where(clause)
    return q.where(column == campus_id) if campus_id else q


def recall_query(campus_id, until):
    """Open loans due by the term's end (or already overdue), grouped by class then borrower."""
    q = select(Loan.id, Asset.code, Asset.name, Asset.quantity, Asset.unit, Loan.class_name, Loan.pupil_name,
               Staff.name.label("borrower"), Loan.lent_on, Loan.due_on) \
        .join(Asset, Loan.asset_id == Asset.id).outerjoin(Staff, Loan.borrower_id == Staff.id) \
        .where(Loan.status == "open")
    if until is not None:
        q = q.where(Loan.due_on <= until)
    return _scoped(q, Loan.campus_id, campus_id).order_by(Loan.class_name, Staff.name, Loan.due_on, Asset.code)


def _labels(states):
    return {k: str(v) for k, v in states.items()}


class LifecycleReportsView(BaseView):
    route_base = "/assets/lifecycle"
    default_view = "recall"

    def _page(self, title, columns, rows, summary, *, signatures=(), filename="report", period=""):
        if request.args.get("format") == "xlsx":
            return xlsx_download(rows, columns, title=title, filename=f"{filename}-{local_today()}.xlsx")
        from app.i18n import format_money

        options = campuses()
        summary = [(label, format_money(v) if isinstance(v, Decimal) else v) for label, v in summary]
        return self.render_template("assets/lifecycle_report.html", title=title, columns=columns, rows=rows,
                                    summary=summary, signatures=list(signatures), campuses=options,
                                    campus_id=chosen_campus(options), period=period or local_today(),
                                    endpoint=request.endpoint, today=local_today())

    @expose("/recall")
    @has_access
    @permission_name("recall")
    def recall(self):
        campus_id = chosen_campus(campuses())
        term = current_or_next_term(db.session, campus_id)
        until = term.end_date if term is not None else None
        today = local_today()
        rows = db.session.execute(recall_query(campus_id, until)).all()
        columns = [Column(gettext("School class"), lambda r: r.class_name or ""),
                   Column(gettext("Borrower"), lambda r: r.borrower or r.pupil_name or ""),
                   Column(gettext("Asset code"), attrgetter("code")), Column(gettext("Asset name"), attrgetter("name")),
                   Column(gettext("Quantity"), lambda r: f"{r.quantity} {r.unit}"),
                   Column(gettext("Lent on"), attrgetter("lent_on"), "date"),
                   Column(gettext("Due back on"), attrgetter("due_on"), "date"),
                   Column(gettext("Overdue"), lambda r: gettext("Overdue") if r.due_on < today else ""),
                   Column(gettext("Returned"), lambda r: "☐")]
        summary = [(gettext("Term"), term.label() if term else gettext("No term in the school calendar")),
                   (gettext("Must come back by"), until.isoformat() if until else "—"),
                   (gettext("Items"), len(rows))]
        return self._page(gettext("Term-end recall of loans"), columns, rows, summary, filename="term-end-recall",
                          signatures=[gettext("Class teacher"), gettext("Borrower"), gettext("Asset keeper")],
                          period=term.label() if term else "")

    @expose("/purchases")
    @has_access
    @permission_name("purchases")
    def purchases(self):
        campus_id = chosen_campus(campuses())
        spent = select(func.coalesce(func.sum(Receipt.actual_total), 0)).where(
            Receipt.purchase_id == PurchaseRequest.id, Receipt.status == "accepted").scalar_subquery()
        rows = db.session.execute(_scoped(select(
            PurchaseRequest.number, PurchaseRequest.description, PurchaseRequest.quantity,
            PurchaseRequest.estimated_total, PurchaseRequest.status, spent.label("spent")), PurchaseRequest.campus_id,
            campus_id).order_by(PurchaseRequest.id.desc()).limit(5000)).all()
        states = _labels(PURCHASE_STATES)
        columns = [Column(gettext("Number"), attrgetter("number")), Column(gettext("Items"), attrgetter("description")),
                   Column(gettext("Quantity"), attrgetter("quantity"), "int"),
                   Column(gettext("Estimated total"), attrgetter("estimated_total"), "money"),
                   Column(gettext("Status"), lambda r: states.get(r.status, r.status)),
                   Column(gettext("Spent"), lambda r: Decimal(r.spent or 0), "money")]
        counts = {}
        for r in rows:
            counts[r.status] = counts.get(r.status, 0) + 1
        summary = [(states[k], counts.get(k, 0)) for k in PURCHASE_STATES] + [
            (gettext("Spent"), sum((Decimal(r.spent or 0) for r in rows), Decimal("0.00")))]
        return self._page(gettext("Purchases"), columns, rows, summary, filename="purchases")

    @expose("/loans")
    @has_access
    @permission_name("loans")
    def loans(self):
        campus_id = chosen_campus(campuses())
        today = local_today()
        rows = db.session.execute(_scoped(select(
            Asset.code, Asset.name, Loan.class_name, Loan.pupil_name, Staff.name.label("borrower"), Loan.lent_on,
            Loan.due_on, Loan.returned_on, Loan.status).join(Asset, Loan.asset_id == Asset.id)
            .outerjoin(Staff, Loan.borrower_id == Staff.id), Loan.campus_id, campus_id)
            .order_by(Loan.id.desc()).limit(5000)).all()

        def state(r):
            if r.status == "returned":
                return gettext("Returned")
            return gettext("Overdue") if r.due_on < today else gettext("Lent out")
        columns = [Column(gettext("Asset code"), attrgetter("code")), Column(gettext("Asset name"), attrgetter("name")),
                   Column(gettext("Borrower"), lambda r: r.borrower or r.pupil_name or r.class_name or ""),
                   Column(gettext("Lent on"), attrgetter("lent_on"), "date"),
                   Column(gettext("Due back on"), attrgetter("due_on"), "date"),
                   Column(gettext("Returned on"), attrgetter("returned_on"), "date"), Column(gettext("Status"), state)]
        states = [state(r) for r in rows]
        summary = [(k, states.count(k)) for k in (gettext("Lent out"), gettext("Overdue"), gettext("Returned"))]
        return self._page(gettext("Loans"), columns, rows, summary, filename="loans")

    @expose("/transfers")
    @has_access
    @permission_name("transfers")
    def transfers(self):
        src, dst = Campus.__table__.alias("src"), Campus.__table__.alias("dst")
        rows = db.session.execute(select(Asset.code, Asset.name, src.c.name.label("source"), dst.c.name.label("target"),
                                         Transfer.transfer_on, Transfer.status)
                                  .join(Asset, Transfer.asset_id == Asset.id)
                                  .join(src, Transfer.from_campus_id == src.c.id)
                                  .join(dst, Transfer.to_campus_id == dst.c.id)
                                  .where(*([c] if (c := _transfer_scope()) is not None else []))
                                  .order_by(Transfer.id.desc()).limit(5000)).all()
        states = _labels(TRANSFER_STATES)
        columns = [Column(gettext("Asset code"), attrgetter("code")), Column(gettext("Asset name"), attrgetter("name")),
                   Column(gettext("From campus"), attrgetter("source")), Column(gettext("To campus"), attrgetter("target")),
                   Column(gettext("Transfer date"), attrgetter("transfer_on"), "date"),
                   Column(gettext("Status"), lambda r: states.get(r.status, r.status))]
        summary = [(states[k], sum(1 for r in rows if r.status == k)) for k in TRANSFER_STATES]
        return self._page(gettext("Transfers"), columns, rows, summary, filename="transfers")

    @expose("/damage")
    @has_access
    @permission_name("damage")
    def damage(self):
        campus_id = chosen_campus(campuses())
        rows = db.session.execute(_scoped(select(Asset.code, Asset.name, Damage.occurred_on, Damage.cause,
                                                 Damage.responsible, Damage.compensation, Damage.status)
                                          .join(Asset, Damage.asset_id == Asset.id), Damage.campus_id, campus_id)
                                  .order_by(Damage.id.desc()).limit(5000)).all()
        states, causes = _labels(DAMAGE_STATES), _labels(CAUSES)
        columns = [Column(gettext("Asset code"), attrgetter("code")), Column(gettext("Asset name"), attrgetter("name")),
                   Column(gettext("Damaged on"), attrgetter("occurred_on"), "date"),
                   Column(gettext("Cause"), lambda r: causes.get(r.cause, r.cause)),
                   Column(gettext("Who caused it"), lambda r: r.responsible or ""),
                   Column(gettext("Compensation"), attrgetter("compensation"), "money"),
                   Column(gettext("Status"), lambda r: states.get(r.status, r.status))]
        due = sum((r.compensation for r in rows), Decimal("0.00"))
        paid = sum((r.compensation for r in rows if r.status == "paid"), Decimal("0.00"))
        summary = [(gettext("Compensation"), due), (gettext("Compensation paid"), paid)]
        return self._page(gettext("Damage and compensation"), columns, rows, summary, filename="damage")

    @expose("/disposals")
    @has_access
    @permission_name("disposals")
    def disposals(self):
        campus_id = chosen_campus(campuses())
        rows = db.session.execute(_scoped(select(Disposal.number, Asset.code, Asset.name, Disposal.kind,
                                                 Disposal.quantity, Disposal.disposed_on, Disposal.original_value,
                                                 Disposal.accumulated, Disposal.status)
                                          .join(Asset, Disposal.asset_id == Asset.id), Disposal.campus_id, campus_id)
                                  .order_by(Disposal.id.desc()).limit(5000)).all()
        kinds, states = _labels(DISPOSAL_KINDS), _labels(DISPOSAL_STATES)
        columns = [Column(gettext("Number"), attrgetter("number")), Column(gettext("Asset code"), attrgetter("code")),
                   Column(gettext("Asset name"), attrgetter("name")),
                   Column(gettext("Kind of disposal"), lambda r: kinds.get(r.kind, r.kind)),
                   Column(gettext("Quantity"), attrgetter("quantity"), "int"),
                   Column(gettext("Disposal date"), attrgetter("disposed_on"), "date"),
                   Column(gettext("Original value"), attrgetter("original_value"), "money"),
                   Column(gettext("Net value"), lambda r: r.original_value - r.accumulated, "money"),
                   Column(gettext("Status"), lambda r: states.get(r.status, r.status))]
        summary = [(kinds[k], sum((r.original_value for r in rows if r.kind == k and r.status == "approved"),
                                  Decimal("0.00"))) for k in DISPOSAL_KINDS]
        return self._page(gettext("Disposals"), columns, rows, summary, filename="disposals")


def _transfer_scope():
    from .access import transfer_access_clause

    return transfer_access_clause()

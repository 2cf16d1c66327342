"""对帐 — the monthly reconciliation of the ledger with finance's account 1601, per financial
class (original value and accumulated depreciation). Finance's figures are typed on the lines
or imported; the ledger's come from the cards and the stored rows of that month; differences
are listed. The keeper signs (a difference needs an explanation), then an accountant — never
the same person (core approval rule) — confirms, and the month is reconciled and locked."""
from __future__ import annotations

from decimal import Decimal

from flask import g
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.api import HouqinModelRestApi
from app.extensions import db
from app.i18n import format_money
from app.imports import ImportColumn, Importer
from app.imports.parsers import decimal as parse_decimal
from app.rules import N_, RuleError
from app.views.base import HouqinModelView, choice_label
from app.views.imports import ImportMixin
from app.views.workflow import TransitionsApiMixin, TransitionsMixin

from . import catalog, queries, rules
from .labels import LINE_LABELS, RECONCILIATION_LABELS
from .models import DRAFT, RECONCILIATION_STATES, Reconciliation, ReconciliationLine

ERR_EXPLAIN = N_("The ledger and finance differ in %(classes)s: explain the difference before signing")
ERR_FUTURE_MONTH = N_("A month is reconciled once it has ended")
ERR_CLASS = N_("Unknown financial class: %(value)s")
ERR_MONTH_SIGNED = N_("%(month)s is signed or reconciled: the Director reopens it before finance's figures change")
TRANSITIONS = ("sign", "confirm", "reopen")


def refresh(session, rec: Reconciliation) -> None:
    """The ledger's side of every line at the end of the month (lines for every class)."""
    figures = queries.ledger_at(rec.month)
    have = {line.financial_class: line for line in rec.lines}
    for key in catalog.load().financial_classes:
        line = have.get(key)
        if line is None:
            line = ReconciliationLine(financial_class=key, reconciliation=rec)
            session.add(line)
        line.ledger_original, line.ledger_accumulated = figures.get(key, (Decimal("0.00"), Decimal("0.00")))


def differences(rec: Reconciliation) -> list[str]:
    return [line.financial_class for line in rec.lines if line.original_difference or line.accumulated_difference]


def may_sign(record, ctx) -> None:
    refresh(ctx.session, record)
    ctx.session.flush()
    diff = differences(record)
    if diff and not (record.note or "").strip():
        names = {k: c.name_zh for k, c in catalog.load().financial_classes.items()}
        raise RuleError(ERR_EXPLAIN, field="note", classes="、".join(names.get(d, d) for d in diff))


def _money(value):
    return "" if value is None else format_money(value)


def _class_label(value):
    from .views import financial_class_labels

    return financial_class_labels().get(value, value or "")


class FinanceFiguresImporter(Importer):
    """Finance's figures for a month: 月份, 资产类别, 原值, 累计折旧 (one line per class)."""

    name = "assets_finance"
    title = _l("Finance figures")
    model = ReconciliationLine
    key_column = "financial_class"
    columns = [
        ImportColumn("month", "月份", "Month", True, parse=lambda v, r: rules.as_month(
            v.date() if hasattr(v, "date") else v, "month"), example="2026-11"),
        ImportColumn("financial_class", "资产类别", "Financial class", True, parse=lambda v, r: _parse_class(v),
                     example="通用设备"),
        ImportColumn("finance_original", "原值", "Original value", True, parse=parse_decimal, example="1234567.00"),
        ImportColumn("finance_accumulated", "累计折旧", "Accumulated depreciation", True, parse=parse_decimal,
                     example="234567.00"),
    ]

    def check(self, values, row):
        # a signed or reconciled month is locked: its figures change only after a reopen
        states = row.state.once("assets_recon_states", lambda: dict(db.session.execute(
            select(Reconciliation.month, Reconciliation.status)).all()))
        if states.get(values["month"], DRAFT) != DRAFT:
            return [RuleError(ERR_MONTH_SIGNED, field="month", month=values["month"].strftime("%Y-%m"))]
        return None

    def key(self, values):
        return (values["month"], values["financial_class"])

    def conflict(self, existing, values):
        return None

    def write(self, records, state):
        for rec in records:
            recon = db.session.execute(select(Reconciliation).where(Reconciliation.month == rec["month"])
                                       ).scalar_one_or_none()
            if recon is None:
                recon = Reconciliation(month=rec["month"], status=DRAFT)
                db.session.add(recon)
                db.session.flush()
                refresh(db.session, recon)
                db.session.flush()
            line = next(line for line in recon.lines if line.financial_class == rec["financial_class"])
            line.finance_original, line.finance_accumulated = rec["finance_original"], rec["finance_accumulated"]


def _parse_class(value):
    from app.imports.readers import cell_text
    from .catalog import name_key

    text = name_key(cell_text(value))
    for key, c in catalog.load().financial_classes.items():
        if text in (name_key(key), name_key(c.name_zh), name_key(c.name_en)):
            return key
    raise RuleError(ERR_CLASS, value=cell_text(value))


class ReconciliationLineView(HouqinModelView):
    datamodel = SQLAInterface(ReconciliationLine)
    list_title = _l("Reconciliation lines")
    show_title = edit_title = _l("Reconciliation line")
    list_columns = ["reconciliation", "financial_class", "finance_original", "ledger_original", "original_difference",
                    "finance_accumulated", "ledger_accumulated", "accumulated_difference"]
    show_columns = list_columns
    edit_columns = ["finance_original", "finance_accumulated"]
    search_columns = ["financial_class"]
    base_permissions = ["can_list", "can_show", "can_edit"]
    label_columns = LINE_LABELS
    formatters_columns = {k: _money for k in ("finance_original", "ledger_original", "original_difference",
                                              "finance_accumulated", "ledger_accumulated", "accumulated_difference")}
    formatters_columns["financial_class"] = _class_label


class ReconciliationView(TransitionsMixin, ImportMixin, HouqinModelView):
    datamodel = SQLAInterface(Reconciliation)
    importer = FinanceFiguresImporter()
    transition_routes = TRANSITIONS
    list_title = _l("Reconciliation with finance")
    show_title = _l("Reconciliation")
    add_title = _l("New reconciliation")
    edit_title = _l("Edit reconciliation")
    list_columns = ["month", "status", "keeper", "keeper_at", "accountant", "accountant_at"]
    show_columns = ["month", "status", "note", "keeper", "keeper_at", "accountant", "accountant_at", "reopen_reason"]
    add_columns = ["month", "note"]
    edit_columns = ["note"]
    search_columns = ["month", "status"]
    base_order = ("month", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_import", "can_template"]
    label_columns = RECONCILIATION_LABELS
    formatters_columns = {"status": choice_label(RECONCILIATION_STATES)}
    related_views = [ReconciliationLineView]

    def pre_add(self, item):
        super().pre_add(item)
        from app.periods import local_today

        item.month = rules.as_month(item.month)
        if item.month >= rules.as_month(local_today()):
            raise ValueError(RuleError(ERR_FUTURE_MONTH).format(lambda s: _gettext(s)))

    def post_add(self, item):
        refresh(db.session, item)
        db.session.commit()


def _gettext(text):
    from flask_babel import gettext

    return gettext(text)


class ReconciliationApi(TransitionsApiMixin, HouqinModelRestApi):
    resource_name = "assetreconciliation"
    datamodel = SQLAInterface(Reconciliation)
    transition_routes = TRANSITIONS
    list_columns = show_columns = ["id", "month", "status", "note", "keeper_id", "accountant_id", "lines.financial_class",
                                   "lines.finance_original", "lines.finance_accumulated", "lines.ledger_original",
                                   "lines.ledger_accumulated"]
    base_permissions = ["can_get", "can_info"]


__all__ = ["ReconciliationApi", "ReconciliationLineView", "ReconciliationView", "g"]

"""The month-end screen: the runs so far, the keeper's "run the month" button and the
Director's "close the month"; and the read-only list of stored depreciation rows."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.i18n import format_money
from app.periods import local_today
from app.rules import RuleError
from app.views.base import HouqinModelView
from app.views.validators import rule_message

from . import depreciation, rules
from .labels import ROW_LABELS
from .models import ClosedMonth, DepreciationRow, DepreciationRun


def _money(value):
    return "" if value is None else format_money(value)


class DepreciationView(BaseView):
    route_base = "/assets/depreciation"
    default_view = "index"

    @expose("/")
    @has_access
    @permission_name("index")
    def index(self, errors=None, typed=None):
        runs = db.session.execute(select(DepreciationRun).order_by(DepreciationRun.month.desc()).limit(36)
                                  ).scalars().all()
        closed = depreciation.last_closed(db.session)
        suggested = rules.add_months(rules.as_month(local_today()), -1)
        sm = self.appbuilder.sm
        return self.render_template(
            "assets/depreciation.html", runs=runs, closed=closed, suggested=suggested.strftime("%Y-%m"),
            may_run=sm.has_access("can_run", "DepreciationView"), may_close=sm.has_access("can_close", "DepreciationView"),
            errors=errors or {}, typed=typed or {}, title=gettext("Month-end depreciation"))

    @expose("/run", methods=["POST"])
    @has_access
    @permission_name("run")
    def run(self):
        month = request.form.get("month", "")
        try:
            runs = depreciation.run_month(db.session, month, user_id=g.user.id, trigger="manual")
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return self.index(errors={"run": rule_message(err)}, typed={"run": month}), 422
        if not runs:
            flash(gettext("%(month)s was already run: nothing changed.", month=month), "info")
        for r in runs:
            flash(gettext("%(month)s: %(cards)d cards, %(total)s.", month=r.month.strftime("%Y-%m"), cards=r.cards,
                          total=format_money(r.total)), "success")
        return redirect(url_for(".index"))

    @expose("/close", methods=["POST"])
    @has_access
    @permission_name("close")
    def close(self):
        month = request.form.get("month", "")
        try:
            depreciation.close_month(db.session, month, user_id=g.user.id)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return self.index(errors={"close": rule_message(err)}, typed={"close": month}), 422
        flash(gettext("%(month)s is closed.", month=month), "success")
        return redirect(url_for(".index"))


class DepreciationRowView(HouqinModelView):
    """The stored rows, read-only (the card shows its own; this list serves the auditor)."""

    datamodel = SQLAInterface(DepreciationRow)
    campus_column = "campus_id"
    count_cap = 10000
    list_title = _l("Depreciation rows")
    show_title = _l("Depreciation row")
    list_columns = ["month", "asset_id", "amount", "accumulated", "net"]
    show_columns = list_columns
    search_columns = ["month"]
    order_columns = ["month"]
    base_order = ("month", "desc")
    base_permissions = ["can_list", "can_show", "can_export"]
    money_columns = ("amount", "accumulated", "net")
    label_columns = {**ROW_LABELS, "asset_id": _l("Card")}
    formatters_columns = {"amount": _money, "accumulated": _money, "net": _money}

    @staticmethod
    def row_access():
        from .access import asset_access_clause
        from .models import Asset

        clause = asset_access_clause()
        return None if clause is None else DepreciationRow.asset_id.in_(select(Asset.id).where(clause))


__all__ = ["ClosedMonth", "DepreciationRowView", "DepreciationView"]

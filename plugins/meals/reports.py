"""Prints and the ledger: the minutes as an A4 document with a signature block, the public notice
(公示) of a published meeting, and the ledger of meal-fee accounts across months — table, chart
with the ±band (core charts, offline), term totals and Excel."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, g, request
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from sqlalchemy import select

from app.charts import line_svg
from app.export.xlsx import Column
from app.extensions import db
from app.models import Campus
from app.scoping import scope_clause
from app.views.base import xlsx_download

from . import accounts, rules, services
from .models import CHOICES, Meeting
from .sections import minutes_context


def visible_meeting(pk: int):
    q = select(Meeting).where(Meeting.id == pk)
    clause = services.meeting_access()
    meeting = db.session.execute(q if clause is None else q.where(clause)).unique().scalar_one_or_none()
    if meeting is None:
        abort(404)
    return meeting


def ledger_columns(kind_labels) -> list[Column]:
    money = "money"
    return [
        Column(gettext("Month"), lambda r: r.account.month_key),
        Column(gettext("Term"), lambda r: r.term.label() if r.term is not None else ""),
        Column(gettext("Fees collected"), lambda r: r.account.fees_collected, money),
        Column(gettext("Refunds for absence"), lambda r: r.account.absence_refunds, money),
        Column(gettext("Other income"), lambda r: r.account.other_income, money),
        Column(gettext("Income"), lambda r: r.result.income, money),
        *[Column(gettext(label), lambda r, code=code: getattr(r.account, code), money) for code, label in rules.FOOD_KINDS],
        Column(gettext("Spending"), lambda r: r.result.spending, money),
        Column(gettext("Balance"), lambda r: r.result.balance, money),
        Column(gettext("Rate (%)"), lambda r: r.result.shown_pct, "decimal"),
        Column(gettext("Refunded (term-end settlement)"), lambda r: r.refunded, money),
        Column(gettext("Covered"), lambda r: r.covered, money),
        Column(gettext("Carried balance"), lambda r: r.carried, money),
    ]


def ledger_chart(rows, band: Decimal):
    labels = [r.account.month_key for r in rows]
    income = [float(r.result.income) for r in rows]
    factor_hi, factor_lo = 1 + float(band) / 100, 1 - float(band) / 100
    return line_svg(gettext("Income and spending"), labels, [
        (gettext("Income"), income),
        (gettext("Spending"), [float(r.result.spending) for r in rows]),
        (gettext("Income +%(band)s %%", band=band), [v * factor_hi for v in income]),
        (gettext("Income −%(band)s %%", band=band), [v * factor_lo for v in income]),
    ], y_label=gettext("yuan"))


class MealReportsView(BaseView):
    route_base = "/meals/reports"
    default_view = "ledger"

    @expose("/minutes/<int:pk>")
    @has_access
    @permission_name("minutes")
    def minutes(self, pk):
        """The minutes as an A4 document: no phone, no child's class; a signature block."""
        meeting = visible_meeting(pk)
        return self.render_template("meals/print_minutes.html", minutes=minutes_context(db.session, meeting, public=True),
                                    title=gettext("Minutes of the meal committee meeting %(number)s",
                                                  number=meeting.number))

    @expose("/notice/<int:pk>")
    @has_access
    @permission_name("notice")
    def notice(self, pk):
        """The public notice (公示) of a published meeting: accounts of both kinds, decisions, menus."""
        meeting = visible_meeting(pk)
        if meeting.status != "published":
            abort(404)
        return self.render_template("meals/notice.html", minutes=minutes_context(db.session, meeting, notice=True),
                                    title=gettext("Public notice of the meal committee"))

    @expose("/ledger")
    @has_access
    @permission_name("ledger")
    def ledger(self):
        q = select(Campus).where(Campus.active.is_(True)).order_by(Campus.id)
        clause = scope_clause(Campus.id)
        campuses = db.session.execute(q if clause is None else q.where(clause)).scalars().all()
        if not campuses:
            abort(404)
        wanted = request.args.get("campus_id", type=int)
        campus = next((c for c in campuses if c.id == wanted), campuses[0])
        kind = request.args.get("kind") if request.args.get("kind") in dict(CHOICES["kind"]) else rules.CHILDREN
        rows, terms = accounts.ledger(db.session, campus.id, kind)
        title = gettext("Meal-fee ledger")
        if request.args.get("format") == "xlsx":
            return xlsx_download(rows, ledger_columns(CHOICES["kind"]), title=f"{title} · {campus.name}",
                                 filename=f"meal-fee-ledger-{campus.code}-{kind}.xlsx")
        band = accounts.band()
        return self.render_template("meals/ledger.html", rows=rows, terms=terms, campuses=campuses, campus=campus,
                                    kind=kind, kinds=CHOICES["kind"], band=band, title=title,
                                    chart=ledger_chart(rows[-24:], band) if rows else None, user=g.user)

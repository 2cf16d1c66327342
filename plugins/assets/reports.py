"""The ledger reports, each on screen, as an A4 print (core print layout) and as Excel (core
export): the full ledger (资产台账), the summary by class and by financial class with a chart
of value by class (core charts, offline SVG), the property list of a room or a custodian for
signing each term (班级/部门财产清单), and the depreciation schedule of a month range."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from operator import attrgetter

from flask import abort, g, request
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from sqlalchemy import select

from app.charts import hbar_svg
from app.export.xlsx import Column
from app.extensions import db
from app.i18n import current_language, format_money
from app.models import Campus, Room, Staff
from app.periods import local_today
from app.rules import RuleError
from app.school_calendar import this_term
from app.scoping import user_campus_ids
from app.views.base import xlsx_download

from . import queries, rules
from .models import STATUS_LABELS, AssetCategory
from .views import financial_class_labels

MAX_SCHEDULE_MONTHS = 36
ZERO = Decimal("0.00")


def campuses():
    ids = user_campus_ids()
    q = select(Campus).where(Campus.active.is_(True)).order_by(Campus.id)
    if ids is not None:
        q = q.where(Campus.id.in_(ids or [0]))
    return db.session.execute(q).scalars().all()


def chosen_campus(options):
    wanted = request.args.get("campus_id", type=int)
    return wanted if wanted in {c.id for c in options} else None


def _place(r):
    return f"{r.building_name} {r.room}" if r.room else ""


def _model(r):
    return " ".join(x for x in (r.brand, r.model, r.specification) if x)


def ledger_columns() -> list[Column]:
    """The ledger's columns (screen, A4, Excel). Plain fields are read by attrgetter (the export
    calls each of them 100,000 times)."""
    en = current_language() == "en"
    statuses = {k: str(v) for k, v in STATUS_LABELS.items()}
    fin = financial_class_labels()
    field = attrgetter
    return [
        Column(gettext("Asset code"), field("code")), Column(gettext("Label number"), field("legacy_no")),
        Column(gettext("Asset name"), field("name")), Column(gettext("Class code"), field("category_code")),
        Column(gettext("Class"), field("category_en" if en else "category_zh")),
        Column(gettext("Financial class"), lambda r: fin.get(r.financial_class, "")),
        Column(gettext("Model"), _model),
        Column(gettext("Quantity"), field("quantity"), "int"), Column(gettext("Unit"), field("unit")),
        Column(gettext("Unit price"), field("unit_price"), "money"),
        Column(gettext("Original value"), field("original_value"), "money"),
        Column(gettext("Accumulated depreciation"), field("accumulated_depreciation"), "money"),
        Column(gettext("Net value"), lambda r: round(r.original_value - r.accumulated_depreciation, 2), "money"),
        Column(gettext("Acquired on"), field("acquired_on"), "date"),
        Column(gettext("Location"), _place),
        Column(gettext("Custodian"), field("custodian_name")),
        Column(gettext("Using department"), field("department_name")),
        Column(gettext("Status"), lambda r: statuses.get(r.status, r.status)),
        Column(gettext("Campus"), field("campus_name")),
    ]


LEDGER_PAGE = 500  # on screen and in print; the Excel file holds every card


class AssetReportsView(BaseView):
    route_base = "/assets/reports"
    default_view = "ledger"

    @expose("/ledger")
    @has_access
    @permission_name("ledger")
    def ledger(self):
        options = campuses()
        campus_id = chosen_campus(options)
        query = queries.ledger_query(campus_id)
        if request.args.get("format") == "xlsx":
            query = queries.ledger_query(campus_id, floats=True)
            return xlsx_download(db.session.execute(query.execution_options(yield_per=2000)), ledger_columns(),
                                 title=gettext("Asset ledger"), filename=f"asset-ledger-{local_today()}.xlsx")
        rows = db.session.execute(query.limit(LEDGER_PAGE + 1)).all()
        summary = queries.by_category(campus_id)
        totals = _totals(summary)
        # on screen and A4 the columns a person reads; the Excel file has every one
        hidden = {gettext("Financial class"), gettext("Unit"), gettext("Using department"), gettext("Class code")}
        if len(options) < 2:
            hidden.add(gettext("Campus"))
        return self.render_template("assets/ledger.html", rows=rows[:LEDGER_PAGE], more=len(rows) > LEDGER_PAGE,
                                    columns=[c for c in ledger_columns() if c.header not in hidden], campuses=options, campus_id=campus_id, totals=totals,
                                    title=gettext("Asset ledger"), today=local_today())

    @expose("/summary")
    @has_access
    @permission_name("summary")
    def summary(self):
        options = campuses()
        campus_id = chosen_campus(options)
        rows = queries.by_category(campus_id)
        classes = queries.by_financial_class(rows)
        en = current_language() == "en"
        fin = financial_class_labels()
        if request.args.get("format") == "xlsx":
            lines = [(r.code, r.name_en if en else r.name_zh, fin.get(r.financial_class, ""), r.cards, r.items,
                      r.original, r.accumulated, (r.original or ZERO) - (r.accumulated or ZERO)) for r in rows]
            lines += [("", gettext("Total") + " · " + fin.get(k, k), fin.get(k, k), v["cards"], v["items"],
                       v["original"], v["accumulated"], v["original"] - v["accumulated"]) for k, v in classes.items()]
            return xlsx_download(lines, summary_columns(), title=gettext("Assets by class"),
                                 filename=f"asset-summary-{local_today()}.xlsx")
        chart = hbar_svg(gettext("Original value by class (yuan)"),
                         [(f"{r.code} {r.name_en if en else r.name_zh}", int(r.original or 0)) for r in
                          sorted(rows, key=lambda r: -(r.original or 0))[:20]], width=760)
        return self.render_template("assets/summary.html", rows=rows, classes=classes, fin=fin, en=en, chart=chart,
                                    totals=_totals(rows), campuses=options, campus_id=campus_id,
                                    title=gettext("Assets by class"), today=local_today())

    @expose("/property-list")
    @has_access
    @permission_name("property_list")
    def property_list(self):
        """班级/部门财产清单 of one room or one custodian, for signing each term."""
        room_id = request.args.get("room_id", type=int)
        custodian_id = request.args.get("custodian_id", type=int)
        options = campuses()
        ids = {c.id for c in options}
        room = db.session.get(Room, room_id) if room_id else None
        person = db.session.get(Staff, custodian_id) if custodian_id else None
        if (room_id and (room is None or room.campus_id not in ids)) or \
                (custodian_id and (person is None or person.campus_id not in ids)):
            abort(404)
        rows = db.session.execute(queries.ledger_query(room_id=room_id, custodian_id=custodian_id)).all() \
            if (room or person) else []
        rooms = db.session.execute(select(Room).where(Room.campus_id.in_(ids or [0]), Room.active.is_(True))
                                   .order_by(Room.campus_id, Room.building_id, Room.name)).scalars().all()
        term = this_term(db.session)
        if request.args.get("format") == "xlsx" and (room or person):
            return xlsx_download(rows, ledger_columns(), title=gettext("Property list"),
                                 filename=f"property-list-{local_today()}.xlsx")
        return self.render_template("assets/property_list.html", rows=rows, room=room, person=person, rooms=rooms,
                                    term=term, statuses={k: str(v) for k, v in STATUS_LABELS.items()},
                                    title=gettext("Property list"), today=local_today(),
                                    total=sum((r.original_value for r in rows), ZERO))

    @expose("/schedule")
    @has_access
    @permission_name("schedule")
    def schedule(self):
        options = campuses()
        campus_id = chosen_campus(options)
        today = rules.as_month(local_today())
        try:
            last = rules.as_month(request.args.get("to") or today.strftime("%Y-%m"))
            first = rules.as_month(request.args.get("from") or rules.add_months(last, -11).strftime("%Y-%m"))
        except RuleError:
            last, first = today, rules.add_months(today, -11)
        if first > last:
            first, last = last, first
        if rules.months_from_to(first, last) > MAX_SCHEDULE_MONTHS:
            first = rules.add_months(last, -(MAX_SCHEDULE_MONTHS - 1))
        months = [rules.add_months(first, i) for i in range(rules.months_from_to(first, last))]
        cells, per_month = {}, {m: ZERO for m in months}
        for category_id, month, amount, _cards in queries.schedule(first, last, campus_id):
            month = rules.as_month(month)
            cells[(category_id, month)] = amount
            per_month[month] = per_month.get(month, ZERO) + amount
        ids = sorted({k[0] for k in cells})
        cats = {c.id: c for c in db.session.execute(select(AssetCategory).where(AssetCategory.id.in_(ids or [0])))
                .scalars()}
        lines = [(cats[i], [cells.get((i, m), ZERO) for m in months]) for i in sorted(ids, key=lambda i: cats[i].code)]
        if request.args.get("format") == "xlsx":
            columns = [Column(gettext("Class"), lambda r: str(r[0]))] + [
                Column(m.strftime("%Y-%m"), (lambda n: lambda r: r[1][n])(n), "money") for n, m in enumerate(months)] + [
                Column(gettext("Total"), lambda r: sum(r[1], ZERO), "money")]
            return xlsx_download(lines, columns, title=gettext("Depreciation schedule"),
                                 filename=f"depreciation-{first:%Y-%m}-{last:%Y-%m}.xlsx")
        return self.render_template("assets/schedule.html", lines=lines, months=months, per_month=per_month,
                                    first=first, last=last, campuses=options, campus_id=campus_id,
                                    title=gettext("Depreciation schedule"), total=sum(per_month.values(), ZERO))


def summary_columns() -> list[Column]:
    return [Column(gettext("Class code"), lambda r: r[0]), Column(gettext("Class"), lambda r: r[1]),
            Column(gettext("Financial class"), lambda r: r[2]), Column(gettext("Cards"), lambda r: r[3], "int"),
            Column(gettext("Quantity"), lambda r: r[4], "int"),
            Column(gettext("Original value"), lambda r: r[5], "money"),
            Column(gettext("Accumulated depreciation"), lambda r: r[6], "money"),
            Column(gettext("Net value"), lambda r: r[7], "money")]


def _totals(rows) -> dict:
    original = sum((r.original or ZERO for r in rows), ZERO)
    accumulated = sum((r.accumulated or ZERO for r in rows), ZERO)
    return {"cards": sum(r.cards for r in rows), "original": original, "accumulated": accumulated,
            "net": original - accumulated, "money": format_money}


def month_label(month: date) -> str:
    return month.strftime("%Y-%m")

"""The 维修记录单 (003: item, class, times and dates) per month and per room on A4 (core print layout)
and Excel (core export); and the statistics of a year: requests per month and per building,
time to fix (median, p90), the overnight count (不留问题过夜, 001) and the cost, as offline charts
(app.charts) and Excel."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import request
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from markupsafe import Markup, escape

from app.charts import hbar_svg, vbar_svg
from app.export.xlsx import Column
from app.extensions import db
from app.i18n import format_date, format_money
from app.periods import local_now, local_today
from app.views.base import xlsx_download
from app.views.relations import options_html

from . import repair_queries as rq, repair_rules as rr
from .repair_models import REPAIR_STATES
from .reports import campuses, chosen_campus


def _month(raw: str) -> date:
    try:
        y, m = (int(x) for x in (raw or "").split("-"))
        return date(y, m, 1)
    except (TypeError, ValueError):
        today = local_today()
        return date(today.year, today.month, 1)


def log_body(rows, columns) -> Markup:
    """The log's <tr>s, written in Python: a month of a campus is hundreds of requests x ten
    columns, which a Jinja loop made most of the page."""
    out = []
    add = out.append
    cells = [(c.value, c.kind) for c in columns]
    for r in rows:
        add("<tr>")
        for value_of, kind in cells:
            v = value_of(r)
            if kind == "money":
                add('<td class="text-right">' + ("" if v is None else str(escape(format_money(v)))) + "</td>")
            elif v is None:
                add("<td></td>")
            elif kind == "datetime":
                # v is the local wall time (naive, as Excel wants it): its date as it is, not shifted again
                add(f"<td>{escape(format_date(v.date()))} {v:%H:%M}</td>")
            else:
                add(f"<td>{escape(v)}</td>")
        add("</tr>\n")
    return Markup("".join(out))


def _local(value):
    if value is None:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return value.astimezone(local_now().tzinfo).replace(tzinfo=None)


def _hours(value):
    return "" if value is None else f"{value:.1f}"


class RepairReportsView(BaseView):
    route_base = "/assets/repairs/reports"
    default_view = "log"

    @expose("/log")
    @has_access
    @permission_name("log")
    def log(self):
        """维修记录单 of a month, for every room or one."""
        options = campuses()
        campus_id = chosen_campus(options)
        month = _month(request.args.get("month", ""))
        room_id = request.args.get("room_id", type=int)
        rows = rq.log_rows(db.session, month, campus_id=campus_id, room_id=room_id)
        states = {k: str(v) for k, v in REPAIR_STATES.items()}
        columns = [Column(gettext("Number"), lambda r: r.number),
                   Column(gettext("Item"), lambda r: (f"{r.asset_name} ({r.asset_code}) · " if r.asset_code else "")
                          + r.description),
                   Column(gettext("Class / room"), lambda r: " ".join(x for x in (r.class_name, r.building, r.room)
                                                                       if x)),
                   Column(gettext("Reported"), lambda r: _local(r.reported_at), "datetime"),
                   Column(gettext("Dispatched"), lambda r: _local(r.dispatched_at), "datetime"),
                   Column(gettext("Fixed"), lambda r: _local(r.fixed_at), "datetime"),
                   Column(gettext("Confirmed"), lambda r: _local(r.confirmed_at), "datetime"),
                   Column(gettext("Cost"), lambda r: r.cost, "money"),
                   Column(gettext("Repairer"), lambda r: r.vendor or r.repairer or r.repairer_login or ""),
                   Column(gettext("Status"), lambda r: states.get(r.status, r.status))]
        title = gettext("Repair log (维修记录单)")
        label = month.strftime("%Y-%m")
        if request.args.get("format") == "xlsx":
            return xlsx_download(rows, columns, title=f"{title} {label}", filename=f"repair-log-{label}.xlsx")
        from .repair_forms import room_choices

        rooms = [(value, text if value else gettext("All rooms")) for value, text in room_choices()]
        return self.render_template("assets/repair_log.html", title=title, columns=columns, rows=rows,
                                    body=log_body(rows, columns), month=label, campuses=options,
                                    campus_id=campus_id, room_id=room_id,
                                    rooms=options_html(rooms, room_id),
                                    total=sum((r.cost or 0) for r in rows))

    @expose("/stats")
    @has_access
    @permission_name("stats")
    def stats(self):
        options = campuses()
        campus_id = chosen_campus(options)
        year = request.args.get("year", type=int) or local_today().year
        year = min(max(year, 2000), 2100)
        tz = local_now().tzinfo
        first = datetime(year, 1, 1, tzinfo=tz).astimezone(timezone.utc)
        last = datetime(year + 1, 1, 1, tzinfo=tz).astimezone(timezone.utc)
        summary = rr.summarise(rq.stats_rows(db.session, first, last, campus_id=campus_id), tz,
                               datetime.now(timezone.utc))
        # every month of the year, the quiet ones at nought
        months = [(f"{year}-{m:02d}", summary["months"].get(f"{year}-{m:02d}", rr.empty_bucket())) for m in range(1, 13)]
        if request.args.get("format") == "xlsx":
            rows = [(gettext("Month"), k, v) for k, v in months] + \
                   [(gettext("Building"), k, v) for k, v in summary["buildings"].items()]
            columns = [Column(gettext("By"), lambda r: r[0]), Column(gettext("Month / building"), lambda r: r[1]),
                       Column(gettext("Requests"), lambda r: r[2]["requests"], "int"),
                       Column(gettext("Fixed"), lambda r: r[2]["fixed"], "int"),
                       Column(gettext("Overnight (过夜)"), lambda r: r[2]["overnight"], "int"),
                       Column(gettext("Cost"), lambda r: r[2]["cost"], "money")]
            return xlsx_download(rows, columns, title=gettext("Repair statistics %(year)s", year=year),
                                 filename=f"repair-statistics-{year}.xlsx")
        per_month = vbar_svg(gettext("Requests per month"), [(k[5:], v["requests"]) for k, v in months],
                             x_label=gettext("Month"), y_label=gettext("Requests"))
        late = vbar_svg(gettext("Overnight (过夜) per month"), [(k[5:], v["overnight"]) for k, v in months],
                        x_label=gettext("Month"), y_label=gettext("Requests"))
        per_building = hbar_svg(gettext("Requests per building"),
                                [(k or "—", v["requests"]) for k, v in summary["buildings"].items()][:20],
                                x_label=gettext("Requests"))
        return self.render_template("assets/repair_stats.html", title=gettext("Repair statistics"), year=year,
                                    summary=summary, months=months, charts=[per_month, late, per_building],
                                    campuses=options, campus_id=campus_id, hours=_hours)

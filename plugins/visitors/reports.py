"""The visitor register (来客登记簿: print and Excel), statistics with charts drawn
as inline SVG on the server (no chart library, no network), and the evacuation
list of everyone on site now."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from flask import g, request
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from sqlalchemy import select

from app.charts import hbar_svg, vbar_svg
from app.export.xlsx import Column
from app.extensions import db
from app.i18n import format_date, institution_tz, local_day_range_utc, local_now, to_local
from app.models import Department, Staff
from app.security import is_unscoped
from app.views.base import cell_masker, xlsx_download

from . import queries, rules
from .labels import STATUS_LABELS
from .models import TURNED_AWAY, Purpose, Visit, Visitor
from .queries import closing_time, desk_campuses, overstays

MAX_DAYS = 366


def _date_arg(name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.args.get(name) or "")
    except ValueError:
        return default


def date_range(default_days: int = 0) -> tuple[date, date, bool]:
    """(first, last, clamped): the gate sees today only; the office any range up to a year."""
    today = local_now().date()
    if not is_unscoped(g.user):
        return today, today, bool(request.args.get("from") or request.args.get("to"))
    first = _date_arg("from", today - timedelta(days=default_days))
    last = _date_arg("to", today)
    if last < first:
        first, last = last, first
    if (last - first).days >= MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS - 1)
    return first, last, False


def visits_between(first: date, last: date, campus_id: int | None, *columns):
    start, _ = local_day_range_utc(first)
    _, end = local_day_range_utc(last)
    query = select(*columns).where(Visit.time_in >= start, Visit.time_in < end)
    clause = queries.visit_access_clause()
    if clause is not None:
        query = query.where(clause)
    if campus_id:
        query = query.where(Visit.campus_id == campus_id)
    return query.order_by(Visit.time_in)


def register_query(first: date, last: date, campus_id: int | None):
    """The register's rows as plain named columns (one query, no ORM objects: a month is
    ~30,000 visits): what each column shows, under the names register_columns reads."""
    from app.models import HouqinUser

    return visits_between(
        first, last, campus_id,
        Visit.time_in, Visit.time_out, Visit.visitor_name, Visitor.doc_type, Visitor.id_number, Visitor.phone,
        Visitor.organisation, Visit.purpose_id, Visit.reason, Staff.name.label("host_name"), Visit.party_size,
        Visit.plate, Visit.badge, HouqinUser.username.label("gatekeeper"), Visit.status, Visit.note,
    ).join(Visitor, Visit.visitor_id == Visitor.id) \
        .outerjoin(Staff, Visit.host_id == Staff.id) \
        .outerjoin(HouqinUser, Visit.gatekeeper_id == HouqinUser.id)


def register_columns() -> list[Column]:
    """The register's columns over register_query's rows. What depends on the request (language,
    time zone, masking, purpose names) is looked up once here, not once per cell."""
    tz = institution_tz()
    doc_types = {code: gettext(label) for code, label in rules.DOCUMENT_TYPES}
    purposes = {p.id: str(p) for p in db.session.execute(select(Purpose)).scalars()}
    statuses = {code: str(label) for code, label in STATUS_LABELS.items()}
    mask_id, mask_phone = cell_masker("id"), cell_masker("phone")

    def local(value):
        return None if value is None else to_local(value, tz).replace(tzinfo=None)

    return [
        Column(gettext("Time in"), lambda v: local(v.time_in), "datetime"),
        Column(gettext("Time out"), lambda v: local(v.time_out), "datetime"),
        Column(gettext("Name"), lambda v: v.visitor_name),
        Column(gettext("ID document"), lambda v: doc_types.get(v.doc_type, v.doc_type or "")),
        Column(gettext("Document number"), lambda v: mask_id(v.id_number)),
        Column(gettext("Phone"), lambda v: mask_phone(v.phone)),
        Column(gettext("Organisation / address"), lambda v: v.organisation or ""),
        Column(gettext("Purpose"), lambda v: purposes.get(v.purpose_id, "")),
        Column(gettext("Details"), lambda v: v.reason or ""),
        Column(gettext("Host"), lambda v: v.host_name or ""),
        Column(gettext("Party size"), lambda v: v.party_size, "int"),
        Column(gettext("Vehicle plate"), lambda v: v.plate or ""),
        Column(gettext("Badge no."), lambda v: v.badge or ""),
        Column(gettext("Gatekeeper on duty"), lambda v: v.gatekeeper or ""),
        Column(gettext("Status"), lambda v: statuses.get(v.status, v.status)),
        Column(gettext("Note"), lambda v: v.note or ""),
    ]


class GateReportsView(BaseView):
    route_base = "/gate/reports"
    default_view = "register"

    def _campus_id(self, campuses):
        wanted = request.args.get("campus_id", type=int)
        return wanted if wanted in {c.id for c in campuses} else None

    @expose("/register")
    @has_access
    @permission_name("register")
    def register(self):
        first, last, clamped = date_range()
        campuses = desk_campuses()
        campus_id = self._campus_id(campuses)
        columns = register_columns()
        rows = db.session.execute(register_query(first, last, campus_id))
        title = gettext("Visitor register %(first)s – %(last)s", first=format_date(first), last=format_date(last))
        if request.args.get("format") == "xlsx":
            return xlsx_download(rows, columns, title=title, filename=f"visitor-register-{first}-{last}.xlsx")
        rows = rows.all()
        return self.render_template(
            "visitors/register.html", rows=rows, columns=columns, first=first, last=last, campuses=campuses,
            campus_id=campus_id, clamped=clamped, title=title, office=is_unscoped(g.user),
            head_count=sum(v.party_size for v in rows if v.status != TURNED_AWAY))

    @expose("/statistics")
    @has_access
    @permission_name("statistics")
    def statistics(self):
        first, last, _ = date_range(default_days=29)
        campuses = desk_campuses()
        campus_id = self._campus_id(campuses)
        query = visits_between(first, last, campus_id, Visit.time_in, Visit.status, Visit.purpose_id,
                               Department.name).outerjoin(Staff, Visit.host_id == Staff.id) \
            .outerjoin(Department, Staff.department_id == Department.id)
        per_day, per_hour, purposes, departments, turned_away = Counter(), Counter(), Counter(), Counter(), 0
        for time_in, status, purpose_id, department in db.session.execute(query):
            if status == TURNED_AWAY:
                turned_away += 1
                continue
            local = to_local(time_in)
            per_day[local.date()] += 1
            per_hour[local.hour] += 1
            purposes[purpose_id] += 1
            departments[department or gettext("No host")] += 1
        names = {p.id: str(p) for p in db.session.execute(select(Purpose)).scalars()}
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        charts = [
            vbar_svg(gettext("Visits per day"), [(f"{d.month}/{d.day}", per_day[d]) for d in days]),
            hbar_svg(gettext("Visits by purpose"), [(names.get(k, "?"), v) for k, v in purposes.most_common()]),
            hbar_svg(gettext("Visits by host department"), departments.most_common(15)),
            vbar_svg(gettext("Visits by hour of day"), [(f"{h}", per_hour[h]) for h in range(24)]),
        ]
        return self.render_template(
            "visitors/statistics.html", charts=charts, total=sum(per_day.values()), turned_away=turned_away,
            first=first, last=last, campuses=campuses, campus_id=campus_id, title=gettext("Visitor statistics"))

    @expose("/evacuation")
    @has_access
    @permission_name("evacuation")
    def evacuation(self):
        campuses = desk_campuses()
        campus_id = self._campus_id(campuses)
        ids = [campus_id] if campus_id else [c.id for c in campuses]
        visits = queries.on_site_visits(db.session, ids)
        closing = {cid: closing_time(cid) for cid in {v.campus_id for v in visits}}
        return self.render_template(
            "visitors/evacuation.html", visits=visits, campuses=campuses, campus_id=campus_id,
            overstay=overstays(visits, closing), head_count=sum(v.party_size for v in visits),
            now=local_now(), title=gettext("Evacuation list"))

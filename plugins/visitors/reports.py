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

from app.charts import hbar_svg, line_svg, stacked_bar_svg
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
    from app.models import Campus, HouqinUser

    return visits_between(
        first, last, campus_id,
        Visit.time_in, Visit.time_out, Visit.visitor_name, Visitor.doc_type, Visitor.id_number, Visitor.phone,
        Visitor.organisation, Visit.purpose_id, Visit.reason, Staff.name.label("host_name"), Visit.party_size,
        Visit.plate, Visit.badge, HouqinUser.first_name.label("gk_first"), HouqinUser.last_name.label("gk_last"),
        Visit.status, Visit.note, Campus.name.label("campus_name"),
    ).join(Visitor, Visit.visitor_id == Visitor.id) \
        .join(Campus, Visit.campus_id == Campus.id) \
        .outerjoin(Staff, Visit.host_id == Staff.id) \
        .outerjoin(HouqinUser, Visit.gatekeeper_id == HouqinUser.id)


def person_name(first, last) -> str:
    """A login's name as people read it (HouqinUser.get_full_name: 张丽, not zhangli)."""
    from app.models import HouqinUser

    return HouqinUser(first_name=first, last_name=last).get_full_name() if first or last else ""


def register_columns(with_campus: bool = False) -> list[Column]:
    """The register's columns over register_query's rows. What depends on the request (language,
    time zone, masking, purpose names) is looked up once here, not once per cell. with_campus:
    the register of several campuses says which."""
    tz = institution_tz()
    doc_types = {code: gettext(label) for code, label in rules.DOCUMENT_TYPES}
    purposes = {p.id: str(p) for p in db.session.execute(select(Purpose)).scalars()}
    statuses = {code: str(label) for code, label in STATUS_LABELS.items()}
    mask_id, mask_phone = cell_masker("id"), cell_masker("phone")

    names: dict = {}

    def local(value):
        return None if value is None else to_local(value, tz).replace(tzinfo=None)

    def gatekeeper(v):
        key = (v.gk_first, v.gk_last)
        if key not in names:
            names[key] = person_name(*key)
        return names[key]

    campus = [Column(gettext("Campus"), lambda v: v.campus_name)] if with_campus else []
    return campus + [
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
        Column(gettext("Gatekeeper on duty"), gatekeeper),
        Column(gettext("Status"), lambda v: statuses.get(v.status, v.status)),
        Column(gettext("Note"), lambda v: v.note or ""),
    ]


STACKED_PURPOSES = 3  # the hour chart splits the three commonest purposes; the rest are "other"


class Statistics:
    """The period's visits counted once, in one query: per day, hour, purpose and host department;
    refusals (turned away) apart. What the page's charts and tables and its Excel file show."""

    def __init__(self, first: date, last: date, campus_id: int | None):
        query = visits_between(first, last, campus_id, Visit.time_in, Visit.status, Visit.purpose_id,
                               Visit.party_size, Department.name).outerjoin(Staff, Visit.host_id == Staff.id) \
            .outerjoin(Department, Staff.department_id == Department.id)
        self.days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        self.per_day, self.away_day, self.people_day = Counter(), Counter(), Counter()
        self.per_hour, self.purposes, self.departments = Counter(), Counter(), Counter()
        self.by_hour_purpose = Counter()
        self.turned_away = 0
        tz = institution_tz()
        no_host = gettext("No host")
        for time_in, status, purpose_id, party, department in db.session.execute(query):
            local = to_local(time_in, tz)
            if status == TURNED_AWAY:
                self.turned_away += 1
                self.away_day[local.date()] += 1
                continue
            self.per_day[local.date()] += 1
            self.people_day[local.date()] += party
            self.per_hour[local.hour] += 1
            self.purposes[purpose_id] += 1
            self.by_hour_purpose[(local.hour, purpose_id)] += 1
            self.departments[department or no_host] += 1
        self.total = sum(self.per_day.values())
        self.names = {p.id: str(p) for p in db.session.execute(select(Purpose)).scalars()}

    def rows(self):
        """(breakdown, item, visits, share %) for Excel: per day (with people and refusals), then
        per purpose, host department and hour."""
        share = (lambda n: round(100 * n / self.total, 1)) if self.total else (lambda n: 0.0)
        by_day, by_purpose = gettext("Per day"), gettext("By purpose")
        for d in self.days:
            yield (by_day, format_date(d), self.per_day[d], share(self.per_day[d]), self.people_day[d], self.away_day[d])
        for pid, n in self.purposes.most_common():
            yield (by_purpose, self.names.get(pid, "?"), n, share(n), None, None)
        for name, n in self.departments.most_common():
            yield (gettext("By host department"), name, n, share(n), None, None)
        for h in range(24):
            yield (gettext("By hour of day"), f"{h:02d}:00–{h:02d}:59", self.per_hour[h], share(self.per_hour[h]),
                   None, None)


def statistics_columns() -> list[Column]:
    return [Column(gettext("Breakdown"), lambda r: r[0]), Column(gettext("Item"), lambda r: r[1]),
            Column(gettext("Visits"), lambda r: r[2], "int"), Column(gettext("Share") + " (%)", lambda r: r[3], "decimal"),
            Column(gettext("People admitted"), lambda r: r[4], "int"),
            Column(gettext("Turned away"), lambda r: r[5], "int")]


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
        columns = register_columns(with_campus=campus_id is None and len(campuses) > 1)
        rows = db.session.execute(register_query(first, last, campus_id))
        if request.args.get("format") == "xlsx":
            title = gettext("Visitor register %(first)s – %(last)s", first=format_date(first), last=format_date(last))
            return xlsx_download(rows, columns, title=title, filename=f"visitor-register-{first}-{last}.xlsx")
        rows = rows.all()
        return self.render_template(
            "visitors/register.html", rows=rows, columns=columns, first=first, last=last, campuses=campuses,
            campus_id=campus_id, clamped=clamped, title=gettext("Visitor register"), office=is_unscoped(g.user),
            head_count=sum(v.party_size for v in rows if v.status != TURNED_AWAY))

    @expose("/statistics")
    @has_access
    @permission_name("statistics")
    def statistics(self):
        first, last, _ = date_range(default_days=29)
        campuses = desk_campuses()
        campus_id = self._campus_id(campuses)
        stats = Statistics(first, last, campus_id)
        if request.args.get("format") == "xlsx":
            title = gettext("Visitor statistics %(first)s – %(last)s", first=format_date(first), last=format_date(last))
            return xlsx_download(stats.rows(), statistics_columns(), title=title,
                                 filename=f"visitor-statistics-{first}-{last}.xlsx")
        visits, away = gettext("Visits"), gettext("Turned away")
        day_labels = [f"{d.month}/{d.day}" for d in stats.days]
        top = [pid for pid, _ in stats.purposes.most_common(STACKED_PURPOSES)]
        hour_series = [(stats.names.get(pid, "?"), [stats.by_hour_purpose[(h, pid)] for h in range(24)]) for pid in top]
        rest = [stats.per_hour[h] - sum(stats.by_hour_purpose[(h, pid)] for pid in top) for h in range(24)]
        if any(rest):
            hour_series.append((gettext("Other purposes"), rest))
        charts = [
            line_svg(gettext("Visits per day"), day_labels,
                     [(visits, [stats.per_day[d] for d in stats.days]), (away, [stats.away_day[d] for d in stats.days])],
                     x_label=gettext("Date"), y_label=visits),
            hbar_svg(gettext("Visits by purpose"), [(stats.names.get(k, "?"), v) for k, v in stats.purposes.most_common()],
                     x_label=visits),
            hbar_svg(gettext("Visits by host department"), stats.departments.most_common(15), x_label=visits),
            stacked_bar_svg(gettext("Visits by hour of day"), [f"{h}" for h in range(24)], hour_series,
                            x_label=gettext("Hour of day"), y_label=visits),
        ]
        return self.render_template(
            "visitors/statistics.html", charts=charts, stats=stats, total=stats.total,
            turned_away=stats.turned_away, first=first, last=last, campuses=campuses, campus_id=campus_id,
            title=gettext("Visitor statistics"))

    @expose("/evacuation")
    @has_access
    @permission_name("evacuation")
    def evacuation(self):
        campuses = desk_campuses()
        campus_id = self._campus_id(campuses)
        ids = [campus_id] if campus_id else [c.id for c in campuses]
        visits = queries.on_site_visits(db.session, ids)
        closing = {cid: closing_time(cid) for cid in {v.campus_id for v in visits}}
        phone = cell_masker("phone")
        return self.render_template(
            "visitors/evacuation.html", visits=visits, campuses=campuses, campus_id=campus_id,
            overstay=overstays(visits, closing), head_count=sum(v.party_size for v in visits),
            phones={v.id: phone(v.visitor.phone) for v in visits}, roll_call=roll_call(ids),
            now=local_now(), title=gettext("Evacuation list"))


def roll_call(campus_ids) -> list:
    """The active staff of the campuses, by campus, department and name: ticked at the assembly
    point beside the visitors."""
    from sqlalchemy.orm import joinedload

    from app.models import Campus

    query = (select(Staff).options(joinedload(Staff.department), joinedload(Staff.position), joinedload(Staff.campus))
             .outerjoin(Department, Staff.department_id == Department.id).join(Campus, Staff.campus_id == Campus.id)
             .where(Staff.active.is_(True), Staff.campus_id.in_(campus_ids))
             .order_by(Campus.name, Department.name.nulls_last(), Staff.name, Staff.id))
    return db.session.execute(query).unique().scalars().all()

"""Dashboard tiles: on site now, today's total, expected appointments, overstays. Each checks its
own permission. Override requests waiting for a Director, and visitors waiting for their host,
are to-do items (todo.py): core's to-do tile shows them first on the dashboard."""
from __future__ import annotations

from flask import g, render_template, url_for
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import func, select

from app.extensions import db
from app.i18n import local_now
from app.plugin import Widget

from . import queries
from .models import EXPECTED, ON_SITE, Appointment, Visit
from .queries import closing_time, overstays


def _render(template: str, **ctx) -> Markup:
    return Markup(render_template(template, **ctx))


def _counts() -> dict:
    # Two tiles read the same numbers: one query per dashboard, kept for the request.
    if "_hq_gate_counts" not in g:
        g._hq_gate_counts = queries.today_counts(db.session, queries.visit_access_clause())
    return g._hq_gate_counts


def people_and_visits(people: int, visits: int) -> str:
    """"7 people, 6 visits" / "7 人，6 次来访" (a party of three is one visit)."""
    # Two words, not ngettext: Chinese has one form, and the catalogues hold no plural entries.
    people_text = gettext("%(num)d person", num=people) if people == 1 else gettext("%(num)d people", num=people)
    visits_text = gettext("%(num)d visit", num=visits) if visits == 1 else gettext("%(num)d visits", num=visits)
    return gettext("%(people)s, %(visits)s", people=people_text, visits=visits_text)


def on_site_widget(appbuilder):
    counts = _counts()
    return _render("visitors/widget.html", key="on-site", icon="fa-users", title=gettext("On site now"),
                   number=counts["people_on_site"],
                   detail=people_and_visits(counts["people_on_site"], counts["visits_on_site"]),
                   link=url_for("VisitView.list", _flt_0_status=ON_SITE))


def today_widget(appbuilder):
    return _render("visitors/widget.html", key="today", icon="fa-door-open", title=gettext("Visitors today"),
                   number=_counts()["today"], link=today_link())


def today_link() -> str:
    """The visits list from today's local midnight (filter 1 of a date-time column: after)."""
    midnight = local_now().replace(hour=0, minute=0, second=0, microsecond=0)
    return url_for("VisitView.list", _flt_1_time_in=midnight.strftime("%Y-%m-%d %H:%M:%S"))


def expected_widget(appbuilder):
    query = select(func.count(Appointment.id)).where(Appointment.expected_date == local_now().date(),
                                                     Appointment.status == EXPECTED)
    clause = queries.appointment_access_clause()
    if clause is not None:
        query = query.where(clause)
    return _render("visitors/widget.html", key="expected", icon="fa-calendar-check",
                   title=gettext("Appointments expected today"), number=db.session.execute(query).scalar_one(),
                   link=url_for("AppointmentView.list"))


def overstays_widget(appbuilder):
    query = select(Visit).where(Visit.status == ON_SITE)  # no ORDER BY: see queries.on_site_visits
    clause = queries.visit_access_clause()
    if clause is not None:
        query = query.where(clause)
    visits = sorted(db.session.execute(query).scalars(), key=lambda v: (v.time_in, v.id))
    closing = {cid: closing_time(cid) for cid in {v.campus_id for v in visits}}
    late_ids = overstays(visits, closing)
    late = [v for v in visits if v.id in late_ids]
    if not late:
        return None
    return _render("visitors/widget.html", key="overstays", icon="fa-clock", title=gettext("Still on site after closing"),
                   number=len(late), rows=[(v.visitor_name, v.time_in) for v in late[:10]], danger=True,
                   link=url_for("GateReportsView.evacuation"))


WIDGETS = [
    Widget("gate_on_site", on_site_widget, ("can_list", "VisitView"), order=10),
    Widget("gate_today", today_widget, ("can_list", "VisitView"), order=11),
    Widget("gate_expected", expected_widget, ("can_list", "AppointmentView"), order=12),
    Widget("gate_overstays", overstays_widget, ("can_list", "VisitView"), order=13),
]

"""Home page: widgets contributed by core and plugins, each checking its own permission.
A tile that raises is logged and shown as a small error tile: one plugin's bug never takes
the dashboard down."""
from __future__ import annotations

import logging
from datetime import timedelta

from urllib.parse import urlsplit

from flask import current_app, g, redirect, url_for
from flask_login import user_logged_in
from flask_appbuilder import IndexView, expose
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.routing import BuildError

from ..extensions import db
from ..i18n import local_now
from ..models import Staff
from ..plugin import Widget
from ..scoping import scope_clause
from ..security import is_unscoped, role_names
from .. import todo

log = logging.getLogger(__name__)
TILE_ITEMS = 5  # the first few waiting items; the to-do page has them all


def health_certificates_widget(appbuilder):
    """Health certificates (健康证) expiring within the warning window, or expired, for active staff."""
    settings = current_app.extensions["houqin_settings"]
    days = settings.get("health_cert_warning_days")
    today = local_now().date()
    query = (select(Staff.id, Staff.name, Staff.staff_no, Staff.health_cert_expiry)
             .where(Staff.active.is_(True), Staff.health_cert_expiry.is_not(None),
                    Staff.health_cert_expiry <= today + timedelta(days=days))
             .order_by(Staff.health_cert_expiry).limit(20))
    clause = scope_clause(Staff.campus_id)
    if clause is not None:
        query = query.where(clause)
    rows = db.session.execute(query).all()
    return Markup(current_app.jinja_env.get_template("houqin/widgets/health_certs.html").render(
        rows=rows, today=today, days=days))


def todo_widget(appbuilder):
    """The first few items waiting for the user, with their answers in place (a host sees the
    visitor waiting at the gate); nothing when nothing waits."""
    sections = todo.sections(TILE_ITEMS)
    shown, room = [], TILE_ITEMS
    for section in sections:
        if section.items and room > 0:
            shown.append((section, section.items[:room]))
            room -= len(shown[-1][1])
    failed = [s for s in sections if s.count is None]
    if not shown and not failed:
        return None
    return Markup(current_app.jinja_env.get_template("houqin/widgets/todo.html").render(
        shown=shown, failed=failed, count=sum(s.count or 0 for s in sections)))


def error_tile(widget) -> Markup:
    return Markup('<div class="panel panel-default hq-widget hq-tile-error" data-widget="{name}">'
                  '<div class="panel-body text-muted"><i class="fa fa-exclamation-triangle"></i> {text}</div>'
                  '</div>').format(name=widget.name, text=gettext("This tile could not be shown; the error "
                                                                   "has been logged."))


CORE_WIDGETS = [
    Widget("todo", todo_widget, ("can_list", "TodoView"), order=1),
    Widget("health_certificates", health_certificates_widget, ("can_list", "StaffView"), order=90),
]


def _just_signed_in(app, user):
    g.hq_just_signed_in = user


user_logged_in.connect(_just_signed_in)


def land_after_login(response):
    """The login's redirect to the home page goes to the role's own first page instead (a
    manifest's `landing`: the Gatekeeper's desk). A `next` address is kept; users who see every
    campus (Director, Admin, Auditor) land on the dashboard; the dashboard stays one click away."""
    user = g.pop("hq_just_signed_in", None)
    if user is None or response.status_code not in (301, 302, 303) or is_unscoped(user):
        return response
    if urlsplit(response.location or "").path not in ("/", url_for("DashboardView.index")):
        return response
    endpoint = current_app.extensions["houqin"].landing_for(role_names(user))
    if endpoint:
        try:
            response.location = url_for(endpoint)  # the page checks its own permission, as ever
        except BuildError:  # its plugin is switched off
            pass
    return response


class DashboardView(IndexView):
    index_template = "houqin/dashboard.html"

    @expose("/")
    def index(self):
        user = getattr(g, "user", None)
        if user is None or not user.is_authenticated:
            return redirect(url_for("AuthDBView.login"))
        sm = self.appbuilder.sm
        tiles = []
        for widget in current_app.extensions["houqin"].widgets:
            if widget.permission and not sm.has_access(*widget.permission):
                continue
            try:
                html = widget.render(self.appbuilder)
            except Exception:  # any bug of any tile: log it, show the rest
                log.exception("dashboard tile %s failed", widget.name)
                db.session.rollback()  # a failed statement must not poison the next tile's
                html = error_tile(widget)
            if html:
                tiles.append(html)
        return self.render_template(self.index_template, appbuilder=self.appbuilder, tiles=tiles,
                                    title=gettext("Dashboard"))

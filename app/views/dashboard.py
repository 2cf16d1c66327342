"""Home page: widgets contributed by core and plugins, each checking its own permission."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from ..i18n import local_now
from ..models import Staff
from ..plugin import Widget
from ..scoping import scope_clause


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


CORE_WIDGETS = [Widget("health_certificates", health_certificates_widget, ("can_list", "StaffView"), order=90)]


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
            html = widget.render(self.appbuilder)
            if html:
                tiles.append(html)
        return self.render_template(self.index_template, appbuilder=self.appbuilder, tiles=tiles,
                                    title=gettext("Dashboard"))

"""Scheduled jobs for the Admin: what is declared, when it last ran and what is due (with "Run
now"), the history of every run, and a dashboard warning when `flask houqin run-due` has not run
for a day or a job keeps failing."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup

from ..extensions import db
from ..i18n import format_datetime
from ..models.base import utcnow
from ..models.jobs import JobRun
from ..plugin import Widget
from .base import HouqinModelView, choice_label

STATUSES = [("running", _l("Running")), ("done", _l("Done")), ("failed", _l("Failed")),
            ("abandoned", _l("Abandoned"))]
CAUSES = [("schedule", _l("Schedule")), ("manual", _l("Run now"))]
SILENT_AFTER = timedelta(days=1)


def _job_label(name: str) -> str:
    job = current_app.extensions["houqin"].jobs.get(name)
    return str(job.label) if job is not None else name


class JobRunView(HouqinModelView):
    """Every run: read only (runs are written by the runner alone)."""

    datamodel = SQLAInterface(JobRun)
    list_title = _l("Job runs")
    show_title = _l("Job run")
    base_permissions = ["can_list", "can_show", "can_export"]
    list_columns = ["job", "period", "status", "actor", "attempt", "started_at", "host", "rows", "result"]
    show_columns = ["job", "period", "status", "cause", "actor", "attempt", "started_at", "ended_at", "host", "pid",
                    "rows", "result", "error"]
    search_columns = ["job", "period", "status", "cause", "started_at"]
    order_columns = ["started_at", "job", "period"]
    base_order = ("started_at", "desc")
    label_columns = {
        "job": _l("Job"), "period": _l("Period"), "status": _l("Result"), "cause": _l("Kind"),
        "attempt": _l("Attempt"), "started_at": _l("Started"), "ended_at": _l("Ended"), "host": _l("Host"),
        "rows": _l("Rows"), "result": _l("Summary"), "actor": _l("Started by"), "pid": _l("Process"),
        "error": _l("Error"),
    }
    formatters_columns = {"status": choice_label(STATUSES), "cause": choice_label(CAUSES), "job": _job_label,
                          "error": lambda e: Markup("<pre class='hq-error'>{}</pre>").format(e) if e else ""}


class JobsView(BaseView):
    route_base = "/jobs"
    default_view = "index"

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        from ..jobs import last_beat, overview

        items = overview(db.session)
        return self.render_template("houqin/jobs.html", items=items, beat=last_beat(db.session),
                                    silent=_silent(db.session), title=gettext("Scheduled jobs"),
                                    status_label=choice_label(STATUSES))

    @expose("/run/<name>", methods=["POST"])
    @has_access
    @permission_name("run")
    def run(self, name):
        from flask import g

        from ..audit import audit_job
        from ..jobs import get_job, run_now

        try:
            get_job(name)
        except KeyError:
            return redirect(url_for(".index"))
        reports = run_now(name, user=g.user)
        with audit_job(db.session, "job_run_now", job=name, results=[r.line() for r in reports]):
            pass
        db.session.commit()
        for report in reports:
            if report.status == "done":
                flash(gettext("%(job)s ran for %(period)s: %(rows)s rows.", job=_job_label(name), period=report.period,
                              rows=report.rows), "success")
            elif report.status == "failed":
                flash(gettext("%(job)s failed for %(period)s: %(error)s", job=_job_label(name), period=report.period,
                              error=report.error.strip().splitlines()[-1]), "danger")
            else:
                flash(gettext("%(job)s is running elsewhere; try again later.", job=_job_label(name)), "warning")
        if not reports:
            flash(gettext("Nothing to run."), "info")
        target = request.form.get("next") or url_for(".index")
        return redirect(target if target.startswith("/") and not target.startswith("//") else url_for(".index"))


def _silent(session) -> bool:
    """run-due has not run for a day (or never) while jobs are declared."""
    from ..jobs import last_beat

    if not current_app.extensions["houqin"].jobs:
        return False
    beat = last_beat(session)
    return beat is None or beat < utcnow() - SILENT_AFTER


def jobs_widget(appbuilder):
    """For the Admin: run-due silent for a day, or jobs that keep failing."""
    from ..jobs import last_beat, overview

    session = db.session
    silent = _silent(session)
    stuck = [item for item in overview(session) if item.stuck] if current_app.extensions["houqin"].jobs else []
    if not silent and not stuck:
        return None
    return Markup(current_app.jinja_env.get_template("houqin/widgets/jobs.html").render(
        silent=silent, beat=last_beat(session), stuck=stuck, format_datetime=format_datetime))


JOB_WIDGETS = [Widget("scheduled_jobs", jobs_widget, ("can_list", "JobsView"), order=5)]

"""Settings screen (Admin and Director): global values and per-campus values,
declared by core and plugins, validated, stored in the database and audited."""
from __future__ import annotations

import json

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy import select

from ..extensions import db
from ..jobs import overview as jobs_overview
from ..audit import audit_job
from ..models import Campus, Setting
from ..settings import SettingError, parse


def _decoded(stored):
    return None if stored is None else json.loads(stored)


class SettingsView(BaseView):
    route_base = "/settings"
    default_view = "index"
    base_permissions = ["can_index", "can_save"]

    def _context(self, errors=None, submitted=None):
        registry = current_app.extensions["houqin"]
        settings = current_app.extensions["houqin_settings"]
        campuses = db.session.execute(select(Campus).order_by(Campus.name)).scalars().all()
        global_specs = [s for s in registry.settings if s.scope == "global"]
        campus_specs = [s for s in registry.settings if s.scope == "campus"]
        values = {}
        for spec in global_specs:
            values[spec.key] = settings.get(spec.key)
        for spec in campus_specs:
            values[spec.key] = settings.get(spec.key)
            for campus in campuses:
                values[f"{spec.key}@{campus.id}"] = settings.get(spec.key, campus.id)
        if submitted:
            values.update(submitted)
        wanted = {s.job for s in registry.settings if s.job}
        jobs = {o.job.name: o for o in jobs_overview(db.session) if o.job.name in wanted} if wanted else {}
        return dict(global_specs=global_specs, campus_specs=campus_specs, campuses=campuses,
                    values=values, errors=errors or {}, title=gettext("Settings"), jobs=jobs)

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("houqin/settings.html", **self._context())

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        registry = current_app.extensions["houqin"]
        settings = current_app.extensions["houqin_settings"]
        campuses = db.session.execute(select(Campus)).scalars().all()
        errors, parsed, submitted = {}, [], {}
        for spec in registry.settings:
            targets = [(spec.key, None)]
            if spec.scope == "campus":
                targets += [(f"{spec.key}@{c.id}", c.id) for c in campuses]
            for field, campus_id in targets:
                if field not in request.form:
                    continue  # not on the submitted form: leave the stored value alone
                # Checkboxes: the form's hidden "" marks the field as shown, so unticking all of
                # them is a choice while a form without the field (a partial post) changes nothing.
                if spec.kind == "multi":
                    raw = request.form.getlist(field)
                elif spec.kind == "bool":
                    raw = "1" if "1" in request.form.getlist(field) else ""
                else:
                    raw = request.form.get(field)
                submitted[field] = raw
                if campus_id is not None and spec.kind != "multi" and raw.strip() == "":
                    parsed.append((spec.key, None, campus_id))  # emptied: inherit the global value
                    continue
                try:
                    parsed.append((spec.key, parse(spec, raw), campus_id))
                except SettingError as err:
                    errors[field] = str(err.args[0])
        if errors:
            flash(gettext("Nothing was saved: correct the marked fields."), "danger")
            return self.render_template("houqin/settings.html", **self._context(errors, submitted)), 400
        labels = {spec.key: str(spec.label) for spec in registry.settings}
        names = {c.id: c.name for c in campuses}
        before = {(r.key, r.campus_id): r.value for r in db.session.execute(select(Setting)).scalars()}
        # One save, one entry in the change history: what changed, by its label (and campus).
        with audit_job(db.session, "settings") as job:
            for key, value, campus_id in parsed:
                settings.set(db.session, key, value, campus_id)
            db.session.flush()
            after = {(r.key, r.campus_id): r.value for r in db.session.execute(select(Setting)).scalars()}
            job.params["changes"] = {
                labels.get(key, key) + (f" — {names.get(campus_id, campus_id)}" if campus_id else ""):
                    [_decoded(before.get((key, campus_id))), _decoded(after.get((key, campus_id)))]
                for key, campus_id in sorted(set(before) | set(after), key=str)
                if before.get((key, campus_id)) != after.get((key, campus_id))}
        db.session.commit()
        settings.invalidate()
        flash(gettext("Settings saved."), "success")
        return redirect(url_for("SettingsView.index"))

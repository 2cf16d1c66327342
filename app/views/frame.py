"""The parts of every page that are the same for many users, rendered once and kept until a
change counter moves (app/freshness.py): the navbar up to the user's own part (per roles,
campuses and language) and each list's search form (per view, language, roles and campuses).
The user's name and anything else of one user's are rendered on every request."""
from __future__ import annotations

from flask import current_app, g, session
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget
from markupsafe import Markup

from .. import freshness
from ..i18n import current_language
from ..scoping import user_campus_ids
from ..security import role_names


def audience() -> tuple:
    """Who sees the same frame: roles, campuses and language (and whether signed in)."""
    user = getattr(g, "user", None)
    signed_in = bool(user is not None and getattr(user, "is_authenticated", False))
    campuses = user_campus_ids() if signed_in else []
    return (signed_in, tuple(sorted(role_names(user))) if signed_in else (),
            None if campuses is None else tuple(sorted(campuses)), current_language())


def navbar_frame(part: str) -> Markup:
    """"brand" (houqin/navbar_brand.html) or "menus" (houqin/navbar_menus.html), kept per audience."""
    def build():
        template = current_app.jinja_env.get_template(f"houqin/navbar_{part}.html")
        return Markup(template.render(appbuilder=current_app.appbuilder, session=session, g=g))
    return current_app.extensions["houqin_kept"]["menu"].get(
        (part, audience()), freshness.stamp("roles", "settings"), build)


class KeptSearchWidget(SearchWidget):
    """FAB's search widget with its labels, fields and filter names kept per view and audience
    until the tables behind its drop-downs change: rendering the fields ran a query per
    drop-down and was about a fifth of a list page. The active filters are this request's."""

    def __call__(self, **kwargs):
        view = self.template_args.get("view_key")

        def build():
            form = self.template_args["form"]
            dict_filters = self.filters.get_search_filters()
            cols = self.template_args["include_cols"]
            return ({col: as_unicode(form[col].label.text) for col in cols},
                    {col: form[col]() for col in cols},
                    {col: [as_unicode(flt.name) for flt in dict_filters[col]] for col in cols})

        labels, fields, names = current_app.extensions["houqin_kept"]["search"].get(
            (view, audience()), freshness.stamp("reference", "roles"), build)
        kwargs.update(label_columns=labels, form_fields=fields, search_filters=names,
                      active_filters=self.filters.get_filters_values_tojson())
        return RenderTemplateWidget.__call__(self, **kwargs)


def install(app) -> None:
    from .base import list_rows, numeric_keys

    app.jinja_env.globals["hq_navbar_frame"] = navbar_frame
    app.jinja_env.globals["hq_list_rows"] = list_rows
    app.jinja_env.globals["hq_numeric_keys"] = numeric_keys

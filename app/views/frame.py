"""The parts of every page that are the same for many users, rendered once and kept until a
change counter moves (app/freshness.py): the navbar up to the user's own part (per roles,
campuses and language) and each list's search form (per view, language, roles and campuses).
The user's name and anything else of one user's are rendered on every request."""
from __future__ import annotations

from flask import current_app, g, request, session, url_for
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget
from markupsafe import Markup
from werkzeug.urls import _urlencode

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


# -- a list page's links --------------------------------------------------------------------------------
# FAB's link_order, link_page and link_page_size filters build each of a list page's ~40 links
# (a sort link per column, the pager, the page sizes) with a full url_for. The page's own
# address is the same for all of them: built here once per request, each link adds only its
# query string, exactly as url_for would write it (werkzeug's encoding, the arguments in the
# request's order, the changed one in place or last). A request whose arguments url_for would
# read itself (_anchor, _external ...) or that name a rule argument gets FAB's own filter.
_URL_FOR_KEYS = frozenset({"_anchor", "_method", "_scheme", "_external"})


def _page_address():
    """(the page's address without its query, its arguments as url_for gets them) or None."""
    found = g.get("_hq_page_address")
    if found is None:
        view_args = request.view_args or {}
        args = request.args.to_dict()
        if any(k in _URL_FOR_KEYS or k in view_args for k in args):
            found = (None, None)
        else:
            base = url_for(request.endpoint, **view_args)
            found = (None, None) if "?" in base else (base, args)
        g._hq_page_address = found
    return found


def _link(args: dict) -> str:
    base = g._hq_page_address[0]
    query = _urlencode(args)
    return base + "?" + query if query else base


def install_link_filters(app) -> None:
    """Replace FAB's three list-link filters (registered by AppBuilder.init_app) with ones that
    give the same addresses for a fraction of the cost."""
    fab_order = app.jinja_env.filters["link_order"]
    fab_page = app.jinja_env.filters["link_page"]
    fab_size = app.jinja_env.filters["link_page_size"]

    def link_order(column, modelview_name):
        base, args = _page_address()
        if base is None:
            return fab_order(column, modelview_name)
        args = dict(args)
        oc, od = "_oc_" + modelview_name, "_od_" + modelview_name
        if oc in args:
            args[oc] = column
            args[od] = "desc" if args.get(od) == "asc" else "asc"
        else:
            args[oc] = column
            args[od] = "asc"
        return _link(args)

    def link_page(page, modelview_name):
        base, args = _page_address()
        if base is None:
            return fab_page(page, modelview_name)
        args = dict(args)
        args["page_" + modelview_name] = page
        return _link(args)

    def link_page_size(page_size, modelview_name):
        base, args = _page_address()
        if base is None:
            return fab_size(page_size, modelview_name)
        args = dict(args)
        args["psize_" + modelview_name] = page_size
        return _link(args)

    app.jinja_env.filters.update(link_order=link_order, link_page=link_page, link_page_size=link_page_size)

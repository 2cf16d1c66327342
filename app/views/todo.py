"""The to-do page (/todo/): everything waiting for the signed-in user, with the buttons to
answer it in place, and the count the navbar polls (/todo/count, every 30 s, app/static/houqin/
todo.js). What is listed comes from the plugins' `todos` (app/todo.py)."""
from __future__ import annotations

from flask import g, jsonify, request
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext

from .. import todo

PAGE_LIMIT = 50  # per kind: a director back from a week away still sees the oldest first


class TodoView(BaseView):
    route_base = "/todo"
    default_view = "index"
    base_permissions = ["can_list"]

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        sections = todo.sections(PAGE_LIMIT)
        count = sum(s.count or 0 for s in sections)
        template = "houqin/_todo_list.html" if request.args.get("partial") else "houqin/todo.html"
        return self.render_template(template, sections=sections, count=count, title=gettext("To-do"),
                                    limit=PAGE_LIMIT)

    @expose("/count")
    def count(self):
        """The navbar's number: the user, the few permissions it needs and one count statement,
        nothing more (≤ 3 ms a poll). Checks can_list on TodoView itself: FAB's decorator would
        load every permission the user holds first."""
        user = getattr(g, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return jsonify(message=gettext("Please sign in.")), 401
        total = todo.poll_total()
        if total is None:
            return jsonify(message=gettext("Access is denied")), 403
        return jsonify(count=total)

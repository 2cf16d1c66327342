"""Panels on a staff member's record, contributed by plugins (`Plugin.panels`, app.plugin.Panel).
Core only asks each panel; the panel decides, for this viewer and this staff record, whether
and what to show (a colleague sees none of the private ones). A panel that raises is logged
and left out: the record itself must always open."""
from __future__ import annotations

import logging

from flask import current_app
from markupsafe import Markup

log = logging.getLogger(__name__)


def _panels():
    return current_app.extensions["houqin"].panels


def render_panels(viewer, staff) -> Markup:
    parts = []
    for panel in _panels():
        try:
            html = panel.render(viewer, staff)
        except Exception:
            log.exception("staff-record panel %s failed", panel.name)
            continue
        if html:
            parts.append(Markup('<div class="panel panel-default hq-staff-panel" id="panel-{id}">'
                                '<div class="panel-heading">{title}</div><div class="panel-body">{body}</div>'
                                '</div>').format(id=panel.name.replace(".", "-"), title=panel.title, body=html))
    return Markup('<div class="hq-panels">{}</div>').format(Markup("").join(parts)) if parts else Markup("")


def panel_data(viewer, staff) -> list[dict]:
    """What the API answers under `panels` for one record: the panels with a `data` function
    that return something for this viewer."""
    out = []
    for panel in _panels():
        if panel.data is None:
            continue
        try:
            data = panel.data(viewer, staff)
        except Exception:
            log.exception("staff-record panel %s failed (API)", panel.name)
            continue
        if data is not None:
            out.append({"name": panel.name, "title": str(panel.title), "data": data})
    return out

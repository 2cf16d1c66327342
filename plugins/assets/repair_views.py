"""Screens of repairs (报修): the report page any user opens on a phone (room, the room's asset,
what is wrong, urgency, photos), the request's page (its steps, photos, the reporter's confirm or
send back, the keeper's cancel), the keeper's dispatch and the repairer's fix forms; and the desk:
the keeper's open list (过夜 flagged) and a repairer's own queue, both phone-sized."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from app.extensions import db
from app.i18n import datetime_formatter, format_money
from app.rules import RuleError
from app.views.base import HouqinModelView, choice_label
from app.views.filters import COUNT_CAP
from app.views.validators import rule_message
from app.views.workflow import TransitionsMixin

from . import actions, repair_forms as rf, repairs
from .access import repair_access_clause
from .repair_models import DISPATCHED, FIXED, OPEN_STATES, REPAIR_STATES, REPORTED, URGENCIES, RepairRequest

LABELS = {"number": _l("Number"), "room": _l("Room"), "asset": _l("Asset"), "description": _l("What is wrong"),
          "urgency": _l("Urgency"), "reported_by": _l("Reported by"), "reported_at": _l("Reported at"),
          "due_at": _l("Due by"), "status": _l("Status"), "dispatched_at": _l("Dispatched at"),
          "dispatched_by": _l("Dispatched by"), "repairer": _l("Repairer"), "vendor": _l("Vendor"),
          "work": _l("Work done"), "materials": _l("Materials used"), "cost": _l("Cost"), "fixed_at": _l("Fixed at"),
          "fixed_by": _l("Recorded by"), "confirmed_at": _l("Confirmed at"), "sent_back": _l("Times sent back"),
          "note": _l("Note"), "campus": _l("Campus")}


def _money(value):
    return "" if value is None else format_money(value)


def visible_repair(pk):
    """The request, if the user may see it (campus scope and row access), else None."""
    from .repair_queries import scoped_to

    q = select(RepairRequest).where(RepairRequest.id == pk)
    return db.session.execute(scoped_to(q, RepairRequest.campus_id, repair_access_clause())).scalar_one_or_none()


class RepairView(TransitionsMixin, HouqinModelView):
    datamodel = SQLAInterface(RepairRequest)
    campus_column = "campus_id"
    list_joins = ("room", "asset", "reported_by", "repairer")
    count_cap = COUNT_CAP
    attachment_owner = "assets.repair"
    list_title = _l("Repair requests")
    show_title = _l("Repair request")
    transition_routes = ("confirm", "send_back", "cancel")
    list_columns = ["number", "room", "asset", "description", "urgency", "reported_by", "reported_at", "repairer",
                    "vendor", "status"]
    show_columns = ["number", "room", "asset", "description", "urgency", "reported_by", "reported_at", "due_at",
                    "status", "dispatched_by", "dispatched_at", "repairer", "vendor", "work", "materials", "cost",
                    "fixed_by", "fixed_at", "confirmed_at", "sent_back", "note", "campus"]
    search_columns = ["number", "status", "urgency", "reported_at", "vendor"]
    order_columns = ["number", "reported_at"]
    base_order = ("id", "desc")
    base_permissions = ["can_list", "can_show", "can_export", "can_add", "can_dispatch", "can_fix", "can_confirm",
                        "can_send_back", "can_cancel"]
    label_columns = LABELS
    formatters_columns = {"status": choice_label(REPAIR_STATES), "urgency": choice_label(URGENCIES), "cost": _money}
    row_access = staticmethod(repair_access_clause)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.show_template = "assets/repair_show.html"  # core sets its own when the view takes attachments

    def perform_transition(self, name, item, *, reason, external):
        if name == "confirm":
            return repairs.confirm(db.session, item.id)
        if name == "send_back":
            return repairs.send_back(db.session, item.id, reason or "")
        return repairs.cancel(db.session, item.id, reason or "")

    def render_template(self, template, **kwargs):
        if template == self.show_template and "pk" in kwargs:
            item = db.session.get(RepairRequest, kwargs["pk"])
            sm = self.appbuilder.sm
            kwargs["may_dispatch"] = item is not None and item.status in (REPORTED, DISPATCHED) \
                and sm.has_access("can_dispatch", "RepairView")
            kwargs["reassign"] = item is not None and item.status == DISPATCHED
            kwargs["may_fix"] = item is not None and item.status == DISPATCHED and sm.has_access("can_fix", "RepairView") \
                and (item.repairer_id == g.user.id or sm.has_access("can_dispatch", "RepairView"))
        return super().render_template(template, **kwargs)

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        return redirect(url_for(".report"))

    @expose("/report", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def report(self):
        """报修 from any phone: one page, the photos with it; nothing is kept unless all of it is."""
        from app.attachments import AttachmentError, attach, discard

        form = rf.ReportForm()
        form.room.choices = rf.room_choices()
        wanted = actions.as_id(form.room.data) or request.args.get("room_id", type=int)
        if request.method == "GET" and wanted:
            form.room.data = str(wanted)
        form.asset.choices = [("", "—")] + rf.room_assets(wanted)
        general, stored = [], []
        if request.method == "POST":
            if not form.validate():
                general.append(gettext("The form has expired: send it again."))
            else:
                try:
                    req = repairs.report(db.session, RepairRequest(
                        room_id=wanted, asset_id=actions.as_id(form.asset.data),
                        description=form.description.data or "", urgency=form.urgency.data or "normal"))
                    for photo in request.files.getlist("photos"):
                        if photo and photo.filename:
                            stored.append(attach("assets.repair", req.id, photo.stream, photo.filename))
                    db.session.commit()
                    flash(gettext("Reported: %(number)s. It is due to be fixed today.", number=req.number), "success")
                    return redirect(url_for(".show", pk=req.id))
                except RuleError as err:
                    db.session.rollback()
                    discard(stored)
                    if isinstance(err, AttachmentError):
                        form.photos.errors = list(form.photos.errors or []) + [rule_message(err)]
                    else:
                        actions.put_errors(form, err, general)
            return self.render_template("assets/repair_form.html", form=form, general=general,
                                        title=gettext("Report a fault"), submit_label=gettext("Report"),
                                        multipart=True, back=url_for(".list")), 422
        return self.render_template("assets/repair_form.html", form=form, general=general,
                                    title=gettext("Report a fault"), submit_label=gettext("Report"), multipart=True,
                                    back=url_for(".list"))

    @expose("/room_assets/<int:room_id>")
    @has_access
    @permission_name("add")
    def room_assets(self, room_id):
        """The report page's asset choices for the room picked (static/repairs.js)."""
        from app.models import Room
        from app.scoping import can_use_campus

        room = db.session.get(Room, room_id)
        if room is None or not can_use_campus(room.campus_id):
            abort(404)
        return jsonify([{"id": i, "label": label} for i, label in rf.room_assets(room_id)])

    def _step(self, pk, form, apply, title, submit_label):
        item = visible_repair(pk)
        if item is None:
            abort(404)

        def saved(_result):
            flash(gettext("Saved."), "success")
            return redirect(url_for(".show", pk=pk))
        return actions.run_step(self, form, lambda f: apply(item, f), success=saved, template="assets/repair_form.html",
                                template_args=dict(item=item, title=title, submit_label=submit_label,
                                                   back=url_for(".show", pk=pk)))

    @expose("/dispatch/<int:pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("dispatch")
    def dispatch(self, pk):
        item = visible_repair(pk)
        form = rf.DispatchForm()
        form.repairer.choices = rf.repairer_choices(item.campus_id if item else None)

        def apply(req, f):
            repairs.dispatch(db.session, req.id, repairer_id=actions.as_id(f.repairer.data), vendor=f.vendor.data)
        return self._step(pk, form, apply, gettext("Dispatch the repair"), gettext("Dispatch"))

    @expose("/fix/<int:pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("fix")
    def fix(self, pk):
        def apply(req, f):
            repairs.fix(db.session, req.id, work=f.work.data, materials=f.materials.data, cost=f.cost.data)
        return self._step(pk, rf.FixForm(), apply, gettext("Record the repair"), gettext("Mark fixed"))

    @expose("/answer/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("confirm")
    def answer(self, pk):
        """The reporter's answer from the to-do list: confirm, or send back with a note."""
        from app.todo import next_url

        if visible_repair(pk) is None:
            abort(404)
        try:
            if request.form.get("answer") == "back":
                repairs.send_back(db.session, pk, request.form.get("note", ""))
            else:
                repairs.confirm(db.session, pk)
            db.session.commit()
            flash(gettext("Saved."), "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(next_url(url_for(".show", pk=pk)))


def attachment_access(record):
    """Photos of a request: whoever sees it reads them; while it is open the reporter, the repairer
    dispatched and the keeper add them (a confirmed or cancelled request is locked by core)."""
    from app.attachments import Access

    if visible_repair(record.id) is None:
        return Access.NONE
    writers = (record.reported_by_id, record.repairer_id)
    if record.status in OPEN_STATES and (g.user.id in writers or
                                         current_app.appbuilder.sm.has_access("can_dispatch", "RepairView")):
        return Access.WRITE
    return Access.READ


def _links() -> dict:
    """The list's links up to the request's id, built once per page instead of one url_for per
    card and link (not measured on its own: the to-do count was the page's big cost)."""
    return {name: url_for(f"RepairView.{name}", pk=0)[:-1] for name in ("show", "dispatch", "fix")}


def overnight(item, now=None) -> bool:
    from . import repair_rules as rr

    due = item.due_at if item.due_at.tzinfo else item.due_at.replace(tzinfo=timezone.utc)
    fixed = item.fixed_at
    if fixed is not None and fixed.tzinfo is None:
        fixed = fixed.replace(tzinfo=timezone.utc)
    return rr.is_overnight(due, fixed, now or datetime.now(timezone.utc))


class RepairDeskView(BaseView):
    """The keeper's open list and a repairer's own queue (each the rows it needs, one query)."""

    route_base = "/assets/repairs"
    default_view = "open"

    @expose("/open")
    @has_access
    @permission_name("open")
    def open(self):
        from .repair_queries import open_requests

        rows = open_requests(db.session, limit=200)
        return self._list(rows, gettext("Open repairs"), queue=False,
                          may_dispatch=self.appbuilder.sm.has_access("can_dispatch", "RepairView"))

    @expose("/queue")
    @has_access
    @permission_name("queue")
    def queue(self):
        from .repair_queries import queue_of

        rows = queue_of(db.session, g.user.id, limit=100)
        return self._list(rows, gettext("My repair queue"), queue=True, may_dispatch=False)

    def _list(self, rows, title, *, queue: bool, may_dispatch: bool):
        return self.render_template("assets/repair_list.html", rows=rows, title=title,
                                    cards=repair_cards(rows, queue=queue, may_dispatch=may_dispatch))


def repair_cards(rows, *, queue: bool, may_dispatch: bool) -> Markup:
    """The cards of the open list or a queue, one per request, written in Python: a Jinja loop
    over the keeper's ~60 open requests was most of the page. The words are translated and the
    links and the time format made once per page."""
    links = _links()
    states = {k: str(v) for k, v in REPAIR_STATES.items()}
    urgencies = {k: str(v) for k, v in URGENCIES.items()}
    when = datetime_formatter()
    now = datetime.now(timezone.utc)
    t_overnight, t_reported, t_repairer = (str(escape(w)) for w in (gettext("过夜"), gettext("Reported by"),
                                                                    gettext("Repairer")))
    t_reassign, t_dispatch, t_fix = (str(escape(w)) for w in (gettext("Reassign"), gettext("Dispatch"),
                                                              gettext("Record the repair")))
    out = []
    add = out.append
    for r in rows:
        late = overnight(r, now)
        key = str(int(r.id))
        add(f'<div class="hq-repair-card {"hq-overnight" if late else ""}" id="repair-{key}">\n'
            f'  <div><a href="{escape(links["show"])}{key}"><strong>{escape(r.number)}</strong></a>\n')
        if late:
            add(f'    <span class="hq-overnight-flag">{t_overnight}</span>')
        if r.urgency == "urgent":
            add(f'<span class="label label-danger">{escape(urgencies.get(r.urgency, r.urgency))}</span>')
        add(f'\n    <span class="label label-default">{escape(states.get(r.status, r.status))}</span></div>\n'
            f'  <div>{escape(r.building)} {escape(r.room)}')
        if r.class_name:
            add(f" · {escape(r.class_name)}")
        if r.asset_code:
            add(f" · {escape(r.asset_name)} ({escape(r.asset_code)})")
        add(f"</div>\n  <div>{escape(r.description)}</div>\n"
            f'  <div class="hq-repair-meta">{t_reported} {escape(r.reporter)} · {escape(when(r.reported_at))}')
        who = r.vendor or r.repairer or r.repairer_login
        if who:
            add(f" · {t_repairer} {escape(who)}")
        add('</div>\n  <div class="hq-noprint">\n  ')
        if may_dispatch and r.status in ("reported", "dispatched"):
            add(f'<a class="btn btn-primary btn-sm" href="{escape(links["dispatch"])}{key}">'
                f'{t_reassign if r.status == "dispatched" else t_dispatch}</a>')
        add("\n  ")
        if queue and r.status == "dispatched":
            add(f'<a class="btn btn-success btn-sm repair-fix" href="{escape(links["fix"])}{key}">{t_fix}</a>')
        add("\n  </div>\n</div>\n")
    return Markup("".join(out))


__all__ = ["RepairView", "RepairDeskView", "FIXED", "OPEN_STATES"]

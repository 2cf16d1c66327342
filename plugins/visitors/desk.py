"""The gate desk (/gate/desk/): sign-in form, today's appointments, the on-site
list with head count, sign-out, blocklist refusals and overrides, patrol rounds.

Keyboard-first: the page is built for a gatekeeper typing from the paper
register order; desk.js adds the returning-visitor lookup and the polling."""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import has_access_api, permission_name
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.i18n import local_now, to_local
from app.privacy import mask_id, mask_phone
from app.rules import RuleError, parse_hhmm
from app.scoping import can_use_campus, user_campus_ids
from app.security import sees_personal_data
from app.todo import next_url
from app.views.validators import rule_message

from . import queries, rules, services
from .intake import clean_sign_in
from .models import BY_PHONE, IN_PERSON, TURNED_AWAY, Appointment, OverrideRequest, Visit
from .queries import closing_time, desk_campuses, overstays

CONFIRMATION_CHOICES = [("", _l("Ask the host in the app")), (BY_PHONE, _l("Confirmed by phone")),
                        (IN_PERSON, _l("Confirmed in person"))]
NO_CAMPUS = _l("Your login is not linked to a campus: ask the administrator.")


def _errors_text(errors: dict) -> dict[str, str]:
    return {field: rule_message(err) for field, err in errors.items()}


class GateDeskView(BaseView):
    route_base = "/gate/desk"
    default_view = "index"

    # -- page ---------------------------------------------------------------------------------
    def _campus(self, campuses):
        wanted = request.values.get("campus_id", type=int)
        for campus in campuses:
            if campus.id == wanted:
                return campus
        if wanted is not None:
            abort(403)
        return campuses[0] if campuses else None

    @staticmethod
    def _require_campus(campus_id):
        if campus_id is None:
            abort(400)  # a form that lost its campus: nothing to refuse, just a bad request
        if not can_use_campus(campus_id):
            abort(403)
        return campus_id

    def _can_decide(self) -> bool:
        return self.appbuilder.sm.has_access("can_decide", "GateDeskView")

    def _page(self, values=None, errors=None, refused=None, name_match=None, status=200, on_site=None,
              stored=None):
        campuses = desk_campuses()
        campus = self._campus(campuses)
        ctx = dict(campuses=campuses, campus=campus, values=values or {}, errors=errors or {},
                   refused=refused, name_match=name_match, can_decide=self._can_decide(),
                   on_site=on_site, stored=stored, stored_phone=mask_phone(stored.phone) if stored else "",
                   doc_types=[(c, gettext(label)) for c, label in rules.DOCUMENT_TYPES],
                   confirmations=CONFIRMATION_CHOICES, no_campus=NO_CAMPUS, title=gettext("Gate desk"))
        if campus is not None:
            session = db.session
            visits = queries.on_site_rows(session, [campus.id])
            closing = closing_time(campus.id)
            ctx.update(
                visits=visits, head_count=sum(v.party_size for v in visits), closing=closing,
                overstay=overstays(visits, {campus.id: closing}),
                appointments=queries.expected_appointments(session, campus.id),
                purpose_choices=queries.purpose_choices(),
                host_choices=queries.host_options(campus.id, (values or {}).get("host_id")),
                search_keys={"purpose_id": queries.purpose_search_keys(queries.purpose_choices()),
                             "host_id": queries.host_keys_json(campus.id)},
                patrol=rules.patrol_status(queries.patrol_rounds_today(session, campus.id)),
                pending_override=self._pending_override(campus.id),
            )
        if ctx["can_decide"]:
            ctx["overrides"] = queries.waiting_overrides(db.session, user_campus_ids())
        return self.render_template("visitors/desk.html", **ctx), status

    def _pending_override(self, campus_id):
        pk = request.args.get("override", type=int)
        if not pk:
            return None
        req = db.session.get(OverrideRequest, pk)
        return req if req is not None and req.campus_id == campus_id else None

    @expose("/")
    @has_access
    @permission_name("desk")
    def index(self):
        values = {}
        appt_id = request.args.get("appointment", type=int)
        if appt_id:
            values = self._appointment_values(appt_id)
        return self._page(values=values)

    def _appointment_values(self, appt_id: int) -> dict:
        appt = db.session.get(Appointment, appt_id)
        if appt is None or not can_use_campus(appt.campus_id):
            abort(404)
        phone = appt.visitor_phone or ""
        return dict(appointment_id=appt.id, appointment_code=appt.reference_code, name=appt.visitor_name,
                    phone=phone if sees_personal_data(g.user) else mask_phone(phone),
                    organisation=appt.organisation or "", purpose_id=appt.purpose_id, host_id=appt.host_id,
                    party_size=appt.party_size, plate=appt.plate or "", reason=appt.reason or "")

    # -- sign-in ------------------------------------------------------------------------------
    @expose("/sign-in", methods=["POST"])
    @has_access
    @permission_name("desk")
    def sign_in(self):
        form = request.form.to_dict()
        data, errors = clean_sign_in(form, today=local_now().date())
        self._require_campus(data.campus_id)
        if errors:
            return self._page(values=form, errors=_errors_text(errors), status=422)
        try:
            visit = services.sign_in(db.session, data, g.user, can_override=self._can_decide())
            name, badge, turned_away = visit.visitor_name, visit.badge, visit.status == TURNED_AWAY
            shared = [] if turned_away else services.shared_phone_on_site(db.session, visit)
            db.session.commit()
        except services.SignInRefused as refused:
            db.session.rollback()
            on_site = refused.on_site
            if refused.race:  # another desk was first: name its visit, as when it is already listed
                on_site = services.find_on_site(db.session, data)
                if on_site is not None:
                    refused.errors["id_number"] = services.on_site_error(on_site)
            return self._page(values=form, errors=_errors_text(refused.errors), name_match=refused.name_match,
                              status=422, on_site=on_site, stored=refused.stored)
        if turned_away:
            return self._page(values=form, refused=visit)
        flash(gettext("%(name)s signed in.", name=name) +
              (" " + gettext("Badge %(badge)s.", badge=badge) if badge else ""), "success")
        for other in shared:
            flash(rule_message(RuleError(services.WARN_PHONE_ON_SITE, name=other.visitor_name, visit=other.id)),
                  "warning")
        return redirect(url_for(".index", campus_id=data.campus_id))

    @expose("/lookup", methods=["POST"])
    @has_access_api
    @permission_name("desk")
    def lookup(self):
        """Returning visitor: the last visit's details, found by keyed hash of the full number."""
        body = request.get_json(silent=True) or request.form
        campus_id = body.get("campus_id")
        try:
            campus_id = int(campus_id)
        except (TypeError, ValueError):
            return jsonify(found=False, error=gettext("Choose one of the offered values.")), 400
        if not can_use_campus(campus_id):
            return jsonify(found=False, error=str(_l("You can only use your own campuses."))), 403
        number, phone = (body.get("number") or "").strip(), (body.get("phone") or "").strip()
        try:
            number = rules.normalize_document(body.get("doc_type") or rules.RESIDENT_ID, number) if number else None
            phone = rules.normalize_phone(phone) if phone else None
        except RuleError as err:
            return jsonify(found=False, field="phone" if phone and not number else "id_number",
                           error=rule_message(err))
        visitor = services.find_visitor(db.session, campus_id, id_number=number, phone=phone) \
            if number or phone else None
        if visitor is None:
            return jsonify(found=False)
        # The last visit here (another campus's visits are not this desk's to see); the visitor
        # record itself is the institution's: name and masked numbers from any campus.
        last = services.last_visit(db.session, visitor, campus_id)
        open_visit = services.open_visit(db.session, campus_id, visitor.id)
        full = sees_personal_data(g.user)
        return jsonify(
            found=True, on_site=rule_message(services.on_site_error(open_visit)) if open_visit else "", name=visitor.name, doc_type=visitor.doc_type, organisation=visitor.organisation or "",
            id_number=visitor.id_number if full else mask_id(visitor.id_number),
            phone=(visitor.phone if full else mask_phone(visitor.phone)) or "",
            purpose_id=last.purpose_id if last else None, host_id=last.host_id if last else None,
            plate=(last.plate or "") if last else "",
            last_visit=to_local(last.time_in).strftime("%Y-%m-%d") if last else None)

    # -- sign-out ------------------------------------------------------------------------------
    def _visit(self, pk) -> Visit:
        visit = db.session.get(Visit, pk)
        if visit is None or not can_use_campus(visit.campus_id):
            abort(404)
        return visit

    @expose("/sign-out/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("desk")
    def sign_out(self, pk):
        visit = self._visit(pk)
        try:
            services.sign_out(db.session, visit.id, at=self._left_at())
            db.session.commit()
            flash(gettext("%(name)s signed out.", name=visit.visitor_name), "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(url_for(".index", campus_id=visit.campus_id))

    def _left_at(self):
        """An optional "left at HH:MM" (today) when the sign-out is written up later."""
        text = (request.form.get("left_at") or "").strip()
        if not text:
            return None
        now = local_now()
        return datetime.combine(now.date(), parse_hhmm(text), tzinfo=now.tzinfo)

    @expose("/sign-out-badge", methods=["POST"])
    @has_access
    @permission_name("desk")
    def sign_out_badge(self):
        campus_id = self._require_campus(request.form.get("campus_id", type=int))
        try:
            visit = services.sign_out_by_badge(db.session, campus_id, request.form.get("badge", ""),
                                               at=self._left_at())
            db.session.commit()
            flash(gettext("%(name)s signed out.", name=visit.visitor_name), "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(url_for(".index", campus_id=campus_id))

    # -- overrides -----------------------------------------------------------------------------
    @expose("/override/request", methods=["POST"])
    @has_access
    @permission_name("desk")
    def request_override(self):
        visit = self._visit(request.form.get("visit_id", type=int) or 0)
        try:
            req = services.request_override(db.session, visit, g.user, (request.form.get("note") or "")[:500])
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
            return redirect(url_for(".index", campus_id=visit.campus_id))
        flash(gettext("Override requested: the Director's answer will appear here."), "info")
        return redirect(url_for(".index", campus_id=visit.campus_id, override=req.id))

    @expose("/override/<int:pk>/status")
    @has_access_api
    @permission_name("desk")
    def override_status(self, pk):
        req = db.session.get(OverrideRequest, pk)
        if req is None or not can_use_campus(req.campus_id):
            return jsonify(error="not found"), 404
        return jsonify(id=req.id, status=req.status, reason=req.decision_reason or "",
                       decided_by=req.decided_by.get_full_name() if req.decided_by else "")

    @expose("/override/<int:pk>/admit", methods=["POST"])
    @has_access
    @permission_name("desk")
    def admit(self, pk):
        req = db.session.get(OverrideRequest, pk)
        if req is None or not can_use_campus(req.campus_id):
            abort(404)
        try:
            visit = services.admit_override(db.session, pk, g.user)
            db.session.commit()
            flash(gettext("%(name)s signed in.", name=visit.visitor_name), "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(url_for(".index", campus_id=req.campus_id))

    @expose("/override/<int:pk>/decide", methods=["POST"])
    @has_access
    @permission_name("decide")
    def decide(self, pk):
        req = db.session.get(OverrideRequest, pk)
        if req is None or not can_use_campus(req.campus_id):
            abort(404)
        approve = request.form.get("decision") == "approve"
        try:
            services.decide_override(db.session, pk, g.user, approve, request.form.get("reason"))
            db.session.commit()
            flash(gettext("Override approved.") if approve else gettext("Override declined."), "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(next_url(url_for(".index")))

    # -- polling and patrols -------------------------------------------------------------------
    @expose("/poll")
    @has_access_api
    @permission_name("desk")
    def poll(self):
        """Hosts' answers for the visits the desk shows as waiting (ids=1,2,3)."""
        ids = [int(x) for x in (request.args.get("ids") or "").split(",") if x.strip().isdigit()][:200]
        rows = db.session.execute(select(Visit.id, Visit.host_response, Visit.status, Visit.campus_id)
                                  .where(Visit.id.in_(ids))).all() if ids else []
        return jsonify(visits=[dict(id=r.id, host_response=r.host_response, status=r.status)
                               for r in rows if can_use_campus(r.campus_id)])

    @expose("/patrol", methods=["POST"])
    @has_access
    @permission_name("desk")
    def patrol(self):
        campus_id = self._require_campus(request.form.get("campus_id", type=int))
        try:
            services.record_patrol(db.session, campus_id, g.user, request.form.get("findings"))
            db.session.commit()
            flash(gettext("Patrol round recorded."), "success")
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
        return redirect(url_for(".index", campus_id=campus_id))

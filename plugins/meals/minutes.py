"""The meeting and its minutes on one page: the record (number, date, place, chair, minute-taker)
with its workflow buttons (core TransitionsMixin), then the sections (a)-(g), each with its data
and a small form while the minutes are being written. Every form posts to a route of this view
(permission can_edit); a refusal re-shows the page with the message on the field and what was typed."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.locks import refuse_if_locked
from app.rules import RuleError, parse_hhmm
from app.views.base import HouqinModelView, choice_label
from app.views.filters import FilterClause
from app.views.validators import Rule, rule_message
from app.views.workflow import TransitionsMixin

from . import committee_rules as cr, services
from .models import LABELLED, MEETING_STATES, Attendance, FeedbackItem, Meeting, MenuEntry, NutritionRow
from .forms import ERR_CHOICE, ERR_REQUIRED, SAVED, parse_day, parse_id, text
from .sections import minutes_context
from .views import CheckedFormsMixin

ERR_NOT_CIRCULATED = cr.N_("Confirmations are recorded while the minutes are circulated")


class MeetingView(CheckedFormsMixin, TransitionsMixin, HouqinModelView):
    datamodel = SQLAInterface(Meeting)
    row_access = services.meeting_access
    list_joins = ("committee",)
    list_title = _l("Meetings and minutes")
    show_title = _l("Minutes")
    add_title = edit_title = _l("Meeting")
    show_template = "meals/minutes.html"
    list_columns = ["number", "committee", "held_on", "place", "status"]
    # chair_name, minute_taker_name: from the members the page reads anyway (no statement of their own)
    show_columns = ["number", "committee", "held_on", "starts_at", "place", "chair_name", "minute_taker_name"]
    add_columns = ["committee", "held_on", "starts_at", "place", "chair", "minute_taker"]
    edit_columns = ["held_on", "starts_at", "place", "chair", "minute_taker", "carried_note", "nutrition_note",
                    "feedback_note", "accounts_note", "menu_note", "decisions"]
    search_columns = ["number", "committee", "held_on", "status"]
    order_columns = ["held_on", "number"]
    base_order = ("held_on", "desc")
    label_columns = {"number": _l("Number"), "committee": _l("Committee"), "held_on": _l("Date"),
                     "starts_at": _l("Time"), "place": _l("Place"), "chair": _l("Chair"),
                     "minute_taker": _l("Minute-taker"), "chair_name": _l("Chair"),
                     "minute_taker_name": _l("Minute-taker"), "status": _l("State"),
                     "carried_note": _l("(a) Open items of earlier meetings: notes"),
                     "nutrition_note": _l("(b) Nutrition analysis: notes"),
                     "feedback_note": _l("(c) Feedback: notes"), "accounts_note": _l("(d) Meal-fee accounts: notes"),
                     "menu_note": _l("(e) Menus: notes"), "decisions": _l("(f) Decisions (one a line)")}
    description_columns = {"starts_at": _l("HH:MM")}
    formatters_columns = {"status": choice_label(MEETING_STATES)}
    validators_columns = {"starts_at": [Rule(lambda v: parse_hhmm(v).strftime("%H:%M"))]}
    transition_routes = ("circulate", "approve", "publish", "reopen")
    method_permission_name = {"attend": "edit", "guest": "edit", "confirm": "edit", "nutrition": "edit",
                              "feedback": "edit", "menu": "edit", "item": "edit", "remove": "edit"}
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "committee": [["id", FilterClause, services.committee_access]],
        "chair": [["id", FilterClause, services.member_access]],
        "minute_taker": [["id", FilterClause, services.member_access]]}

    def pre_add(self, item):
        if item.committee is None:
            abort(400)
        item.committee_id = item.committee.id
        if not self._committee_visible(item.committee_id):
            abort(404)
        services.number_meeting(db.session, item)

    def form_check(self, form):
        """The chair and the minute-taker: members of the meeting's committee on its date."""
        if "committee" in form:
            committee_id = form.committee.data.id if form.committee.data is not None else None
        else:
            pk = request.view_args.get("pk") if request.view_args else None
            meeting = self.visible(pk) if pk is not None else None
            committee_id = meeting.committee_id if meeting is not None else None
        if committee_id is None or form.held_on.data is None:
            return
        for name in ("chair", "minute_taker"):
            cr.check_officer(form[name].data, committee_id, form.held_on.data, field=name)

    def _committee_visible(self, committee_id) -> bool:
        clause = services.committee_access()
        from .models import Committee

        q = select(Committee.id).where(Committee.id == committee_id)
        return db.session.execute(q if clause is None else q.where(clause)).scalar() is not None

    def perform_transition(self, name, item, *, reason, external):
        return services.run_transition(db.session, item.id, name, reason=reason, external=external)

    def render_template(self, template, **kwargs):
        if template == self.show_template and "pk" in kwargs:
            # The meeting the show page has just read through its filters (row access), not read again.
            item = g.get("_meals_shown")
            if item is None or str(item.id) != str(kwargs["pk"]):
                item = self.datamodel.get(kwargs["pk"], self._base_filters)
            if item is not None:
                kwargs["minutes"] = minutes_context(db.session, item, g.get("_meals_form") or {})
        return super().render_template(template, **kwargs)

    def _get_show_widget(self, pk, item, *args, **kwargs):
        g._meals_shown = item
        # The members current that day and the attendance, read once for the record's chair and
        # minute-taker and the attendance below (services.members_and_attendance).
        g._meals_members = (item.id, *services.members_and_attendance(db.session, item))
        return super()._get_show_widget(pk, item, *args, **kwargs)

    def show_again(self, pk):
        """The minutes page with the messages of a refused form (g._meals_form) on their fields."""
        return self._show_again(pk)

    # -- the sections' forms ------------------------------------------------------------------
    def _meeting(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        return item

    def _save(self, pk, form_name, work):
        """Run `work(meeting, form)`; commit, or re-show the page with the messages on their fields."""
        meeting = self._meeting(pk)
        try:
            refuse_if_locked(meeting)
            work(meeting, request.form)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            if getattr(err, "http_status", 422) != 422:
                flash(rule_message(err), "danger")
                return redirect(url_for(".show", pk=pk))
            errors = {}
            for e in getattr(err, "errors", [err]):
                errors.setdefault(e.field or "message", []).append(rule_message(e))
            g._meals_form = {"form": form_name, "errors": errors, "values": request.form.to_dict()}
            return self.show_again(pk), 422
        flash(gettext(SAVED), "success")
        return redirect(url_for(".show", pk=pk) + f"#meals-{form_name}")

    @expose("/attend/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("attend")
    def attend(self, pk):
        """Attendance of one current member: present, or absent with the reason."""
        def work(meeting, form):
            member_id = parse_id(form.get("member_id"), "member_id")
            if member_id is None:
                raise RuleError(ERR_REQUIRED, field="member_id")
            services.record_attendance(db.session, meeting, member_id, form.get("present") == "1",
                                       form.get("absence_reason"))
        return self._save(pk, "attendance", work)

    @expose("/guest/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("guest")
    def guest(self, pk):
        def work(meeting, form):
            db.session.add(Attendance(meeting_id=meeting.id, guest_name=text(form.get("guest_name"), "guest_name", 50),
                                      present=True))
        return self._save(pk, "guests", work)

    @expose("/confirm/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("confirm")
    def confirm(self, pk):
        """An attendee's confirmation of the circulated minutes; parents without a login confirm to
        the minute-taker, who records it here."""
        def work(meeting, form):
            row = db.session.get(Attendance, parse_id(form.get("attendance_id"), "attendance_id") or 0)
            if row is None or row.meeting_id != meeting.id or row.member_id is None or not row.present:
                raise RuleError(ERR_CHOICE, field="message")
            if meeting.status != "circulated":
                raise RuleError(ERR_NOT_CIRCULATED, field="message")
            row.confirmed = True
            # Their own click, or recorded for them (a parent without a login tells the minute-taker).
            staff = row.member.staff
            row.confirmed_via_minute_taker = not (staff is not None and staff.user_id == g.user.id)
        return self._save(pk, "attendance", work)

    @expose("/nutrition/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("nutrition")
    def nutrition(self, pk):
        def work(meeting, form):
            row = {"age_group": text(form.get("age_group"), "age_group", 30, required=False),
                   "nutrient": form.get("nutrient"), "intake": form.get("intake"), "standard": form.get("standard")}
            result = cr.nutrition_analysis([row], services.setting("meals_nutrition_floor"), field_prefix="")
            db.session.add(NutritionRow(meeting_id=meeting.id, age_group=row["age_group"], nutrient=row["nutrient"],
                                        intake=result[0].intake, standard=result[0].standard))
        return self._save(pk, "nutrition", work)

    @expose("/feedback/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("feedback")
    def feedback(self, pk):
        def work(meeting, form):
            if form.get("source") not in dict(LABELLED["source"]):
                raise RuleError(ERR_CHOICE, field="source")
            db.session.add(FeedbackItem(meeting_id=meeting.id, source=form.get("source"),
                                        text=text(form.get("text"), "text", 500),
                                        response=text(form.get("response"), "response", 500, required=False)))
        return self._save(pk, "feedback", work)

    @expose("/menu/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("menu")
    def menu(self, pk):
        def work(meeting, form):
            day = parse_day(form.get("day"), "day")
            if day is None:
                raise RuleError(ERR_REQUIRED, field="day")
            if form.get("meal") not in dict(LABELLED["meal"]):
                raise RuleError(ERR_CHOICE, field="meal")
            db.session.add(MenuEntry(meeting_id=meeting.id, day=day, meal=form.get("meal"),
                                     dishes=text(form.get("dishes"), "dishes", 300),
                                     quantities=text(form.get("quantities"), "quantities", 300, required=False)))
        return self._save(pk, "menu", work)

    @expose("/item/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("item")
    def item(self, pk):
        """(g) A new action item: description, owner (a member or a staff member), due date."""
        def work(meeting, form):
            owner = parse_id(form.get("owner_member_id"), "owner_member_id")
            services.add_action_item(db.session, meeting, form.get("description"), owner_member_id=owner,
                                     due_on=parse_day(form.get("due_on"), "due_on"))
        return self._save(pk, "items", work)

    @expose("/remove/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("remove")
    def remove(self, pk):
        """Remove a row of a section typed by mistake (only while the minutes are open)."""
        kinds = {"nutrition": NutritionRow, "feedback": FeedbackItem, "menu": MenuEntry, "attendance": Attendance}

        def work(meeting, form):
            model = kinds.get(form.get("kind"))
            row = db.session.get(model, parse_id(form.get("row_id"), "row_id") or 0) if model else None
            if row is None or row.meeting_id != meeting.id:
                raise RuleError(ERR_CHOICE, field="row_id")
            db.session.delete(row)
        return self._save(pk, form_name=request.form.get("kind") or "message", work=work)


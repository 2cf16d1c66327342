"""REST API (/api/v1/meals...): committees, members, meetings (with their transitions), the
minutes' sections (nutrition, feedback, menus), accounts and action items. The same rules and
scoping as the screens; bad input answers 4xx with the messages, never 500."""
from __future__ import annotations

from datetime import date

from flask import g, request
from flask_babel import gettext
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from marshmallow import Schema, fields
from sqlalchemy import select

from app.api import HouqinModelRestApi, rule_errors
from app.extensions import db
from app.privacy import mask_phone
from app.rules import RuleError
from app.views.workflow import TransitionsApiMixin
from app.workflow import refusal_response

from . import accounts, committee_rules as cr, services
from .forms import ERR_REQUIRED
from .models import (FEEDBACK_SOURCES, MEALS, ActionItem, Committee, FeedbackItem, FeeAccount, Meeting, Member,
                     MenuEntry, NutritionRow)

READ = ["can_get", "can_info"]
WRITE = READ + ["can_post", "can_put", "can_delete"]


def errors_of(err: RuleError) -> dict:
    return rule_errors(*getattr(err, "errors", [err]))


class CommitteeApi(HouqinModelRestApi):
    resource_name = "mealscommittee"
    datamodel = SQLAInterface(Committee)
    row_access = services.committee_access
    list_columns = show_columns = ["id", "name", "campus_id", "campuses.id", "campuses.name", "active"]
    add_columns = edit_columns = ["name", "campus", "campuses", "active"]
    base_permissions = WRITE


class MemberApi(HouqinModelRestApi):
    resource_name = "mealsmember"
    datamodel = SQLAInterface(Member)
    row_access = services.member_access
    list_columns = show_columns = ["id", "committee_id", "staff_id", "display_name", "phone", "child_class", "role",
                                   "secretary", "term_from", "term_to"]
    add_columns = ["committee", "staff", "name", "phone", "child_class", "role", "secretary", "term_from", "term_to"]
    edit_columns = [c for c in add_columns if c != "committee"]
    masked_columns = {"phone": "phone"}  # a masked value sent back is never stored
    base_permissions = WRITE

    def mask_record(self, record: dict) -> None:
        if record.get("phone") and not services.sees_phones(record.get("committee_id")):
            record["phone"] = mask_phone(record["phone"])

    def validate(self, item):
        errors = super().validate(item)
        try:
            cr.check_member(item.staff_id if item.staff is None else item.staff.id, item.name, item.term_from,
                            item.term_to)
            if item.role not in dict(cr.MEMBER_ROLES):
                raise RuleError(cr.ERR_CHOOSE, field="role")
            if item.committee is None or services.committee_access() is not None and not _visible(
                    Committee, item.committee.id, services.committee_access()):
                raise RuleError(cr.ERR_CHOOSE, field="committee")
        except RuleError as err:
            errors.update(errors_of(err))
        return errors


def _visible(model, pk, clause) -> bool:
    q = select(model.id).where(model.id == pk)
    with db.session.no_autoflush:  # the new row, half-built, must not be flushed by this look-up
        return db.session.execute(q if clause is None else q.where(clause)).scalar() is not None


class MeetingApi(TransitionsApiMixin, HouqinModelRestApi):
    resource_name = "mealsmeeting"
    datamodel = SQLAInterface(Meeting)
    row_access = services.meeting_access
    list_columns = show_columns = ["id", "number", "committee_id", "held_on", "starts_at", "place", "chair_id",
                                   "minute_taker_id", "status", "quorum_met", "carried_note", "nutrition_note",
                                   "feedback_note", "accounts_note", "menu_note", "decisions"]
    add_columns = ["committee", "held_on", "starts_at", "place", "chair", "minute_taker"]
    edit_columns = ["held_on", "starts_at", "place", "chair", "minute_taker", "carried_note", "nutrition_note",
                    "feedback_note", "accounts_note", "menu_note", "decisions"]
    order_columns = ["held_on", "number"]
    base_order = ("held_on", "desc")
    base_permissions = WRITE
    transition_routes = ("circulate", "approve", "publish", "reopen")

    def perform_transition(self, name, item, *, reason, external):
        return services.run_transition(db.session, item.id, name, reason=reason, external=external)

    def validate(self, item):
        errors = super().validate(item)
        if item.committee is None or not _visible(Committee, item.committee.id, services.committee_access()):
            errors["committee"] = [str(cr.ERR_CHOOSE)]
        elif item.held_on is not None:
            for name in ("chair", "minute_taker"):
                try:
                    cr.check_officer(getattr(item, name), item.committee.id, item.held_on, field=name)
                except RuleError as err:
                    errors.update(errors_of(err))
        try:
            from app.rules import parse_hhmm

            item.starts_at = parse_hhmm(item.starts_at or "").strftime("%H:%M")
        except RuleError as err:
            errors["starts_at"] = errors_of(err)["message"]
        return errors

    def pre_add(self, item):
        super().pre_add(item)
        item.committee_id = item.committee.id
        services.number_meeting(db.session, item)


def meeting_child_clause(model):
    def clause():
        inner = services.meeting_access()
        if inner is None:
            return None
        return model.meeting_id.in_(select(Meeting.id).where(inner))
    return clause


class SectionApi(HouqinModelRestApi):
    """A row of a section of the minutes; locked with its meeting (409 once approved)."""

    base_permissions = WRITE

    def validate(self, item):
        errors = super().validate(item)
        if item.meeting is None or not _visible(Meeting, item.meeting.id, services.meeting_access()):
            errors["meeting"] = [str(cr.ERR_CHOOSE)]
        return errors


class NutritionApi(SectionApi):
    resource_name = "mealsnutrition"
    datamodel = SQLAInterface(NutritionRow)
    row_access = meeting_child_clause(NutritionRow)
    list_columns = show_columns = ["id", "meeting_id", "age_group", "nutrient", "intake", "standard"]
    add_columns = ["meeting", "age_group", "nutrient", "intake", "standard"]
    edit_columns = ["age_group", "nutrient", "intake", "standard"]

    def validate(self, item):
        errors = super().validate(item)
        try:
            cr.attainment(item.nutrient, item.intake, item.standard, item.age_group)
        except RuleError as err:
            errors.update(errors_of(err))
        return errors


class FeedbackApi(SectionApi):
    resource_name = "mealsfeedback"
    datamodel = SQLAInterface(FeedbackItem)
    row_access = meeting_child_clause(FeedbackItem)
    list_columns = show_columns = ["id", "meeting_id", "source", "text", "response"]
    add_columns = ["meeting", "source", "text", "response"]
    edit_columns = ["source", "text", "response"]

    def validate(self, item):
        errors = super().validate(item)
        if item.source not in dict(FEEDBACK_SOURCES):
            errors["source"] = [str(cr.ERR_CHOOSE)]
        if not (item.text or "").strip():
            errors["text"] = [gettext(ERR_REQUIRED)]
        return errors


class MenuEntryApi(SectionApi):
    resource_name = "mealsmenu"
    datamodel = SQLAInterface(MenuEntry)
    row_access = meeting_child_clause(MenuEntry)
    list_columns = show_columns = ["id", "meeting_id", "day", "meal", "dishes", "quantities"]
    add_columns = ["meeting", "day", "meal", "dishes", "quantities"]
    edit_columns = ["day", "meal", "dishes", "quantities"]

    def validate(self, item):
        errors = super().validate(item)
        if item.meal not in dict(MEALS):
            errors["meal"] = [str(cr.ERR_CHOOSE)]
        if not (item.dishes or "").strip():
            errors["dishes"] = [gettext(ERR_REQUIRED)]
        return errors


class FeeAccountApi(HouqinModelRestApi):
    resource_name = "mealsaccount"
    datamodel = SQLAInterface(FeeAccount)
    campus_column = "campus_id"
    list_columns = show_columns = ["id", "campus_id", "year", "month", "kind", *accounts.FIELDS, "income", "balance",
                                   "note"]
    add_columns = ["campus", "year", "month", "kind", *accounts.FIELDS, "note"]
    edit_columns = [*accounts.FIELDS, "note"]
    order_columns = ["year", "month"]
    base_permissions = WRITE

    def validate(self, item):
        errors = super().validate(item)
        try:
            values = accounts.account_values(item)
            values["campus_id"] = item.campus.id if item.campus is not None else item.campus_id
            services.check_finance(g.user, values["campus_id"])
            body = request.get_json(silent=True) or {}
            if body.get("spending_total") in (None, ""):
                values["spending_total"] = None
            result = accounts.check_account(db.session, values, item.id)
            item.spending_total = result.spending
        except RuleError as err:
            errors.update(errors_of(err))
        return errors


class DoneSchema(Schema):
    done_on = fields.Date(required=True, metadata={"description": "The date the item was done"})
    done_note = fields.String(required=True, metadata={"description": "How it was handled (≤ 500 characters)"})


class ActionItemApi(HouqinModelRestApi):
    resource_name = "mealsactionitem"
    datamodel = SQLAInterface(ActionItem)
    row_access = services.item_access
    list_columns = show_columns = ["id", "meeting_id", "committee_id", "description", "owner_member_id",
                                   "owner_staff_id", "due_on", "state", "status", "done_on", "done_note"]
    add_columns = ["meeting", "description", "owner_member", "owner_staff", "due_on"]
    edit_columns = ["description", "due_on"]
    order_columns = ["due_on", "done_on"]
    base_permissions = READ + ["can_post", "can_put", "can_complete"]
    openapi_spec_component_schemas = (DoneSchema,)

    def validate(self, item):
        errors = super().validate(item)
        meeting = item.meeting
        if meeting is None or not _visible(Meeting, meeting.id, services.meeting_access()):
            return {**errors, "meeting": [str(cr.ERR_CHOOSE)]}
        try:
            if item.id is None:  # a new item of (g): the same rules as the minutes page
                with db.session.no_autoflush:
                    item.description, owner = services.check_new_item(
                        db.session, meeting, item.description, item.owner_member.id if item.owner_member else None,
                        item.owner_staff.id if item.owner_staff else None, item.due_on, owner_field="owner_member")
                item.owner_member, item.owner_staff = owner, None  # the membership, however it was named
            else:
                if item.state == "done":
                    raise RuleError(cr.N_("This item is done: it can no longer be changed"), field="description")
                item.description = services.check_item_edit(item.description, item.due_on, item.raised_on)
        except RuleError as err:
            if getattr(err, "http_status", 422) != 422:
                raise  # minutes approved meanwhile: 409, as for the other sections
            errors.update(errors_of(err))
        item.committee_id, item.raised_on = meeting.committee_id, meeting.held_on
        return errors

    @expose("/<int:pk>/complete", methods=["POST"])
    @protect()
    @safe
    @permission_name("complete")
    def complete(self, pk):
        """Mark an action item done, once.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/DoneSchema'
          responses:
            200:
              description: Done
            404:
              $ref: '#/components/responses/404'
            409:
              description: Already done
            422:
              $ref: '#/components/responses/422'
        """
        if self.datamodel.get(pk, self._base_filters) is None:
            return self.response_404()
        body = request.get_json(silent=True) or {}
        try:
            raw = body.get("done_on")
            try:
                done_on = date.fromisoformat(raw) if isinstance(raw, str) and raw else None
            except ValueError:
                raise RuleError(cr.ERR_DONE_DATE, field="done_on")
            services.complete_item(db.session, pk, done_on, body.get("done_note") if isinstance(
                body.get("done_note"), str) else None)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return refusal_response(self, err)
        return self.response(200, id=pk, state="done")

"""The meal committee's tables (伙委会 / 膳食委员会): committees and the campuses they serve,
members (staff or external people), meetings with their minutes' sections, action items that
live across meetings, and the meal-fee accounts (伙食费) with the term-end settlement (结退).
Rules live in rules.py and committee_rules.py; the verbs in services.py."""
from __future__ import annotations

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Column, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, func, select)
from sqlalchemy.orm import aliased, column_property, relationship

from app.models import Audited, CampusScoped, Staff, UTCDateTime
from app.workflow import WHEN, WHO, Transition, Workflow

from .committee_rules import MEMBER_ROLES, NUTRIENTS
from .rules import ACCOUNT_KINDS, FOOD_KINDS, N_

MEETING_STATES = {"draft": _l("Draft"), "circulated": _l("Circulated"), "approved": _l("Approved"),
                  "published": _l("Published")}
ITEM_STATES = {"open": _l("Open"), "done": _l("Done")}
FEEDBACK_SOURCES = [("parent", N_("Parents")), ("teacher", N_("Teachers")), ("student", N_("Students"))]
MEALS = [("breakfast", N_("Breakfast")), ("morning_snack", N_("Morning snack")), ("lunch", N_("Lunch")),
         ("afternoon_snack", N_("Afternoon snack")), ("dinner", N_("Dinner"))]
MONEY = Numeric(12, 2)

class CommitteeCampus(Model):
    """A campus a committee serves (a row of its own, so demo data can be marked and removed)."""

    __tablename__ = "meals_committee_campus"
    __table_args__ = (UniqueConstraint("committee_id", "campus_id"),)
    id = Column(Integer, primary_key=True)
    committee_id = Column(Integer, ForeignKey("meals_committee.id", ondelete="CASCADE"), nullable=False)
    campus_id = Column(Integer, ForeignKey("campus.id"), nullable=False, index=True)


committee_campus = CommitteeCampus.__table__


class Committee(Audited, CampusScoped, Model):
    """One committee serves one or several campuses ("两园厨房" share one); campus_id is the home
    campus (scoping of the committee row), `campuses` every campus it serves."""

    __tablename__ = "meals_committee"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)
    campuses = relationship("Campus", secondary=committee_campus, order_by="Campus.id")
    active = Column(Boolean, nullable=False, default=True)

    def __str__(self):
        return self.name


class Member(Audited, Model):
    """A membership: a staff member (name from the staff record) or an external person without a
    login (parent or student representative). Chair, secretary and finance are memberships."""

    __tablename__ = "meals_member"
    __audit_masked__ = {"phone": "phone"}
    id = Column(Integer, primary_key=True)
    committee_id = Column(Integer, ForeignKey("meals_committee.id"), nullable=False, index=True)
    committee = relationship(Committee)
    staff_id = Column(Integer, ForeignKey("staff.id"), index=True)
    staff = relationship("Staff", lazy="selectin")  # a staff member's name: one statement for a page of members
    name = Column(String(50))  # external members only
    phone = Column(String(20))  # external members' personal phone: masked (services.sees_phones)
    child_class = Column(String(50))  # parent representatives, optional; never printed
    role = Column(String(20), nullable=False, default="other")
    secretary = Column(Boolean, nullable=False, default=False)  # writes the minutes (记录人)
    term_from = Column(Date, nullable=False)
    term_to = Column(Date)
    anonymised_at = Column(UTCDateTime)

    @property
    def phone_shown(self):
        """The phone as this viewer may read it (Director, Admin, the committee's secretary: in full)."""
        from app.privacy import mask_phone

        from .services import sees_phones

        return (self.phone if sees_phones(self.committee_id) else mask_phone(self.phone)) if self.phone else ""

    @property
    def display_name(self):
        return self.staff.name if self.staff is not None else (self.name or "")

    def __str__(self):
        return self.display_name


class Meeting(Audited, Model):
    """A monthly meeting and its minutes; number from core numbering per committee and year."""

    __tablename__ = "meals_meeting"
    __table_args__ = (Index("ix_meals_meeting_committee_day", "committee_id", "held_on"),
                      UniqueConstraint("committee_id", "number", name="uq_meals_meeting_number"))
    id = Column(Integer, primary_key=True)
    committee_id = Column(Integer, ForeignKey("meals_committee.id"), nullable=False)
    committee = relationship(Committee, lazy="joined")
    number = Column(String(40), nullable=False)
    held_on = Column(Date, nullable=False, index=True)
    starts_at = Column(String(5), nullable=False, default="15:00")
    place = Column(String(100), nullable=False)
    chair_id = Column(Integer, ForeignKey("meals_member.id"))
    chair = relationship(Member, foreign_keys=[chair_id])
    minute_taker_id = Column(Integer, ForeignKey("meals_member.id"))
    minute_taker = relationship(Member, foreign_keys=[minute_taker_id])
    carried_note = Column(Text)  # (a) open items of earlier meetings
    nutrition_note = Column(Text)  # (b)
    feedback_note = Column(Text)  # (c)
    accounts_note = Column(Text)  # (d)
    menu_note = Column(Text)  # (e)
    decisions = Column(Text)  # (f), one decision a line
    quorum_met = Column(Boolean)  # as it stood when circulated (the page shows it live before)
    status = Column(String(20), nullable=False, default="draft", index=True)
    approved_by_id = Column(Integer, ForeignKey("ab_user.id"))
    approved_at = Column(UTCDateTime)
    published_at = Column(UTCDateTime)
    reopen_reason = Column(String(500))

    flow = Workflow("status", states=MEETING_STATES, locked=("approved", "published"), transitions=[
        Transition("circulate", "draft", "circulated", label=_l("Circulate"), style="primary",
                   permission=[("can_circulate", "MeetingView"), ("can_circulate", "MeetingApi")],
                   writes={"quorum_met": lambda ctx: ctx.record.live_quorum().met}),
        Transition("approve", "circulated", "approved", label=_l("Approve"), style="success",
                   permission=[("can_approve", "MeetingView"), ("can_approve", "MeetingApi")],
                   guard="plugins.meals.services:may_approve",
                   writes={"approved_by_id": WHO, "approved_at": WHEN}),
        Transition("publish", "approved", "published", label=_l("Publish"), style="primary",
                   permission=[("can_publish", "MeetingView"), ("can_publish", "MeetingApi")],
                   writes={"published_at": WHEN}),
        Transition("reopen", ("approved", "published"), "draft", label=_l("Correct (new version)"),
                   style="warning", reopen=True,
                   permission=[("can_reopen", "MeetingView"), ("can_reopen", "MeetingApi")],
                   writes={"approved_by_id": None, "approved_at": None, "published_at": None}),
    ])

    def _member_name(self, member_id, relation):
        from flask import g, has_request_context

        read = g.get("_meals_members") if has_request_context() else None
        if read is not None and read[0] == self.id:
            found = next((m.display_name for m in read[1] if m.id == member_id), None)
            if found is not None:
                return found
        member = getattr(self, relation)
        return member.display_name if member is not None else ""

    @property
    def chair_name(self):
        return self._member_name(self.chair_id, "chair") if self.chair_id else ""

    @property
    def minute_taker_name(self):
        return self._member_name(self.minute_taker_id, "minute_taker") if self.minute_taker_id else ""

    def live_quorum(self):
        from .services import meeting_quorum

        return meeting_quorum(self)

    def __str__(self):
        return self.number


class Attendance(Audited, Model):
    """Who was there: a member current that day (present, or absent with the reason), or a guest
    (named, never counted). Confirmation of the minutes is recorded here too."""

    __tablename__ = "meals_attendance"
    __locked_with__ = "meeting"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)
    id = Column(Integer, primary_key=True)
    meeting_id = Column(Integer, ForeignKey("meals_meeting.id", ondelete="CASCADE"), nullable=False, index=True)
    meeting = relationship(Meeting, backref="attendance")
    member_id = Column(Integer, ForeignKey("meals_member.id"), index=True)
    member = relationship(Member)
    guest_name = Column(String(50))
    present = Column(Boolean, nullable=False, default=True)
    absence_reason = Column(String(200))
    confirmed = Column(Boolean, nullable=False, default=False)
    confirmed_via_minute_taker = Column(Boolean, nullable=False, default=False)


class NutritionRow(Audited, Model):
    __tablename__ = "meals_nutrition_row"
    __locked_with__ = "meeting"
    id = Column(Integer, primary_key=True)
    meeting_id = Column(Integer, ForeignKey("meals_meeting.id", ondelete="CASCADE"), nullable=False, index=True)
    meeting = relationship(Meeting, backref="nutrition_rows")
    age_group = Column(String(30))
    nutrient = Column(String(20), nullable=False)
    intake = Column(Numeric(10, 2), nullable=False)
    standard = Column(Numeric(10, 2), nullable=False)


class FeedbackItem(Audited, Model):
    __tablename__ = "meals_feedback_item"
    __locked_with__ = "meeting"
    id = Column(Integer, primary_key=True)
    meeting_id = Column(Integer, ForeignKey("meals_meeting.id", ondelete="CASCADE"), nullable=False, index=True)
    meeting = relationship(Meeting, backref="feedback_items")
    source = Column(String(20), nullable=False)
    text = Column(String(500), nullable=False)
    response = Column(String(500))


class MenuEntry(Audited, Model):
    """带量食谱: a day and meal of the coming weeks, its dishes and quantities."""

    __tablename__ = "meals_menu_entry"
    __locked_with__ = "meeting"
    id = Column(Integer, primary_key=True)
    meeting_id = Column(Integer, ForeignKey("meals_meeting.id", ondelete="CASCADE"), nullable=False, index=True)
    meeting = relationship(Meeting, backref="menu_entries")
    day = Column(Date, nullable=False)
    meal = Column(String(20), nullable=False)
    dishes = Column(String(300), nullable=False)
    quantities = Column(String(300))


_OWNER, _OWNER_STAFF, _DIRECT_STAFF = aliased(Member), aliased(Staff), aliased(Staff)


class ActionItem(Audited, Model):
    """Raised by a meeting, carried into every later meeting of its committee until done. Not
    locked with its meeting: marking it done later is the point (approval snapshots its state)."""

    __tablename__ = "meals_action_item"
    # read from the owner's, the committee's and the meeting's rows, not values of the item
    __audit_exclude__ = frozenset({"owner_name", "committee_name", "meeting_number"})
    __table_args__ = (Index("ix_meals_action_item_committee_state_due", "committee_id", "state", "due_on"),
                      Index("ix_meals_action_item_due", "due_on", "id"),  # the tracker's order (m002)
                      Index("ix_meals_action_item_committee_done", "committee_id", "done_on"))  # section (a)
    id = Column(Integer, primary_key=True)
    meeting_id = Column(Integer, ForeignKey("meals_meeting.id"), nullable=False, index=True)
    meeting = relationship(Meeting, backref="raised_items")
    committee_id = Column(Integer, ForeignKey("meals_committee.id"), nullable=False)
    committee = relationship(Committee)
    raised_on = Column(Date, nullable=False)  # the meeting's date, kept for the tracker's sort and the rules
    description = Column(String(500), nullable=False)
    owner_member_id = Column(Integer, ForeignKey("meals_member.id"), index=True)
    owner_member = relationship(Member)
    owner_staff_id = Column(Integer, ForeignKey("staff.id"), index=True)
    owner_staff = relationship("Staff")
    due_on = Column(Date)
    state = Column(String(10), nullable=False, default="open")
    done_on = Column(Date)
    done_note = Column(String(500))
    done_by_id = Column(Integer, ForeignKey("ab_user.id"))
    # The owner's name is on every list and page an item shows on: read with the item's own row (the
    # membership's staff record or external name, else a staff owner of older rows), so a page of
    # items costs no statement for its owners and builds no member or staff records.
    owner_name = column_property(func.coalesce(
        select(func.coalesce(_OWNER_STAFF.name, _OWNER.name, "")).select_from(_OWNER)
        .outerjoin(_OWNER_STAFF, _OWNER_STAFF.id == _OWNER.staff_id).where(_OWNER.id == owner_member_id)
        .correlate_except(_OWNER, _OWNER_STAFF).scalar_subquery(),
        select(_DIRECT_STAFF.name).where(_DIRECT_STAFF.id == owner_staff_id).correlate_except(_DIRECT_STAFF)
        .scalar_subquery(), ""))
    # The tracker's committee and meeting cells, read with the row (no committee and meeting records
    # built for a page of items).
    committee_name = column_property(select(Committee.name).where(Committee.id == committee_id)
                                     .correlate_except(Committee).scalar_subquery())
    meeting_number = column_property(select(Meeting.number).where(Meeting.id == meeting_id)
                                     .correlate_except(Meeting).scalar_subquery())

    flow = Workflow("state", states=ITEM_STATES, transitions=[
        Transition("complete", "open", "done", label=_l("Mark done"), style="success",
                   permission=[("can_complete", "ActionItemView"), ("can_complete", "ActionItemApi")],
                   writes={"done_by_id": WHO}),
    ])

    @property
    def status(self):
        from .services import item_status

        return item_status(self)

    @property
    def status_label(self):
        from .services import status_labels

        return status_labels()[self.status]


    def __str__(self):
        return self.description


class FeeAccount(Audited, CampusScoped, Model):
    """One account per campus, month and kind: children's and staff's kept apart (师生伙食严格分开)."""

    __tablename__ = "meals_fee_account"
    __table_args__ = (UniqueConstraint("campus_id", "year", "month", "kind", name="uq_meals_fee_account_month"),)
    id = Column(Integer, primary_key=True)
    year = Column(Integer, nullable=False)
    month = Column(Integer, nullable=False)
    kind = Column(String(10), nullable=False, default="children")
    fees_collected = Column(MONEY, nullable=False, default=0)
    absence_refunds = Column(MONEY, nullable=False, default=0)
    other_income = Column(MONEY, nullable=False, default=0)
    staples = Column(MONEY, nullable=False, default=0)
    meat_eggs = Column(MONEY, nullable=False, default=0)
    vegetables = Column(MONEY, nullable=False, default=0)
    oil_seasoning = Column(MONEY, nullable=False, default=0)
    milk_fruit = Column(MONEY, nullable=False, default=0)
    other_food = Column(MONEY, nullable=False, default=0)
    spending_total = Column(MONEY, nullable=False, default=0)
    note = Column(String(500))

    @property
    def income(self):
        return (self.fees_collected or 0) - (self.absence_refunds or 0) + (self.other_income or 0)

    @property
    def spending(self):
        return self.spending_total or 0

    @property
    def balance(self):
        return self.income - self.spending

    @property
    def rate_shown(self):
        from flask_babel import gettext

        from .accounts import month_result
        from .rules import MSG_NO_INCOME

        result = month_result(self)
        if result.rate_pct is None:
            return gettext(MSG_NO_INCOME)
        mark = " ⚠" if result.beyond else ""
        return f"{result.shown_pct} %{mark}"

    @property
    def month_key(self):
        return f"{self.year:04d}-{self.month:02d}"

    def __str__(self):
        return f"{self.campus} {self.month_key}"


class Settlement(Audited, CampusScoped, Model):
    """结退: the term-end refund of a surplus to families or the deficit covered; resets the carried balance."""

    __tablename__ = "meals_settlement"
    __table_args__ = (UniqueConstraint("campus_id", "year", "month", "kind", name="uq_meals_settlement_month"),)
    id = Column(Integer, primary_key=True)
    year = Column(Integer, nullable=False)
    month = Column(Integer, nullable=False)
    kind = Column(String(10), nullable=False, default="children")
    refunded = Column(MONEY, nullable=False, default=0)
    covered = Column(MONEY, nullable=False, default=0)
    note = Column(String(500))


CHOICES = {"role": MEMBER_ROLES, "kind": ACCOUNT_KINDS, "nutrient": NUTRIENTS, "source": FEEDBACK_SOURCES,
           "meal": MEALS, "food": FOOD_KINDS}
# The same choices with lazy labels: drop-downs and list cells in the user's language.
LABELLED = {key: [(code, _l(text)) for code, text in pairs] for key, pairs in CHOICES.items()}

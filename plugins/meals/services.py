"""The meal committee's verbs, each on core's services (workflow, numbering, versions, settings)
and on the pure rules: numbering a meeting, attendance and quorum, the items carried in, action
items raised and done, approval with its snapshot, and who may read external members' phones."""
from __future__ import annotations

from datetime import date
from typing import NamedTuple, Optional

from flask import current_app, g, has_request_context
from sqlalchemy import and_, bindparam, exists, func, literal_column, null, or_, select, union_all
from sqlalchemy.orm import aliased

from app.extensions import db
from app.numbering import next_number
from app.periods import local_today
from app.rules import N_, RuleError
from app.scoping import current_user, user_campus_ids
from app.security import role_names, sees_personal_data
from app.versions import snapshot
from app.workflow import ERR_GONE, StateMoved, transition

from . import committee_rules as cr
from app.models import Staff as Staff_ref

from .models import ActionItem, Attendance, Committee, Meeting, Member, committee_campus

ERR_NOT_CHAIR = N_("Only the chair of this meeting or a Director may approve the minutes")
ERR_NOT_MEMBER = N_("This person is not a member of the meeting's committee")
ERR_OWNER_TWICE = N_("Name the owner once: the member or their staff record, not two people")
ERR_DESCRIPTION = N_("Describe the action item")
ERR_CAMPUS_NOT_SERVED = N_("This committee does not serve your campus")
ERR_NOT_FINANCE = N_("The accounts are entered by the finance member of a committee serving this campus")


def setting(key):
    return current_app.extensions["houqin_settings"].get(key)


def today() -> date:
    """The institution's date, once per request (a list asks it for every row's status)."""
    if not has_request_context():
        return local_today()
    found = g.get("_meals_today")
    if found is None:
        found = g._meals_today = local_today()
    return found


def status_labels() -> dict:
    """The action items' statuses in the user's language, once per request."""
    found = g.get("_meals_status_labels") if has_request_context() else None
    if found is None:
        from flask_babel import gettext

        found = {code: gettext(label) for code, label in cr.ACTION_STATUSES}
        if has_request_context():
            g._meals_status_labels = found
    return found


# -- scoping: a committee serves several campuses ---------------------------------------------

def committee_clause(column):
    """WHERE clause: `column` (a committee id) names a committee serving one of the user's campuses."""
    ids = user_campus_ids()
    if ids is None:
        return None
    return column.in_(select(committee_campus.c.committee_id).where(committee_campus.c.campus_id.in_(ids or [-1])))


def is_editor(user) -> bool:
    return bool(role_names(user) & {"MealCommittee", "Director", "Admin"})


def meeting_access():
    """Committee members see their committees' meetings; readers (Staff) only published ones."""
    user = current_user()
    clause = committee_clause(Meeting.committee_id)
    if user is not None and not is_editor(user) and not role_names(user) & {"Auditor"}:
        published = Meeting.status == "published"
        clause = published if clause is None else and_(clause, published)
    return clause


def committee_access():
    return committee_clause(Committee.id)


def member_access():
    return committee_clause(Member.committee_id)


def item_access():
    return committee_clause(ActionItem.committee_id)


def secretary_committees(user) -> set[int]:
    """Committees whose secretary this login is (a membership of its staff record), once per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    cached = g.get("_meals_secretary") if has_request_context() else None
    if cached is not None and cached[0] == user.id:
        return cached[1]
    found = set(db.session.execute(select(Member.committee_id).join(Staff_ref, Staff_ref.id == Member.staff_id).where(
        Member.secretary.is_(True), Staff_ref.user_id == user.id)).scalars())
    if has_request_context():
        g._meals_secretary = (user.id, found)
    return found


def sees_phones(committee_id, user=None) -> bool:
    """External members' phones: Director, Admin and the committee's own secretary only."""
    user = user if user is not None else current_user()
    return sees_personal_data(user) or committee_id in secretary_committees(user)


# -- meetings ---------------------------------------------------------------------------------

def number_meeting(session, meeting) -> None:
    """2026年第11次: per committee and year, without gaps (taken in the saving transaction)."""
    meeting.number = next_number("meals.meeting", scope=meeting.committee_id, period=meeting.held_on,
                                 session=session).text


# The minutes' statements are built once (bound parameters), so a page does not rebuild and re-key
# them: with forty carried items the building was a fifth of the page's time.
_MEMBER_COLUMNS = (Member.id, Member.committee_id, Member.staff_id, Member.role, Member.term_from, Member.term_to,
                   func.coalesce(Staff_ref.name, Member.name, "").label("display_name"))
_ATTENDANCE_COLUMNS = (Attendance.id.label("attendance_id"), Attendance.member_id.label("attendance_member"),
                       Attendance.guest_name, Attendance.present, Attendance.absence_reason, Attendance.confirmed,
                       Attendance.confirmed_via_minute_taker)
# Each membership of the committee with its attendance row at the meeting (if any), then the guests'
# rows (no membership): the members and the attendance in one statement.
MEMBERS_AND_ATTENDANCE = union_all(
    select(*_MEMBER_COLUMNS, *_ATTENDANCE_COLUMNS).outerjoin(Staff_ref, Staff_ref.id == Member.staff_id)
    .outerjoin(Attendance, and_(Attendance.member_id == Member.id, Attendance.meeting_id == bindparam("meeting")))
    .where(Member.committee_id == bindparam("committee")),
    select(*(null() for _ in _MEMBER_COLUMNS), *_ATTENDANCE_COLUMNS)
    .where(Attendance.meeting_id == bindparam("meeting"), Attendance.member_id.is_(None)))


class AttendanceRow(NamedTuple):
    id: int
    member_id: Optional[int]
    guest_name: Optional[str]
    present: bool
    absence_reason: Optional[str]
    confirmed: bool
    confirmed_via_minute_taker: bool


def members_and_attendance(session, meeting) -> tuple[list, list]:
    """The committee's members current on the meeting's date, as rows (id, staff_id, role, term,
    display_name): what the minutes show of them and count for the quorum, read without building
    records; and the meeting's attendance rows (members' and guests'), in the order taken."""
    members, attendance = [], []
    for r in session.execute(MEMBERS_AND_ATTENDANCE, {"committee": meeting.committee_id, "meeting": meeting.id}):
        if r.id is not None and cr.is_current(r, meeting.held_on):
            members.append(r)
        if r.attendance_id is not None:
            attendance.append(AttendanceRow(r.attendance_id, r.attendance_member, r.guest_name, r.present,
                                            r.absence_reason, r.confirmed, r.confirmed_via_minute_taker))
    members.sort(key=lambda m: m.id)
    attendance.sort(key=lambda a: a.id)
    return members, attendance


def person_quorum(members, present_member_ids, on: date) -> cr.Quorum:
    """The quorum counted by person: someone holding two memberships (chair and finance) counts once,
    present when present under either."""
    def person(m):
        return ("staff", m.staff_id) if m.staff_id is not None else ("member", m.id)
    present_ids = set(present_member_ids)
    people = {}
    for m in members:
        if cr.is_current(m, on):
            p = people.setdefault(person(m), {"id": person(m), "term_from": None, "term_to": None})
            p["present"] = p.get("present", False) or m.id in present_ids
    return cr.quorum(people.values(), [k for k, p in people.items() if p["present"]], on, setting("meals_quorum_rule"))


def meeting_quorum(meeting, session=None) -> cr.Quorum:
    session = session or db.session
    members = session.execute(select(Member.id, Member.staff_id, Member.term_from, Member.term_to).where(
        Member.committee_id == meeting.committee_id)).all()
    present = session.execute(select(Attendance.member_id).where(
        Attendance.meeting_id == meeting.id, Attendance.present.is_(True), Attendance.member_id.is_not(None))).scalars()
    return person_quorum(members, list(present), meeting.held_on)


def record_attendance(session, meeting, member_id: int, present: bool, reason: Optional[str]) -> Attendance:
    member = session.get(Member, member_id)
    if member is None or member.committee_id != meeting.committee_id:
        raise RuleError(ERR_NOT_MEMBER, field="member_id")
    reason = cr.check_attendance(member, meeting.held_on, present, reason)
    row = session.execute(select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                   Attendance.member_id == member_id)).scalar_one_or_none()
    if row is None:
        row = Attendance(meeting_id=meeting.id, member_id=member_id)
        session.add(row)
    row.present, row.absence_reason = present, reason
    return row


_OWNER, _PERSON, _DIRECT = aliased(Member), aliased(Staff_ref), aliased(Staff_ref)
# Action items as rows for the minutes and prints, with the owner's name (the member's staff record,
# the external member's name, or a staff owner of older rows) joined in.
ITEM_ROWS = (select(ActionItem.id, ActionItem.description, ActionItem.due_on, ActionItem.done_on,
                    ActionItem.done_note, ActionItem.state, ActionItem.raised_on,
                    func.coalesce(_PERSON.name, _OWNER.name, _DIRECT.name, "").label("owner_name"))
             .outerjoin(_OWNER, _OWNER.id == ActionItem.owner_member_id)
             .outerjoin(_PERSON, _PERSON.id == _OWNER.staff_id)
             .outerjoin(_DIRECT, _DIRECT.id == ActionItem.owner_staff_id))
# Section (a) and (g) in one statement: the committee's items raised at earlier meetings, open or done
# since the previous meeting (`here` 0), and the items this meeting raised (`here` 1).
MEETING_ITEMS = union_all(
    ITEM_ROWS.add_columns(Meeting.number.label("raised_at"), literal_column("0").label("here"))
    .join(Meeting, Meeting.id == ActionItem.meeting_id)
    .where(ActionItem.committee_id == bindparam("committee"), ActionItem.meeting_id != bindparam("meeting"),
           ActionItem.raised_on <= bindparam("held"),
           or_(ActionItem.done_on.is_(None), ActionItem.done_on >= bindparam("since"))),
    ITEM_ROWS.add_columns(null().label("raised_at"), literal_column("1").label("here"))
    .where(ActionItem.meeting_id == bindparam("meeting")))
PREVIOUS = (select(Meeting.number, Meeting.decisions, Meeting.quorum_met, Meeting.held_on)
            .where(Meeting.committee_id == bindparam("committee"), Meeting.held_on < bindparam("held"))
            .order_by(Meeting.held_on.desc()).limit(1))
_NO_PREVIOUS = object()


def previous_meeting(session, meeting):
    """The committee's meeting before this one (number, decisions, quorum_met, held_on), or None."""
    return session.execute(PREVIOUS, {"committee": meeting.committee_id, "held": meeting.held_on}).first()


def meeting_items(session, meeting, previous=_NO_PREVIOUS) -> tuple[list, list]:
    """Section (a): the committee's items raised at earlier meetings, open or done since the previous
    meeting (the minutes report how they were handled), each with `raised_at`, the number of the
    meeting that raised it, undated ones last; and section (g): the items this meeting raised, as
    rows with their owner's name. One query, whatever their number. The previous meeting's date is
    bound as a value (PostgreSQL then plans for the few rows it gives, not a third of the committee's)."""
    if previous is _NO_PREVIOUS:
        previous = previous_meeting(session, meeting)
    since = previous.held_on if previous is not None else meeting.held_on
    carried, raised = [], []
    for row in session.execute(MEETING_ITEMS, {"committee": meeting.committee_id, "meeting": meeting.id,
                                               "held": meeting.held_on, "since": since}):
        (raised if row.here else carried).append(row)
    carried.sort(key=lambda i: (i.due_on is None, i.due_on or date.min, i.id))
    raised.sort(key=lambda i: i.id)
    return carried, raised


def unconfirmed_decisions(previous):
    """The previous meeting (a previous_meeting row) when it was held without quorum: its decisions
    are listed for confirmation at this one."""
    return previous if previous is not None and previous.quorum_met is False else None


def item_status(item, on: Optional[date] = None) -> str:
    return cr.action_status(item.due_on, item.done_on, on or today())


def owner_of(session, meeting, owner_member_id=None, owner_staff_id=None, field="owner_member_id",
             staff_field="owner_staff"):
    """The membership owning a new action item: the member chosen, or the current membership of the
    staff member named (the API may name the person by their staff record); refused on its field
    unless it is a member of the meeting's committee current on the meeting date."""
    if owner_member_id is not None:
        member = session.get(Member, owner_member_id)
        cr.check_owner(member, meeting.committee_id, meeting.held_on, field=field)
        if owner_staff_id is not None and member.staff_id != owner_staff_id:
            raise RuleError(ERR_OWNER_TWICE, field=staff_field)
        return member
    if owner_staff_id is not None:
        rows = session.execute(select(Member).where(Member.committee_id == meeting.committee_id,
                                                    Member.staff_id == owner_staff_id).order_by(Member.id)).scalars()
        member = next((m for m in rows if cr.is_current(m, meeting.held_on)), None)
        cr.check_owner(member if member is not None else {"committee_id": None}, meeting.committee_id,
                       meeting.held_on, field=staff_field)
        return member
    cr.check_owner(None, meeting.committee_id, meeting.held_on, field=field)


def check_new_item(session, meeting, description, owner_member_id=None, owner_staff_id=None, due_on=None,
                   owner_field="owner_member_id"):
    """A new action item of (g), every broken rule at once (RuleErrors): the description, the owner
    (a current member of the committee), the due date (not before the meeting), and minutes still
    being written. Returns the trimmed description and the owner's membership."""
    from app.locks import refuse_if_locked

    refuse_if_locked(meeting)  # new items belong to minutes still being written (a 409, alone)
    errors, owner = [], None
    description = " ".join((description or "").split())
    if not description:
        errors.append(RuleError(ERR_DESCRIPTION, field="description"))
    elif len(description) > cr.NOTE_MAX:
        errors.append(RuleError(cr.ERR_TEXT_LENGTH, field="description", max=cr.NOTE_MAX))
    try:
        owner = owner_of(session, meeting, owner_member_id, owner_staff_id, field=owner_field)
    except RuleError as err:
        errors.append(err)
    try:
        cr.check_due_date(due_on, meeting.held_on)
    except RuleError as err:
        errors.append(err)
    if errors:
        raise cr.RuleErrors(errors)
    return description, owner


def check_item_edit(description, due_on, raised_on) -> str:
    """An open item corrected on the tracker or the API: its description and due date (every
    broken rule at once); returns the description trimmed."""
    errors = []
    description = " ".join((description or "").split())
    if not description:
        errors.append(RuleError(ERR_DESCRIPTION, field="description"))
    elif len(description) > cr.NOTE_MAX:
        errors.append(RuleError(cr.ERR_TEXT_LENGTH, field="description", max=cr.NOTE_MAX))
    try:
        cr.check_due_date(due_on, raised_on)
    except RuleError as err:
        errors.append(err)
    if errors:
        raise cr.RuleErrors(errors)
    return description


def add_action_item(session, meeting, description: str, owner_member_id=None, owner_staff_id=None,
                    due_on: Optional[date] = None) -> ActionItem:
    description, owner = check_new_item(session, meeting, description, owner_member_id, owner_staff_id, due_on)
    item = ActionItem(meeting_id=meeting.id, committee_id=meeting.committee_id, raised_on=meeting.held_on,
                      description=description, owner_member_id=owner.id, due_on=due_on)
    session.add(item)
    return item


def complete_item(session, pk: int, done_on: Optional[date], note: Optional[str], user=None):
    """Once only: a conditional UPDATE (app.workflow) checked by row count."""
    item = session.get(ActionItem, pk)
    if item is None:
        raise StateMoved(ERR_GONE)
    note = cr.check_done(done_on, note, item.raised_on, today())
    kwargs = {} if user is None else {"user": user}
    return transition(session, ActionItem, pk, "complete", values={"done_on": done_on, "done_note": note}, **kwargs)


def may_approve(meeting, ctx) -> None:
    """The approve transition's guard: the chair (a membership linked to the login) or a Director."""
    user = ctx.user
    if user is None or role_names(user) & {"Director", "Admin"}:
        return
    chair = meeting.chair
    if chair is not None and chair.staff is not None and chair.staff.user_id == user.id:
        return
    raise RuleError(ERR_NOT_CHAIR, field="message")


def item_snapshot(session, meeting) -> list[dict]:
    on = today()
    carried, raised = meeting_items(session, meeting)
    items = carried + raised
    return [{"item": i.description, "owner": i.owner_name, "due": i.due_on.isoformat() if i.due_on else "",
             "status": item_status(i, on), "done": i.done_on.isoformat() if i.done_on else ""} for i in items]


def run_transition(session, pk: int, name: str, reason=None, external=None, user=None):
    """A meeting's transition; approving keeps the action items' status as it stood."""
    kwargs = {} if user is None else {"user": user}
    outcome = transition(session, Meeting, pk, name, reason=reason, external=external, **kwargs)
    if name == "approve":
        meeting = session.get(Meeting, pk)
        session.refresh(meeting)
        snapshot(session, meeting, "approved", None, extra={"Action items": item_snapshot(session, meeting)})
    return outcome


def campus_served(session, committee_id, campus_id) -> bool:
    return bool(session.execute(select(exists().where(committee_campus.c.committee_id == committee_id,
                                                      committee_campus.c.campus_id == campus_id))).scalar())


def may_enter_accounts(user, campus_id, on: Optional[date] = None) -> bool:
    """The month's accounts are the finance member's (a current membership with the role "finance"
    in a committee serving the campus); a Director or Admin may always."""
    if user is None or role_names(user) & {"Director", "Admin"}:
        return True
    on = on or today()
    rows = db.session.execute(select(Member.term_from, Member.term_to).join(
        Staff_ref, Staff_ref.id == Member.staff_id).join(
        committee_campus, committee_campus.c.committee_id == Member.committee_id).where(
        Member.role == "finance", Staff_ref.user_id == user.id, committee_campus.c.campus_id == campus_id)).all()
    return any(cr.is_current(r._mapping, on) for r in rows)


def check_finance(user, campus_id) -> None:
    if campus_id is not None and not may_enter_accounts(user, campus_id):
        raise RuleError(ERR_NOT_FINANCE, field="campus")

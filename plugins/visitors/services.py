"""The gate's state changes, each a named verb with its guards.

Views and the API gather input and call these; none of them assigns a status.
Changes that must happen once (sign-out, the host's answer, conversion, cancellation,
override decisions and admission) are the transitions declared in models.py, run by
app.workflow.transition: a conditional UPDATE checked by rowcount (DESIGN.md: pysqlite
starts transactions late, so read-then-write is not atomic) with one audit entry naming
the record. The caller commits, or rolls back on an error: nothing is half-saved.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import literal_column, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.workflow import StateMoved, transition

from app.i18n import local_now
from app.models import Staff, utcnow
from app.privacy import mask_phone

from . import rules
from .intake import Intake, hashes, phone_last4
from .known import (  # noqa: F401  (the desk, the API and tests use them from here)
    CHANGE_STORED, ERR_FULL_NUMBER, ERR_ON_SITE, ERR_ON_SITE_NO_BADGE, ERR_ON_SITE_NOW, ERR_STORED_NAME,
    ERR_STORED_PHONE, KEEP_STORED, WARN_PHONE_ON_SITE, SignInRefused, check_stored_details, find_on_site,
    find_visitor, known_visitor, on_site_error, open_visit, secret, shared_phone_on_site)
from .models import (APPROVED, BY_PHONE, CONFIRMED, CONVERTED, EXPECTED, IN_APP, IN_PERSON, ON_SITE, PENDING,
                     TURNED_AWAY, USED, WAITING, Appointment, BlocklistEntry, DutyLog, OverrideRequest, PatrolRound,
                     Purpose, Visit, Visitor)
from .rules import N_, RuleError

ERR_UNKNOWN_PURPOSE = N_("Choose a purpose from the list")
ERR_UNKNOWN_HOST = N_("Choose a host from this campus's staff")
ERR_BADGE_IN_USE = N_("Badge %(badge)s is already given to a visitor on site")
ERR_NO_APPOINTMENT = N_("No expected appointment with this reference at this campus")
ERR_APPOINTMENT_USED = N_("This appointment has already been converted to a visit")
ERR_APPOINTMENT_CLOSED = N_("This appointment is no longer expected")
ERR_NAME_MATCH = N_("This name is on the blocklist: check the visitor's ID document, then tick the box to continue")
ERR_ALREADY_LEFT = N_("This visit has already been signed out")
ERR_NO_BADGE_ON_SITE = N_("No visitor on site has badge %(badge)s")
ERR_ANSWERED = N_("This visit has already been answered")
ERR_OVERRIDE_REASON = N_("Give a reason")
ERR_OVERRIDE_DECIDED = N_("This override request has already been decided")
ERR_OVERRIDE_NOT_APPROVED = N_("This override is not approved, or was already used")
ERR_OVERRIDE_WAITING = N_("An override request for this visitor is already waiting")
ERR_NOT_REFUSED = N_("Only a visit refused by the blocklist can be overridden")
ERR_NO_PATROL_NOTE = N_("Write what you found (or \"normal\")")
ERR_CHOOSE_CAMPUS = N_("Choose the campus")
ERR_BLOCKED = N_("Entry refused: this visitor is on the blocklist.")
ERR_TIME_FUTURE = N_("The time out cannot be in the future")


def _by_id(pk) -> object:
    # A literal, not a bound parameter: the audit log's text of a bulk UPDATE then names the row.
    return literal_column(str(int(pk)))


# --- sign-in ------------------------------------------------------------------------------

def last_visit(session, visitor: Visitor, campus_id: Optional[int] = None) -> Optional[Visit]:
    """The person's latest visit (at `campus_id` when given: a desk sees its own campus's visits)."""
    query = select(Visit).where(Visit.visitor_id == visitor.id)
    if campus_id is not None:
        query = query.where(Visit.campus_id == campus_id)
    return session.execute(query.order_by(Visit.time_in.desc()).limit(1)).scalar_one_or_none()


def blocklist_verdict(session, campus_id: int, id_hash, phone_hash, name: str, today=None) -> rules.Verdict:
    matches = [BlocklistEntry.name == name]
    if id_hash:
        matches.append(BlocklistEntry.id_hash == id_hash)
    if phone_hash:
        matches.append(BlocklistEntry.phone_hash == phone_hash)
    entries = session.execute(select(BlocklistEntry).where(
        or_(BlocklistEntry.campus_id.is_(None), BlocklistEntry.campus_id == campus_id), or_(*matches))
    ).scalars().all()
    return rules.blocklist_verdict(entries, id_hash, phone_hash, name, today or local_now().date())


def _resolve_visitor(session, data: Intake, now: datetime) -> Visitor:
    visitor = known_visitor(session, data)
    if visitor is not None:
        on_site = open_visit(session, data.campus_id, visitor.id)
        if on_site is not None:
            raise SignInRefused({"id_number": on_site_error(on_site)}, on_site=on_site)
        check_stored_details(visitor, data)
    else:
        visitor = Visitor(campus_id=data.campus_id)
        session.add(visitor)
    if data.id_number:
        visitor.doc_type, visitor.id_number = data.doc_type, data.id_number
    if data.phone:
        visitor.phone, visitor.phone_last4 = data.phone, phone_last4(data.phone)
    visitor.name = data.name
    visitor.organisation = data.organisation or visitor.organisation
    visitor.last_visit_at = now  # set before the blocklist query autoflushes: one INSERT, no UPDATE
    visitor.id_hash, visitor.phone_hash = hashes(secret(), visitor.id_number, visitor.phone)
    return visitor


def _check_references(session, data: Intake) -> Optional[Appointment]:
    errors: dict[str, RuleError] = {}
    if session.get(Purpose, data.purpose_id) is None:
        errors["purpose_id"] = RuleError(ERR_UNKNOWN_PURPOSE)
    if data.host_id is not None:
        host = session.get(Staff, data.host_id)
        if host is None or host.campus_id != data.campus_id or not host.active:
            errors["host_id"] = RuleError(ERR_UNKNOWN_HOST)
    if data.badge and session.execute(select(Visit.id).where(
            Visit.campus_id == data.campus_id, Visit.badge == data.badge, Visit.status == ON_SITE)).first():
        errors["badge"] = RuleError(ERR_BADGE_IN_USE, badge=data.badge)
    appointment = None
    if data.appointment_id or data.appointment_code:
        where = (Appointment.id == data.appointment_id) if data.appointment_id else \
            (Appointment.reference_code == data.appointment_code)
        appointment = session.execute(select(Appointment).where(
            where, Appointment.campus_id == data.campus_id)).scalar_one_or_none()
        if appointment is None:
            errors["appointment"] = RuleError(ERR_NO_APPOINTMENT)
    if errors:
        raise SignInRefused(errors)
    return appointment


def sign_in(session, data: Intake, user, *, can_override: bool = False, now: Optional[datetime] = None) -> Visit:
    """Register a visitor at the gate. Returns the visit: on site, or turned away by the
    blocklist (recorded, audited). Raises SignInRefused on anything to correct."""
    now = now or utcnow()
    appointment = _check_references(session, data)
    if appointment is not None and data.phone_masked and appointment.visitor_phone \
            and mask_phone(appointment.visitor_phone) == data.phone_masked:
        data.phone = appointment.visitor_phone  # the desk showed the host's entry masked
    try:
        return _admit(session, data, user, appointment, can_override, now)
    except IntegrityError as exc:
        # Two desks at the same moment: the database's unique indexes refuse the second.
        if "badge" in str(exc.orig):
            raise SignInRefused({"badge": RuleError(ERR_BADGE_IN_USE, badge=data.badge)}) from None
        raise SignInRefused({"id_number": RuleError(ERR_ON_SITE_NOW)}, race=True) from None


def _admit(session, data: Intake, user, appointment, can_override: bool, now: datetime) -> Visit:
    visitor = _resolve_visitor(session, data, now)
    verdict = blocklist_verdict(session, data.campus_id, visitor.id_hash, visitor.phone_hash, data.name)
    override = None
    if verdict.blocked:
        if not (can_override and data.override_reason):
            return turn_away(session, visitor, data, user, verdict.entry, now)
        # A Director at the desk admits directly; the decision is recorded like a request.
        override = OverrideRequest(campus_id=data.campus_id, blocklist_entry=verdict.entry, requested_by=user,
                                   requested_at=now, status=USED, decided_by=user, decided_at=now,
                                   decision_reason=data.override_reason)
        session.add(override)
    elif verdict.level == rules.WARN and not data.confirm_name_match:
        raise SignInRefused({"name": RuleError(ERR_NAME_MATCH)}, name_match=verdict.entry)
    if appointment is not None:
        convert_appointment(session, appointment.id, now)
    visit = _new_visit(session, visitor, data, user, now, status=ON_SITE, entry=verdict.entry,
                       appointment=appointment)
    visit.name_match_checked = verdict.level == rules.WARN
    if override is not None:
        override.admitted_visit = visit
    session.flush()
    return visit


def _new_visit(session, visitor, data: Intake, user, now, *, status, entry=None, appointment=None) -> Visit:
    visit = Visit(visitor=visitor, visitor_name=visitor.name, campus_id=data.campus_id, purpose_id=data.purpose_id,
                  host_id=data.host_id, reason=data.reason, party_size=data.party_size, plate=data.plate,
                  badge=data.badge if status == ON_SITE else None, time_in=now, status=status,
                  gatekeeper_id=getattr(user, "id", None), blocklist_entry=entry, note=data.note,
                  appointment_id=appointment.id if appointment is not None else None)
    if appointment is not None:
        # The host pre-registered the visitor in the app: that is the confirmation.
        visit.host_id = appointment.host_id
        visit.host_response, visit.host_confirmation = CONFIRMED, IN_APP
        visit.host_confirmed_by_id, visit.host_confirmed_at = appointment.created_by_id, appointment.created_at
    elif data.host_id is not None and data.host_confirmation in (BY_PHONE, IN_PERSON):
        visit.host_response, visit.host_confirmation = CONFIRMED, data.host_confirmation
        visit.host_confirmed_by_id, visit.host_confirmed_at = getattr(user, "id", None), now
    elif data.host_id is not None:
        visit.host_response = PENDING
    visitor.last_visit_at = now
    session.add(visit)
    return visit


def turn_away(session, visitor, data: Intake, user, entry, now) -> Visit:
    """Refused at the gate (blocklist): recorded as a visit that never entered."""
    visit = _new_visit(session, visitor, data, user, now, status=TURNED_AWAY, entry=entry)
    visit.time_out = now
    session.flush()
    return visit


# --- sign-out and the host's answer -----------------------------------------------------

def sign_out(session, visit_id: int, *, at: Optional[datetime] = None) -> None:
    """Once only, whichever desk is first: UPDATE ... WHERE status = 'on_site'."""
    now = utcnow()
    at = at or now
    if at > now:
        raise RuleError(ERR_TIME_FUTURE, field="time_out")
    time_in = session.execute(select(Visit.time_in).where(Visit.id == visit_id)).scalar_one()
    try:
        rules.check_time_out(time_in, at)
    except RuleError as err:
        raise err.on("time_out")
    try:
        transition(session, Visit, visit_id, "sign_out", values={"time_out": at}, now=now)
    except StateMoved:
        raise StateMoved(ERR_ALREADY_LEFT) from None


def sign_out_by_badge(session, campus_id: int, badge: str, *, at: Optional[datetime] = None) -> Visit:
    try:
        badge = rules.normalize_badge(badge)
    except RuleError as err:
        raise err.on("badge")
    visit = session.execute(select(Visit).where(Visit.campus_id == campus_id, Visit.badge == badge,
                                                Visit.status == ON_SITE)).scalar_one_or_none()
    if visit is None:
        raise RuleError(ERR_NO_BADGE_ON_SITE, field="badge", badge=badge)
    sign_out(session, visit.id, at=at)
    return visit


def host_respond(session, visit_id: int, user, confirm: bool) -> None:
    """The host confirms or declines a visitor waiting at the gate; declined = turned away."""
    try:
        transition(session, Visit, visit_id, "host_confirm" if confirm else "host_decline", user=user)
    except StateMoved:
        raise StateMoved(ERR_ANSWERED) from None


# --- appointments ---------------------------------------------------------------------------

def new_reference_code(session, rng=None) -> str:
    for _ in range(20):
        code = rules.make_reference_code(rng)
        if not session.execute(select(Appointment.id).where(Appointment.reference_code == code)).first():
            return code
    raise RuntimeError("no free reference code after 20 tries")


def open_appointment(session, appointment: Appointment, user) -> Appointment:
    """A host pre-registers a visitor: expected, at the host's campus, with a reference code."""
    appointment.campus_id = appointment.host.campus_id
    appointment.created_by_id = user.id
    appointment.created_at = utcnow()
    appointment.reference_code = new_reference_code(session)
    appointment.status = EXPECTED
    return appointment


def convert_appointment(session, appointment_id: int, now: Optional[datetime] = None) -> None:
    """Expected -> converted, once (the visit is created by sign_in in the same transaction)."""
    try:
        transition(session, Appointment, appointment_id, "convert", now=now)
    except StateMoved:
        status = session.execute(select(Appointment.status).where(Appointment.id == appointment_id)).scalar()
        raise SignInRefused({"appointment": RuleError(
            ERR_APPOINTMENT_USED if status == CONVERTED else ERR_APPOINTMENT_CLOSED)}) from None


def cancel_appointment(session, appointment_id: int) -> None:
    try:
        transition(session, Appointment, appointment_id, "cancel")
    except StateMoved:
        raise StateMoved(ERR_APPOINTMENT_CLOSED) from None


# --- blocklist overrides ------------------------------------------------------------------------

def request_override(session, visit: Visit, user, note: Optional[str]) -> OverrideRequest:
    """The gate asks a Director to admit a visitor the blocklist refused."""
    if visit.status != TURNED_AWAY or visit.blocklist_entry_id is None:
        raise RuleError(ERR_NOT_REFUSED)
    if session.execute(select(OverrideRequest.id).where(OverrideRequest.refused_visit_id == visit.id,
                                                        OverrideRequest.status.in_((WAITING, APPROVED)))).first():
        raise RuleError(ERR_OVERRIDE_WAITING)
    req = OverrideRequest(campus_id=visit.campus_id, refused_visit=visit, blocklist_entry_id=visit.blocklist_entry_id,
                          requested_by_id=user.id, requested_at=utcnow(), request_note=note, status=WAITING)
    session.add(req)
    session.flush()
    return req


def decide_override(session, request_id: int, director, approve: bool, reason: Optional[str]) -> None:
    if not (reason or "").strip():
        raise RuleError(ERR_OVERRIDE_REASON)
    try:
        transition(session, OverrideRequest, request_id, "approve" if approve else "decline", user=director,
                   reason=reason)
    except StateMoved:
        raise StateMoved(ERR_OVERRIDE_DECIDED) from None


def admit_override(session, request_id: int, user) -> Visit:
    """An approved override admits the refused visitor once, as a new visit."""
    now = utcnow()
    try:
        transition(session, OverrideRequest, request_id, "admit", user=user, now=now)
    except StateMoved:
        raise StateMoved(ERR_OVERRIDE_NOT_APPROVED) from None
    req = session.get(OverrideRequest, request_id)
    old = req.refused_visit
    on_site = open_visit(session, old.campus_id, old.visitor_id)
    if on_site is not None:  # signed in some other way meanwhile
        raise on_site_error(on_site)
    visit = Visit(visitor_id=old.visitor_id, visitor_name=old.visitor_name, campus_id=old.campus_id,
                  purpose_id=old.purpose_id, host_id=old.host_id, reason=old.reason, party_size=old.party_size,
                  plate=old.plate, time_in=now, status=ON_SITE, gatekeeper_id=user.id,
                  blocklist_entry_id=old.blocklist_entry_id, note=old.note,
                  host_response=PENDING if old.host_id else None)
    session.add(visit)
    session.flush()
    req.admitted_visit = visit
    session.execute(update(Visitor).where(Visitor.id == _by_id(old.visitor_id)).values(last_visit_at=now)
                    .execution_options(synchronize_session=False))
    return visit


# --- patrols -----------------------------------------------------------------------------------

def record_patrol(session, campus_id: int, user, findings: Optional[str], at: Optional[datetime] = None) -> PatrolRound:
    """A round goes into the gatekeeper's duty log for today (opened if needed)."""
    findings = (findings or "").strip()
    if not findings:
        raise RuleError(ERR_NO_PATROL_NOTE)
    at = at or utcnow()
    day = local_now().date()
    log = session.execute(select(DutyLog).where(DutyLog.campus_id == campus_id, DutyLog.day == day,
                                                DutyLog.gatekeeper_id == user.id)
                          .order_by(DutyLog.id.desc()).limit(1)).scalar_one_or_none()
    if log is None:
        hour = local_now().hour
        log = DutyLog(campus_id=campus_id, day=day, shift="day" if 7 <= hour < 19 else "night",
                      gatekeeper_id=user.id)
        session.add(log)
    patrol = PatrolRound(duty_log=log, at=at, findings=findings[:500])
    session.add(patrol)
    session.flush()
    return patrol

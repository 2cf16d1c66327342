"""Who is at the gate: the person behind a document number (one visitor record per person for
the institution), their visit still open at this campus, and what the desk typed against what is
stored. Shared by services.sign_in, the desk and the API; re-exported by services."""
from __future__ import annotations

from typing import Optional

from flask import current_app
from sqlalchemy import select

from app.i18n import to_local
from app.privacy import mask_id, mask_phone

from .intake import Intake, hashes
from .models import ON_SITE, BlocklistEntry, Visit, Visitor
from .rules import N_, RuleError

ERR_FULL_NUMBER = N_("Type the full document number")
ERR_ON_SITE = N_("%(name)s is already on site: signed in at %(time)s with badge %(badge)s (visit #%(visit)s). "
                 "Sign that visit out first.")
ERR_ON_SITE_NO_BADGE = N_("%(name)s is already on site: signed in at %(time)s without a badge (visit #%(visit)s). "
                          "Sign that visit out first.")
ERR_ON_SITE_NOW = N_("This person has just been signed in at this campus from another desk")
ERR_STORED_NAME = N_("This document number is registered as %(name)s: keep the stored details or confirm the change")
ERR_STORED_PHONE = N_("This document number is registered with phone %(phone)s: keep the stored details or "
                      "confirm the change")
WARN_PHONE_ON_SITE = N_("Note: %(name)s, on site (visit #%(visit)s), gave the same phone number.")
KEEP_STORED, CHANGE_STORED = "keep", "change"


class SignInRefused(Exception):
    """Field errors that stop a sign-in; nothing is written. `name_match` asks for the ID check box."""

    def __init__(self, errors: dict[str, RuleError], name_match: Optional[BlocklistEntry] = None, *,
                 on_site: Optional["Visit"] = None, stored: Optional["Visitor"] = None, race: bool = False):
        super().__init__(errors)
        self.errors = errors
        self.name_match = name_match
        self.on_site = on_site  # the open visit of the same person at this campus (offer to sign it out)
        self.stored = stored  # the known visitor whose stored name or phone differs from what was typed
        self.race = race  # another desk signed the same person in at the same moment


def secret() -> str:
    return current_app.config["SECRET_KEY"]


def find_visitor(session, campus_id: Optional[int] = None, id_number: Optional[str] = None,
                 phone: Optional[str] = None, doc_type: Optional[str] = None) -> Optional[Visitor]:
    """Returning visitor, by keyed hash of the full number (ID first, then phone). One record per
    person for the institution: found whichever campus they first came to (campus_id is kept
    for the callers; it no longer narrows the search)."""
    id_hash, phone_hash = hashes(secret(), id_number, phone)
    for column, value in ((Visitor.id_hash, id_hash), (Visitor.phone_hash, phone_hash)):
        if value:
            found = session.execute(
                select(Visitor).where(column == value)
                .order_by(Visitor.last_visit_at.desc().nulls_last(), Visitor.id.desc()).limit(1)
            ).scalar_one_or_none()
            if found is not None:
                return found
    return None


def open_visit(session, campus_id: int, visitor_id: int) -> Optional[Visit]:
    """The person's visit still open at this campus (at most one: uq_visit_visitor_on_site)."""
    return session.execute(select(Visit).where(Visit.campus_id == campus_id, Visit.visitor_id == visitor_id,
                                               Visit.status == ON_SITE).limit(1)).scalar_one_or_none()


def on_site_error(visit: Visit) -> RuleError:
    time = to_local(visit.time_in).strftime("%H:%M")
    if visit.badge:
        return RuleError(ERR_ON_SITE, field="id_number", name=visit.visitor_name, time=time, badge=visit.badge,
                         visit=visit.id)
    return RuleError(ERR_ON_SITE_NO_BADGE, field="id_number", name=visit.visitor_name, time=time, visit=visit.id)


def find_on_site(session, data: Intake) -> Optional[Visit]:
    """After a refused sign-in (another desk was first): the open visit of the person typed."""
    visitor = known_visitor(session, data, required=False)
    return open_visit(session, data.campus_id, visitor.id) if visitor is not None else None


def shared_phone_on_site(session, visit: Visit) -> list[Visit]:
    """Others on site at the campus who gave the same phone (families share phones): a warning only."""
    phone_hash = visit.visitor.phone_hash
    if not phone_hash:
        return []
    return session.execute(select(Visit).join(Visitor, Visit.visitor_id == Visitor.id).where(
        Visit.campus_id == visit.campus_id, Visit.status == ON_SITE, Visitor.phone_hash == phone_hash,
        Visit.visitor_id != visit.visitor_id).order_by(Visit.time_in)).scalars().all()


def known_visitor(session, data: Intake, required: bool = True) -> Optional[Visitor]:
    visitor = None
    if data.id_number:
        visitor = find_visitor(session, id_number=data.id_number)
    elif data.phone:
        visitor = find_visitor(session, phone=data.phone)
        if visitor is not None and mask_id(visitor.id_number) != data.id_masked:
            visitor = None
    if visitor is None and not data.id_number and required:
        raise SignInRefused({"id_number": RuleError(ERR_FULL_NUMBER)})
    return visitor


def check_stored_details(visitor: Visitor, data: Intake) -> None:
    """A known number with another name or phone typed: never rewritten silently. The desk shows
    the stored details; the gatekeeper keeps them, or confirms the change (audited with the visitor)."""
    errors = {}
    if data.name != visitor.name:
        errors["name"] = RuleError(ERR_STORED_NAME, name=visitor.name)
    if data.phone and visitor.phone and data.phone != visitor.phone:
        errors["phone"] = RuleError(ERR_STORED_PHONE, phone=mask_phone(visitor.phone))
    if not errors or data.stored_details == CHANGE_STORED:
        return
    if data.stored_details == KEEP_STORED:
        data.name, data.phone = visitor.name, None
        return
    raise SignInRefused(errors, stored=visitor)

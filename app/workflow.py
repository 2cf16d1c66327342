"""State changes that happen once: a model declares its states and transitions, and running one is
one call.

    class Disposal(Audited, Model):
        status = Column(String(20), nullable=False, default="requested")
        flow = Workflow("status", states={"requested": _l("Requested"), "approved": _l("Approved"), ...},
                        locked=("approved",), transitions=[
            Transition("approve", "requested", "approved", permission=("can_approve", "DisposalView"),
                       approval=Approval(requester="requested_by_id", self_approval=SOLE_HOLDER,
                                         amount="value", external_from="assets_disposal_external_from")),
            Transition("reopen", "approved", "requested", permission=("can_reopen", "DisposalView"), reopen=True),
        ])

    transition(db.session, Disposal, pk, "approve", reason=..., external={...})   # then commit

`transition` is a conditional UPDATE (`... WHERE id = :pk AND status IN (:from)`) checked by row
count, so two clicks or two hosts cannot both win on SQLite or PostgreSQL (pysqlite starts its
transactions late: read-then-write is not atomic). It writes one audit entry against the record's
own id with the reason, refuses with a RuleError in the user's language (`StateMoved` when the state
has moved on, `NotPermitted`, `InputErrors` by field), and leaves the commit to the caller.
A model's state column changes only through its transitions (app.locks refuses any other write),
and a record in a `locked` state cannot change at all until a `reopen` transition unlocks it,
keeping its earlier content as a readable version.
Views and APIs: app.views.workflow (TransitionsMixin, TransitionsApiMixin) or `refusal_response`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Iterable, Optional, Union

from sqlalchemy import inspect as sa_inspect, literal, select, update

from .rules import N_, RuleError

# The approval rules live in app.approvals; these names are part of this module's interface.
from .approvals import approvals, external_reference, holders, holds, self_approval  # noqa: E402,F401

Permission = tuple[str, str]

# Transition.writes: columns the transition sets, from who runs it, when and why.
WHO, WHEN, WHY = "user", "now", "reason"
# Approval.self_approval
REFUSE, SOLE_HOLDER = "refuse", "sole_holder"
CURRENT = object()  # transition(user=CURRENT): the signed-in user of the request, None outside one

ERR_MOVED = N_("Not done: this record is already %(state)s.")
ERR_GONE = N_("This record no longer exists.")
ERR_NOT_PERMITTED = N_("You are not allowed to do this.")
ERR_REASON = N_("Give a reason")
ERR_STATE_DIRECT = N_("The state of this record changes only through its actions.")
ERR_LOCKED = N_("This record is %(state)s and locked: it can only be changed after it is reopened.")
ERR_LOCKED_PARENT = N_("This belongs to a record that is %(state)s and locked: reopen that record first.")
ERR_REFERENCED = N_("This record is used by a locked record (%(table)s #%(id)s) and cannot be deleted: "
                    "deactivate it instead.")


# -- refusals -------------------------------------------------------------------------------------

class Refusal(RuleError):
    """A transition or a write that was refused; `http_status` is what an API answers."""

    http_status = 422

    def __str__(self) -> str:
        # Flask-AppBuilder flashes str(error): in a request, in the user's language.
        from flask import has_request_context

        if has_request_context():
            from flask_babel import gettext

            return gettext(self.message, **{k: str(v) for k, v in self.params.items()})
        return self.format()


class StateMoved(Refusal):
    """The record is no longer in a state the transition starts from (someone was first), or is gone."""

    http_status = 409


class NotPermitted(Refusal):
    http_status = 403


class RecordLocked(Refusal):
    """A write to a locked record (or to a child row of one, or a delete of a record it uses)."""

    http_status = 409


class InputErrors(Refusal):
    """What the user must give before the transition can run, each on its field."""

    http_status = 422

    def __init__(self, errors: list[RuleError]):
        first = errors[0]
        super().__init__(first.message, field=first.field, **first.params)
        self.errors = errors


def field_errors(err: RuleError, default: str = "message") -> list[RuleError]:
    return list(err.errors) if isinstance(err, InputErrors) else [err]


# -- declarations -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Approval:
    """The approval rules of a transition.

    requester: column (or function of the record) giving the requesting user's id; that user may
        not approve, unless `self_approval=SOLE_HOLDER` and nobody else holds the transition's
        permission (a kindergarten with one director): then it is allowed, flagged self-approved
        (`flag`: a boolean column set on the record), kept in the approval record and audited.
        Holding the permission only through `ignore_roles` (the system administrator's role holds
        every permission) does not count; for a record with a campus, only people who may use that
        campus count.
    amount / external_from: from this amount on (a Decimal, or the key of a setting), the approval
        also records an external reference: approving body, document number and date.
    """

    requester: Union[str, Callable[[Any], Optional[int]], None] = None
    self_approval: str = REFUSE
    flag: Optional[str] = None
    amount: Union[str, Callable[[Any], Any], None] = None
    external_from: Union[Decimal, int, str, None] = None
    ignore_roles: tuple[str, ...] = ("Admin",)


@dataclass(frozen=True)
class Transition:
    """name: also the route and permission name the screens use (can_<name>).
    sources -> target: the states it starts from and the state it gives.
    permission: (permission, view) the user must hold, or a list of alternatives; None: anyone who
        reaches the route. Runs without a user (jobs, commands) are the system's and not checked.
    guard(record, ctx): raises RuleError when a rule of the domain forbids it.
    reason: a reason must be given (always for `reopen`, which also keeps a readable version).
    writes: {column: WHO | WHEN | WHY | value | function(ctx)} set by the same UPDATE.
    where(model): a further condition of the conditional UPDATE (e.g. "still waiting for the host").
    moved: the message when the record has moved on (default: "already <state>").
    """

    name: str
    sources: Union[str, tuple[str, ...]]
    target: str
    permission: Union[Permission, list[Permission], None] = None
    guard: Union[Callable, str, None] = None
    reason: bool = False
    reopen: bool = False
    label: Any = None
    done: Any = None  # flashed after success
    writes: dict = field(default_factory=dict)
    where: Optional[Callable] = None
    moved: Optional[str] = None
    approval: Optional[Approval] = None
    style: str = "default"  # the button: default | primary | success | warning | danger

    def __post_init__(self):
        if isinstance(self.sources, str):
            object.__setattr__(self, "sources", (self.sources,))

    @property
    def needs_reason(self) -> bool:
        return self.reason or self.reopen

    def permissions(self) -> list[Permission]:
        if self.permission is None:
            return []
        return [self.permission] if isinstance(self.permission[0], str) else list(self.permission)


class Workflow:
    """The states of one column of a model and its transitions; declared as a class attribute of the
    model (any name). A model may have several (one per state column)."""

    def __init__(self, column: str = "status", *, states: dict[str, Any], transitions: Iterable[Transition],
                 initial: Optional[str] = None, locked: Iterable[str] = ()):
        self.column = column
        self.states = dict(states)
        self.transitions = {t.name: t for t in transitions}
        self.initial = initial or next(iter(self.states))
        self.locked = frozenset(locked)
        self.model = None
        for t in self.transitions.values():
            unknown = {*t.sources, t.target} - set(self.states)
            if unknown:
                raise ValueError(f"transition {t.name!r} names unknown states {sorted(unknown)}")
        unknown = self.locked - set(self.states)
        if unknown:
            raise ValueError(f"locked names unknown states {sorted(unknown)}")

    def __set_name__(self, owner, name):
        if self.model is None:
            self.model = owner

    def label(self, state) -> str:
        return str(self.states.get(state, state or ""))

    def is_locked(self, state) -> bool:
        return state in self.locked

    def from_state(self, state) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    @property
    def state_column(self):
        return getattr(self.model, self.column)


def workflows(model) -> list[Workflow]:
    """The workflows a model declares (inherited ones included)."""
    found, seen = [], set()
    for klass in getattr(model, "__mro__", ()):
        for value in vars(klass).values():
            if isinstance(value, Workflow) and id(value) not in seen:
                seen.add(id(value))
                found.append(value)
    return found


def find_transition(model, name: str) -> tuple[Workflow, Transition]:
    for flow in workflows(model):
        if name in flow.transitions:
            return flow, flow.transitions[name]
    raise KeyError(f"{model.__name__} has no transition {name!r}")


def resolve(ref):
    if isinstance(ref, str):
        from .plugin import resolve as resolve_ref

        return resolve_ref(ref)
    return ref


# -- who may ------------------------------------------------------------------------------------

def _resolve_user(user):
    if user is not CURRENT:
        return user
    from flask import g, has_request_context

    if has_request_context():
        current = getattr(g, "user", None)
        if current is not None and getattr(current, "is_authenticated", False):
            return current
    return None


# -- running a transition --------------------------------------------------------------------------

@dataclass
class Context:
    """What a guard, a `writes` function and the audit entry see."""

    session: Any
    record: Any
    user: Any
    transition: Transition
    workflow: Workflow
    reason: Optional[str]
    now: datetime
    external: dict = field(default_factory=dict)
    self_approved: bool = False


@dataclass
class Outcome:
    record_id: Any
    source: str
    target: str
    self_approved: bool = False
    approval_id: Optional[int] = None
    version: Optional[int] = None


def _value(spec, ctx: Context):
    if spec == WHO:
        return getattr(ctx.user, "id", None)
    if spec == WHEN:
        return ctx.now
    if spec == WHY:
        return ctx.reason
    return spec(ctx) if callable(spec) else spec


def transition(session, model, pk, name: str, *, user=CURRENT, reason: Optional[str] = None,
               external: Optional[dict] = None, values: Optional[dict] = None,
               now: Optional[datetime] = None) -> Outcome:
    """Run the transition `name` on the record `pk` of `model`, once. The caller commits (or rolls
    back on a refusal: nothing is half-written). `values` adds columns to the same UPDATE;
    `external` = {"body", "number", "date"} for an approval above its threshold."""
    from .audit import current_actor
    from .versions import record_fields, shown_value, take_version
    from .models.audit import AuditLog
    from .models.base import utcnow
    from .models.workflow import ApprovalRecord
    from .periods import local_today

    flow, t = find_transition(model, name)
    user = _resolve_user(user)
    if user is not None and t.permission is not None and not holds(user, t.permissions()):
        raise NotPermitted(ERR_NOT_PERMITTED)
    now = now or utcnow()
    # Writes the caller made before asking are flushed first (and checked like any other write);
    # the record is then read fresh, so the guards see what the database holds.
    session.flush()
    record = session.get(model, pk, populate_existing=True)
    if record is None:
        raise StateMoved(t.moved or ERR_GONE)
    state = getattr(record, flow.column)
    if state not in t.sources:
        raise StateMoved(t.moved or ERR_MOVED, state=flow.label(state))
    reason = (reason or "").strip()[:500] or None
    errors = [RuleError(ERR_REASON, field="reason")] if t.needs_reason and not reason else []
    ctx = Context(session, record, user, t, flow, reason, now)
    amount = None
    if t.approval is not None:
        try:
            amount, ctx.external = external_reference(t.approval, record, external, local_today())
        except InputErrors as err:
            errors += err.errors
    if errors:
        raise InputErrors(errors)
    if t.approval is not None:
        ctx.self_approved = self_approval(session, t, record, user)
    if t.guard is not None:
        resolve(t.guard)(record, ctx)
    before = record_fields(record) if t.reopen else None

    mapper = sa_inspect(model)
    pk_col = mapper.primary_key[0]
    sets = {flow.column: t.target}
    sets.update({col: _value(spec, ctx) for col, spec in t.writes.items()})
    if t.approval is not None and t.approval.flag:
        sets[t.approval.flag] = ctx.self_approved
    sets.update(values or {})
    old = {col: getattr(record, col, None) for col in sets}
    # The key as a literal: any log of the statement names the row.
    conditions = [pk_col == literal(pk, pk_col.type), flow.state_column.in_(t.sources)]
    if t.where is not None:
        conditions.append(t.where(model))
    previous = session.info.get("audit_bulk_off")
    session.info["audit_bulk_off"] = True  # this function writes the one entry, naming the record
    try:
        result = session.execute(update(model).where(*conditions).values(sets)
                                 .execution_options(synchronize_session=False, houqin_transition=True))
    finally:
        session.info["audit_bulk_off"] = previous
    if result.rowcount != 1:
        current = session.execute(select(flow.state_column).where(pk_col == pk)).scalar()
        if current is None:
            raise StateMoved(t.moved or ERR_GONE)
        raise StateMoved(t.moved or ERR_MOVED, state=flow.label(current))

    user_id, actor, source = current_actor()
    if user is not None:
        user_id, actor = user.id, getattr(user, "username", actor)
    outcome = Outcome(pk, state, t.target, self_approved=ctx.self_approved)
    # As the audit log shows any write: personal numbers masked, hidden values hidden.
    changes = {col: [shown_value(record, col, old[col]), shown_value(record, col, sets[col])]
               for col in sets if old[col] != sets[col]}
    changes["transition"] = t.name
    if reason:
        changes["reason"] = reason
    if t.approval is not None:
        approval = ApprovalRecord(table_name=model.__tablename__, record_id=str(pk), transition=t.name, at=now,
                                  user_id=user_id, actor=actor, self_approved=ctx.self_approved,
                                  amount=str(amount) if amount is not None else None, reason=reason,
                                  external_body=ctx.external.get("body"),
                                  external_number=ctx.external.get("number"),
                                  external_date=ctx.external.get("date"))
        session.add(approval)
        session.flush([approval])
        outcome.approval_id = approval.id
        if ctx.self_approved:
            changes["self_approved"] = True
        if ctx.external:
            changes["external_approval"] = {k: _plain(v) for k, v in ctx.external.items()}
    if before is not None:
        outcome.version = take_version(session, record, "reopen", reason, state=state, data=before,
                                       user_id=user_id, actor=actor, at=now)
        changes["version"] = outcome.version
    session.connection().execute(AuditLog.__table__.insert(), [dict(
        at=now, user_id=user_id, actor=actor, action="transition", table_name=model.__tablename__,
        record_id=str(pk), changes=changes, source=source)])
    session.expire(record)
    return outcome


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def available(record, user=CURRENT) -> list[tuple[Workflow, Transition]]:
    """The transitions the user may start from the record's current state(s) (for buttons)."""
    user = _resolve_user(user)
    out = []
    for flow in workflows(type(record)):
        for t in flow.from_state(getattr(record, flow.column)):
            if user is None or t.permission is None or holds(user, t.permissions()):
                out.append((flow, t))
    return out


def state_label(record) -> str:
    flows = workflows(type(record))
    return " · ".join(flow.label(getattr(record, flow.column)) for flow in flows)


# -- views and APIs -----------------------------------------------------------------------------------

def refusal_response(api, err: RuleError, default_field: str = "message"):
    """What an API answers for a refused transition or write: 409 (moved on, locked), 403, or 422
    with the messages by field; always JSON with `message`."""
    from .views.validators import rule_message

    status = getattr(err, "http_status", 422)
    if status == 422:
        out: dict[str, list[str]] = {}
        for e in field_errors(err):
            out.setdefault(e.field or default_field, []).append(rule_message(e))
        return api.response(422, message=out)
    return api.response(status, message=rule_message(err))


__all__ = ["Workflow", "Transition", "Approval", "transition", "available", "approvals", "holders", "holds",
           "Refusal", "StateMoved", "NotPermitted", "RecordLocked", "InputErrors", "field_errors", "refusal_response",
           "WHO", "WHEN", "WHY", "REFUSE", "SOLE_HOLDER", "CURRENT", "state_label"]

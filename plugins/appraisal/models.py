"""Tables of staff appraisal (后勤人员考核, issue 17).

A template (考核方案) keeps its tree as the JSON of `rubric_data` (one document, checked by
`rubric.check_rubric` on every save). A round (考核周期) names its template, its staff in scope, its
committee (members with a group) and its secretary; each member has one sheet, whose scores are
the blind part: the score table is not audited per cell (drafts autosave), no screen but the
owner's grid reads it until the round is finalised, and a sheet's submit writes one audit entry
holding only a digest of its values. What is entered once per person (counts, yes/no, awards,
forfeitures, vetoes, not applicable) is `AppraisalEntry`; what finalising stores is `AppraisalResult`.
State columns change only through the transitions declared here (app.workflow)."""
from __future__ import annotations

import json

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Column, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import relationship

from app.models.base import Audited, UTCDateTime, utcnow
from app.workflow import WHEN, WHO, WHY, Transition, Workflow

DRAFT, OPEN, CLOSED, FINALISED = "draft", "open", "closed", "finalised"
ROUND_STATES = {DRAFT: _l("Draft"), OPEN: _l("Open for scoring"), CLOSED: _l("Scoring closed"),
                FINALISED: _l("Finalised")}
SUBMITTED = "submitted"
SHEET_STATES = {DRAFT: _l("Draft"), SUBMITTED: _l("Submitted")}
KINDS = {"monthly": _l("Monthly"), "term": _l("Term"), "annual": _l("Annual"), "special": _l("Special")}

# AppraisalEntry.kind: what is entered once per person
COUNT, ANSWER, AWARD, FORFEIT, VETO, NOT_APPLICABLE = "count", "answer", "award", "forfeit", "veto", "na"
ENTRY_KINDS = (COUNT, ANSWER, AWARD, FORFEIT, VETO, NOT_APPLICABLE)

RUN_ROUNDS = [("can_edit", "AppraisalRoundView"), ("can_put", "AppraisalRoundApi")]

# Issue 18: publication, one person's result reopened, appeals.
UNPUBLISHED, PUBLISHED = "unpublished", "published"
PUBLICATION_STATES = {UNPUBLISHED: _l("Not published"), PUBLISHED: _l("Published")}
PUBLISHERS = [("can_publish", "AppraisalResultsView"), ("can_publish", "AppraisalResultApi")]
REOPENERS = [("can_reopen", "AppraisalResultsView"), ("can_reopen", "AppraisalResultApi")]
ANSWERERS = [("can_answer", "AppraisalResultsView"), ("can_answer", "AppraisalAppealApi")]
FINAL, REOPENED, CORRECTED = "final", "reopened", "corrected"
RESULT_STATES = {FINAL: _l("Final"), REOPENED: _l("Reopened for correction"), CORRECTED: _l("Corrected, not yet republished")}
ANSWERED = "answered"
APPEAL_STATES = {OPEN: _l("Waiting for an answer"), ANSWERED: _l("Answered")}


class AppraisalTemplate(Audited, Model):
    """考核方案: the rubric tree as JSON (rubric_data's format), its names kept as columns to list."""

    __tablename__ = "appraisal_template"
    id = Column(Integer, primary_key=True)
    code = Column(String(64), nullable=False, unique=True)
    name_zh = Column(String(120), nullable=False)
    name_en = Column(String(160), nullable=False)
    period = Column(String(10), nullable=False, default="annual")
    sample = Column(Boolean, nullable=False, default=False)
    source = Column(Text)
    data = Column(Text, nullable=False)
    active = Column(Boolean, nullable=False, default=True)

    def rubric(self):
        from .rubric_data import rubric_from_dict

        return rubric_from_dict(json.loads(self.data))

    def __str__(self):
        from app.i18n import current_language

        return self.name_en if current_language() == "en" else self.name_zh


class AppraisalRound(Audited, Model):
    __tablename__ = "appraisal_round"
    __table_args__ = (Index("ix_appraisal_round_start", "start_date"),)
    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    kind = Column(String(10), nullable=False, default="monthly")
    template_id = Column(Integer, ForeignKey("appraisal_template.id"), nullable=False, index=True)
    template = relationship(AppraisalTemplate)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    term_id = Column(Integer, ForeignKey("houqin_term.id"), index=True)
    term = relationship("Term")
    trim_at = Column(Integer, nullable=False, default=5)
    self_assessment = Column(Boolean, nullable=False, default=False)
    weights = Column(Text)  # JSON {group: percent} or NULL: one pool
    small_round_quota = Column(Numeric(5, 2))
    comment_below_percent = Column(Numeric(5, 2), default=60)
    secretary_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    secretary = relationship("HouqinUser", foreign_keys=[secretary_id])
    tie_decision = Column(Text)  # JSON list of staff ids the Director let keep the grade, once decided
    status = Column(String(12), nullable=False, default=DRAFT, index=True)
    opened_at = Column(UTCDateTime)
    closed_at = Column(UTCDateTime)
    finalised_at = Column(UTCDateTime)
    finalised_by_id = Column(Integer, ForeignKey("ab_user.id"))
    created_at = Column(UTCDateTime, default=utcnow)
    # Issue 18: publication is a second state column (the round stays finalised and locked).
    publication = Column(String(12), nullable=False, default=UNPUBLISHED, server_default=UNPUBLISHED)
    published_at = Column(UTCDateTime)
    published_by_id = Column(Integer, ForeignKey("ab_user.id"))

    published = Workflow("publication", states=PUBLICATION_STATES, transitions=[
        Transition("publish", UNPUBLISHED, PUBLISHED, permission=PUBLISHERS, guard="plugins.appraisal.publication:may_publish",
                   label=_l("Publish the results"), style="success", writes={"published_at": WHEN, "published_by_id": WHO}),
    ])
    flow = Workflow("status", states=ROUND_STATES, locked=(FINALISED,), transitions=[
        Transition("open", DRAFT, OPEN, permission=RUN_ROUNDS, guard="plugins.appraisal.services:may_open",
                   label=_l("Open for scoring"), style="primary", writes={"opened_at": WHEN}),
        Transition("close", OPEN, CLOSED, permission=RUN_ROUNDS, label=_l("Close scoring"), style="warning",
                   writes={"closed_at": WHEN}),
        Transition("finalise", CLOSED, FINALISED, permission=RUN_ROUNDS, guard="plugins.appraisal.services:may_finalise",
                   label=_l("Finalise"), style="success", writes={"finalised_at": WHEN, "finalised_by_id": WHO}),
    ])

    def weights_dict(self):
        return json.loads(self.weights) if self.weights else None

    def __str__(self):
        return self.name


class AppraisalRoundStaff(Audited, Model):
    """A person in the round's scope (each once); `graded` False: "not graded" (left out of N)."""

    __tablename__ = "appraisal_round_staff"
    __table_args__ = (UniqueConstraint("round_id", "staff_id", name="uq_appraisal_round_staff"),)
    __locked_with__ = "round"
    id = Column(Integer, primary_key=True)
    round_id = Column(Integer, ForeignKey("appraisal_round.id"), nullable=False)
    round = relationship(AppraisalRound)
    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)
    staff = relationship("Staff")
    graded = Column(Boolean, nullable=False, default=True)


class AppraisalMember(Audited, Model):
    """A committee member of a round, in one group (leaders, peers, 教务处 ..., or the self group)."""

    __tablename__ = "appraisal_member"
    __table_args__ = (UniqueConstraint("round_id", "user_id", name="uq_appraisal_member"),)
    __locked_with__ = "round"
    id = Column(Integer, primary_key=True)
    round_id = Column(Integer, ForeignKey("appraisal_round.id"), nullable=False)
    round = relationship(AppraisalRound)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    user = relationship("HouqinUser")
    group = Column(String(64), nullable=False, default="committee")

    def __str__(self):
        return str(self.user)


class AppraisalSheet(Audited, Model):
    """One member's scoring sheet. Submitting (once) locks it; `digest` is the SHA-256 of its
    values, hidden in the audit log until the round is finalised."""

    __tablename__ = "appraisal_sheet"
    # The to-do count: the draft sheets of a member (todo.WAITING states the condition as constants).
    __table_args__ = (Index("ix_appraisal_sheet_waiting", "member_id", sqlite_where=text("status = 'draft'"),
                            postgresql_where=text("status = 'draft'")),)
    __audit_hidden__ = frozenset({"digest"})
    id = Column(Integer, primary_key=True)
    round_id = Column(Integer, ForeignKey("appraisal_round.id"), nullable=False, index=True)
    round = relationship(AppraisalRound)
    member_id = Column(Integer, ForeignKey("appraisal_member.id"), nullable=False, unique=True)
    member = relationship(AppraisalMember)
    status = Column(String(12), nullable=False, default=DRAFT)
    submitted_at = Column(UTCDateTime)
    entered_by_id = Column(Integer, ForeignKey("ab_user.id"))  # the secretary, for a paper sheet
    digest = Column(String(64))

    flow = Workflow("status", states=SHEET_STATES, locked=(SUBMITTED,), transitions=[
        Transition("submit", DRAFT, SUBMITTED, guard="plugins.appraisal.services:may_submit",
                   label=_l("Submit"), style="primary", writes={"submitted_at": WHEN}),
    ])

    def audit_reveal(self, field: str) -> bool:
        return self.round is not None and self.round.status == FINALISED


class AppraisalScore(Model):
    """One cell of a sheet: not audited per cell (drafts autosave); locked with its sheet."""

    __tablename__ = "appraisal_score"
    __table_args__ = (UniqueConstraint("sheet_id", "staff_id", "item", name="uq_appraisal_score"),)
    __locked_with__ = "sheet"
    id = Column(Integer, primary_key=True)
    sheet_id = Column(Integer, ForeignKey("appraisal_sheet.id"), nullable=False)
    sheet = relationship(AppraisalSheet)
    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)
    item = Column(String(64), nullable=False)
    value = Column(Numeric(6, 2), nullable=False)
    comment = Column(String(500))


class AppraisalEntry(Audited, Model):
    """Entered once per person by the secretary or the named group: a count of one kind, a yes/no
    answer with its evidence, a judged award, a forfeiture or a veto with its reason, an item
    marked not applicable."""

    __tablename__ = "appraisal_entry"
    __table_args__ = (UniqueConstraint("round_id", "staff_id", "kind", "item", "code", name="uq_appraisal_entry"),)
    __locked_with__ = "round"
    id = Column(Integer, primary_key=True)
    round_id = Column(Integer, ForeignKey("appraisal_round.id"), nullable=False)
    round = relationship(AppraisalRound)
    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)
    kind = Column(String(10), nullable=False)
    item = Column(String(64), nullable=False, default="")
    code = Column(String(64), nullable=False, default="")  # occurrence kind or finding
    value = Column(Numeric(8, 2))
    text = Column(String(500))
    entered_by_id = Column(Integer, ForeignKey("ab_user.id"))


class AppraisalGradeChange(Audited, Model):
    """The committee's grade instead of the proposed one, with its reason (applied at finalising)."""

    __tablename__ = "appraisal_grade_change"
    __table_args__ = (UniqueConstraint("round_id", "staff_id", name="uq_appraisal_grade_change"),)
    __locked_with__ = "round"
    id = Column(Integer, primary_key=True)
    round_id = Column(Integer, ForeignKey("appraisal_round.id"), nullable=False)
    round = relationship(AppraisalRound)
    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)
    grade = Column(String(64), nullable=False)
    reason = Column(String(500), nullable=False)


class AppraisalResult(Model):
    """What finalising stored for a person. Locked by its own state (final, corrected), not with the
    round: the Director may reopen one person's result (issue 18) — core keeps the earlier content
    as a version — correct it, re-finalise it and republish it, the rest of the round untouched."""

    __tablename__ = "appraisal_result"
    __table_args__ = (UniqueConstraint("round_id", "staff_id", name="uq_appraisal_result"),
                      Index("ix_appraisal_result_rank", "round_id", "rank"))
    id = Column(Integer, primary_key=True)
    round_id = Column(Integer, ForeignKey("appraisal_round.id"), nullable=False)
    round = relationship(AppraisalRound)
    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)
    staff = relationship("Staff")
    graded = Column(Boolean, nullable=False, default=True)
    total = Column(Numeric(6, 2))
    raw_total = Column(Numeric(6, 2))
    full = Column(Numeric(6, 2))
    scaled = Column(Boolean, nullable=False, default=False)
    rank = Column(Integer)
    band = Column(String(64))
    proposed = Column(String(64))
    grade = Column(String(64))
    moved_down = Column(Boolean, nullable=False, default=False)
    tied = Column(Boolean, nullable=False, default=False)
    vetoed = Column(Boolean, nullable=False, default=False)
    reason = Column(String(500))
    items = Column(Text)  # JSON {item: [value, forfeited finding, reason]}
    state = Column(String(12), nullable=False, default=FINAL, server_default=FINAL)
    republished_at = Column(UTCDateTime)

    flow = Workflow("state", states=RESULT_STATES, locked=(FINAL, CORRECTED), transitions=[
        Transition("reopen", FINAL, REOPENED, permission=REOPENERS, reopen=True,
                   guard="plugins.appraisal.publication:may_reopen", label=_l("Reopen this result"), style="warning"),
        Transition("refinalise", REOPENED, CORRECTED, permission=REOPENERS, label=_l("Re-finalise"), style="primary"),
        Transition("republish", CORRECTED, FINAL, permission=REOPENERS, label=_l("Republish"), style="success",
                   writes={"republished_at": WHEN}),
    ])


class AppraisalCorrection(Audited, Model):
    """An item's result corrected on a reopened result, with its reason (issue 18 point 2)."""

    __tablename__ = "appraisal_correction"
    __table_args__ = (UniqueConstraint("result_id", "item", name="uq_appraisal_correction"),)
    __locked_with__ = "result"
    id = Column(Integer, primary_key=True)
    result_id = Column(Integer, ForeignKey("appraisal_result.id"), nullable=False)
    result = relationship(AppraisalResult)
    item = Column(String(64), nullable=False)
    value = Column(Numeric(6, 2), nullable=False)
    reason = Column(String(500), nullable=False)


class AppraisalAppeal(Audited, Model):
    """申诉: a person's appeal on their published result, within the window; the Director answers."""

    __tablename__ = "appraisal_appeal"
    # One open appeal per result (the database says so too); the Director's to-do count and the
    # person's unread answers are partial indexes (todo.py writes the conditions as constants).
    __table_args__ = (
        Index("uq_appraisal_appeal_open", "result_id", unique=True, sqlite_where=text("status = 'open'"),
              postgresql_where=text("status = 'open'")),
        Index("ix_appraisal_appeal_unread", "staff_id", sqlite_where=text("status = 'answered' AND read_at IS NULL"),
              postgresql_where=text("status = 'answered' AND read_at IS NULL")),
    )
    id = Column(Integer, primary_key=True)
    round_id = Column(Integer, ForeignKey("appraisal_round.id"), nullable=False, index=True)
    round = relationship(AppraisalRound)
    result_id = Column(Integer, ForeignKey("appraisal_result.id"), nullable=False, index=True)
    result = relationship(AppraisalResult)
    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)
    staff = relationship("Staff")
    text = Column(Text, nullable=False)
    status = Column(String(12), nullable=False, default=OPEN, index=True)
    filed_at = Column(UTCDateTime, default=utcnow, nullable=False)
    filed_by_id = Column(Integer, ForeignKey("ab_user.id"))
    answer = Column(String(500))
    answered_at = Column(UTCDateTime)
    answered_by_id = Column(Integer, ForeignKey("ab_user.id"))
    read_at = Column(UTCDateTime)

    flow = Workflow("status", states=APPEAL_STATES, transitions=[
        Transition("answer", OPEN, ANSWERED, permission=ANSWERERS, reason=True, label=_l("Answer"), style="primary",
                   writes={"answer": WHY, "answered_at": WHEN, "answered_by_id": WHO}),
    ])


class AppraisalStar(Audited, Model):
    """最佳服务星: chosen by the Director from a finalised round's results, for the public list."""

    __tablename__ = "appraisal_star"
    __table_args__ = (UniqueConstraint("round_id", "staff_id", name="uq_appraisal_star"),)
    id = Column(Integer, primary_key=True)
    round_id = Column(Integer, ForeignKey("appraisal_round.id"), nullable=False)
    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)

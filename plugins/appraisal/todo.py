"""What appraisal leaves waiting (core's to-do list): a committee member's sheet not yet submitted
in an open round; an appeal waiting for the Director; an answer its person has not read (it
leaves the list when they open the result). Read from the records each time."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import bindparam, func, literal_column, select

from app.extensions import db
from app.plugin import Todo
from app.todo import TodoItem

from app.models import Staff

from .models import AppraisalAppeal, AppraisalMember, AppraisalRound, AppraisalSheet

# The signed-in person's staff id, as a scalar subquery (staff.user_id is unique).
own_staff = select(Staff.id).where(Staff.user_id == bindparam("todo_user")).correlate(None).scalar_subquery()

# Constants, not parameters: they match the partial index ix_appraisal_sheet_waiting.
WAITING = (literal_column("appraisal_sheet.status") == literal_column("'draft'"),
           literal_column("appraisal_round.status") == literal_column("'open'"))


def _waiting():
    return (AppraisalMember.user_id == bindparam("todo_user"), *WAITING)


SHEETS_COUNT = (select(func.count(AppraisalSheet.id))
                .join(AppraisalMember, AppraisalSheet.member_id == AppraisalMember.id)
                .join(AppraisalRound, AppraisalSheet.round_id == AppraisalRound.id).where(*_waiting()))


def sheets_count(user):
    return SHEETS_COUNT.params(todo_user=user.id)


def sheets_items(user, limit: int) -> list[TodoItem]:
    rows = db.session.execute(
        select(AppraisalSheet.id, AppraisalRound.name, AppraisalRound.end_date, AppraisalRound.opened_at)
        .join(AppraisalMember, AppraisalSheet.member_id == AppraisalMember.id)
        .join(AppraisalRound, AppraisalSheet.round_id == AppraisalRound.id)
        .where(*_waiting()).order_by(AppraisalRound.end_date, AppraisalSheet.id).limit(limit),
        {"todo_user": user.id}).all()
    return [TodoItem(title=gettext("Score and submit your sheet: %(round)s", round=name),
                     detail=gettext("Round ends on %(day)s", day=end.isoformat()), when=opened,
                     url=url_for("AppraisalDeskView.sheet", sheet_id=sheet_id))
            for sheet_id, name, end, opened in rows]


# Issue 18: an appeal waiting for the Director; an answer the person has not read yet.
APPEALS_OPEN = literal_column("appraisal_appeal.status") == literal_column("'open'")
UNREAD = (literal_column("appraisal_appeal.status") == literal_column("'answered'"),
          literal_column("appraisal_appeal.read_at").is_(None))
APPEALS_COUNT = select(func.count(AppraisalAppeal.id)).where(APPEALS_OPEN)
ANSWERS_COUNT = (select(func.count(AppraisalAppeal.id))
                 .where(AppraisalAppeal.staff_id == own_staff, *UNREAD))


def appeals_count(user):
    return APPEALS_COUNT


def appeals_items(user, limit: int) -> list[TodoItem]:
    rows = db.session.execute(
        select(AppraisalAppeal.result_id, AppraisalAppeal.filed_at, Staff.name, AppraisalRound.name)
        .join(Staff, AppraisalAppeal.staff_id == Staff.id).join(AppraisalRound, AppraisalAppeal.round_id == AppraisalRound.id)
        .where(APPEALS_OPEN).order_by(AppraisalAppeal.filed_at).limit(limit)).all()
    return [TodoItem(title=gettext("Answer the appeal of %(name)s", name=name), detail=round_name, when=filed,
                     url=url_for("AppraisalResultsView.result", result_id=result_id))
            for result_id, filed, name, round_name in rows]


def answers_count(user):
    return ANSWERS_COUNT.params(todo_user=user.id)


def answers_items(user, limit: int) -> list[TodoItem]:
    rows = db.session.execute(
        select(AppraisalAppeal.result_id, AppraisalAppeal.answered_at, AppraisalAppeal.answer, AppraisalRound.name)
        .join(AppraisalRound, AppraisalAppeal.round_id == AppraisalRound.id)
        .where(AppraisalAppeal.staff_id == own_staff, *UNREAD).order_by(AppraisalAppeal.answered_at).limit(limit),
        {"todo_user": user.id}).all()
    return [TodoItem(title=gettext("Your appeal was answered: %(round)s", round=round_name), detail=answer or "",
                     when=answered, url=url_for("AppraisalResultsView.result", result_id=result_id))
            for result_id, answered, answer, round_name in rows]


TODOS = [Todo("appraisal.sheet", _l("Appraisal sheets to submit"), sheets_count, sheets_items,
              ("can_score", "AppraisalDeskView"), icon="fa-clipboard-check", order=40),
         Todo("appraisal.appeal", _l("Appeals to answer"), appeals_count, appeals_items,
              ("can_answer", "AppraisalResultsView"), icon="fa-gavel", order=41),
         Todo("appraisal.answer", _l("Answers to your appeals"), answers_count, answers_items,
              ("can_appeal", "AppraisalResultsView"), icon="fa-reply", order=42)]

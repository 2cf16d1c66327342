"""What appraisal leaves waiting (core's to-do list): a committee member's sheet not yet submitted
in an open round. Read from the sheets each time; a submitted sheet leaves the list."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import bindparam, func, literal_column, select

from app.extensions import db
from app.plugin import Todo
from app.todo import TodoItem

from .models import AppraisalMember, AppraisalRound, AppraisalSheet

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


TODOS = [Todo("appraisal.sheet", _l("Appraisal sheets to submit"), sheets_count, sheets_items,
              ("can_score", "AppraisalDeskView"), icon="fa-clipboard-check", order=40)]

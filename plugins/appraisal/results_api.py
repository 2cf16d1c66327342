"""REST API of issue 18 (point 6): published results — a Staff member's own only, another's
answers 404 — and appeals; the Director publishes a round, reopens a result and answers appeals
through the same services as the screens. Errors are JSON with `message`, never 500."""
from __future__ import annotations

from decimal import Decimal

from flask import g, request
from flask_babel import gettext
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_appbuilder.security.decorators import permission_name
from sqlalchemy import select

from app.extensions import db
from app.models import Staff
from app.rules import RuleError
from app.security import role_names
from app.workflow import refusal_response

from . import person_sheet, publication
from .models import FINALISED, PUBLISHED, AppraisalAppeal, AppraisalResult, AppraisalRound
from .queries import runs_rounds


def _text(value):
    return None if value is None else (str(value) if isinstance(value, Decimal) else value)


def _result_json(result, rnd, data) -> dict:
    return {"id": result.id, "round_id": rnd.id, "round": rnd.name, "state": result.state,
            "total": _text(data["total"]), "grade": result.grade, "grade_name": data["grade"], "rank": data["rank"],
            "scaled": data["scaled"], "vetoed": data["vetoed"],
            "items": [{"code": ln.code, "name": ln.name, "points": _text(ln.points), "value": _text(ln.value),
                       "item": ln.is_item, "forfeited": ln.forfeited, "reason": ln.reason,
                       "notes": [what for what, _src in ln.notes]} for ln in data["lines"]]}


def _appeal_json(a: AppraisalAppeal) -> dict:
    return {"id": a.id, "result_id": a.result_id, "round_id": a.round_id, "status": a.status, "text": a.text,
            "filed_at": a.filed_at.isoformat() if a.filed_at else None, "answer": a.answer,
            "answered_at": a.answered_at.isoformat() if a.answered_at else None}


def _visible_results():
    """The results the signed-in user may list: own published ones; the office every finalised
    round's; the Auditor published rounds'."""
    query = (select(AppraisalResult, AppraisalRound).join(AppraisalRound, AppraisalResult.round_id == AppraisalRound.id)
             .where(AppraisalRound.status == FINALISED))
    if runs_rounds(g.user):
        return query
    if "Auditor" in role_names(g.user):
        return query.where(AppraisalRound.publication == PUBLISHED)
    own = select(Staff.id).where(Staff.user_id == g.user.id).scalar_subquery()
    return query.where(AppraisalRound.publication == PUBLISHED, AppraisalResult.staff_id == own)


class AppraisalResultApi(BaseApi):
    """/api/v1/appraisalresult/: published results."""

    resource_name = "appraisalresult"
    openapi_spec_tag = "Appraisal results"
    base_permissions = ["can_get", "can_publish", "can_reopen"]

    @expose("/", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def listing(self):
        """Results you may read (your own, for Staff); ?round_id= narrows to one round.
        ---
        get:
          parameters:
          - in: query
            name: round_id
            schema: {type: integer}
          responses:
            200: {description: "id, round_id, staff_id, total, grade, rank, state"}
        """
        query = _visible_results()
        raw = request.args.get("round_id")
        round_id = int(raw) if raw is not None and raw.isdigit() else None
        if raw is not None and (round_id is None or round_id > 2_147_483_647):
            return self.response_400(message={"round_id": [gettext("Give the number of a round.")]})
        if round_id:
            query = query.where(AppraisalResult.round_id == round_id)
        rows = db.session.execute(query.order_by(AppraisalResult.round_id, AppraisalResult.rank)).all()
        return self.response(200, result=[{"id": r.id, "round_id": r.round_id, "staff_id": r.staff_id,
                                           "total": _text(r.total), "grade": r.grade, "rank": r.rank, "state": r.state}
                                          for r, _rnd in rows])

    @expose("/<int:pk>", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def one(self, pk):
        """One result as its person reads it: items as aggregated, deductions, total, grade, rank.
        ---
        get:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {description: the result}
            404: {description: not a result you may read}
        """
        found = person_sheet.load(db.session, pk, g.user)
        if found is None:
            return self.response_404()
        result, rnd, _staff, reader = found
        return self.response(200, **_result_json(result, rnd, person_sheet.sheet(db.session, result, rnd, g.user, reader)))

    @expose("/round/<int:round_id>/publish", methods=["POST"])
    @protect()
    @safe
    @permission_name("publish")
    def publish(self, round_id):
        """Publish a finalised round: each person sees their own result.
        ---
        post:
          parameters:
          - {in: path, name: round_id, schema: {type: integer}}
          responses:
            200: {description: published}
            404: {description: no such round}
            409: {description: already published}
            422: {description: the round is not finalised}
        """
        if db.session.get(AppraisalRound, round_id) is None:
            return self.response_404()
        try:
            publication.publish_round(db.session, round_id, g.user)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return refusal_response(self, err)
        return self.response(200, id=round_id, state=PUBLISHED)

    @expose("/<int:pk>/reopen", methods=["POST"])
    @protect()
    @safe
    @permission_name("reopen")
    def reopen(self, pk):
        """Reopen one person's result (a reason required; the earlier result stays readable).
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema: {type: object, properties: {reason: {type: string}}}
          responses:
            200: {description: reopened}
            404: {description: no such result}
            409: {description: not in a state to reopen}
            422: {description: no reason, or the round is not published}
        """
        if person_sheet.load(db.session, pk, g.user) is None:
            return self.response_404()
        body = request.get_json(silent=True) or {}
        try:
            publication.reopen_result(db.session, pk, body.get("reason"), g.user)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return refusal_response(self, err)
        return self.response(200, id=pk, state="reopened")


class AppraisalAppealApi(BaseApi):
    """/api/v1/appraisalappeal/: appeals on published results."""

    resource_name = "appraisalappeal"
    openapi_spec_tag = "Appraisal appeals"
    base_permissions = ["can_get", "can_post", "can_answer"]

    def _visible(self):
        query = select(AppraisalAppeal).join(AppraisalRound, AppraisalAppeal.round_id == AppraisalRound.id)
        if runs_rounds(g.user):
            return query
        if "Auditor" in role_names(g.user):
            return query.where(AppraisalRound.publication == PUBLISHED)
        own = select(Staff.id).where(Staff.user_id == g.user.id).scalar_subquery()
        return query.where(AppraisalAppeal.staff_id == own)

    @expose("/", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def listing(self):
        """Appeals you may read (your own, for Staff).
        ---
        get:
          responses:
            200: {description: "id, result_id, status, text, answer"}
        """
        rows = db.session.execute(self._visible().order_by(AppraisalAppeal.id)).scalars()
        return self.response(200, result=[_appeal_json(a) for a in rows])

    @expose("/", methods=["POST"])
    @protect()
    @safe
    @permission_name("post")
    def file(self):
        """File an appeal on your own published result, within the window.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema: {type: object, properties: {result_id: {type: integer}, text: {type: string}}}
          responses:
            201: {description: filed}
            404: {description: not your published result}
            422: {description: late, a second open appeal, or no text}
        """
        body = request.get_json(silent=True) or {}
        result_id = body.get("result_id")
        if not isinstance(result_id, int) or isinstance(result_id, bool):
            return self.response_422(message={"result_id": ["integer required"]})
        found = person_sheet.load(db.session, result_id, g.user)
        if found is None or found[3] != "own":
            return self.response_404()
        try:
            appeal = publication.file_appeal(db.session, result_id, found[2].id, g.user, body.get("text"))
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return refusal_response(self, err)
        return self.response(201, **_appeal_json(appeal))

    @expose("/<int:pk>/answer", methods=["POST"])
    @protect()
    @safe
    @permission_name("answer")
    def answer(self, pk):
        """Answer an appeal (the Director).
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema: {type: object, properties: {answer: {type: string}}}
          responses:
            200: {description: answered}
            404: {description: no such appeal}
            409: {description: already answered}
            422: {description: no answer}
        """
        if db.session.get(AppraisalAppeal, pk) is None:
            return self.response_404()
        body = request.get_json(silent=True) or {}
        try:
            publication.answer_appeal(db.session, pk, body.get("answer"), g.user)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return refusal_response(self, err)
        return self.response(200, id=pk, state="answered")

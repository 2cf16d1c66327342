"""The pages of issue 18 (/appraisal/results/...): my results and one result's sheet (with the
appeal form, the answers and the Director's reopening), publishing, the committee summary with
its chart, the public list (公示), the printed 个人考核表 and the export for pay.

A result nobody may read answers 404 (person_sheet.reader_of decides), whatever the route."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Staff
from app.rules import RuleError
from app.security import role_names
from app.versions import versions
from app.views.validators import rule_message

from . import person_sheet, publication, reports
from .desk import acted
from .models import FINALISED, PUBLISHED, REOPENED, AppraisalAppeal, AppraisalResult, AppraisalRound
from .queries import runs_rounds


def own_staff(user):
    return db.session.execute(select(Staff.id).where(Staff.user_id == user.id)).scalar()


class AppraisalResultsView(BaseView):
    route_base = "/appraisal/results"
    default_view = "mine"

    def _result(self, result_id):
        found = person_sheet.load(db.session, result_id, g.user)
        if found is None:
            abort(404)
        return found

    def _round(self, round_id, published_for_auditor=True):
        rnd = db.session.get(AppraisalRound, round_id)
        if rnd is None or rnd.status != FINALISED:
            abort(404)
        if not runs_rounds(g.user) and not (published_for_auditor and rnd.publication == PUBLISHED
                                            and "Auditor" in role_names(g.user)):
            abort(404)
        return rnd

    def _back(self, result_id, call, done):
        return acted(call, done, url_for(".result", result_id=result_id))

    # -- the person --------------------------------------------------------------------------------
    @expose("/")
    @has_access
    def mine(self):
        staff_id = own_staff(g.user)
        rows = person_sheet.with_grade_names(person_sheet.own_results(db.session, staff_id)) if staff_id else []
        return self.render_template("appraisal/mine.html", rows=rows)

    @expose("/result/<int:result_id>/")
    @has_access
    def result(self, result_id, status=200, typed=None, errors=None):
        found = person_sheet.load(db.session, result_id, g.user, with_appeals=True)
        if found is None:
            abort(404)
        result, rnd, staff, reader, appeals = found
        data = person_sheet.sheet(db.session, result, rnd, g.user, reader, html=True)
        if reader == "own" and any(a.read_at is None and a.status == "answered" for a in appeals):
            publication.mark_read(db.session, staff.id)
            db.session.commit()
        deadline = publication.appeal_deadline(rnd, result)
        # A reopened result's earlier content (core keeps a version only when a result is reopened).
        earlier = versions(db.session, AppraisalResult, result.id) if publication.was_reopened(result) else []
        fixes = publication.corrections_of(db.session, result.id) if result.state == REOPENED else {}
        return self.render_template(
            "appraisal/result.html", result=result, rnd=rnd, staff=staff, reader=reader, data=data, appeals=appeals,
            deadline=deadline, open_appeal=person_sheet.open_appeal(appeals), earlier=earlier, fixes=fixes,
            office=runs_rounds(g.user), typed=typed or {}, errors=errors or {}), status

    @expose("/result/<int:result_id>/appeal", methods=["POST"])
    @has_access
    def appeal(self, result_id):
        result, rnd, staff, reader = self._result(result_id)
        if reader != "own":
            abort(404)
        try:
            appeal = publication.file_appeal(db.session, result.id, staff.id, g.user, request.form.get("text"))
            files = [f for f in request.files.getlist("file") if f and f.filename]
            if files:
                from app.attachments import attach

                for f in files:
                    attach("appraisal.appeal", appeal.id, f.stream, f.filename)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            return self.result(result_id, status=422, typed={"text": request.form.get("text", "")},
                               errors={err.field or "text": rule_message(err)})
        flash(gettext("Appeal filed: the Director will answer it"), "success")
        return redirect(url_for(".result", result_id=result_id))

    # -- the Director on one result ----------------------------------------------------------------
    @expose("/appeal/<int:appeal_id>/answer", methods=["POST"])
    @has_access
    def answer(self, appeal_id):
        appeal = db.session.get(AppraisalAppeal, appeal_id)
        if appeal is None:
            abort(404)
        self._result(appeal.result_id)
        return self._back(appeal.result_id, lambda: publication.answer_appeal(
            db.session, appeal_id, request.form.get("answer"), g.user), gettext("Answer sent"))

    @expose("/result/<int:result_id>/reopen", methods=["POST"])
    @has_access
    def reopen(self, result_id):
        self._result(result_id)
        return self._back(result_id, lambda: publication.reopen_result(
            db.session, result_id, request.form.get("reason"), g.user), gettext("Result reopened: correct it, then re-finalise"))

    @expose("/result/<int:result_id>/correct", methods=["POST"])
    @has_access
    @permission_name("reopen")
    def correct(self, result_id):
        self._result(result_id)
        return self._back(result_id, lambda: publication.correct_item(
            db.session, result_id, request.form.get("item", ""), request.form.get("value"),
            request.form.get("reason")), gettext("Saved"))

    @expose("/result/<int:result_id>/refinalise", methods=["POST"])
    @has_access
    @permission_name("reopen")
    def refinalise(self, result_id):
        self._result(result_id)
        return self._back(result_id, lambda: publication.refinalise_result(
            db.session, result_id, g.user, request.form.get("grade") or None, request.form.get("reason", "")),
            gettext("Result re-finalised: republish it"))

    @expose("/result/<int:result_id>/republish", methods=["POST"])
    @has_access
    @permission_name("reopen")
    def republish(self, result_id):
        self._result(result_id)
        return self._back(result_id, lambda: publication.republish_result(db.session, result_id, g.user),
                          gettext("Result republished"))

    # -- the round ---------------------------------------------------------------------------------
    @expose("/round/<int:round_id>/publish", methods=["POST"])
    @has_access
    def publish(self, round_id):
        rnd = db.session.get(AppraisalRound, round_id)
        if rnd is None or not runs_rounds(g.user):
            abort(404)
        return acted(lambda: publication.publish_round(db.session, round_id, g.user),
                     gettext("Published: each person now sees their own result"),
                     url_for("AppraisalDeskView.progress", round_id=round_id))

    @expose("/round/<int:round_id>/stars", methods=["POST"])
    @has_access
    @permission_name("publish")
    def stars(self, round_id):
        self._round(round_id, published_for_auditor=False)
        chosen = [int(v) for v in request.form.getlist("staff_id") if v.isdigit()]
        return acted(lambda: publication.set_stars(db.session, round_id, chosen), gettext("Best service stars saved"),
                     url_for(".summary", round_id=round_id))

    @expose("/round/<int:round_id>/summary/")
    @has_access
    def summary(self, round_id):
        rnd = self._round(round_id)
        return self.render_template("appraisal/summary.html", rnd=rnd, title=gettext("Committee summary"),
                                    **reports.summary(db.session, rnd))

    @expose("/round/<int:round_id>/public/")
    @has_access
    def public(self, round_id):
        rnd = db.session.get(AppraisalRound, round_id)
        if rnd is None or rnd.publication != PUBLISHED:
            abort(404)
        return self.render_template("appraisal/public.html", rnd=rnd, title=gettext("Appraisal results for posting"),
                                    **reports.public_list(db.session, rnd, publication.setting(publication.PUBLIC_ALL)))

    @expose("/result/<int:result_id>/print/")
    @has_access
    def print_sheet(self, result_id):
        result, rnd, staff, reader = self._result(result_id)
        data = person_sheet.sheet(db.session, result, rnd, g.user, reader, html=True)
        return self.render_template("appraisal/print_sheet.html", result=result, rnd=rnd, staff=staff, data=data,
                                    title=gettext("Personal appraisal sheet"))

    @expose("/round/<int:round_id>/pay.xlsx")
    @has_access
    def export_pay(self, round_id):
        """For pay (考核结果与绩效挂钩): staff number, name, grade, total. A download (export_*)."""
        rnd = self._round(round_id)
        return reports.pay_download(db.session, rnd)

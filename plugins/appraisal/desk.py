"""The hand-made pages of appraisal (/appraisal/...): my sheets, the blind scoring grid (keyboard
and phone), the secretary's entry of counts and findings and of paper sheets, the round's
progress (who submitted — never the numbers) and, once closed, the Director's finalising page.

Blindness (issue 17 point 6): the only route that reads a sheet's scores is `sheet`, answering
its owner (or the secretary who types in a paper sheet); everybody else gets 404."""
from __future__ import annotations

from flask import abort, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.i18n import current_language
from app.models import HouqinUser, Staff
from app.rules import RuleError
from app.workflow import RecordLocked
from app.security import role_names
from app.views.validators import rule_message

from . import closing, entries, services
from .models import (CLOSED, DRAFT, FINALISED, OPEN, SUBMITTED, AppraisalEntry, AppraisalMember, AppraisalResult,
                     AppraisalRound, AppraisalSheet)
from .presenting import grid_body, item_rows, names_of, result_rows, standing_rows
from .queries import round_access_clause, runs_rounds


def acted(call, done: str, back: str):
    """A verb from a form: committed with `done` flashed, or refused (rolled back, nothing
    half-saved) with its message flashed; then back to the page `back`. The desk's and the
    results' buttons all answer so."""
    try:
        call()
        db.session.commit()
        flash(done, "success")
    except RuleError as err:
        db.session.rollback()
        flash(rule_message(err), "danger")
    return redirect(back)


def _json_errors(err: RuleError, status: int = 422):
    return jsonify(message={err.field or "message": [rule_message(err)]}), status


class AppraisalDeskView(BaseView):
    route_base = "/appraisal"
    default_view = "index"

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _round(round_id: int) -> AppraisalRound:
        query = select(AppraisalRound).where(AppraisalRound.id == round_id)
        clause = round_access_clause()
        if clause is not None:
            query = query.where(clause)
        rnd = db.session.execute(query).scalar_one_or_none()
        if rnd is None:
            abort(404)
        return rnd

    @staticmethod
    def _sheet(sheet_id: int) -> AppraisalSheet:
        """The owner's (or the paper sheet's secretary's); once the round is finalised, also the
        Director's, the Admin's and the Auditor's — read only."""
        sheet = db.session.get(AppraisalSheet, sheet_id)
        if sheet is None:
            abort(404)
        if services.may_read_sheet(db.session, sheet, g.user):
            return sheet
        if sheet.round.status == FINALISED and (runs_rounds(g.user) or "Auditor" in role_names(g.user)):
            return sheet
        abort(404)

    # -- my sheets -------------------------------------------------------------------------------
    @expose("/")
    @has_access
    def index(self):
        rows = db.session.execute(
            select(AppraisalSheet, AppraisalRound, AppraisalMember)
            .join(AppraisalRound, AppraisalSheet.round_id == AppraisalRound.id)
            .join(AppraisalMember, AppraisalSheet.member_id == AppraisalMember.id)
            .where(AppraisalMember.user_id == g.user.id, AppraisalRound.status.in_((OPEN, CLOSED, FINALISED)))
            .order_by(AppraisalRound.start_date.desc(), AppraisalRound.id.desc())).all()
        secretary = db.session.execute(select(AppraisalRound).where(
            AppraisalRound.secretary_id == g.user.id, AppraisalRound.status.in_((OPEN, CLOSED)))
            .order_by(AppraisalRound.start_date.desc())).scalars().all()
        runs = runs_rounds(g.user)
        running = db.session.execute(select(AppraisalRound).where(AppraisalRound.status.in_((OPEN, CLOSED)))
                                     .order_by(AppraisalRound.start_date.desc())).scalars().all() if runs else []
        return self.render_template("appraisal/index.html", rows=rows, secretary=secretary, running=running)

    # -- the grid ----------------------------------------------------------------------------------
    @expose("/sheet/<int:sheet_id>/")
    @has_access
    @permission_name("index")
    def sheet(self, sheet_id):
        sheet = self._sheet(sheet_id)
        rnd = db.session.get(AppraisalRound, sheet.round_id)
        member = db.session.get(AppraisalMember, sheet.member_id)
        rubric = services.rubric_of(rnd)
        items = services.sheet_items(rubric, member.group)
        people = services.sheet_people(db.session, sheet, rnd, member)
        staff = names_of(db.session, people)
        scores = services.sheet_scores(db.session, sheet.id)
        editable = sheet.status == DRAFT and rnd.status == OPEN
        threshold_pct = rnd.comment_below_percent
        body = grid_body([(p, staff.get(p, ("", ""))) for p in people], items, scores, editable, gettext("Comment"))
        return self.render_template(
            "appraisal/sheet.html", sheet=sheet, rnd=rnd, member=member, items=item_rows(items, threshold_pct),
            grid_body=body, editable=editable, paper=sheet.entered_by_id is not None,
            owner=db.session.get(HouqinUser, member.user_id))

    @expose("/sheet/<int:sheet_id>/cell", methods=["POST"])
    @has_access
    @permission_name("score")
    def cell(self, sheet_id):
        body = request.get_json(silent=True) or request.form.to_dict()
        try:
            staff_id = int(body.get("staff_id"))
        except (TypeError, ValueError):
            return jsonify(message={"staff": [gettext("Choose a person")]}), 422
        try:
            value = services.save_cell(db.session, sheet_id, g.user, staff_id, str(body.get("item") or ""),
                                       body.get("value"), body.get("comment") or "")
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            if err.message == services.ERR_NOT_YOUR_SHEET:
                abort(404)
            refused = err.message in (services.ERR_SHEET_SUBMITTED, services.ERR_NOT_OPEN) or isinstance(err, RecordLocked)
            return _json_errors(err, 409 if refused else 422)
        return jsonify(value=str(value))

    @expose("/sheet/<int:sheet_id>/submit", methods=["POST"])
    @has_access
    @permission_name("score")
    def submit(self, sheet_id):
        sheet = self._sheet(sheet_id)
        return acted(lambda: services.submit_sheet(db.session, sheet.id, g.user),
                     gettext("Sheet submitted: it can no longer be changed"), url_for(".sheet", sheet_id=sheet_id))

    # -- the secretary ------------------------------------------------------------------------------
    @expose("/sheet/<int:sheet_id>/paper", methods=["POST"])
    @has_access
    @permission_name("enter")
    def paper(self, sheet_id):
        try:
            sheet = services.start_paper(db.session, sheet_id, g.user)
            db.session.commit()
        except RuleError as err:
            db.session.rollback()
            flash(rule_message(err), "danger")
            sheet = db.session.get(AppraisalSheet, sheet_id)
            if sheet is None:
                abort(404)
            return redirect(url_for(".progress", round_id=sheet.round_id))
        return redirect(url_for(".sheet", sheet_id=sheet.id))

    @expose("/entry/<int:round_id>/")
    @expose("/entry/<int:round_id>/<int:staff_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("enter")
    def entry(self, round_id, staff_id=None):
        rnd = self._round(round_id)
        rubric = services.rubric_of(rnd)
        mine = self._entry_items(rnd, rubric)
        if not mine:
            abort(404)
        people = services.round_staff_ids(db.session, rnd.id)
        staff = names_of(db.session, people)
        if staff_id is not None and staff_id not in staff:
            abort(404)
        errors, typed = {}, {}
        if request.method == "POST":
            item = request.form.get("item", "")
            typed = {item: request.form.to_dict()}
            try:
                if item == "__veto__":
                    entries.save_veto(db.session, rnd.id, g.user, staff_id, request.form.get("finding", ""),
                                       request.form.get("reason"))
                else:
                    if item not in {i.code for i in mine}:
                        abort(404)
                    entries.save_entries(db.session, rnd.id, g.user, staff_id, item, request.form.to_dict())
                db.session.commit()
                flash(gettext("Saved"), "success")
                return redirect(url_for(".entry", round_id=round_id, staff_id=staff_id))
            except RuleError as err:
                db.session.rollback()
                errors = {item: {err.field or "message": rule_message(err)}}
        entered = {}
        if staff_id is not None:
            for e in db.session.execute(select(AppraisalEntry).where(AppraisalEntry.round_id == rnd.id,
                                                                      AppraisalEntry.staff_id == staff_id)).scalars():
                entered.setdefault(e.item, []).append(e)
        status = 422 if errors else 200
        return self.render_template("appraisal/entry.html", rnd=rnd, rubric=rubric, items=mine, staff=staff,
                                    people=people, staff_id=staff_id, entered=entered, errors=errors,
                                    typed=typed, editable=rnd.status in (OPEN, CLOSED),
                                    is_secretary=rnd.secretary_id == g.user.id, lang=current_language()), status

    def _entry_items(self, rnd, rubric):
        """What this user enters once per person: all of it as secretary, a named group's items."""
        group = db.session.execute(select(AppraisalMember.group).where(
            AppraisalMember.round_id == rnd.id, AppraisalMember.user_id == g.user.id)).scalar()
        out = []
        for i in rubric.items.values():
            if rnd.secretary_id == g.user.id and (i.entered_once or i.forfeits or i.may_not_apply):
                out.append(i)
            elif i.entered_once and group is not None and i.scorer == group:
                out.append(i)
        return out

    # -- the round: progress, finalising ---------------------------------------------------------------
    @expose("/round/<int:round_id>/")
    @has_access
    @permission_name("progress")
    def progress(self, round_id):
        rnd = self._round(round_id)
        runs = runs_rounds(g.user)
        if not (runs or rnd.secretary_id == g.user.id or rnd.status == FINALISED):
            abort(404)
        sheets = db.session.execute(
            select(AppraisalSheet, AppraisalMember).join(AppraisalMember, AppraisalSheet.member_id == AppraisalMember.id)
            .where(AppraisalSheet.round_id == rnd.id).order_by(AppraisalMember.group, AppraisalMember.id)).all()
        users = {u.id: u for u in db.session.execute(select(HouqinUser).where(
            HouqinUser.id.in_([m.user_id for _, m in sheets]))).scalars()}
        preview = error = None
        rubric = services.rubric_of(rnd)
        if rnd.status == CLOSED and runs:
            try:
                preview = standing_rows(db.session, rubric, closing.compute(db.session, rnd))
            except RuleError as err:
                error = rule_message(err)
        results = None
        if rnd.status == FINALISED:
            results = result_rows(db.session, rubric, db.session.execute(
                select(AppraisalResult).where(AppraisalResult.round_id == rnd.id)
                .order_by(AppraisalResult.rank.is_(None), AppraisalResult.rank, AppraisalResult.id)).scalars().all())
        submitted = sum(1 for s, _ in sheets if s.status == SUBMITTED)
        return self.render_template("appraisal/round.html", rnd=rnd, rubric=rubric, sheets=sheets, users=users,
                                    runs=runs, preview=preview, error=error, results=results, submitted=submitted,
                                    is_secretary=rnd.secretary_id == g.user.id)

    @expose("/round/<int:round_id>/tie", methods=["POST"])
    @has_access
    @permission_name("run")
    def tie(self, round_id):
        rnd = self._round(round_id)
        chosen = [int(v) for v in request.form.getlist("chosen") if v.isdigit()]
        return self._run(rnd, lambda: closing.decide_tie(db.session, rnd.id, chosen), gettext("Tie decided"))

    @expose("/round/<int:round_id>/grade", methods=["POST"])
    @has_access
    @permission_name("run")
    def grade(self, round_id):
        rnd = self._round(round_id)
        staff_id = request.form.get("staff_id", type=int)
        return self._run(rnd, lambda: closing.change_grade(db.session, rnd.id, staff_id or 0,
                                                             request.form.get("grade", ""),
                                                             request.form.get("reason", "")),
                         gettext("Grade changed"))

    @expose("/round/<int:round_id>/finalise", methods=["POST"])
    @has_access
    @permission_name("run")
    def finalise(self, round_id):
        rnd = self._round(round_id)
        return self._run(rnd, lambda: closing.finalise_round(db.session, rnd.id, g.user), gettext("Round finalised"))

    def _run(self, rnd, call, done):
        return acted(call, done, url_for(".progress", round_id=rnd.id))


def staff_name(staff: Staff) -> str:
    return f"{staff.name} ({staff.staff_no})"

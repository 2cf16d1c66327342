"""Appraisal fixtures: a small template of every scoring kind, committee logins linked to staff,
and rounds built through the same verbs the screens use (the database is shared: each test makes
its own template, staff and users with unique names)."""
from __future__ import annotations

import json
import os
import itertools
from decimal import Decimal

import pytest

from tests.seed import PASSWORD

_seq = itertools.count(1)


def name(zh, en):
    return {"zh": zh, "en": en}


def test_template(code: str) -> dict:
    """100 points: two judged items (one forfeitable), a deduction with an exemption, a yes/no,
    a judged item that may not apply and a capped bonus; 优秀/合格/不合格 with a 20 % quota."""
    return {
        "format": 1, "code": code, "name": name(f"测试方案{code}", f"Test template {code}"), "period": "monthly",
        "full_points": 100, "scorer_groups": [],
        "grades": [{"code": "excellent", "name": name("优秀", "Excellent"), "minimum": 90},
                   {"code": "pass", "name": name("合格", "Pass"), "minimum": 60},
                   {"code": "fail", "name": name("不合格", "Fail"), "minimum": 0}],
        "quota": {"grade": "excellent", "percent": 20},
        "vetoes": [{"code": "accident", "name": name("重大事故", "Major accident")}],
        "sections": [
            {"code": "conduct", "name": name("职业道德", "Conduct"), "points": 40, "children": [
                {"code": "attitude", "name": name("服务意识", "Service attitude"), "kind": "judged", "points": 20,
                 "minimum": 0},
                {"code": "quality", "name": name("服务质量", "Service quality"), "kind": "judged", "points": 20,
                 "minimum": 0, "forfeits": [{"code": "moonlighting", "name": name("做私活", "Private work")}]}]},
            {"code": "duty", "name": name("履行职责", "Duties"), "points": 40, "children": [
                {"code": "attendance", "name": name("出勤", "Attendance"), "kind": "deduction", "points": 30,
                 "scorer": "secretary",
                 "occurrences": [{"code": "personal_leave", "name": name("事假", "Personal leave"), "unit": "day", "amount": 2},
                                 {"code": "sick_leave", "name": name("病假", "Sick leave"), "unit": "day", "amount": 0.5},
                                 {"code": "late", "name": name("迟到早退", "Late or early"), "unit": "time", "amount": 1},
                                 {"code": "meeting", "name": name("缺会", "Missed meeting"), "unit": "time", "amount": 0.5}],
                 "exemptions": [{"code": "wedding", "name": name("婚假", "Wedding leave"), "unit": "day", "limit": 7,
                                 "beyond": "personal_leave"}]},
                {"code": "certificate", "name": name("健康证", "Health certificate"), "kind": "yes_no", "points": 10,
                 "scorer": "secretary"}]},
            {"code": "extra", "name": name("其他", "Other"), "points": 20, "children": [
                {"code": "head", "name": name("班主任工作", "Class teacher work"), "kind": "judged", "points": 15,
                 "minimum": 0, "may_not_apply": True},
                {"code": "bonus", "name": name("加分", "Bonus"), "kind": "bonus", "points": 5, "scorer": "secretary",
                 "occurrences": [{"code": "award", "name": name("获奖", "Award"), "unit": "time", "amount": 1}]}]},
        ],
    }


class Appraisal:
    def __init__(self, app, campuses):
        self.app = app
        self.campuses = campuses

    @property
    def session(self):
        from app.extensions import db

        return db.session

    def ctx(self):
        from app.audit import acting_as

        class _Both:
            def __enter__(s):
                s.a = self.app.app_context()
                s.a.__enter__()
                s.b = acting_as(None, "tests", "cli")
                s.b.__enter__()
                return self.session

            def __exit__(s, *exc):
                s.b.__exit__(*exc)
                s.a.__exit__(*exc)
        return _Both()

    def template(self) -> int:
        from plugins.appraisal.models import AppraisalTemplate
        from plugins.appraisal.views import check_template_json

        code = f"t{os.getpid() % 1000}_{next(_seq)}"
        with self.ctx() as session:
            data = check_template_json(json.dumps(test_template(code)))
            row = AppraisalTemplate(code=code, name_zh=f"测试方案{code}", name_en=f"Test {code}", period="monthly",
                                    data=data, active=True)
            session.add(row)
            session.commit()
            return row.id

    def user(self, role: str = "Appraiser", staff: bool = True) -> tuple[str, int, int | None]:
        """A new login (password PASSWORD) linked to a new staff record of campus TA."""
        from app.models import Staff

        n = next(_seq)
        username = f"ap{os.getpid() % 1000}_{n}"
        with self.ctx() as session:
            sm = self.app.appbuilder.sm
            user = sm.add_user(username, "评", f"委{n}", f"{username}@test.houqin", sm.find_role(role), password=PASSWORD)
            staff_id = None
            if staff:
                s = Staff(name=f"评委{n}", staff_no=f"AP{os.getpid() % 1000:03d}{n:05d}", campus_id=self.campuses["TA"],
                          active=True, user_id=user.id)
                session.add(s)
                session.commit()
                staff_id = s.id
            return username, user.id, staff_id

    def staff(self, count: int) -> list[int]:
        from app.models import Staff

        with self.ctx() as session:
            rows = []
            for _ in range(count):
                n = next(_seq)
                rows.append(Staff(name=f"员工{n}", staff_no=f"AS{os.getpid() % 1000:03d}{n:05d}",
                                  campus_id=self.campuses["TA"], active=True))
            session.add_all(rows)
            session.commit()
            return [r.id for r in rows]

    def round(self, members: int = 3, staff: int = 4, weights=None, groups=None, open_it: bool = True,
              secretary: bool = True, trim_at: int = 5):
        """A round of `staff` new staff and `members` new committee logins; returns a dict of ids."""
        from datetime import date

        from plugins.appraisal import services
        from plugins.appraisal.models import AppraisalMember, AppraisalRound, AppraisalRoundStaff

        template_id = self.template()
        people = self.staff(staff)
        logins = [self.user() for _ in range(members)]
        sec = self.user() if secretary else None
        with self.ctx() as session:
            rnd = AppraisalRound(name=f"测试轮次{next(_seq)}", kind="monthly", template_id=template_id,
                                 start_date=date(2026, 11, 1), end_date=date(2026, 11, 30), trim_at=trim_at,
                                 comment_below_percent=Decimal(60), weights=json.dumps(weights) if weights else None,
                                 secretary_id=sec[1] if sec else None)
            session.add(rnd)
            session.flush()
            for p in people:
                session.add(AppraisalRoundStaff(round_id=rnd.id, staff_id=p, graded=True))
            for i, (_, user_id, _) in enumerate(logins):
                session.add(AppraisalMember(round_id=rnd.id, user_id=user_id,
                                            group=(groups[i] if groups else "committee")))
            session.flush()
            if open_it:
                services.open_round(session, rnd.id, user=None)
            session.commit()
            return {"round": rnd.id, "template": template_id, "staff": people, "members": logins,
                    "secretary": sec}

    def sheet_id(self, round_id: int, user_id: int) -> int:
        from plugins.appraisal import services

        with self.ctx() as session:
            return services.sheet_of(session, round_id, user_id).id

    def fill(self, r: dict, value="15", submit: bool = True, members=None):
        """Every member scores every cell with `value` (a callable (member index, person, item) or text)."""
        from plugins.appraisal import services

        with self.ctx() as session:
            for m, (_, user_id, _) in enumerate(r["members"]):
                if members is not None and m not in members:
                    continue
                sheet = services.sheet_of(session, r["round"], user_id)
                member = session.get(services.AppraisalMember, sheet.member_id)
                rnd = session.get(services.AppraisalRound, r["round"])
                for person in services.sheet_people(session, sheet, rnd, member):
                    for item in services.sheet_items(services.rubric_of(rnd), member.group):
                        v = value(m, person, item.code) if callable(value) else value
                        services.save_cell(session, sheet.id, None, person, item.code, v, "ok")
                if submit:
                    services.submit_sheet(session, sheet.id, None)
            session.commit()

    def transition(self, round_id: int, name: str):
        from app.workflow import transition
        from plugins.appraisal.models import AppraisalRound

        with self.ctx() as session:
            transition(session, AppraisalRound, round_id, name, user=None)
            session.commit()

    def user_obj(self, username):
        return self.app.appbuilder.sm.find_user(username=username)


@pytest.fixture(scope="session")
def appraisal(app, campuses):
    return Appraisal(app, campuses)

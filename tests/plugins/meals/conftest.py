"""Meal-committee fixtures: a committee serving campuses TA and TB (the session database is shared,
so each test makes its own, uniquely named), its members — the chair linked to mealcommittee_a,
staff and external parent representatives — and meetings made through the same verbs as the screens."""
from __future__ import annotations

import itertools
import os
from datetime import date, timedelta

import pytest

_seq = itertools.count(1)


def fresh_mobile() -> str:
    return f"137{(next(_seq) * 7919 + os.getpid()) % 10**8:08d}"


class Meals:
    def __init__(self, app, campuses):
        self.app = app
        self.campuses = campuses

    def session(self):
        from app.extensions import db

        return db.session

    def user_id(self, username):
        with self.app.app_context():
            return self.app.appbuilder.sm.find_user(username=username).id

    def staff_for(self, username=None, campus="TA", name="周老师"):
        """A staff record (linked to `username`, one per login, made once)."""
        from sqlalchemy import select

        from app.audit import acting_as
        from app.models import Staff

        with self.app.app_context(), acting_as(None, "tests", "cli"):
            s = self.session()
            uid = self.app.appbuilder.sm.find_user(username=username).id if username else None
            if uid:
                found = s.execute(select(Staff.id).where(Staff.user_id == uid)).scalar()
                if found:
                    return found
            staff = Staff(name=name, staff_no=f"M{os.getpid() % 1000:03d}{next(_seq):06d}",
                          campus_id=self.campuses[campus], active=True, user_id=uid)
            s.add(staff)
            s.commit()
            return staff.id

    def committee(self, campuses=("TA", "TB"), parents=2, staff_members=2, chair="mealcommittee_a",
                  secretary=None, term_from=date(2020, 1, 1)):
        """A committee with its chair (linked to `chair`), staff members and parent members.
        Returns {"id", "chair", "members": [ids], "parents": [ids]}."""
        from app.audit import acting_as

        from plugins.meals.models import Committee, CommitteeCampus, Member

        chair_staff = self.staff_for(chair) if chair else self.staff_for(name="主任")
        others = [self.staff_for(name=f"教师{n}") for n in range(staff_members)]
        secretary_staff = self.staff_for(secretary) if secretary else None
        with self.app.app_context(), acting_as(None, "tests", "cli"):
            s = self.session()
            c = Committee(name=f"伙委会{os.getpid()}-{next(_seq)}", campus_id=self.campuses[campuses[0]], active=True)
            s.add(c)
            s.flush()
            for code in campuses:
                s.add(CommitteeCampus(committee_id=c.id, campus_id=self.campuses[code]))
            chair_m = Member(committee_id=c.id, staff_id=chair_staff, role="chair", term_from=term_from)
            members = [Member(committee_id=c.id, staff_id=sid, role="teacher_rep", term_from=term_from) for sid in others]
            if secretary_staff:
                members.append(Member(committee_id=c.id, staff_id=secretary_staff, role="other", secretary=True,
                                      term_from=term_from))
            parent_rows = [Member(committee_id=c.id, name=f"家长{n}", phone=fresh_mobile(), child_class="中一班",
                                  role="parent_rep", term_from=term_from) for n in range(parents)]
            s.add_all([chair_m, *members, *parent_rows])
            s.commit()
            return {"id": c.id, "chair": chair_m.id, "members": [chair_m.id] + [m.id for m in members],
                    "parents": [m.id for m in parent_rows], "phones": [m.phone for m in parent_rows]}

    def meeting(self, committee_id, held_on=None, chair_id=None):
        from app.audit import acting_as

        from plugins.meals.models import Meeting
        from plugins.meals.services import number_meeting

        with self.app.test_request_context(), acting_as(None, "tests", "cli"):
            s = self.session()
            m = Meeting(committee_id=committee_id, held_on=held_on or date.today() - timedelta(days=1),
                        starts_at="15:00", place="会议室", chair_id=chair_id)
            number_meeting(s, m)
            s.add(m)
            s.commit()
            return m.id

    def get(self, model, pk):
        with self.app.app_context():
            obj = self.session().get(model, pk)
            if obj is not None:
                self.session().expunge(obj)
            return obj

    def rows(self, stmt):
        with self.app.app_context():
            return self.session().execute(stmt).all()


@pytest.fixture()
def meals(app, campuses):
    return Meals(app, campuses)

"""Gate fixtures: fresh valid ID numbers and phones per test (the database is
shared), hosts linked to logins, the desk form, and quick visits made through
the same verbs the desk uses."""
from __future__ import annotations

import itertools
import os
import random

import pytest

_seq = itertools.count(1)


def fresh_resident_id() -> str:
    from plugins.visitors import rules

    n = next(_seq) + os.getpid() * 7919
    rng = random.Random(n)
    first17 = f"{rng.choice(['110105', '310104', '440305', '330106'])}19{rng.randrange(50, 99)}" \
              f"{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    return first17 + rules.resident_id_check_char(first17)


def fresh_mobile() -> str:
    n = (next(_seq) * 104729 + os.getpid()) % 10**8
    return f"139{n:08d}"


class Gate:
    def __init__(self, app, campuses):
        self.app = app
        self.campuses = campuses

    def _session(self):
        from app.extensions import db

        return db.session

    def purpose(self, name_zh: str = "家长") -> int:
        from sqlalchemy import select

        from plugins.visitors.models import Purpose

        with self.app.app_context():
            return self._session().execute(select(Purpose.id).where(Purpose.name_zh == name_zh)).scalar_one()

    def user_id(self, username: str) -> int:
        with self.app.app_context():
            return self.app.appbuilder.sm.find_user(username=username).id

    def staff(self, campus: str = "TA", username: str | None = None, name: str = "周老师",
              work_phone: str = "021-66778899") -> int:
        """A host; linked to `username` (one staff row per login, made once)."""
        from sqlalchemy import select

        from app.audit import acting_as
        from app.models import Staff

        with self.app.app_context(), acting_as(None, "tests", "cli"):
            session = self._session()
            if username:
                uid = self.app.appbuilder.sm.find_user(username=username).id
                found = session.execute(select(Staff.id).where(Staff.user_id == uid)).scalar()
                if found:
                    return found
            staff = Staff(name=name, staff_no=f"G{os.getpid() % 1000:03d}{next(_seq):06d}",
                          campus_id=self.campuses[campus], work_phone=work_phone, active=True,
                          user_id=self.app.appbuilder.sm.find_user(username=username).id if username else None)
            session.add(staff)
            session.commit()
            return staff.id

    def form(self, campus: str = "TA", **over) -> dict:
        data = {"campus_id": str(self.campuses[campus]), "doc_type": "resident_id",
                "id_number": fresh_resident_id(), "name": "王建国", "phone": fresh_mobile(),
                "organisation": "恒安装修工程公司", "purpose_id": str(self.purpose()), "host_id": "",
                "host_confirmation": "", "party_size": "1", "plate": "", "badge": "", "note": ""}
        data.update({k: ("" if v is None else str(v)) for k, v in over.items()})
        return data

    def visit(self, campus: str = "TA", username: str = "gatekeeper_a", **over):
        """Sign a visitor in through services.sign_in; returns the visit id."""
        from app.audit import acting_as
        from plugins.visitors import services
        from plugins.visitors.intake import clean_sign_in

        data, errors = clean_sign_in(self.form(campus, **over))
        assert not errors, errors
        with self.app.app_context(), acting_as(None, "tests", "cli"):
            user = self.app.appbuilder.sm.find_user(username=username)
            visit = services.sign_in(self._session(), data, user)
            self._session().commit()
            return visit.id

    def get(self, model, pk):
        with self.app.app_context():
            obj = self._session().get(model, pk)
            self._session().expunge(obj)
            return obj

    def blocklist(self, name: str, id_number: str | None = None, phone: str | None = None, campus=None,
                  valid_until=None, reason: str = "扰乱秩序") -> int:
        from app.audit import acting_as
        from app.privacy import mask_id, mask_phone
        from plugins.visitors.intake import hashes
        from plugins.visitors.models import BlocklistEntry

        with self.app.app_context(), acting_as(None, "tests", "cli"):
            id_hash, phone_hash = hashes(self.app.config["SECRET_KEY"], id_number, phone)
            entry = BlocklistEntry(name=name, id_hash=id_hash, phone_hash=phone_hash, reason=reason,
                                   id_masked=mask_id(id_number) if id_number else None,
                                   phone_masked=mask_phone(phone) if phone else None,
                                   campus_id=self.campuses[campus] if campus else None, valid_until=valid_until)
            self._session().add(entry)
            self._session().commit()
            return entry.id


@pytest.fixture(scope="session")
def gate(app, campuses):
    return Gate(app, campuses)


@pytest.fixture(scope="session")
def resident_id():
    return fresh_resident_id


@pytest.fixture(scope="session")
def mobile_no():
    return fresh_mobile

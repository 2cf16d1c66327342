"""Register fixtures: rooms and staff on the test campuses, and cards made through the same
verbs the card form uses (services.register), so every test starts from a real card."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

_seq = itertools.count(1)


class Register:
    def __init__(self, app, campuses):
        self.app = app
        self.campuses = campuses

    def session(self):
        from app.extensions import db

        return db.session

    def category_id(self, code: str) -> int:
        from sqlalchemy import select

        from plugins.assets.models import AssetCategory

        with self.app.app_context():
            return self.session().execute(select(AssetCategory.id).where(AssetCategory.code == code)).scalar_one()

    def room(self, campus: str = "TA", building: str = "测试教学楼", name: str | None = None,
             class_name: str | None = None) -> int:
        from sqlalchemy import select

        from app.audit import acting_as
        from app.models import Building, Room

        name = name or f"R{next(_seq):04d}"
        with self.app.app_context(), acting_as(None, "tests", "cli"):
            s = self.session()
            b = s.execute(select(Building).where(Building.campus_id == self.campuses[campus],
                                                 Building.name == building)).scalar_one_or_none()
            if b is None:
                b = Building(campus_id=self.campuses[campus], name=building, active=True)
                s.add(b)
                s.flush()
            room = s.execute(select(Room).where(Room.building_id == b.id, Room.name == name)).scalar_one_or_none()
            if room is None:
                room = Room(building=b, name=name, kind="classroom", class_name=class_name, active=True)
                s.add(room)
            s.commit()
            return room.id

    def staff(self, campus: str = "TA", username: str | None = None, name: str | None = None,
              department: str | None = None) -> int:
        from sqlalchemy import select

        from app.audit import acting_as
        from app.models import Staff

        with self.app.app_context(), acting_as(None, "tests", "cli"):
            s = self.session()
            user_id = self.app.appbuilder.sm.find_user(username=username).id if username else None
            if user_id:
                found = s.execute(select(Staff).where(Staff.user_id == user_id)).scalar_one_or_none()
                if found is not None:
                    return found.id
            n = next(_seq)
            dept = None
            if department:
                from app.models import Department

                dept = s.execute(select(Department.id).where(Department.name == department,
                                                             Department.campus_id == self.campuses[campus])).scalar()
            row = Staff(name=name or f"保管员{n}", staff_no=f"AS{n:05d}", campus_id=self.campuses[campus],
                        user_id=user_id, active=True, employment_type="established", department_id=dept)
            s.add(row)
            s.commit()
            return row.id

    def user(self, username: str, role: str = "AssetKeeper", campus: str | None = "TA") -> int:
        """A login of `role` on `campus` (None: no campus), made once per test session."""
        from app.extensions import db
        from tests.seed import PASSWORD

        with self.app.app_context():
            sm = self.app.appbuilder.sm
            user = sm.find_user(username=username)
            if user is None:
                from app.models import Campus

                user = sm.add_user(username, role, username, f"{username}@test.houqin", sm.find_role(role),
                                   password=PASSWORD)
                assert user, f"could not create {username}"
                if campus:
                    user.campuses = [db.session.get(Campus, self.campuses[campus])]
                db.session.commit()
            return user.id

    def card(self, *, campus: str = "TA", code: str = "A02010105", name: str = "台式计算机", price="5999.00",
             quantity: int = 1, acquired=date(2024, 3, 15), life: int = 72, room_id=None, custodian_id=None,
             legacy_no=None, **extra) -> int:
        from app.audit import acting_as
        from plugins.assets import services
        from plugins.assets.models import Asset, AssetCategory

        with self.app.app_context(), acting_as(None, "tests", "cli"):
            s = self.session()
            price = Decimal(price)
            asset = Asset(name=name, category=s.get(AssetCategory, self.category_id(code)), quantity=quantity,
                          unit="台", unit_price=price, original_value=price * quantity, acquired_on=acquired,
                          life_months=life, campus_id=self.campuses[campus], room_id=room_id,
                          custodian_id=custodian_id, legacy_no=legacy_no, status="in_use", **extra)
            errors = services.check_card(asset)
            assert not errors, [e.format() for e in errors]
            services.register(s, asset)
            s.commit()
            return asset.id

    def get(self, asset_id: int):
        from plugins.assets.models import Asset

        with self.app.app_context():
            asset = self.session().get(Asset, asset_id)
            self.session().expunge(asset)
            return asset


@pytest.fixture()
def register(app, campuses):
    return Register(app, campuses)


def _wipe_months(app):
    from sqlalchemy import delete, update

    from app.extensions import db
    from plugins.assets.models import (Asset, AssetEvent, ClosedMonth, DepreciationRow, DepreciationRun,
                                       Reconciliation)

    with app.app_context():
        s = db.session
        s.execute(delete(DepreciationRow))
        s.execute(delete(DepreciationRun))
        s.execute(delete(ClosedMonth))
        s.execute(delete(AssetEvent).where(AssetEvent.kind == "caught_up"))
        # disposed cards are locked (core): left as they are
        s.execute(Asset.__table__.update().where(Asset.__table__.c.status != "disposed").values(
                                                  accumulated_depreciation=Asset.__table__.c.opening_accumulated,
                                                  depreciated_through=Asset.__table__.c.opening_counted_to,
                                                  caught_up_in=None))
        s.commit()


@pytest.fixture()
def months(app):
    """The month-end runs are institution-wide: each test using them starts and ends with none."""
    _wipe_months(app)
    yield
    _wipe_months(app)

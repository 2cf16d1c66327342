"""The one seeder of the test databases (the session database of tests/conftest.py and the live
server's of tests/browser_support.py): migrations to heads, roles synced, positions, two campuses
with departments, one login per catalogue role (core's and every enabled plugin's), and a few
staff. Plugins seed what they need in tests/plugins/<name>/conftest.py."""
from __future__ import annotations

from datetime import timedelta

PASSWORD = "Test-Pass-2026!!"
# A hash that costs nothing: the suite logs in thousands of times (scrypt took ~40 s of it).
# Production keeps Flask-AppBuilder's default (scrypt).
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"


def migrate(app, actor: str = "tests") -> None:
    from flask_migrate import upgrade

    from app.audit import acting_as
    from app.cli import seed_positions, sync_permissions_and_roles

    with app.app_context(), acting_as(None, actor, "cli"):
        upgrade(revision="heads")
        sync_permissions_and_roles()
        seed_positions()


def seed(app, campus_names=("测试A园", "测试B园"), *, staff: bool = False, actor: str = "tests") -> dict:
    """Campuses TA and TB; logins "<role>_a" for every catalogue role (campus TA), "staff_none"
    (Staff, no campus), "gatekeeper_b" (campus TB), "director" (Director, no campus) and
    "director_all" (every catalogue role, no campus);
    with `staff`, staff B0001-B0004 on TA and B0005 on TB, some health certificates about to
    expire or expired. Returns {"campuses": {"TA": id, "TB": id}, "users": {username: role}}."""
    from app.audit import acting_as
    from app.extensions import db
    from app.i18n import local_now
    from app.models import Campus, Department, Position, Staff
    from app.security import catalogue

    migrate(app, actor)
    users = {}
    with app.app_context(), acting_as(None, actor, "cli"):
        a = Campus(name=campus_names[0], code="TA", address="测试路1号", active=True)
        b = Campus(name=campus_names[1], code="TB", address="测试路2号", active=True)
        db.session.add_all([a, b])
        db.session.flush()
        logistics, canteen = Department(name="后勤处", campus=a), Department(name="食堂", campus=a)
        db.session.add_all([logistics, canteen, Department(name="后勤处", campus=b),
                            Department(name="全园共用", campus=None)])
        sm = app.appbuilder.sm

        def add(username, role, first, last, campuses):
            user = sm.add_user(username, first, last, f"{username}@test.houqin", sm.find_role(role),
                               password=PASSWORD)
            assert user, f"could not create {username}"
            user.campuses = campuses
            users[username] = role

        for role in catalogue():
            add(role.lower() + "_a", role, role, "A", [a])
        add("staff_none", "Staff", "Staff", "None", [])
        add("gatekeeper_b", "Gatekeeper", "Gate", "B", [b])
        add("director", "Director", "张", "主任", [])
        # A Director holding every catalogue role: every to-do kind and panel applies (the budget).
        all_roles = [sm.find_role(name) for name in catalogue()]
        user = sm.add_user("director_all", "全", "角色", "director_all@test.houqin", all_roles, password=PASSWORD)
        assert user, "could not create director_all"
        users["director_all"] = "Director"
        if staff:
            positions = {p.name_zh: p for p in db.session.query(Position).all()}
            today = local_now().date()
            rows = [
                ("B0001", "王芳", "F", "保育员", a, logistics, today + timedelta(days=10)),
                ("B0002", "李伟", "M", "营养员/厨师", a, canteen, today - timedelta(days=3)),
                ("B0003", "陈秀英", "F", "保健教师", a, logistics, today + timedelta(days=300)),
                ("B0004", "赵强", "M", "门卫/保安", a, logistics, None),
                ("B0005", "刘洋", "M", "司机", b, None, today + timedelta(days=20)),
            ]
            for no, name, gender, position, campus, dept, expiry in rows:
                db.session.add(Staff(staff_no=no, name=name, gender=gender, position=positions.get(position),
                                     campus_id=campus.id, department=dept, work_phone="021-12345678",
                                     personal_phone="13812345678", employment_type="established",
                                     health_cert_expiry=expiry, active=True))
        db.session.commit()
        return {"campuses": {"TA": a.id, "TB": b.id}, "users": users}


def sample_ids(app) -> dict[str, int]:
    """A real record per screen (view class name -> its model's smallest id, 1 when it has none),
    so a test that opens every page sees show and edit pages with their form, not a 404."""
    from sqlalchemy import func, select

    from app.extensions import db

    ids = {}
    with app.app_context():
        for view in app.appbuilder.baseviews:
            model = getattr(getattr(view, "datamodel", None), "obj", None)
            if model is not None and hasattr(model, "id"):
                ids[type(view).__name__] = db.session.execute(select(func.min(model.id))).scalar() or 1
    return ids

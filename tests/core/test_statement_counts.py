"""Statements per page are deterministic: a regression (an N+1, a lost cache)
fails here. Flask-AppBuilder's stock list runs ~19 for the same page."""
import pytest


def _count(client, count_statements, url):
    client.get(url)  # warm: first request of a client may set up its session
    with count_statements() as counter:
        resp = client.get(url)
    assert resp.status_code == 200
    return counter.count


@pytest.mark.parametrize("user", ["director_a", "staff_a"])
@pytest.mark.parametrize("url,ceiling", [
    # user+roles+campuses (+ settings version), permissions, to-do count, count, page, campus choices
    ("/staffview/list/", 6),
    ("/staffview/list/?_flt_0_name=%E7%8E%8B", 6),    # search by name
    # user, permissions, to-do count, the record; + one per panel that shows something to the
    # viewer (the visitors it hosted and the appraisal results, for the Director)
    ("/staffview/show/{pk}", 6),
])
def test_staff_pages_run_few_statements(app, client_as, count_statements, campuses, ctx, user, url, ceiling):
    from app.audit import acting_as
    from app.models import Staff

    from sqlalchemy import select

    from app.models import Department, Position

    positions = ctx.session.execute(select(Position)).scalars().all()
    depts = ctx.session.execute(select(Department).where(Department.campus_id == campuses["TA"])).scalars().all()
    with acting_as(None, "tests", "cli"):
        # a page of staff with different positions and departments: an N+1 would show
        for i in range(12):
            ctx.session.add(Staff(name="计数", staff_no=f"CNT-{user}-{ceiling}-{len(url)}-{i}", employment_type="contract",
                                  campus_id=campuses["TA"], position=positions[i % len(positions)],
                                  department=depts[i % len(depts)], active=True))
        staff = Staff(name="计数", staff_no=f"CNT-{user}-{ceiling}-{len(url)}", employment_type="contract",
                      campus_id=campuses["TA"], position=positions[0], department=depts[0], active=True)
        ctx.session.add(staff)
        ctx.session.commit()
    assert _count(client_as(user), count_statements, url.format(pk=staff.id)) <= ceiling


def test_the_signed_in_user_is_loaded_in_one_statement(app, client_as, count_statements):
    c = client_as("auditor_a")
    with count_statements() as counter:
        c.get("/users/userinfo/")
    user_loads = [s for s in counter.statements if "FROM ab_user" in s and "ab_role" in s]
    assert len(user_loads) == 1


def test_dashboard_core_part_is_three_statements_plus_a_few_per_widget(app, client_as, count_statements):
    widgets = len(app.extensions["houqin"].widgets)
    # user, permissions, to-do count, then at most a few per widget (plugins assert their own)
    assert _count(client_as("director_a"), count_statements, "/") <= 3 + 3 * widgets

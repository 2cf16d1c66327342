"""Two desks at the same moment: a visit is signed out once, an appointment is
converted once (conditional UPDATE checked by rowcount, on SQLite and PostgreSQL)."""
import threading

from sqlalchemy import select


def race(clients, call):
    """Run call(client) in one thread per client, released together; return the results."""
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(i, client):
        barrier.wait()
        results[i] = call(client)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_desks_signing_out_the_same_visit_at_once_sign_it_out_once(app, client_as, gate):
    from app.extensions import db
    from app.models import AuditLog
    from plugins.visitors.models import Visit

    desks = [client_as("gatekeeper_a", lang="en") for _ in range(4)]
    for _ in range(3):
        visit_id = gate.visit()

        def sign_out(client):
            page = client.post(f"/gate/desk/sign-out/{visit_id}", follow_redirects=True).get_data(as_text=True)
            return "signed out." in page, "already been signed out" in page

        results = race(desks, sign_out)
        assert sum(ok for ok, _ in results) == 1, results
        assert sum(refused for _, refused in results) == len(desks) - 1, results
        visit = gate.get(Visit, visit_id)
        assert visit.status == "left" and visit.time_out is not None
        with app.app_context():
            # One entry, naming the visit (filtering the log by the visit finds it), for the one winner.
            entries = db.session.execute(select(AuditLog).where(
                AuditLog.table_name == "visit", AuditLog.record_id == str(visit_id),
                AuditLog.action == "transition")).scalars().all()
            assert [(a.changes["transition"], a.changes["status"]) for a in entries] == [("sign_out", ["on_site", "left"])]
            assert entries[0].actor == "gatekeeper_a" and entries[0].changes["time_out"][1]


def test_two_kiosks_signing_out_through_the_api_at_once_sign_out_once(app, api_as, gate):
    visit_id = gate.visit()
    kiosks = [api_as("gatekeeper_a") for _ in range(3)]
    codes = race([c for c, _ in kiosks], lambda client: client.post(
        f"/api/v1/visit/{visit_id}/sign-out", json={}, headers=kiosks[0][1]).status_code)
    assert sorted(codes) == [200, 422, 422]


def test_an_appointment_converted_by_two_desks_at_once_gives_one_visit(app, client_as, gate, uid):
    from app.audit import acting_as
    from app.extensions import db
    from app.i18n import local_now
    from plugins.visitors import services
    from plugins.visitors.models import Appointment, Visit

    host = gate.staff("TA", username="staff_a")
    name = uid("抢")
    with app.app_context(), acting_as(None, "tests", "cli"):
        appt = Appointment(campus_id=gate.campuses["TA"], reference_code=services.new_reference_code(db.session),
                           host_id=host, visitor_name=name, purpose_id=gate.purpose(), party_size=1,
                           expected_date=local_now().date())
        db.session.add(appt)
        db.session.commit()
        appt_id = appt.id
    desks = [client_as("gatekeeper_a") for _ in range(3)]
    forms = [gate.form(name=name, appointment_id=appt_id) for _ in desks]
    codes = race(list(range(len(desks))), lambda i: desks[i].post("/gate/desk/sign-in", data=forms[i]).status_code)
    assert sorted(codes) == [302, 422, 422]
    with app.app_context():
        visits = db.session.execute(select(Visit).where(Visit.appointment_id == appt_id)).scalars().all()
        assert len(visits) == 1

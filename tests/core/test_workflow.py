"""State changes that happen once (app.workflow), through the test plugin's requests on their own
database (SQLite, or PostgreSQL with HOUQIN_TEST_DATABASE_URL): declared states and transitions,
one conditional UPDATE each (two clicks, two hosts: one wins), one audit entry naming the record with
the reason, refusals in the user's language on the form or as 409/422 JSON; the approval rules
(requester may not approve, the sole-holder fallback flagged self-approved, the external approval
from a threshold)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import update

from tests.core.sample_app import sample_env  # noqa: F401  (module fixture)


def race(n, call):
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        barrier.wait()
        results[i] = call(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def model():
    from houqin_sample.models import SampleRequest

    return SampleRequest


def transitions_logged(env, pk):
    return [(a.changes["transition"], a.changes["status"], a.actor) for a in env.audit("sample_request", pk)
            if a.action == "transition"]


def test_a_request_moves_through_its_states_each_change_one_audit_entry_naming_it(sample_env):
    env = sample_env
    pk = env.request(title="钢琴调音", amount="450.00")
    requester = env.login("req_a")
    assert requester.post(f"/samplerequestview/do/submit/{pk}").status_code == 302
    assert env.get(model(), pk).status == "submitted"
    reviewer = env.login("rev_a")
    page = reviewer.get(f"/samplerequestview/show/{pk}").get_data(as_text=True)
    assert 'id="hq-t-approve"' in page and 'id="hq-t-reject"' in page and "Submitted" in page
    resp = reviewer.post(f"/samplerequestview/do/approve/{pk}", follow_redirects=True)
    assert "Done: Approve." in resp.get_data(as_text=True)
    req = env.get(model(), pk)
    assert req.status == "approved" and req.decided_by_id == env.users["rev_a"] and not req.self_approved
    assert transitions_logged(env, pk) == [("submit", ["draft", "submitted"], "req_a"),
                                           ("approve", ["submitted", "approved"], "rev_a")]
    # the requester's page offers nothing more: the request is locked
    page = requester.get(f"/samplerequestview/show/{pk}").get_data(as_text=True)
    assert "hq-t-" not in page and "locked" in page


def test_a_rule_of_the_domain_guards_a_transition_with_its_message_on_the_field(sample_env):
    pk = sample_env.request(amount="0")
    resp = sample_env.login("req_a").post(f"/samplerequestview/do/submit/{pk}")
    assert resp.status_code == 422 and "A request needs an amount above zero" in resp.get_data(as_text=True)
    assert sample_env.get(model(), pk).status == "draft"


def test_two_clicks_at_once_approve_once(sample_env):
    env = sample_env
    pk = env.request(state="submitted")
    clients = [env.login("rev_a") for _ in range(4)]
    pages = race(4, lambda i: clients[i].post(f"/samplerequestview/do/approve/{pk}", follow_redirects=True)
                 .get_data(as_text=True))
    assert sum("Done: Approve." in p for p in pages) == 1, pages
    assert sum("Not done: this record is already Approved." in p for p in pages) == 3
    assert [t[0] for t in transitions_logged(env, pk)] == ["submit", "approve"]
    from app.workflow import approvals

    with env.app.app_context():
        from app.extensions import db

        assert len(approvals(db.session, model(), pk)) == 1


@pytest.mark.slow
def test_two_hosts_approving_at_once_approve_once(sample_env):
    env = sample_env
    pk = env.request(state="submitted")
    results = env.workers([["transition", "approve", str(pk), "rev_a"] for _ in range(3)])
    assert sorted(r["result"] for r in results) == ["StateMoved", "StateMoved", "done"]
    assert [t[0] for t in transitions_logged(env, pk)] == ["submit", "approve"]


def test_a_refused_transition_lands_on_the_form_with_what_was_typed(sample_env):
    env = sample_env
    pk = env.request(amount="1500.00", state="submitted")
    reviewer = env.login("rev_a")
    resp = reviewer.post(f"/samplerequestview/do/reject/{pk}", data={"reason": "  "})
    assert resp.status_code == 422 and "Give a reason" in resp.get_data(as_text=True)
    resp = reviewer.post(f"/samplerequestview/do/approve/{pk}", data={"external_body": "区教育局"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'value="区教育局"' in page  # kept
    assert "Give the approval&#39;s document number" in page and "Give the approval&#39;s date" in page
    assert env.get(model(), pk).status == "submitted"  # nothing half-done
    zh = env.login("rev_a", lang="zh").post(f"/samplerequestview/do/reject/{pk}", data={"reason": ""})
    assert "请填写原因" in zh.get_data(as_text=True)


def test_the_api_runs_transitions_the_same_way_and_answers_409_or_422_with_a_message(sample_env):
    env = sample_env
    pk = env.request(state="submitted")
    client, headers = env.api("rev_a")
    resp = client.post(f"/api/v1/samplerequest/{pk}/approve", json={}, headers=headers)
    assert resp.status_code == 200 and resp.get_json()["state"] == "approved"
    again = client.post(f"/api/v1/samplerequest/{pk}/approve", json={}, headers=headers)
    # An API client has no language of its own: the institution's default, Chinese.
    assert again.status_code == 409 and again.get_json()["message"] == "未执行：该记录已是“已批准”状态。"
    other = env.request(state="submitted")
    missing = client.post(f"/api/v1/samplerequest/{other}/reject", json={"reason": ""}, headers=headers)
    assert missing.status_code == 422 and missing.get_json()["message"] == {"reason": ["请填写原因"]}
    assert client.post("/api/v1/samplerequest/999999/approve", json={}, headers=headers).status_code == 404
    assert client.post(f"/api/v1/samplerequest/{other}/approve", data="[1]", headers={
        **headers, "Content-Type": "application/json"}).status_code == 400
    staff, staff_headers = env.api("req_a")
    assert staff.post(f"/api/v1/samplerequest/{other}/approve", json={}, headers=staff_headers).status_code == 403
    outsider, outsider_headers = env.api("clerk_b")  # campus B: the request is not theirs to see
    assert outsider.post(f"/api/v1/samplerequest/{other}/submit", json={}, headers=outsider_headers).status_code == 404
    spec = client.get("/api/v1/_openapi", headers=headers)
    if spec.status_code == 200:
        paths = spec.get_json()["paths"]
        assert "/samplerequest/{pk}/approve" in paths and "TransitionSchema" in spec.get_data(as_text=True)


def test_a_user_without_the_permission_gets_no_button_and_a_403(sample_env):
    env = sample_env
    pk = env.request(state="submitted")
    requester = env.login("req_a")
    assert 'id="hq-t-approve"' not in requester.get(f"/samplerequestview/show/{pk}").get_data(as_text=True)
    assert requester.post(f"/samplerequestview/do/approve/{pk}").status_code == 403
    with env.app.app_context():
        from app.extensions import db
        from app.workflow import NotPermitted, transition

        user = env.app.appbuilder.sm.find_user(username="req_a")
        with pytest.raises(NotPermitted):
            transition(db.session, model(), pk, "approve", user=user)
        db.session.rollback()


def test_the_state_column_changes_only_through_transitions(sample_env):
    from app.extensions import db
    from app.workflow import RecordLocked

    env = sample_env
    pk = env.request()
    with env.app.app_context():
        req = db.session.get(model(), pk)
        req.status = "approved"
        with pytest.raises(RecordLocked, match="changes only through its actions"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(RecordLocked):
            db.session.execute(update(model()).where(model().id == pk).values(status="approved"))
        db.session.rollback()
    assert env.get(model(), pk).status == "draft"


# -- approval rules ------------------------------------------------------------------------------

def _make_reviewer(env, username, campus="SA", active=True):
    from app.audit import acting_as
    from app.extensions import db

    with env.app.app_context(), acting_as(None, "tests", "cli"):
        sm = env.app.appbuilder.sm
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(username, username, "S", f"{username}@sample.test", sm.find_role("SampleReviewer"),
                               password="Test-Pass-2026!!")
            from app.models import Campus

            user.campuses = [db.session.get(Campus, env.campuses[campus])]
        user.active = active
        db.session.commit()


def test_the_requester_may_not_approve_their_own_request_while_someone_else_may(sample_env):
    env = sample_env
    _make_reviewer(env, "rev_a2", active=True)
    try:
        pk = env.request(user="rev_a", state="submitted")
        resp = env.login("rev_a").post(f"/samplerequestview/do/approve/{pk}")
        assert resp.status_code == 422
        assert "You made this request: someone else who may approve it must do so." in resp.get_data(as_text=True)
        assert env.get(model(), pk).status == "submitted"
        assert env.login("rev_a2").post(f"/samplerequestview/do/approve/{pk}").status_code == 302
        assert env.get(model(), pk).status == "approved"
    finally:
        _make_reviewer(env, "rev_a2", active=False)


def test_a_sole_holder_may_approve_their_own_request_flagged_self_approved_and_audited(sample_env):
    """rev_a is the only reviewer of campus A: rev_b (campus B) and the system administrator (who
    holds every permission) do not count, nor a deactivated reviewer."""
    env = sample_env
    pk = env.request(user="rev_a", state="submitted")
    resp = env.login("rev_a").post(f"/samplerequestview/do/approve/{pk}", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "Done: Approve." in page and "self-approved" in page
    req = env.get(model(), pk)
    assert req.status == "approved" and req.self_approved
    entry = [a for a in env.audit("sample_request", pk) if a.action == "transition"][-1]
    assert entry.changes["self_approved"] is True and entry.changes["transition"] == "approve"
    from app.workflow import approvals

    with env.app.app_context():
        from app.extensions import db

        (record,) = approvals(db.session, model(), pk)
        assert record.self_approved and record.actor == "rev_a"


def test_from_the_threshold_an_approval_records_the_external_reference(sample_env):
    from datetime import date

    env = sample_env
    below = env.request(amount="999.99", state="submitted")
    reviewer = env.login("rev_a")
    page = reviewer.get(f"/samplerequestview/show/{below}").get_data(as_text=True)
    assert "external_body" not in page
    assert reviewer.post(f"/samplerequestview/do/approve/{below}").status_code == 302
    above = env.request(amount="1000.00", state="submitted")
    assert "External approval (from ¥1,000.00)" in reviewer.get(f"/samplerequestview/show/{above}").get_data(as_text=True)
    future = reviewer.post(f"/samplerequestview/do/approve/{above}", data={
        "external_body": "区教育局", "external_number": "教财〔2026〕7号", "external_date": "2999-01-01"})
    assert future.status_code == 422 and "cannot be in the future" in future.get_data(as_text=True)
    done = reviewer.post(f"/samplerequestview/do/approve/{above}", data={
        "external_body": "区教育局", "external_number": "教财〔2026〕7号", "external_date": "2026-01-05"},
        follow_redirects=True)
    assert "区教育局 · 教财〔2026〕7号" in done.get_data(as_text=True)
    from app.workflow import approvals

    with env.app.app_context():
        from app.extensions import db

        (record,) = approvals(db.session, model(), above)
        assert (record.external_body, record.external_number, record.external_date, record.amount) == (
            "区教育局", "教财〔2026〕7号", date(2026, 1, 5), "1000.00")
    entry = [a for a in env.audit("sample_request", above) if a.action == "transition"][-1]
    assert entry.changes["external_approval"]["number"] == "教财〔2026〕7号"
    # the threshold is a setting
    env.set_setting("sample_external_from", 2000)
    try:
        third = env.request(amount="1500.00", state="submitted")
        assert reviewer.post(f"/samplerequestview/do/approve/{third}").status_code == 302
    finally:
        env.set_setting("sample_external_from", None)


def test_holders_count_only_active_people_who_may_use_the_campus(sample_env):
    from app.extensions import db
    from app.workflow import holders

    env = sample_env
    with env.app.app_context():
        everyone = set(holders(db.session, [("can_approve", "SampleRequestView")]))
        assert env.users["rev_a"] in everyone and env.users["rev_b"] in everyone
        assert env.users["root"] not in everyone  # Admin holds all, and is not an approver
        on_a = set(holders(db.session, [("can_approve", "SampleRequestView")], campus_id=env.campuses["SA"]))
        assert env.users["rev_b"] not in on_a and env.users["rev_a"] in on_a
        reopeners = set(holders(db.session, [("can_reopen", "SampleRequestView")], campus_id=env.campuses["SA"]))
        assert env.users["boss"] in reopeners  # a Director sees every campus


class Statements:
    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self.add)
        return self

    def add(self, conn, cursor, statement, *args):
        self.seen.append(statement)

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self.add)


def test_a_transition_costs_three_statements_and_an_approval_two_more(sample_env):
    """Read the record, the conditional UPDATE, the audit entry; an approval also asks who else holds
    the permission (the requester is not the approver here, so it does not) and keeps its record."""
    from app.extensions import db
    from app.workflow import transition

    env = sample_env
    pk = env.request()
    with env.app.app_context():
        user = env.app.appbuilder.sm.find_user(username="rev_a")
        with Statements(db.engine) as submit:
            transition(db.session, model(), pk, "submit", user=None)
        db.session.commit()
        with Statements(db.engine) as approve:
            transition(db.session, model(), pk, "approve", user=user)
        db.session.commit()
    assert len([s for s in submit.seen if not s.startswith(("BEGIN", "SAVEPOINT"))]) == 3, submit.seen
    writes = [s.split()[0] for s in approve.seen if s.split()[0] in ("UPDATE", "INSERT")]
    assert writes == ["UPDATE", "INSERT", "INSERT"], approve.seen  # the state, the approval, the audit entry


def test_what_a_service_changed_before_a_transition_is_kept_and_checked(sample_env):
    from app.extensions import db
    from app.workflow import transition

    env = sample_env
    pk = env.request(title="先改标题")
    with env.app.app_context():
        db.session.get(model(), pk).title = "改后提交"
        transition(db.session, model(), pk, "submit", user=None)
        db.session.commit()
    req = env.get(model(), pk)
    assert (req.title, req.status) == ("改后提交", "submitted")

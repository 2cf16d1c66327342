"""Locked records (app.locks), on the test plugin's requests: an approved request cannot change by any
path — edit form, API, bulk action, an import through the session, bulk UPDATE/DELETE statements
(ORM or on the table), its child lines, its attachments — while a draft one can; records a locked
one uses are not deleted (deactivated instead); a reopen with a reason unlocks it and keeps the
earlier content as a readable version; `demo --remove` and the visitors' retention are the only
writes allowed past a lock, both audited."""
from __future__ import annotations

import os
import re
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, update

from tests.core.sample_app import sample_env  # noqa: F401  (module fixture)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOCKED = "is Approved and locked"


def models():
    from houqin_sample.models import SampleAttachment, SampleRequest, SampleRequestLine

    return SampleRequest, SampleRequestLine, SampleAttachment


def test_a_locked_request_cannot_be_edited_through_the_form(sample_env):
    env = sample_env
    SampleRequest = models()[0]
    pk = env.request(title="原标题", state="approved")
    client = env.login("req_a")
    opened = client.get(f"/samplerequestview/edit/{pk}", follow_redirects=True).get_data(as_text=True)
    assert LOCKED in opened and 'name="title"' not in opened  # no edit form for a locked record
    saved = client.post(f"/samplerequestview/edit/{pk}", data={"title": "改过的", "amount": "1"},
                        follow_redirects=True).get_data(as_text=True)
    assert LOCKED in saved
    deleted = client.post(f"/samplerequestview/delete/{pk}", follow_redirects=True).get_data(as_text=True)
    assert LOCKED in deleted
    assert env.get(SampleRequest, pk).title == "原标题"
    draft = env.request(title="草稿")
    client.post(f"/samplerequestview/edit/{draft}", data={"title": "草稿改", "amount": "12.00"})
    assert env.get(SampleRequest, draft).title == "草稿改"


def test_a_locked_request_cannot_be_changed_through_the_api(sample_env):
    env = sample_env
    pk = env.request(state="approved")
    client, headers = env.api("req_a")
    put = client.put(f"/api/v1/samplerequest/{pk}", json={"title": "x"}, headers=headers)
    assert put.status_code == 409 and "已锁定" in put.get_json()["message"]
    gone = client.delete(f"/api/v1/samplerequest/{pk}", headers=headers)
    assert gone.status_code == 409
    assert env.get(models()[0], pk).title == "打印机墨盒"
    draft = env.request()
    assert client.put(f"/api/v1/samplerequest/{draft}", json={"title": "改"}, headers=headers).status_code == 200


def test_a_bulk_action_changes_nothing_when_one_of_its_records_is_locked(sample_env):
    env = sample_env
    SampleRequest = models()[0]
    locked, draft = env.request(title="锁定", state="approved"), env.request(title="草稿")
    resp = env.login("req_a").post("/samplerequestview/action_post", data={
        "action": "touch_all", "rowid": [str(locked), str(draft)]}, follow_redirects=True)
    assert resp.status_code == 200 and LOCKED in resp.get_data(as_text=True)
    assert env.get(SampleRequest, locked).title == "锁定" and env.get(SampleRequest, draft).title == "草稿"


def test_an_import_through_the_session_writes_nothing_when_a_row_is_locked(sample_env):
    """An importer updates matched rows through the session: the flush refuses the whole batch."""
    from app.extensions import db
    from app.workflow import RecordLocked

    env = sample_env
    SampleRequest = models()[0]
    ids = [env.request(title=f"导入{i}") for i in range(3)] + [env.request(title="已批", state="approved")]
    with env.app.app_context():
        for pk in ids:
            db.session.get(SampleRequest, pk).amount = Decimal("1.00")
        with pytest.raises(RecordLocked, match="locked"):
            db.session.commit()
        db.session.rollback()
    assert {env.get(SampleRequest, pk).amount for pk in ids} == {Decimal("300.00")}


def test_bulk_statements_cannot_touch_a_locked_row(sample_env):
    from app.extensions import db
    from app.workflow import RecordLocked

    env = sample_env
    SampleRequest, SampleRequestLine, _ = models()
    locked = env.request(title="批量锁", state="approved", lines=[("纸", 2)])
    draft = env.request(title="批量草", lines=[("笔", 3)])
    with env.app.app_context():
        for stmt in (update(SampleRequest).where(SampleRequest.id.in_([locked, draft])).values(title="x"),
                     delete(SampleRequest).where(SampleRequest.id == locked),
                     delete(SampleRequest.__table__).where(SampleRequest.__table__.c.id == locked),
                     update(SampleRequestLine).where(SampleRequestLine.request_id == locked).values(quantity=9)):
            with pytest.raises(RecordLocked):
                db.session.execute(stmt)
            db.session.rollback()
        # the unlocked one alone is fine
        db.session.execute(update(SampleRequest).where(SampleRequest.id == draft).values(title="批量草改"))
        db.session.execute(update(SampleRequestLine).where(SampleRequestLine.request_id == draft).values(quantity=4))
        db.session.commit()
    assert env.get(SampleRequest, locked).title == "批量锁" and env.get(SampleRequest, draft).title == "批量草改"


def test_the_lines_of_a_locked_request_are_locked_with_it(sample_env):
    from app.extensions import db
    from app.workflow import RecordLocked

    env = sample_env
    SampleRequest, SampleRequestLine, _ = models()
    locked = env.request(state="approved", lines=[("硒鼓", 1)])
    draft = env.request(lines=[("色带", 2)])
    client = env.login("req_a")
    with env.app.app_context():
        line = db.session.execute(select(SampleRequestLine).where(SampleRequestLine.request_id == locked)).scalar_one()
        other = db.session.execute(select(SampleRequestLine).where(SampleRequestLine.request_id == draft)).scalar_one()
        line_id, other_id = line.id, other.id
        attempts = [
            lambda: db.session.add(SampleRequestLine(request_id=locked, item="加一个", quantity=1)),
            lambda: db.session.add(SampleRequestLine(request=db.session.get(SampleRequest, locked), item="关系", quantity=1)),
            lambda: setattr(db.session.get(SampleRequestLine, line_id), "quantity", 5),
            lambda: db.session.delete(db.session.get(SampleRequestLine, line_id)),
            lambda: setattr(db.session.get(SampleRequestLine, other_id), "request_id", locked),  # moved in
            lambda: setattr(db.session.get(SampleRequestLine, line_id), "request_id", draft),  # moved out
        ]
        for attempt in attempts:
            attempt()
            with pytest.raises(RecordLocked, match="reopen that record first"):
                db.session.commit()
            db.session.rollback()
    # through the screens too
    page = client.post(f"/samplerequestlineview/edit/{line_id}", data={"request": str(locked), "item": "改",
                                                                       "quantity": "3"}, follow_redirects=True)
    assert "reopen that record first" in page.get_data(as_text=True)
    added = client.post("/samplerequestlineview/add", data={"request": str(locked), "item": "新", "quantity": "1"},
                        follow_redirects=True)
    assert "reopen that record first" in added.get_data(as_text=True)
    assert [(li.item, li.quantity) for li in _lines(env, locked)] == [("硒鼓", 1)]
    client.post(f"/samplerequestlineview/edit/{other_id}", data={"request": str(draft), "item": "色带",
                                                                 "quantity": "7"})
    assert [(li.item, li.quantity) for li in _lines(env, draft)] == [("色带", 7)]


def _lines(env, pk):
    from app.extensions import db

    SampleRequestLine = models()[1]
    with env.app.app_context():
        rows = db.session.execute(select(SampleRequestLine).where(SampleRequestLine.request_id == pk)
                                  .order_by(SampleRequestLine.id)).scalars().all()
        for r in rows:
            db.session.expunge(r)
        return rows


def test_attachments_naming_a_locked_record_are_locked_with_it_and_the_hook_says_so(sample_env):
    """Rows that name their record by table and id (core attachments) follow its lock; other
    services ask app.locks.is_locked(session, table, id)."""
    from app.extensions import db
    from app.locks import is_locked
    from app.workflow import RecordLocked

    from app.workflow import transition

    env = sample_env
    SampleRequest, _, SampleAttachment = models()
    locked, draft, pending = env.request(state="approved"), env.request(), env.request(state="submitted")
    with env.app.app_context():
        assert is_locked(db.session, "sample_request", locked) and is_locked(db.session, SampleRequest, locked)
        assert not is_locked(db.session, "sample_request", draft) and not is_locked(db.session, "staff", 1)
        db.session.add_all([SampleAttachment(owner_table="sample_request", owner_id=draft, name="报价单.pdf"),
                            SampleAttachment(owner_table="sample_request", owner_id=pending, name="合同.pdf")])
        db.session.commit()
        db.session.add(SampleAttachment(owner_table="sample_request", owner_id=locked, name="发票.pdf"))
        with pytest.raises(RecordLocked):
            db.session.commit()
        db.session.rollback()
        transition(db.session, SampleRequest, pending, "approve", user=None, external={})
        db.session.commit()  # the contract is now locked with its request
        contract = db.session.execute(select(SampleAttachment).where(SampleAttachment.owner_id == pending)).scalar_one()
        assert is_locked(db.session, SampleAttachment, contract.id)
        contract.name = "合同（改）.pdf"
        with pytest.raises(RecordLocked):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(RecordLocked):
            db.session.execute(delete(SampleAttachment).where(SampleAttachment.owner_id.in_([pending, draft])))
        db.session.rollback()
        attachment = db.session.execute(select(SampleAttachment).where(SampleAttachment.owner_id == draft)).scalar_one()
        assert not is_locked(db.session, SampleAttachment, attachment.id)
        attachment.owner_id = locked  # moved onto a locked record
        with pytest.raises(RecordLocked):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(SampleAttachment, attachment.id))  # the draft's own: free
        db.session.commit()


def test_records_a_locked_one_uses_are_not_deleted_but_deactivated(sample_env):
    from app.extensions import db
    from app.models import Campus, Staff
    from app.workflow import RecordLocked

    env = sample_env
    pk = env.request(state="approved", staff=True)
    with env.app.app_context():
        staff = db.session.get(Staff, env.staff)
        db.session.delete(staff)
        with pytest.raises(RecordLocked, match=r"used by a locked record \(sample_request #\d+\).*deactivate it"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(RecordLocked):
            db.session.execute(delete(Staff).where(Staff.id == env.staff))
        db.session.rollback()
        db.session.delete(db.session.get(Campus, env.campuses["SA"]))
        with pytest.raises(RecordLocked):
            db.session.commit()
        db.session.rollback()
        staff = db.session.get(Staff, env.staff)
        staff.active = False  # what the office does instead
        db.session.commit()
        staff.active = True
        db.session.commit()
    assert env.get(models()[0], pk).staff_id == env.staff


def test_a_finalised_record_made_in_one_transaction_with_its_lines_is_allowed(sample_env):
    """A demo loader or an import makes an approved record and its children together."""
    from app.extensions import db
    from app.numbering import next_number
    from app.workflow import transition

    env = sample_env
    SampleRequest, SampleRequestLine, _ = models()
    with env.app.app_context():
        req = SampleRequest(title="整单", amount=Decimal("5"), campus_id=env.campuses["SA"],
                            requested_by_id=env.users["req_a"], number=next_number("sample.request").text)
        db.session.add(req)
        db.session.flush()
        transition(db.session, SampleRequest, req.id, "submit", user=None)
        transition(db.session, SampleRequest, req.id, "approve", user=None)
        db.session.add(SampleRequestLine(request_id=req.id, item="后补明细", quantity=1))
        db.session.commit()
        pk = req.id
    assert [li.item for li in _lines(env, pk)] == ["后补明细"]


def test_reopen_needs_a_reason_and_keeps_the_earlier_content_as_a_readable_version(sample_env):
    env = sample_env
    SampleRequest = models()[0]
    pk = env.request(title="第一版", amount="600.00", state="approved", lines=[("投影仪灯泡", 1)])
    boss = env.login("boss")
    assert "hq-t-reopen" in boss.get(f"/samplerequestview/show/{pk}").get_data(as_text=True)
    no_reason = boss.post(f"/samplerequestview/do/reopen/{pk}", data={"reason": ""})
    assert no_reason.status_code == 422 and env.get(SampleRequest, pk).status == "approved"
    assert boss.post(f"/samplerequestview/do/reopen/{pk}", data={"reason": "金额录错"}).status_code == 302
    req = env.get(SampleRequest, pk)
    assert req.status == "draft" and req.decided_by_id is None
    entry = [a for a in env.audit("sample_request", pk) if a.action == "transition"][-1]
    assert entry.changes["transition"] == "reopen" and entry.changes["reason"] == "金额录错" and entry.changes["version"] == 1
    # corrected, approved again, reopened again: two versions, newest first
    requester = env.login("req_a")
    requester.post(f"/samplerequestview/edit/{pk}", data={"title": "第二版", "amount": "650.00"})
    requester.post(f"/samplerequestview/do/submit/{pk}")
    env.login("rev_a").post(f"/samplerequestview/do/approve/{pk}")
    boss.post(f"/samplerequestview/do/reopen/{pk}", data={"reason": "再改一次"})
    listing = requester.get(f"/versions/sample_request/{pk}").get_data(as_text=True)
    assert listing.index("再改一次") < listing.index("金额录错") and "boss" in listing
    first = requester.get(f"/versions/sample_request/{pk}/1").get_data(as_text=True)
    assert "第一版" in first and "600.00" in first and "投影仪灯泡" in first and "Request lines" in first
    assert "changed since" in first and "Title" in first and "Approved" in first
    second = requester.get(f"/versions/sample_request/{pk}/2").get_data(as_text=True)
    assert "第二版" in second
    show = requester.get(f"/samplerequestview/show/{pk}").get_data(as_text=True)
    assert "Earlier versions (2)" in show
    # who may not read the record may not read its versions
    assert env.login("clerk_b").get(f"/versions/sample_request/{pk}/1").status_code == 404
    assert env.app.test_client().get(f"/versions/sample_request/{pk}").status_code == 302
    assert requester.get("/versions/sample_request/999999/1").status_code == 404
    assert requester.get(f"/versions/no_such_table/{pk}").status_code == 404


def test_only_retention_and_demo_remove_may_write_past_a_lock_and_both_are_audited(sample_env):
    from app.demo import remove_demo
    from app.extensions import db
    from app.locks import unlocked
    from app.models import AuditLog, DemoRecord
    from app.audit import acting_as, audit_job
    from houqin_sample.demo import load

    env = sample_env
    SampleRequest = models()[0]
    with env.app.app_context(), acting_as(None, "tests", "cli"):
        with pytest.raises(RuntimeError, match="audit_job"):
            with unlocked(db.session, "no job"):
                pass
        with audit_job(db.session, "demo_load:sample"):
            load(db.session)
        db.session.commit()
        demo_id = db.session.execute(select(DemoRecord.record_id).where(
            DemoRecord.table_name == "sample_request")).scalar_one()
        assert db.session.get(SampleRequest, demo_id).status == "approved"
        remove_demo()
        assert db.session.get(SampleRequest, demo_id) is None
        entry = db.session.execute(select(AuditLog).where(AuditLog.job == "demo_remove")
                                   .order_by(AuditLog.id.desc()).limit(1)).scalar_one()
        assert entry.changes["params"]["locks_bypassed"] == "demo --remove"
    users = []
    for folder in ("app", "plugins"):
        for base, _dirs, files in os.walk(os.path.join(ROOT, folder)):
            for name in files:
                if name.endswith(".py"):
                    path = os.path.join(base, name)
                    with open(path, encoding="utf-8") as fh:
                        if re.search(r"\bunlocked\(session, \"", fh.read()):
                            users.append(os.path.relpath(path, ROOT))
    assert sorted(users) == ["app/demo.py", "plugins/visitors/retention.py"]


def test_the_lock_check_costs_one_statement_per_record_touched(sample_env):
    """Adding lines to a draft request holds the request once (FOR UPDATE / a no-op UPDATE), however
    many lines; a model with nothing lockable costs nothing."""
    from sqlalchemy import event

    from app.extensions import db
    from app.models import Staff

    env = sample_env
    SampleRequest, SampleRequestLine, _ = models()
    pk = env.request()
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)
    with env.app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            db.session.add_all([SampleRequestLine(request_id=pk, item=f"第{i}项", quantity=1) for i in range(3)])
            db.session.flush()
            held = [s for s in seen if "sample_request" in s and "sample_request_line" not in s]
            assert len(held) == 1, seen
            db.session.commit()
            seen.clear()
            db.session.get(Staff, env.staff).work_phone = "021-55556666"
            db.session.commit()
            assert not [s for s in seen if "sample_request" in s], seen
        finally:
            event.remove(db.engine, "before_cursor_execute", count)


def test_a_plugin_keeps_a_version_at_a_moment_of_its_own_with_extra_data(sample_env):
    """Minutes approved keep the action items' status as it stood: app.versions.snapshot(..., extra=)."""
    from app.extensions import db
    from app.versions import snapshot, versions

    env = sample_env
    pk = env.request(title="带附加数据", state="approved")
    with env.app.app_context():
        req = db.session.get(models()[0], pk)
        number = snapshot(db.session, req, "approved", "批准时的待办状态",
                          extra={"Action items": [{"item": "更换消毒柜", "status": "open"}]})
        db.session.commit()
        (kept,) = versions(db.session, "sample_request", pk)
        assert kept.number == number == 1 and kept.kind == "approved" and kept.state == "approved"
    page = env.login("req_a").get(f"/versions/sample_request/{pk}/1").get_data(as_text=True)
    assert "Action items" in page and "更换消毒柜" in page and "带附加数据" in page


def test_an_update_of_many_rows_by_key_checks_only_those_rows(sample_env):
    """A month-end run updates thousands of rows by key: the locked ones elsewhere do not stop it,
    a locked one among them does."""
    from app.extensions import db
    from app.workflow import RecordLocked

    env = sample_env
    SampleRequest = models()[0]
    drafts = [env.request(title=f"逐行{i}") for i in range(3)]
    locked = env.request(title="逐行锁", state="approved")
    with env.app.app_context():
        db.session.execute(update(SampleRequest), [{"id": pk, "title": f"逐行改{pk}"} for pk in drafts])
        db.session.commit()
        with pytest.raises(RecordLocked):
            db.session.execute(update(SampleRequest), [{"id": pk, "title": "x"} for pk in drafts + [locked]])
        db.session.rollback()
    assert [env.get(SampleRequest, pk).title for pk in drafts] == [f"逐行改{pk}" for pk in drafts]
    assert env.get(SampleRequest, locked).title == "逐行锁"


def test_core_attachments_of_an_approved_request_are_locked_with_it(sample_env):
    """The core attachment routes ask the locks: an approved request takes no new file and keeps
    the ones it has; its draft sibling takes one."""
    import io

    from sqlalchemy import func

    from app.models import Attachment

    env = sample_env
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    client = env.login("req_a")

    def upload(pk):
        return client.post(f"/attachments/sample.request/{pk}/upload", headers={"Accept": "application/json"},
                           data={"file": [(io.BytesIO(pdf), "quote.pdf")], "next": "/"},
                           content_type="multipart/form-data")

    draft = env.request(title="带报价的草稿")
    assert upload(draft).status_code in (200, 201, 302)
    approved = env.request(title="已批准的", state="approved")
    refused = upload(approved)
    assert refused.status_code == 409 and "locked" in refused.get_json()["message"]  # env.login is English
    with env.app.app_context():
        from app.extensions import db

        count = db.session.execute(select(func.count(Attachment.id)).where(
            Attachment.owner_type == "sample.request", Attachment.owner_id == approved)).scalar()
    assert count == 0

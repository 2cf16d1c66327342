"""One "host" for the tests of core's services: `python -m tests.core.sample_worker <command> ...`
with the environment of tests.core.sample_app.SampleEnv.worker_env(). It makes its own app on the
sample database, waits at a file barrier until every other worker is ready, does its part and
prints one JSON line."""
from __future__ import annotations

import glob
import json
import os
import sys
import time


def barrier() -> None:
    path = os.environ.get("HOUQIN_SAMPLE_BARRIER")
    if not path:
        return
    parties = int(os.environ["HOUQIN_SAMPLE_PARTIES"])
    open(f"{path}.{os.getpid()}", "w").close()
    deadline = time.monotonic() + 60
    while len(glob.glob(f"{path}.*")) < parties:
        if time.monotonic() > deadline:
            raise SystemExit("barrier timed out")
        time.sleep(0.01)


def make_app():
    from app import create_app
    from tests.core.sample_app import config

    return create_app(config(os.environ["HOUQIN_SAMPLE_TMP"], os.environ["HOUQIN_SAMPLE_URL"]))


def numbers(app, key: str, count: int, rollback_every: int = 0) -> dict:
    """Take `count` numbers, one transaction each; with a record (sample.request) when gapless."""
    from decimal import Decimal

    from app.audit import acting_as
    from app.extensions import db
    from app.numbering import next_number

    kept, returned = [], []
    with app.app_context(), acting_as(None, "worker", "cli"):
        barrier()
        for i in range(1, count + 1):
            if key == "sample.request":
                from houqin_sample.models import SampleRequest
                from houqin_sample.services import number_request

                from sqlalchemy import select

                from app.models import Campus

                user = app.appbuilder.sm.find_user(username="req_a")
                campus = db.session.execute(select(Campus.id).where(Campus.code == "SA")).scalar_one()
                req = SampleRequest(title=f"w{os.getpid()}-{i}", amount=Decimal("10"), campus_id=campus)
                number_request(db.session, req, user)
                db.session.add(req)
                text = req.number
            else:
                text = next_number(key).text
            if rollback_every and i % rollback_every == 0:
                db.session.rollback()
                returned.append(text)
            else:
                db.session.commit()
                kept.append(text)
    return {"kept": kept, "returned": returned}


def run_due(app, now: str) -> dict:
    from datetime import datetime

    from app.jobs import run_due as run

    with app.app_context():
        barrier()
        reports = run(now=datetime.fromisoformat(now))
    return {"reports": [[r.job, r.period, r.status] for r in reports]}


def transition(app, name: str, pk: int, username: str) -> dict:
    from app.extensions import db
    from app.rules import RuleError
    from app.workflow import transition as run
    from houqin_sample.models import SampleRequest

    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        barrier()
        try:
            run(db.session, SampleRequest, pk, name, user=user, reason="两台主机",
                external={"body": "区教育局", "number": "教财〔2026〕2号", "date": "2026-01-05"})
            db.session.commit()
            return {"result": "done"}
        except RuleError as err:
            db.session.rollback()
            return {"result": type(err).__name__}


def main(argv: list[str]) -> None:
    app = make_app()
    command, args = argv[0], argv[1:]
    if command == "numbers":
        out = numbers(app, args[0], int(args[1]), int(args[2]) if len(args) > 2 else 0)
    elif command == "run-due":
        out = run_due(app, args[0])
    elif command == "transition":
        out = transition(app, args[0], int(args[1]), args[2])
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])

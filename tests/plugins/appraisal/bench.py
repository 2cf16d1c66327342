"""Appraisal benchmark (issue 17 point 14), SQLite and PostgreSQL, median and p90:

  finalising a round of 1,000 staff × 40 judged items × 9 scorers (360,000 scores, plus
      attendance counts and two yes/no items per person): totals, ranks, grades, the quota
      and the stored results, through closing.finalise_round                      ≤ 3 s
  a scorer's grid of 60 staff × 40 items (2,400 cells)                           ≤ 60 ms
  saving one cell (POST JSON)                                                    ≤ 15 ms
  statement counts asserted for the grid and the cell save; a stock Flask-AppBuilder list view
  on the score table (360,000 rows) beside them.

and issue 18 point 10, on that round once finalised:

  publishing the round of 1,000 (the Director's transition)                      ≤ 2 s
  the committee summary of 1,000 staff (ranking, grade distribution, chart)      ≤ 100 ms
  a person's own result                                                          ≤ 25 ms
  both never slower than a stock list view on appraisal_result beside them.

The round is written with Core inserts (no ORM objects, no per-row audit). Between finalising
runs the round is put back to "closed" with a plain UPDATE on the bench's own connection (the
bench is the only writer that may: it measures, it is not the product)."""
from __future__ import annotations

import json
import statistics
import time
from datetime import date
from decimal import Decimal

from bench.common import Bench, Context, Page, Result, grant_stock, percentile, sql_is

SECTION = "appraisal"
PLUGINS = "appraisal"
SEED: dict = {}

STAFF, SCORERS, GRID_STAFF = 1000, 9, 60
FINALISE_MS, GRID_MS, CELL_MS = 3000.0, 60.0, 15.0
GRID_STATEMENTS, CELL_STATEMENTS = 16, 16
FINALISE_RUNS = 5
PUBLISH_MS, SUMMARY_MS, OWN_MS = 2000.0, 100.0, 25.0


def prepare(app) -> None:
    """The stock baseline: a plain FAB ModelView on the score table."""
    from flask_appbuilder import ModelView
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from plugins.appraisal.models import AppraisalResult, AppraisalScore

    class StockScoreView(ModelView):
        datamodel = SQLAInterface(AppraisalScore)
        list_columns = ["sheet_id", "staff_id", "item", "value"]
        base_permissions = ["can_list"]
        page_size = 25

    class StockResultView(ModelView):
        datamodel = SQLAInterface(AppraisalResult)
        list_columns = ["round_id", "staff_id", "total", "rank", "grade"]
        base_permissions = ["can_list"]
        page_size = 25

    with app.app_context():
        app.appbuilder.add_view_no_menu(StockScoreView)
        app.appbuilder.add_view_no_menu(StockResultView)


def _seed(ctx: Context) -> dict:
    from sqlalchemy import insert, select

    from app.audit import acting_as
    from app.models import Staff
    from plugins.appraisal.models import (AppraisalEntry, AppraisalMember, AppraisalRound, AppraisalRoundStaff,
                                          AppraisalScore, AppraisalSheet, AppraisalTemplate)
    from plugins.appraisal.rubric_data import dumps_rubric
    from tests.plugins.appraisal.volume import volume_rubric

    rng = ctx.rng
    members = [ctx.add_user(f"scorer{i}", "Appraiser") for i in range(SCORERS)]
    rubric = volume_rubric()
    judged = [c for c, i in rubric.items.items() if i.kind == "judged"]
    with ctx.app.app_context(), acting_as(None, "bench", "cli"):
        session = ctx.db.session
        sm = ctx.app.appbuilder.sm
        user_ids = [sm.find_user(username=u).id for u in members]
        staff = list(session.execute(select(Staff.id).order_by(Staff.id).limit(STAFF)).scalars())
        template = AppraisalTemplate(code="bench", name_zh="容量测试", name_en="Volume", period="annual",
                                     data=dumps_rubric(rubric), active=True)
        session.add(template)
        session.commit()
        engine = ctx.db.engine
        out = {}
        with engine.begin() as conn:
            def new_round(name, status, people, sheet_status):
                rid = conn.execute(insert(AppraisalRound.__table__).values(
                    name=name, kind="annual", template_id=template.id, start_date=date(2026, 1, 1),
                    end_date=date(2026, 12, 31), trim_at=5, self_assessment=False, status=status,
                    weights=json.dumps({"leaders": "35", "peers": "65"}), comment_below_percent=Decimal(0),
                    secretary_id=user_ids[0])).inserted_primary_key[0]
                conn.execute(insert(AppraisalRoundStaff.__table__), [dict(round_id=rid, staff_id=s, graded=True)
                                                                    for s in people])
                sheets = []
                for i, uid in enumerate(user_ids):
                    mid = conn.execute(insert(AppraisalMember.__table__).values(
                        round_id=rid, user_id=uid, group="leaders" if i < 3 else "peers")).inserted_primary_key[0]
                    sheets.append(conn.execute(insert(AppraisalSheet.__table__).values(
                        round_id=rid, member_id=mid, status=sheet_status)).inserted_primary_key[0])
                return rid, sheets

            def scores(sheets, people):
                cents = [Decimal(c).scaleb(-2) for c in range(50, 201)]
                for sheet in sheets:
                    rows = [dict(sheet_id=sheet, staff_id=p, item=code, value=rng.choice(cents))
                            for p in people for code in judged]
                    for i in range(0, len(rows), 20_000):
                        conn.execute(insert(AppraisalScore.__table__), rows[i:i + 20_000])

            big, big_sheets = new_round("容量测试 1000 人", "closed", staff, "submitted")
            scores(big_sheets, staff)
            entries = []
            for p in staff:
                entries.append(dict(round_id=big, staff_id=p, kind="count", item="attendance", code="late_or_early",
                                    value=Decimal(rng.randrange(0, 3)), text="考勤"))
                for cert in ("cert_a", "cert_b"):
                    entries.append(dict(round_id=big, staff_id=p, kind="answer", item=cert, code="",
                                        value=Decimal(rng.random() > 0.2), text="证书"))
            conn.execute(insert(AppraisalEntry.__table__), entries)
            grid, grid_sheets = new_round("容量测试 60 人评分表", "open", staff[:GRID_STAFF], "draft")
            scores(grid_sheets[:1], staff[:GRID_STAFF])
            out.update(big=big, grid=grid, grid_sheet=grid_sheets[0], staff=staff, scorer=members[0])
    ctx.volumes["appraisal_score"] = ctx.count("appraisal_score")
    ctx.volumes["appraisal_round_staff"] = ctx.count("appraisal_round_staff")
    return out


def _grant_stock(ctx: Context) -> None:
    grant_stock(ctx, "Director", {"StockScoreView": ("can_list",), "StockResultView": ("can_list",)})
    grant_stock(ctx, "Staff", {"StockResultView": ("can_list",)})


def _finalise_runs(ctx: Context, round_id: int) -> tuple[list[float], int]:
    from sqlalchemy import func, select, text

    from app.audit import acting_as
    from plugins.appraisal import closing
    from plugins.appraisal.models import AppraisalResult

    times, cpu = [], []
    for _ in range(FINALISE_RUNS + 1):
        with ctx.app.app_context():
            with ctx.db.engine.begin() as conn:   # back to closed: the bench's own reset
                conn.execute(text("DELETE FROM appraisal_result WHERE round_id = :r"), {"r": round_id})
                conn.execute(text("UPDATE appraisal_round SET status = 'closed' WHERE id = :r"), {"r": round_id})
        with ctx.app.app_context(), acting_as(None, "bench", "cli"):
            session = ctx.db.session
            t0, c0 = time.perf_counter(), time.process_time()
            closing.finalise_round(session, round_id, None)
            session.commit()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            stored = session.execute(select(func.count(AppraisalResult.id))
                                     .where(AppraisalResult.round_id == round_id)).scalar()
    return times[1:], cpu[1:], stored


def _publish_runs(ctx: Context, round_id: int) -> tuple[list[float], list[float]]:
    from sqlalchemy import text

    from app.audit import acting_as
    from plugins.appraisal import publication

    times, cpu = [], []
    for _ in range(FINALISE_RUNS + 1):
        with ctx.app.app_context():
            with ctx.db.engine.begin() as conn:   # back to unpublished: the bench's own reset
                conn.execute(text("UPDATE appraisal_round SET publication = 'unpublished', published_at = NULL "
                                  "WHERE id = :r"), {"r": round_id})
        with ctx.app.app_context(), acting_as(None, "bench", "cli"):
            session = ctx.db.session
            t0, c0 = time.perf_counter(), time.process_time()
            publication.publish_round(session, round_id, None)
            session.commit()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    return times[1:], cpu[1:]


def _own_result_url(ctx: Context, round_id: int, staff_id: int) -> str:
    """A Staff login linked to a person of the big round (the bench's own link)."""
    from sqlalchemy import select, text

    from plugins.appraisal.models import AppraisalResult

    username = ctx.add_user("person", "Staff")
    with ctx.app.app_context():
        with ctx.db.engine.begin() as conn:
            conn.execute(text("UPDATE staff SET user_id = (SELECT id FROM ab_user WHERE username = :u) WHERE id = :s"),
                         {"u": username, "s": staff_id})
        result_id = ctx.db.session.execute(select(AppraisalResult.id).where(
            AppraisalResult.round_id == round_id, AppraisalResult.staff_id == staff_id)).scalar()
    return f"/appraisal/results/result/{result_id}/"


def _cell_saves(ctx: Context, client, sheet: int, staff: list[int]) -> tuple[list[float], list[float], list[int]]:
    times, cpu, counts = [], [], []
    for i in range(ctx.repeat + ctx.warmup):
        body = {"staff_id": staff[i % len(staff)], "item": "s1_i2", "value": f"1.{i % 10}0"}
        with ctx.record() as stmts:
            t0, c0 = time.perf_counter(), time.process_time()
            resp = client.post(f"/appraisal/sheet/{sheet}/cell", json=body)
            resp.get_data()
            t1, c1 = time.perf_counter(), time.process_time()
        if resp.status_code != 200:
            raise RuntimeError(f"cell save: {resp.status_code} {resp.get_data()[:300]!r}")
        if i >= ctx.warmup:
            times.append((t1 - t0) * 1000)
            cpu.append((c1 - c0) * 1000)
            counts.append(len(stmts))
    return times, cpu, counts


def run(ctx: Context) -> list[Result]:
    from bench.common import Measure

    print(f"[bench] appraisal: seeding a round of {STAFF:,} staff × 40 items × {SCORERS} scorers ...", flush=True)
    t0 = time.perf_counter()
    seeded = _seed(ctx)
    _grant_stock(ctx)
    ctx.analyze()
    print(f"[bench] appraisal: seeded in {time.perf_counter() - t0:.0f} s", flush=True)
    bench = Bench(ctx)

    times, cpu, stored = _finalise_runs(ctx, seeded["big"])
    bench.results.append(Result(
        name=f"finalise {STAFF:,} staff × 40 items × {SCORERS} scorers (360,000 scores)", user="system",
        median_ms=statistics.median(times), p90_ms=percentile(times, 90), cpu_ms=statistics.median(cpu),
        target=f"≤ {FINALISE_MS / 1000:g} s",
        passed=statistics.median(times) <= FINALISE_MS and stored == STAFF,
        note=f"{stored} results stored; median of {len(times)}", runs=len(times)))

    scorer = ctx.client("scorer0")
    director = ctx.client("director")
    grid_url = f"/appraisal/sheet/{seeded['grid_sheet']}/"
    bench.pages([
        Page("stock", "stock ModelView on appraisal_score (360,000 rows), page 1", director, "Director",
             "/stockscoreview/list/", main=sql_is("appraisal_score", limit=True)),
        Page("grid", f"scorer's grid {GRID_STAFF} staff × 40 items", scorer, "Appraiser", grid_url,
             main=sql_is("appraisal_score"), target_ms=GRID_MS, target_text=f"≤ {GRID_MS:g} ms, "
             f"≤ {GRID_STATEMENTS} statements"),
    ])
    grid = bench.results[-1]
    grid.passed = bool(grid.passed) and max(bench.measures["grid"].counts) <= GRID_STATEMENTS

    times, cpu, counts = _cell_saves(ctx, scorer, seeded["grid_sheet"], seeded["staff"][:GRID_STAFF])
    m = Measure(times, counts, [], 200, 0, cpu)
    bench.results.append(Result(
        name="save one cell (POST JSON)", user="Appraiser", median_ms=m.median, p90_ms=m.p90,
        statements=m.count_text, cpu_ms=m.cpu_median, target=f"≤ {CELL_MS:g} ms, ≤ {CELL_STATEMENTS} statements",
        passed=m.median <= CELL_MS and max(counts) <= CELL_STATEMENTS, runs=len(times)))
    # Issue 18: publishing, the summary and a person's own result on the finalised round.
    times, cpu = _publish_runs(ctx, seeded["big"])
    bench.results.append(Result(
        name=f"publish a round of {STAFF:,}", user="system", median_ms=statistics.median(times),
        p90_ms=percentile(times, 90), cpu_ms=statistics.median(cpu), target=f"≤ {PUBLISH_MS / 1000:g} s",
        passed=statistics.median(times) <= PUBLISH_MS, note=f"median of {len(times)}", runs=len(times)))
    own_url = _own_result_url(ctx, seeded["big"], seeded["staff"][10])
    person = ctx.client("person")
    bench.pages([
        Page("stock_result", "stock ModelView on appraisal_result, page 1", director, "Director",
             "/stockresultview/list/", main=sql_is("appraisal_result", limit=True)),
        Page("summary", f"committee summary of {STAFF:,} staff (ranking, distribution, chart)", director, "Director",
             f"/appraisal/results/round/{seeded['big']}/summary/", main=sql_is("appraisal_result"),
             target_ms=SUMMARY_MS, target_text=f"≤ {SUMMARY_MS:g} ms", stock_key="stock_result"),
        Page("stock_result_staff", "stock ModelView on appraisal_result, page 1", person, "Staff",
             "/stockresultview/list/", main=sql_is("appraisal_result", limit=True)),
        Page("own", "a person's own result", person, "Staff", own_url, main=sql_is("appraisal_result"),
             target_ms=OWN_MS, target_text=f"≤ {OWN_MS:g} ms", stock_key="stock_result_staff"),
    ])
    ctx.notes.append(f"Round of {STAFF:,} staff, weights leaders 35 % (3) / peers 65 % (6), trimming from 5 "
                     f"scores; the grid round holds {GRID_STAFF} staff, its sheet filled.")
    return bench.results

"""What every bench section shares: the context (app, database, logins), server-side timing
through the Flask test client with statement counting and CPU time, the page's main query
replayed as raw SQL, and the Bench/Page collector a section fills with results.
The database is built and seeded by bench.seed; figures are printed and written by bench.report."""
from __future__ import annotations

import gc
import os
import random
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable

PASSWORD = "Bench-Pass-2026!!"

# -- results -----------------------------------------------------------------------------

@dataclass
class Result:
    """One line of the results table. Times in milliseconds."""

    name: str                       # what was measured ("staff list page 1")
    user: str                       # who ("Director@HQ")
    median_ms: float
    p90_ms: float | None = None
    statements: str = ""            # per request ("7", or "7-8" if it varied)
    raw_sql_ms: float | None = None  # the page's main query run directly, median
    cpu_ms: float | None = None     # the bench process's CPU time per request, median (excludes a DB server)
    target: str = ""                # "≤ 25 ms" ("" = informational)
    passed: bool | None = None      # None = no target
    note: str = ""
    runs: int = 0


@dataclass
class Measure:
    times_ms: list[float]
    counts: list[int]
    statements: list[tuple[str, Any]]  # (sql, parameters) of the last timed request
    status: int
    size: int
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU time per request

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu_ms) if self.cpu_ms else None

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p90(self) -> float:
        return percentile(self.times_ms, 90)

    @property
    def count_text(self) -> str:
        lo, hi = min(self.counts), max(self.counts)
        return str(lo) if lo == hi else f"{lo}-{hi}"

    def find(self, predicate: Callable[[str], bool]) -> tuple[str, Any] | None:
        for sql, params in self.statements:
            if predicate(sql):
                return sql, params
        return None


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * pct / 100.0
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# -- the context ---------------------------------------------------------------------------

@dataclass
class Context:
    app: Any
    db_kind: str                    # "sqlite" | "postgresql"
    url: str
    tmpdir: str
    repeat: int = 20
    warmup: int = 3
    plugins: str = ""
    campus_ids: dict[str, int] = field(default_factory=dict)   # code -> id
    dept_ids: dict[str, list[int]] = field(default_factory=dict)  # campus code -> department ids
    position_ids: list[int] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)        # label -> username
    volumes: dict[str, int] = field(default_factory=dict)      # what the database holds
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    load_start: float = 0.0
    probe_start: float = 0.0
    notes: list[str] = field(default_factory=list)     # lines for the results file, set by the section
    details: list[str] = field(default_factory=list)   # statements and plans, set by the section
    _recording: list | None = None
    _staff_seq: int = 0

    # -- database helpers -----------------------------------------------------------
    @property
    def db(self):
        from app.extensions import db

        return db

    def engine(self):
        with self.app.app_context():
            return self.db.engine

    def db_version(self) -> str:
        from sqlalchemy import text

        with self.app.app_context(), self.db.engine.connect() as conn:
            if self.db_kind == "sqlite":
                return "SQLite " + conn.execute(text("select sqlite_version()")).scalar()
            return "PostgreSQL " + conn.execute(text("show server_version")).scalar()

    def count(self, table: str) -> int:
        from sqlalchemy import text

        with self.app.app_context(), self.db.engine.connect() as conn:
            return conn.execute(text(f"select count(*) from {table}")).scalar()

    def analyze(self) -> None:
        """After bulk seeding, the steady state autovacuum would reach: planner statistics and,
        on PostgreSQL, a vacuumed heap (visibility map set, so index-only scans are possible)."""
        from sqlalchemy import text

        with self.app.app_context():
            if self.db_kind == "postgresql":
                with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE"))
            else:
                with self.db.engine.connect() as conn:
                    conn.execute(text("ANALYZE"))
                    conn.commit()

    # -- statement recording --------------------------------------------------------
    def _install_listener(self) -> None:
        from sqlalchemy import event

        def before(conn, cursor, statement, parameters, context, executemany):
            if self._recording is not None:
                self._recording.append((statement, parameters))

        event.listen(self.engine(), "before_cursor_execute", before)

    def record(self):
        ctx = self

        class _Rec:
            def __enter__(self):
                ctx._recording = []
                return ctx._recording

            def __exit__(self, *exc):
                ctx._recording = None
        return _Rec()

    # -- clients ------------------------------------------------------------------------
    def client(self, label: str, lang: str = "zh"):
        """A test client logged in as the bench user `label` ("director", "staff" ...)."""
        username = self.users[label]
        client = self.app.test_client()
        with client.session_transaction() as sess:
            sess["locale"] = lang
        resp = client.post("/login/", data={"username": username, "password": PASSWORD})
        if resp.status_code != 302 or "/login" in resp.headers.get("Location", ""):
            raise RuntimeError(f"bench login failed for {username}: {resp.status_code}")
        return client

    def get(self, client, url: str, expect: int = 200):
        resp = client.get(url)
        body = resp.get_data()
        resp.close()
        if resp.status_code != expect:
            raise RuntimeError(f"GET {url}: status {resp.status_code}, expected {expect}: "
                               f"{body[:300]!r} {resp.headers.get('Location', '')}")
        return resp, body

    def measure(self, client, url: str, *, repeat: int | None = None, warmup: int | None = None,
                expect: int = 200) -> Measure:
        """Warm up, then time `repeat` GETs (the body fully read) and count their statements."""
        return self.measure_many([("page", client, url)], repeat=repeat, warmup=warmup, expect=expect)["page"]

    def measure_many(self, pages: list[tuple[str, Any, str]], *, repeat: int | None = None,
                     warmup: int | None = None, expect: int = 200) -> dict[str, Measure]:
        """Time several pages round-robin: (key, client, url) each warmed up, then `repeat` rounds
        of one GET per page. Interleaving spreads any load from other processes evenly over the
        pages, so pages measured together (house vs stock) compare fairly."""
        repeat = repeat or self.repeat
        warmup = self.warmup if warmup is None else warmup
        for _key, client, url in pages:
            for _ in range(warmup):
                self.get(client, url, expect)
        acc = {key: ([], [], [], []) for key, _c, _u in pages}  # wall ms, cpu ms, counts, last statements
        sizes: dict[str, int] = {}
        gc.collect()
        for _ in range(repeat):
            for key, client, url in pages:
                with self.record() as stmts:
                    c0, t0 = time.process_time(), time.perf_counter()
                    resp = client.get(url)
                    body = resp.get_data()
                    resp.close()
                    t1, c1 = time.perf_counter(), time.process_time()
                if resp.status_code != expect:
                    raise RuntimeError(f"GET {url}: status {resp.status_code}: {body[:300]!r}")
                wall, cpu, counts, last = acc[key]
                wall.append((t1 - t0) * 1000)
                cpu.append((c1 - c0) * 1000)
                counts.append(len(stmts))
                last[:] = stmts
                sizes[key] = len(body)
        return {key: Measure(wall, counts, list(last), expect, sizes[key], cpu)
                for key, (wall, cpu, counts, last) in acc.items()}

    def memory_growth_mb(self, client, url: str) -> float:
        """Peak traced Python memory during one GET, minus what was traced before (MB).
        tracemalloc slows everything down: time is measured separately."""
        gc.collect()
        tracemalloc.start()
        try:
            start, _ = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            self.get(client, url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return (peak - start) / 1e6

    def raw_sql_ms(self, statement: tuple[str, Any] | None, repeat: int | None = None) -> float | None:
        """Run a captured (sql, parameters) directly on a connection and fetch every row; median ms."""
        if statement is None:
            return None
        sql, params = statement
        repeat = repeat or self.repeat
        times = []
        with self.app.app_context(), self.db.engine.connect() as conn:
            conn.exec_driver_sql(sql, params).fetchall()  # warm
            for _ in range(repeat):
                t0 = time.perf_counter()
                conn.exec_driver_sql(sql, params).fetchall()
                times.append((time.perf_counter() - t0) * 1000)
            conn.rollback()
        return statistics.median(times)

    def explain(self, statement: tuple[str, Any] | None) -> str:
        if statement is None:
            return ""
        sql, params = statement
        prefix = "EXPLAIN QUERY PLAN " if self.db_kind == "sqlite" else "EXPLAIN ANALYZE "
        with self.app.app_context(), self.db.engine.connect() as conn:
            rows = conn.exec_driver_sql(prefix + sql, params).fetchall()
            conn.rollback()
        if self.db_kind == "sqlite":
            return "\n".join(str(r[-1]) for r in rows)
        return "\n".join(r[0] for r in rows)

    # -- seeding -----------------------------------------------------------------------
    def add_staff(self, per_campus: int) -> int:
        """Bulk-insert `per_campus` staff in every campus (one audit job entry); returns how many."""
        from sqlalchemy import insert

        from app.audit import acting_as, audit_job
        from app.demo import chinese_name, mobile
        from app.models import Staff

        rng = self.rng
        today = date.today()
        rows = []
        for code, campus_id in self.campus_ids.items():
            for _ in range(per_campus):
                issued = today - timedelta(days=rng.randrange(0, 400))
                expiry = issued + timedelta(days=365)
                rows.append(dict(
                    name=chinese_name(rng), gender=rng.choice("MF"),
                    work_phone=f"021-6{rng.randrange(10**6, 10**7):07d}", personal_phone=mobile(rng),
                    position_id=rng.choice(self.position_ids),
                    employment_type=rng.choice(["established", "established", "contract", "agency"]),
                    campus_id=campus_id, department_id=rng.choice(self.dept_ids[code]),
                    hire_date=today - timedelta(days=rng.randrange(30, 9000)),
                    health_cert_no=f"JK{rng.randrange(10**7):07d}", health_cert_issued=issued,
                    health_cert_expiry=expiry, qualification_cert=None, qualification_level=None,
                    active=rng.random() > 0.05, user_id=None,
                ))
        rng.shuffle(rows)  # staff numbers are not in campus order, as after years of hiring
        for row in rows:
            self._staff_seq += 1
            row["staff_no"] = f"S{self._staff_seq:06d}"
        with self.app.app_context(), acting_as(None, "bench", "cli"):
            session = self.db.session
            with audit_job(session, "bench_seed_staff", rows=len(rows)):
                for i in range(0, len(rows), 2000):
                    session.execute(insert(Staff), rows[i:i + 2000])
            session.commit()
        self.volumes["staff"] = self.volumes.get("staff", 0) + len(rows)
        return len(rows)

    def add_user(self, label: str, role: str, campus_codes: tuple[str, ...] = ("HQ",)) -> str:
        """Create the bench login `label` (username bench_<label>, password PASSWORD) with one
        catalogue role, bound to the given campuses; ctx.client(label) then logs in as it."""
        from sqlalchemy import select

        from app.audit import acting_as
        from app.models import Campus

        username = f"bench_{label}"
        with self.app.app_context(), acting_as(None, "bench", "cli"):
            sm = self.app.appbuilder.sm
            user = sm.add_user(username, label.capitalize(), "Bench", f"{username}@bench.houqin",
                               sm.find_role(role), password=PASSWORD)
            if not user:
                raise RuntimeError(f"could not create bench user {username} ({role})")
            ids = [self.campus_ids[c] for c in campus_codes]
            user.campuses = list(self.db.session.execute(select(Campus).where(Campus.id.in_(ids))).scalars())
            self.db.session.commit()
        self.users[label] = username
        return username



# -- pages and the per-section result collector ----------------------------------------------

@dataclass
class Page:
    """One page to measure. `main` picks the page's main query among its statements."""

    key: str
    name: str
    client: Any
    user: str
    url: str
    main: Callable[[str], bool] | None = None
    target_ms: float | None = None
    target_text: str = ""
    stock_key: str | None = None     # must also be no slower than this page (same group) ...
    stock_margin: float = 1.0        # ... times this factor
    note: str = ""
    explain: bool = False            # add the main query's plan to the details
    best_of: tuple[str, ...] = ()    # stock baselines (measured before): note the ratio to the fastest


class Bench:
    """Collects a section's results, notes and statement/plan details."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.results: list[Result] = []
        self.measures: dict[str, Measure] = {}

    def pages(self, pages: list[Page]) -> None:
        """Measure the pages together (round-robin), then add one result per page."""
        self.add(pages, self.ctx.measure_many([(p.key, p.client, p.url) for p in pages]))

    def add(self, pages: list[Page], measures: dict[str, Measure], methods: dict[str, str] | None = None) -> None:
        """One result per page from measures already taken (`methods`: page key -> HTTP method
        where it is not GET, for the details)."""
        ctx = self.ctx
        self.measures.update(measures)
        for p in pages:
            m = self.measures[p.key]
            main_stmt = m.find(p.main) if p.main else None
            passed, note = None, p.note
            if p.target_ms is not None:
                passed = m.median <= p.target_ms
                if p.stock_key:
                    stock = self.measures[p.stock_key].median
                    passed = passed and m.median <= stock * p.stock_margin
                    note = (note + "; " if note else "") + f"{m.median / stock:.2f}× stock"
            if p.best_of:
                key = min(p.best_of, key=lambda k: self.measures[k].median)
                best = self.measures[key].median
                note = (note + "; " if note else "") + f"{best / m.median:.1f}× faster than the best stock ({key})"
            self.results.append(Result(
                name=p.name, user=p.user, median_ms=m.median, p90_ms=m.p90, statements=m.count_text,
                raw_sql_ms=ctx.raw_sql_ms(main_stmt), cpu_ms=m.cpu_median, target=p.target_text,
                passed=passed, note=note, runs=len(m.times_ms)))
            self.detail(f"{p.name} — {p.user}", p.url, m, main_stmt if p.explain else None)
            verb = (methods or {}).get(p.key, "GET")
            if verb != "GET":  # detail() writes every request as a GET
                ctx.details[-1] = ctx.details[-1].replace("`GET ", f"`{verb} ", 1)

    def download(self, name: str, client, user: str, url: str, *, main: Callable[[str], bool] | None,
                 target_ms: float, target_mb: float, repeat: int = 5) -> Result:
        """A large download (export): time over `repeat` runs after 1 warm-up, then one more run
        under tracemalloc for the peak memory growth (tracemalloc slows the run it watches)."""
        ctx = self.ctx
        scratch = tempfile.gettempdir()  # the bench's own folder (bench.seed.build_context)
        before = set(os.listdir(scratch))
        m = ctx.measure(client, url, repeat=repeat, warmup=1)
        self.measures[name] = m
        mb = ctx.memory_growth_mb(client, url)
        left = len(set(os.listdir(scratch)) - before)
        stmt = m.find(main) if main else None
        result = Result(
            name=name, user=user, median_ms=m.median, p90_ms=m.p90, statements=m.count_text,
            raw_sql_ms=ctx.raw_sql_ms(stmt, repeat=repeat), cpu_ms=m.cpu_median,
            target=f"≤ {target_ms / 1000:g} s, ≤ {target_mb:g} MB", passed=m.median <= target_ms and mb <= target_mb,
            note=f"peak memory growth {mb:.1f} MB; {m.size / 1e6:.2f} MB file; median of {len(m.times_ms)}"
                 + (f"; LEAK: {left} temporary files left behind by {repeat + 2} downloads" if left else ""),
            runs=len(m.times_ms))
        self.results.append(result)
        self.detail(f"{name} — {user}", url, m, None)
        return result

    def detail(self, title: str, url: str, m: Measure, explain_stmt=None) -> None:
        lines = [f"**{title}** `GET {url}` — {m.count_text} statements (distinct SQL in order of first "
                 f"use, ×n = run n times with different parameters):", "", "```"]
        seen: dict[str, int] = {}
        for sql, _params in m.statements:
            text = " ".join(sql.split())
            seen[text] = seen.get(text, 0) + 1
        for i, (text, times) in enumerate(seen.items(), 1):
            lines.append(f"{i:2d}. {'×%d ' % times if times > 1 else ''}{text[:150]}")
        lines.append("```")
        if explain_stmt is not None:
            lines += ["", "main query plan:", "", "```", self.ctx.explain(explain_stmt), "```"]
        self.ctx.details.append("\n".join(lines))


def sql_is(table: str, *, limit: bool | None = None, count: bool = False, contains: str = "") -> Callable[[str], bool]:
    """A predicate on a captured statement: reads `table`, is/is not a COUNT, has/has not LIMIT."""
    def match(sql: str) -> bool:
        s = " ".join(sql.lower().split())
        if f"from {table}" not in s or ("count(" in s) != count or contains.lower() not in s:
            return False
        return limit is None or (" limit " in f" {s} ") == limit
    return match


def load_average() -> float:
    """The 1-minute load average (other processes compete with the bench for the CPUs)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def cpu_probe_ms() -> float:
    """A fixed pure-Python loop, best of 5 (ms): how fast this machine runs Python right now.
    On a shared VM it drifts between runs; compare figures of runs with similar probes."""
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i % 7
        best = min(best, (time.perf_counter() - t0) * 1000)
    return best


# -- the "simple stock" baseline: a stock ModelView over a plain table ------------------------

PLAIN_TABLE = "bench_plain_row"


def plain_model():
    """A plain six-column table (no relation, no mixin) that exists only in the bench: the fastest
    list Flask-AppBuilder can show, as a yardstick for every house list."""
    from flask_appbuilder import Model
    from sqlalchemy import Boolean, Column, DateTime, Integer, Numeric, String

    existing = Model.metadata.tables.get(PLAIN_TABLE)
    for mapper in Model.registry.mappers:
        if mapper.local_table is existing:
            return mapper.class_

    class PlainRow(Model):
        __tablename__ = PLAIN_TABLE
        id = Column(Integer, primary_key=True)
        name = Column(String(50), nullable=False, index=True)
        code = Column(String(20), nullable=False)
        amount = Column(Numeric(12, 2), nullable=False)
        created_at = Column(DateTime, nullable=False, index=True)
        active = Column(Boolean, nullable=False)
    return PlainRow


def add_plain_stock_view(app) -> None:
    """Register the stock view on the plain table (call from a section's prepare())."""
    from flask_appbuilder import ModelView
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    model = plain_model()

    class SimpleStockView(ModelView):
        datamodel = SQLAInterface(model)
        list_columns = ["name", "code", "amount", "created_at", "active"]
        search_columns = ["name", "code", "active"]
        order_columns = ["name", "created_at"]
        base_order = ("created_at", "desc")
        page_size = 25
        base_permissions = ["can_list", "can_show"]

    with app.app_context():
        app.appbuilder.add_view_no_menu(SimpleStockView)


def grant_stock(ctx: "Context", role_name: str, views: dict[str, tuple[str, ...]]) -> None:
    """Give a catalogue role the permissions on the bench's own stock views.

    Catalogue roles are read-only outside the catalogue sync (app.security_rules); the stock
    baselines are the bench's code, registered before the sync, so their grant runs inside it.
    """
    from app.security_rules import catalogue_sync

    with ctx.app.app_context(), catalogue_sync():
        sm = ctx.app.appbuilder.sm
        role = sm.find_role(role_name)
        for view, perms in views.items():
            for perm in perms:
                pv = sm.find_permission_view_menu(perm, view)
                if pv is None:
                    raise RuntimeError(f"{view} has no {perm}: was prepare() run before the permission sync?")
                sm.add_permission_role(role, pv)
        ctx.db.session.commit()


def seed_plain_rows(ctx: "Context", n: int) -> None:
    """Create the plain table and fill it with n rows (raw executemany, no ORM); grant the
    Director its stock view."""
    from datetime import datetime
    from decimal import Decimal

    from sqlalchemy import insert

    from app.demo import chinese_name

    model = plain_model()
    rng = random.Random(6)
    start = datetime(2023, 1, 1)
    with ctx.app.app_context():
        model.__table__.create(ctx.db.engine, checkfirst=True)
        with ctx.db.engine.begin() as conn:
            for lo in range(0, n, 20_000):
                conn.execute(insert(model.__table__), [
                    dict(name=chinese_name(rng), code=f"P{i:07d}", amount=Decimal(rng.randrange(100, 10**6)) / 100,
                         created_at=start + timedelta(minutes=i), active=rng.random() > 0.1)
                    for i in range(lo, min(n, lo + 20_000))])
    grant_stock(ctx, "Director", {"SimpleStockView": ("can_list", "can_show")})
    ctx.volumes[PLAIN_TABLE] = n


# -- bulk seeding on PostgreSQL ----------------------------------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(v) -> str:
    """A Python value in COPY's text format (naive datetimes as stored: UTC, microseconds)."""
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    if isinstance(v, str):
        return v.translate(_COPY_ESCAPES) if ("\\" in v or "\t" in v or "\n" in v or "\r" in v) else v
    if isinstance(v, datetime):
        return v.isoformat(" ", "microseconds")
    return str(v)


def copy_rows(dbapi_connection, table: str, columns: list[str], rows) -> None:
    """COPY `rows` (tuples in `columns` order) into `table` on a psycopg 2 or 3 connection, in
    its transaction: the seeding path of every bench on PostgreSQL (executemany of millions of
    rows never finished there)."""
    import io

    text = "".join("\t".join(map(copy_value, row)) + "\n" for row in rows)
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    cursor = dbapi_connection.cursor()
    try:
        if hasattr(cursor, "copy_expert"):  # psycopg2, the driver of postgresql://
            cursor.copy_expert(sql, io.StringIO(text))
        else:  # psycopg 3
            with cursor.copy(sql) as copy:
                copy.write(text)
    finally:
        cursor.close()

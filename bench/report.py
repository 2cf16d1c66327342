"""The figures: a table on stdout and, per section, bench/results/<section>.md with a block per
database (one file per section, so benches of plugins built side by side never share a file)."""
from __future__ import annotations

import os
import platform
import sys
import unicodedata
from datetime import datetime

from .common import Context, Result, cpu_probe_ms, load_average

RESULTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def machine_facts(ctx: Context) -> list[tuple[str, str]]:
    import flask_appbuilder
    import sqlalchemy

    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return [
        ("date", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("machine", f"{os.cpu_count()} CPU ({cpu}), {platform.system()} {platform.release()}"),
        ("python", sys.version.split()[0]),
        ("database", ctx.db_version()),
        ("libraries", f"Flask-AppBuilder {flask_appbuilder.__version__}, SQLAlchemy {sqlalchemy.__version__}"),
        ("plugins enabled", ctx.plugins or "none (core only)"),
        ("load average (1 min) at start / end of measuring", f"{ctx.load_start:.2f} / {load_average():.2f}"
         + ("  — other processes were busy (the bench itself counts 1): expect noisier, slower figures"
            if max(ctx.load_start, load_average()) > 1.5 else "")),
        ("CPU probe (fixed Python loop, best of 5) at start / end", f"{ctx.probe_start:.0f} / {cpu_probe_ms():.0f} ms"
         " — this shared VM's speed drifts up to 2× between runs; compare runs with similar probes, "
         "and pages within one run (they are timed round-robin)"),
    ]



def fmt_ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def verdict(passed: bool | None) -> str:
    return "" if passed is None else ("PASS" if passed else "FAIL")


def table_rows(results: list[Result]) -> list[list[str]]:
    return [[r.name, r.user, fmt_ms(r.median_ms), fmt_ms(r.p90_ms), r.statements or "—", fmt_ms(r.raw_sql_ms),
             fmt_ms(r.cpu_ms), r.target or "—", verdict(r.passed), r.note] for r in results]


HEADER = ["measure", "user", "median ms", "p90 ms", "statements", "main SQL ms", "CPU ms", "target", "", "note"]


def print_table(title: str, results: list[Result]) -> None:
    rows = [HEADER] + table_rows(results)
    widths = [max(_w(r[i]) for r in rows) for i in range(len(HEADER))]
    print(f"\n{title}")
    for j, row in enumerate(rows):
        print("  ".join(_pad(cell, widths[i], right=(2 <= i <= 6)) for i, cell in enumerate(row)).rstrip())
        if j == 0:
            print("  ".join("-" * w for w in widths))


def _w(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int, right: bool = False) -> str:
    fill = " " * (width - _w(s))
    return fill + s if right else s + fill


def markdown_block(section: str, ctx: Context, results: list[Result], notes: list[str],
                   details: list[str]) -> str:
    lines = [f"## {section} — {ctx.db_kind}", ""]
    lines += [f"- {k}: {v}" for k, v in machine_facts(ctx)]
    lines.append("- data at the end of the run: " + ", ".join(f"{v:,} {k}" for k, v in ctx.volumes.items()))
    lines.append(f"- method: Flask test client, server side, {ctx.warmup} warm-up requests then "
                 f"{ctx.repeat} timed (median, p90); statements = SQL statements per request; "
                 f"main SQL = the page's main query replayed directly, all rows fetched, median of {ctx.repeat}")
    lines += [f"- {n}" for n in notes]
    lines += ["", "| " + " | ".join(HEADER[:8] + ["result", "note"]) + " |",
              "|" + "|".join(["---"] * len(HEADER)) + "|"]
    for row in table_rows(results):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    if details:
        lines += ["", "<details><summary>statements and query plans</summary>", "", *details, "", "</details>"]
    return "\n".join(lines)


def results_path(section: str) -> str:
    return os.path.join(RESULTS_DIR, f"{section}.md")


def write_results(section: str, db_kind: str, block: str) -> None:
    """Replace this database's block in bench/results/<section>.md (the other database's stays)."""
    start, end = f"<!-- bench:{section}:{db_kind}:start -->", f"<!-- bench:{section}:{db_kind}:end -->"
    path = results_path(section)
    text = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    if not text.strip():
        text = (f"# Benchmark results: {section}\n\nWritten by `python -m bench.run {section}` (`make bench`); "
                "each block is replaced when the section is run again on that database. Do not edit by hand.\n")
    new = f"{start}\n{block}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + new + tail
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    os.makedirs(RESULTS_DIR, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)

"""Run benchmark sections: `python -m bench.run [core|visitors|all] [--db sqlite|postgresql]`.

Every section gets a fresh database and app (SQLite in a temporary folder, or the PostgreSQL
database of HOUQIN_BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/houqin_bench,
created if missing and emptied with DROP SCHEMA public CASCADE), prints its figures and
rewrites its block in bench/RESULTS.md. Exit status 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import time

# Known sections, in run order; a section whose module does not exist yet is skipped by "all".
SECTIONS = ["core", "visitors"]


def _load(name: str):
    if importlib.util.find_spec(f"bench.{name}") is None:
        return None
    module = importlib.import_module(f"bench.{name}")
    if not hasattr(module, "run"):
        raise SystemExit(f"bench.{name} has no run(ctx)")
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("sections", nargs="*", default=["all"], help=f"{' | '.join(SECTIONS)} | all (default)")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per measure (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up requests per measure (default 3)")
    parser.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md alone")
    args = parser.parse_args(argv)

    names = SECTIONS if "all" in args.sections else args.sections
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)} (known: {', '.join(SECTIONS)}, all)")

    from .report import machine_facts, markdown_block, print_table, write_results
    from .seed import build_context, destroy_context

    failed = False
    for name in names:
        module = _load(name)
        if module is None:
            if "all" in args.sections:
                continue
            raise SystemExit(f"section {name!r} has no module bench/{name}.py yet")
        started = time.perf_counter()
        print(f"[bench] {name} on {args.db}: building the database ...", flush=True)
        ctx = build_context(args.db, plugins=getattr(module, "PLUGINS", ""),
                            prepare=getattr(module, "prepare", None), repeat=args.repeat, warmup=args.warmup,
                            **getattr(module, "SEED", {}))
        try:
            print(f"[bench] {name}: seeded in {time.perf_counter() - started:.0f} s; measuring ...", flush=True)
            results = module.run(ctx)
            print_table(f"{name} — {args.db} ({ctx.db_version()})", results)
            for key, value in machine_facts(ctx):
                print(f"  - {key}: {value}")
            for line in ctx.notes:
                print(f"  * {line}")
            if not args.no_write:
                write_results(name, args.db, markdown_block(name, ctx, results, ctx.notes, ctx.details))
            failed = failed or any(r.passed is False for r in results)
        finally:
            destroy_context(ctx)
        print(f"[bench] {name} on {args.db}: done in {time.perf_counter() - started:.0f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

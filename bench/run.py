"""Run benchmark sections: `python -m bench.run [core|<plugin>|all] [--db sqlite|postgresql]`.

Sections: core's (bench/core.py) and one per installed plugin that has a bench module,
tests/plugins/<name>/bench.py (found there, so a plugin brings its bench without touching this
file). Every section gets a fresh database and app (SQLite in a temporary folder, or the
PostgreSQL database of HOUQIN_BENCH_DATABASE_URL, default
postgresql://postgres@127.0.0.1:5432/houqin_bench, created if missing and emptied with DROP
SCHEMA public CASCADE), prints its figures and rewrites its block in
bench/results/<section>.md. Exit status 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE_SECTIONS = ["core", "imports"]


def sections() -> dict[str, str]:
    """section name -> its module, in run order: core's, then each installed plugin's."""
    from app.plugin import installed_plugins

    found = {name: f"bench.{name}" for name in CORE_SECTIONS}
    for plugin in installed_plugins():
        if os.path.isfile(os.path.join(ROOT, "tests", "plugins", plugin.name, "bench.py")):
            found[plugin.name] = f"tests.plugins.{plugin.name}.bench"
    return found


def _load(module_name: str):
    module = importlib.import_module(module_name)
    if not hasattr(module, "run"):
        raise SystemExit(f"{module_name} has no run(ctx)")
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("sections", nargs="*", default=["all"], help="core | a plugin's name | all (default)")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per measure (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up requests per measure (default 3)")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/results/ alone")
    args = parser.parse_args(argv)

    known = sections()
    names = list(known) if "all" in args.sections else args.sections
    unknown = [n for n in names if n not in known]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)} (known: {', '.join(known)}, all)")

    from .report import machine_facts, markdown_block, print_table, write_results
    from .seed import build_context, destroy_context

    failed = False
    for name in names:
        module = _load(known[name])
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

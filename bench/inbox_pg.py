"""bench/engine.py's (c) alone: the inbox statements on PostgreSQL, at N open and M completed rows.

    .venv/bin/python bench/inbox_pg.py [--inbox-open 100000] [--inbox-done 1000000] [--runs 100]

Prints p50/p95 of `list_tasks` (a page of 50 and its total) and of `counts()` for a contractor, a
district officer and a city-level officer twice: as (c) measures them, straight after its seeding's
`VACUUM ANALYZE`, and again after a second `VACUUM ANALYZE` with no session of the app open, on
warm buffers; and how many of the table's pages the visibility map holds all-visible (until
session 15 none were: the seeding committed asynchronously, see `seed_inbox`).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.engine import _deploy_bench, bench_inbox, seed_inbox  # noqa: E402


def _print(rows) -> None:
    for name, label, p50, p95, total in rows:
        print(f"    {name:<16} {label:<6} (sees {total:>6}): p50 {p50:5.2f} ms, p95 {p95:5.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox-open", type=int, default=100_000)
    parser.add_argument("--inbox-done", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    from app.extensions import db
    from tests.support.apps import build_app, create_schema
    from tests.support.services import running_postgres

    with tempfile.TemporaryDirectory() as tmp, running_postgres() as url:
        app = build_app(url, Path(tmp) / "pg", CELERY_ALWAYS_EAGER=True)
        create_schema(app)
        _deploy_bench(app)
        actors = seed_inbox(app, args.inbox_open, args.inbox_done)
        with app.app_context():
            pages, visible = db.session.execute(text(
                "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'inbox_task'")).one()
            db.session.remove()
        print(f"inbox on PostgreSQL ({args.inbox_open} + {args.inbox_open // 10} open, {args.inbox_done} + "
              f"{args.inbox_done // 10} completed rows), {args.runs} runs; load average {os.getloadavg()[0]:.2f}; "
              f"all-visible pages {visible} of {pages}")
        print("  after the seeding's vacuum:")
        _print(bench_inbox(app, actors, args.runs))
        with app.app_context():
            db.session.remove()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE inbox_task"))
        print("  after a second vacuum:")
        _print(bench_inbox(app, actors, args.runs))


if __name__ == "__main__":
    main()

"""CPU time and SQL statements per step of the case path (start_case, complete_task), in one process.

    .venv/bin/python bench/step_cpu.py [--instances 60] [--backend sqlite|postgresql|both]
                                       [--profile 25 [--cpu]] [--statements] [--server-statements]

The six-step chain of bench/engine.py (b), measured per use case: CPU time of the calling thread
(`time.thread_time`: what the request pays), statements per use case (a cursor listener,
BEGIN/COMMIT counted apart), the CPU of the whole process per instance (`time.process_time` over
the run, the outbox's publisher thread included, waited for at the end), on PostgreSQL the
server's CPU per instance (its processes in /proc, bench/pg_floor.py; the benchmark's own reads
included), and with `--profile N` the top N functions of a cProfile run of the calling thread by
cumulative time (wall clock, waits on the server included; `--cpu`: the thread's CPU time) and
its own time by package. `--server-statements` starts PostgreSQL with pg_stat_statements and
prints each statement's execution and planning time in the server per instance (what its
executor spends; the server's CPU also holds the protocol, the transaction ends and the
wake-ups). Steadier than a rate on a shared machine; bench/engine.py remains the measure of
throughput.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine import ANSWER, KEY, _deploy_bench, _world  # noqa: E402
from bench.pg_floor import ServerCpu  # noqa: E402


def _flush_outbox() -> None:
    from app.infra import outbox

    if hasattr(outbox, "flush"):  # a publisher thread (issue 19, lane outbox): wait for it
        outbox.flush(60)


def _run(app, n: int, world, on_use_case=None) -> tuple[float, float, float]:
    """CPU seconds of the calling thread per start_case and per complete_task over `n`
    instances, and of the whole process per instance (every thread, the outbox's included)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import InboxTask, User
    from app.services.access.actors import actor_for
    from app.services.workflow import cases

    user_id, code = world
    start_cpu = step_cpu = 0.0
    process_cpu = time.process_time()
    with app.app_context():
        actor = actor_for(db.session.get(User, user_id), ip="127.0.0.1")
        for _ in range(n):
            cpu = time.thread_time()
            instance_id = cases.start_case(actor, KEY, project_code=code)
            start_cpu += time.thread_time() - cpu
            if on_use_case:
                on_use_case("start_case")
            for _step in range(6):
                task_id = db.session.scalar(select(InboxTask.id).where(
                    InboxTask.instance_id == instance_id, InboxTask.status == "open"))
                db.session.commit()
                if on_use_case:
                    on_use_case(None)  # the benchmark's own read is not counted
                cpu = time.thread_time()
                cases.complete_task(actor, task_id, ANSWER)
                step_cpu += time.thread_time() - cpu
                if on_use_case:
                    on_use_case("complete_task")
        _flush_outbox()
    return start_cpu / n, step_cpu / (6 * n), (time.process_time() - process_cpu) / n


def measure(app, n: int, profile: int, show_statements: bool, *, cpu_profile: bool = False,
            port: int | None = None, server_statements: bool = False) -> None:
    from sqlalchemy import event

    from app.extensions import db

    world = _world(app)
    _run(app, 3, world)  # warm the caches
    seen: list[str] = []
    per: dict[str, list[int]] = {"start_case": [], "complete_task": []}
    texts: dict[str, Counter] = {"start_case": Counter(), "complete_task": Counter()}

    def note(use_case: str | None) -> None:
        if use_case:
            per[use_case].append(len(seen))
            texts[use_case].update(" ".join(s.split())[:110] for s in seen)
        seen.clear()

    with app.app_context():
        engine = db.engine
    listener = lambda *a: seen.append(a[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    _run(app, 5, world, note)
    event.remove(engine, "before_cursor_execute", listener)
    for use_case, counts in per.items():
        print(f"  {use_case}: {sum(counts) / len(counts):.1f} statements (without BEGIN/COMMIT)")
        if show_statements:
            runs = len(counts)
            for sql, count in texts[use_case].most_common():
                print(f"      {count / runs:4.1f} × {sql}")
    if server_statements:
        _server_statements(app, None)
    server = ServerCpu(port) if port else None
    start, step, whole = _run(app, n, world)
    print(f"  CPU of the calling thread per start_case {start * 1000:.2f} ms, per complete_task "
          f"{step * 1000:.2f} ms, per instance {(start + 6 * step) * 1000:.1f} ms; CPU of the process "
          f"per instance (every thread, the benchmark's own reads included) {whole * 1000:.1f} ms")
    if server is not None:
        print(f"  the server's CPU per instance {server.used() / n * 1000:.1f} ms")
    if server_statements:
        _server_statements(app, n)
    if profile:
        profiler = cProfile.Profile(time.thread_time) if cpu_profile else cProfile.Profile()
        profiler.enable()
        _run(app, n, world)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(profile)
        print(out.getvalue())
        print("  the profile's own time by package (share of the run):")
        for name, share in by_package(stats):
            print(f"    {name:<36} {share * 100:5.1f} %")


def _server_statements(app, n: int | None) -> None:
    """Reset pg_stat_statements (n None), or print its statements per instance of `n`."""
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        if n is None:
            db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            db.session.execute(text("SELECT pg_stat_statements_reset()"))
            db.session.commit()
            return
        rows = db.session.execute(text(
            "SELECT calls, total_exec_time, total_plan_time, regexp_replace(query, '\\s+', ' ', 'g') "
            "FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' "
            "ORDER BY total_exec_time + total_plan_time DESC")).all()
        db.session.commit()
    exec_ms, plan_ms = sum(r[1] for r in rows) / n, sum(r[2] for r in rows) / n
    print(f"  in the server per instance: execution {exec_ms:.2f} ms, planning {plan_ms:.2f} ms")
    for calls, exec_total, plan_total, query in rows[:16]:
        print(f"    {calls / n:4.1f} × {exec_total / calls * 1000:6.1f} µs (+{plan_total / calls * 1000:5.1f} "
              f"planning) {query[:80]}")


# Where a function's own time goes, by the file it is in (the first match wins); C functions
# (`{method 'execute' of 'sqlite3.Cursor' objects}`) by their text.
_PACKAGES = (("psycopg (driver)", ("/psycopg/", "psycopg_binary", "psycopg")),
             ("sqlite3 (driver and database)", ("sqlite3",)),
             ("SQLAlchemy ORM", ("/sqlalchemy/orm/",)),
             ("SQLAlchemy engine, dialect, pool", ("/sqlalchemy/engine/", "/sqlalchemy/dialects/",
                                                   "/sqlalchemy/pool/")),
             ("SQLAlchemy other (sql, util, event)", ("/sqlalchemy/",)),
             ("SpiffWorkflow", ("/SpiffWorkflow/",)),
             ("Celery, kombu, redis (publish)", ("/celery/", "/kombu/", "/redis/", "/vine/")),
             ("json", ("/json/", "orjson")),
             ("app", ("/app/",)),
             ("socket, select (waits and I/O)", ("select", "socket", "poll", "recv", "send")))


def _package(filename: str, function: str) -> str:
    text = f"{filename} {function}"
    return next((n for n, marks in _PACKAGES if any(m in text for m in marks)), "other")


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time per package; a built-in function's (dict.get, isinstance, a C method not named
    above) goes to the packages of its callers, by the time each call site spent in it."""
    totals: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, own, _cum, callers) in stats.stats.items():
        name = _package(filename, function)
        if filename == "~" and name == "other" and callers:
            spent = sum(c[2] for c in callers.values()) or 1.0
            for (caller_file, _l, caller_function), c in callers.items():
                caller = _package(caller_file, caller_function)
                totals[caller] = totals.get(caller, 0.0) + own * c[2] / spent
            continue
        totals[name] = totals.get(name, 0.0) + own
    whole = sum(totals.values()) or 1.0
    return sorted(((n, t / whole) for n, t in totals.items()), key=lambda x: -x[1])


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=60)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--profile", type=int, default=0, help="print the top N of a cProfile run")
    parser.add_argument("--cpu", action="store_true", help="profile the thread's CPU time, not the wall clock")
    parser.add_argument("--statements", action="store_true", help="print each use case's statements")
    parser.add_argument("--server-statements", action="store_true",
                        help="PostgreSQL: each statement's time in the server (pg_stat_statements)")
    args = parser.parse_args()
    from sqlalchemy.engine import make_url

    from tests.support.apps import build_app, create_schema
    from tests.support.services import running_postgres, running_redis

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp, running_redis() as redis_url:
        config = {"CELERY_ALWAYS_EAGER": False}
        if args.backend in ("sqlite", "both"):
            app = build_app(f"sqlite:///{tmp}/bench.sqlite", Path(tmp) / "inst", **config)
            create_schema(app)
            _deploy_bench(app)
            print("SQLite:")
            measure(app, args.instances, args.profile, args.statements, cpu_profile=args.cpu)
        if args.backend in ("postgresql", "both"):
            settings = {"shared_preload_libraries": "pg_stat_statements",
                        "pg_stat_statements.track_planning": "on"} if args.server_statements else None
            with running_postgres(settings=settings) as url:
                app = build_app(url, Path(tmp) / "pg", **config, CELERY_BROKER_URL=redis_url)
                create_schema(app)
                _deploy_bench(app)
                print("PostgreSQL:")
                measure(app, args.instances, args.profile, args.statements, cpu_profile=args.cpu,
                        port=make_url(url).port, server_statements=args.server_statements)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

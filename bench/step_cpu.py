"""CPU time and SQL statements per step of the case path (start_case, complete_task), in one process.

    .venv/bin/python bench/step_cpu.py [--instances 60] [--backend sqlite|postgresql|both]
                                       [--profile 25] [--statements]

The six-step chain of bench/engine.py (b), measured per use case: CPU time of the calling thread
(`time.thread_time`: what the request pays), statements per use case (a cursor listener,
BEGIN/COMMIT counted apart), the CPU of the whole process per instance (`time.process_time` over
the run, the outbox's publisher thread included, waited for at the end), and with `--profile N`
the top N functions of a cProfile run by cumulative time. Steadier than a rate on a shared
machine; bench/engine.py remains the measure of throughput.
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


def measure(app, n: int, profile: int, show_statements: bool) -> None:
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
    start, step, whole = _run(app, n, world)
    print(f"  CPU of the calling thread per start_case {start * 1000:.2f} ms, per complete_task "
          f"{step * 1000:.2f} ms, per instance {(start + 6 * step) * 1000:.1f} ms; CPU of the process "
          f"per instance (every thread, the benchmark's own reads included) {whole * 1000:.1f} ms")
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        _run(app, n, world)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        print(out.getvalue())


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=60)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--profile", type=int, default=0, help="print the top N of a cProfile run")
    parser.add_argument("--statements", action="store_true", help="print each use case's statements")
    args = parser.parse_args()
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
            measure(app, args.instances, args.profile, args.statements)
        if args.backend in ("postgresql", "both"):
            with running_postgres() as url:
                app = build_app(url, Path(tmp) / "pg", **config, CELERY_BROKER_URL=redis_url)
                create_schema(app)
                _deploy_bench(app)
                print("PostgreSQL:")
                measure(app, args.instances, args.profile, args.statements)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

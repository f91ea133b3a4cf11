"""Engine benchmark (issue 3). Run from the project root:

    .venv/bin/python bench/engine.py [--instances 300] [--inbox-open 100000] [--inbox-done 1000000]

(a) a six-step approval chain run in memory with the engine alone (SpiffWorkflow + our sandbox
    and state serialisation, no database) — the ceiling;
(b) the same chain through the service layer (cases.start_case / complete_task: validation,
    locks, state, inbox rows, history, audit) on SQLite and on PostgreSQL;
(c) inbox query latency (list + count, p50/p95) for one user with N open and M completed rows
    in PostgreSQL.
PostgreSQL is a real server started on a free loopback port (tests/support/services.py).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from app import engine  # noqa: E402
from app.engine import OperatorRegistry  # noqa: E402

FIXTURES = ROOT / "bench" / "fixtures"
KEY = "bench_six_steps"
ANSWER = {"opinion": "同意"}


def bundle_files() -> tuple[dict[str, bytes], dict[str, bytes]]:
    return ({f"{KEY}.bpmn": (FIXTURES / f"{KEY}.bpmn").read_bytes()},
            {"bench_step.schema.json": (FIXTURES / "bench_step.schema.json").read_bytes()})


def bench_engine_alone(n: int) -> float:
    files, _ = bundle_files()
    spec = engine.compile_process(KEY, files).spec_json
    host, now = OperatorRegistry(), datetime.now(UTC)
    started = time.perf_counter()
    for _ in range(n):
        result = engine.start(spec, {}, host=host, now=now)
        while result.ready_user_tasks:
            task = result.ready_user_tasks[0]
            result = engine.complete_task(spec, result.state, task["task_id"], ANSWER, host=host, now=now)
        assert result.status == "completed"
    return n / (time.perf_counter() - started)


def _service_world(app):
    from app.services import deployments
    from tests.support.factories import gen_project, gen_user

    files, forms = bundle_files()
    deployments.deploy(deployments.Bundle(files, forms))
    project = gen_project()
    return project, gen_user("contractor_pm", project=project)


def bench_service(app, n: int) -> float:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import InboxTask
    from app.services import cases
    from app.services.actors import actor_for

    with app.app_context():
        project, user = _service_world(app)
        actor = actor_for(user, ip="127.0.0.1")
        started = time.perf_counter()
        for _ in range(n):
            instance_id = cases.start_case(actor, KEY, project_code=project.code)
            for _step in range(6):
                task_id = db.session.scalar(select(InboxTask.id).where(
                    InboxTask.instance_id == instance_id, InboxTask.status == "open"))
                cases.complete_task(actor, task_id, ANSWER)
        return n / (time.perf_counter() - started)


def seed_inbox(app, n_open: int, n_done: int) -> object:
    """One user on one project; the rows of 100 other projects around him."""
    from app.extensions import db
    from app.services.actors import actor_for
    from tests.support.factories import gen_district, gen_instance, gen_project, gen_user

    with app.app_context():
        district = gen_district()
        projects = [gen_project(district) for _ in range(101)]
        user = gen_user("contractor_pm", project=projects[0])
        instance = gen_instance(projects[0], process_key=KEY)
        ids = ",".join(str(p.id) for p in projects)
        for status, count in (("open", n_open), ("completed", n_done)):
            db.session.execute(text(f"""
                INSERT INTO inbox_task (instance_id, spiff_task_id, task_name, title, process_key, role,
                    project_id, district_path, priority, due_at, status, created_at)
                SELECT :instance, md5(:status || g::text), 'step', '审批', :key, 'contractor_pm',
                    (ARRAY[{ids}])[1 + g % 101], :path, 50, now() + (g % 1000) * interval '1 hour',
                    :status, now()
                FROM generate_series(1, :count) AS g"""),
                {"instance": instance.id, "status": status, "key": KEY, "path": district.path, "count": count})
        db.session.commit()
        db.session.execute(text("ANALYZE inbox_task"))
        db.session.commit()
        return actor_for(user)


def bench_inbox(app, actor, runs: int) -> tuple[float, float, int]:
    from app.services.inbox import InboxFilter, list_tasks

    with app.app_context():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            page = list_tasks(actor, InboxFilter(limit=50))
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        return statistics.median(times), times[int(len(times) * 0.95) - 1], page.total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=300)
    parser.add_argument("--inbox-open", type=int, default=100_000)
    parser.add_argument("--inbox-done", type=int, default=1_000_000)
    parser.add_argument("--inbox-runs", type=int, default=200)
    args = parser.parse_args()
    from tests.support.apps import build_app, create_schema
    from tests.support.services import running_postgres

    ceiling = bench_engine_alone(args.instances)
    print(f"(a) engine alone: {ceiling:.0f} six-step instances/s")
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(f"sqlite:///{tmp}/bench.sqlite", Path(tmp) / "inst")
        create_schema(app)
        rate = bench_service(app, args.instances)
        print(f"(b) service layer on SQLite: {rate:.0f} instances/s ({rate / ceiling:.0%} of (a))")
        with running_postgres() as url:
            app = build_app(url, Path(tmp) / "pg")
            create_schema(app)
            rate = bench_service(app, args.instances)
            print(f"(b) service layer on PostgreSQL: {rate:.0f} instances/s ({rate / ceiling:.0%} of (a))")
            actor = seed_inbox(app, args.inbox_open, args.inbox_done)
            p50, p95, total = bench_inbox(app, actor, args.inbox_runs)
            print(f"(c) inbox list+count on PostgreSQL ({args.inbox_open} open, {args.inbox_done} done; "
                  f"user sees {total}): p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()

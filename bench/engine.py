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
    from app.services.workflow import deployments
    from tests.support.factories import gen_project, gen_user

    files, forms = bundle_files()
    deployments.deploy(deployments.Bundle(files, forms))
    project = gen_project()
    return project, gen_user("contractor_pm", project=project)


def bench_service(app, n: int) -> float:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import InboxTask
    from app.services.access.actors import actor_for
    from app.services.workflow import cases

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


def seed_inbox(app, n_open: int, n_done: int) -> dict[str, object]:
    """A contractor on one of 101 projects in 10 districts of one city (enterprise rows), plus
    authority rows: 10 % more open and completed rows for `district_safety_officer` on the same
    projects.
    Returns the actors: the contractor, a district officer (one district) and a city-level officer
    (all 10 districts, i.e. jurisdiction over every project of the city)."""
    from app.extensions import db
    from app.services.access.actors import actor_for
    from tests.support.factories import gen_instance, gen_org_unit, gen_project, gen_user

    with app.app_context():
        city = gen_org_unit(gen_org_unit())
        districts = [gen_org_unit(city) for _ in range(10)]
        projects = [gen_project(districts[i % 10]) for i in range(101)]
        users = {"contractor": gen_user("contractor_pm", project=projects[0]),
                 "district officer": gen_user("district_safety_officer", org_unit=districts[0]),
                 "city officer": gen_user("district_safety_officer", org_unit=city)}
        instance = gen_instance(projects[0], process_key=KEY)
        ids = ",".join(str(p.id) for p in projects)
        paths = ",".join(f"'{districts[i % 10].path}'" for i in range(101))  # each project's district
        for status, count in (("open", n_open), ("completed", n_done)):
            for role, rows in (("contractor_pm", count), ("district_safety_officer", count // 10)):
                _insert_rows(instance.id, status, role, f"(ARRAY[{ids}])[1 + g % 101]",
                             f"(ARRAY[{paths}])[1 + g % 101]", rows)
        db.session.commit()
        # Steady state of a live table: autovacuum has set the visibility map and the statistics.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE inbox_task"))
        return {name: actor_for(user) for name, user in users.items()}


def _insert_rows(instance_id: int, status: str, role: str, project_sql: str, path_sql: str,
                 count: int) -> None:
    from app.extensions import db

    db.session.execute(text(f"""
        INSERT INTO inbox_task (instance_id, spiff_task_id, task_name, title, process_key, role,
            project_id, district_path, priority, due_at, status, created_at)
        SELECT :instance, md5(:role || :status || g::text), 'step', '审批', :key, :role,
            {project_sql}, {path_sql}, 50, now() + (g % 1000) * interval '1 hour', :status, now()
        FROM generate_series(1, :count) AS g"""),
        {"instance": instance_id, "status": status, "role": role, "key": KEY, "count": count})


def _percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def bench_inbox(app, actors: dict[str, object], runs: int) -> list[tuple[str, str, float, float, int]]:
    """p50/p95 of list_tasks (page of 50 + total) and of counts() per actor."""
    from app.services.workflow.inbox_queries import InboxFilter, counts, list_tasks

    out = []
    with app.app_context():
        for name, actor in actors.items():
            for label, call in (("list", lambda a=actor: list_tasks(a, InboxFilter(limit=50)).total),
                                ("counts", lambda a=actor: counts(a)["all"])):
                call()  # warm the statement cache and the buffers once
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    total = call()
                    times.append((time.perf_counter() - started) * 1000)
                out.append((name, label, *_percentiles(times), total))
    return out


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
            actors = seed_inbox(app, args.inbox_open, args.inbox_done)
            print(f"(c) inbox on PostgreSQL ({args.inbox_open} + {args.inbox_open // 10} open, "
                  f"{args.inbox_done} + {args.inbox_done // 10} completed rows), {args.inbox_runs} runs:")
            for name, label, p50, p95, total in bench_inbox(app, actors, args.inbox_runs):
                print(f"    {name:<16} {label:<6} (sees {total:>6}): p50 {p50:5.1f} ms, p95 {p95:5.1f} ms")


if __name__ == "__main__":
    main()

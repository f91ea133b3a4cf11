"""Engine benchmark (issue 3, issue 19). Run from the project root:

    .venv/bin/python bench/engine.py [--instances 300] [--inbox-open 100000] [--inbox-done 1000000]
                                     [--eager] [--skip-inbox]

(a) a six-step approval chain run in memory with the engine alone (SpiffWorkflow + our sandbox
    and state serialisation, no database) — the ceiling;
(a') SpiffWorkflow alone on the same chain, the workflow serialised to JSON without its spec
    after every step and read back before the next (what any persisted engine pays): the
    baseline of the ratios, measured in the same run;
(b) the same chain through the service layer (cases.start_case / complete_task: validation,
    locks, state, inbox rows, history, audit) on SQLite and on PostgreSQL: one process, two
    worker processes (each its own contractor and project), and one process against a durable
    server (fsync, synchronous commit and full page writes on);
(c) inbox query latency (list + count, p50/p95) for one user with N open and M completed rows
    in PostgreSQL.
Celery is configured as deployed (not eager): the after-commit tasks of a step (the bell's
`notifications.task_ready`) are published to the broker (the embedded filesystem transport on
SQLite, Redis beside PostgreSQL) and their delivery, a worker's job, is not timed; `--eager`
runs them inline instead, as the tests do. CPU seconds of this process are printed beside each
figure (on PostgreSQL the server's own CPU is not in them).
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


def bench_spiff_json(n: int) -> float:
    """(a'): stock SpiffWorkflow (no sandbox, no service), the workflow dumped to JSON without
    its spec after every step and loaded back (the parsed spec put in again) before the next."""
    import json

    from SpiffWorkflow.bpmn.parser import BpmnParser  # the bench may; app code may not
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser()
    parser.add_bpmn_file(str(FIXTURES / f"{KEY}.bpmn"))
    spec = parser.get_spec(KEY)
    serializer = BpmnWorkflowSerializer()

    def dump(workflow: BpmnWorkflow) -> str:
        dct = serializer.to_dict(workflow)
        dct.pop("spec"), dct.pop("subprocess_specs")
        return json.dumps(dct)

    def load(state: str) -> BpmnWorkflow:
        dct = json.loads(state)
        dct["spec"], dct["subprocess_specs"] = spec, {}
        return serializer.from_dict(dct)

    started = time.perf_counter()
    for _ in range(n):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        state = dump(workflow)
        while True:
            workflow = load(state)
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            ready[0].data.update(ANSWER)
            ready[0].run()
            workflow.do_engine_steps()
            state = dump(workflow)
        assert workflow.is_completed()
    return n / (time.perf_counter() - started)


def _deploy_bench(app) -> None:
    from app.services.definitions import deployments

    with app.app_context():
        files, forms = bundle_files()
        deployments.deploy(deployments.Bundle(files, forms))


def _world(app) -> tuple[int, str]:
    """A contractor on a fresh project: his user id and the project's code."""
    from tests.support.factories import gen_project, gen_user

    with app.app_context():
        project = gen_project()
        return gen_user("contractor_pm", project=project).id, project.code


def bench_service(app, n: int, world: tuple[int, str] | None = None) -> tuple[float, float]:
    """Instances/s and CPU seconds of this process per instance (start + six completions)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import InboxTask, User
    from app.services.access.actors import actor_for
    from app.services.workflow import cases

    user_id, code = world or _world(app)
    with app.app_context():
        actor = actor_for(db.session.get(User, user_id), ip="127.0.0.1")
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            instance_id = cases.start_case(actor, KEY, project_code=code)
            for _step in range(6):
                task_id = db.session.scalar(select(InboxTask.id).where(
                    InboxTask.instance_id == instance_id, InboxTask.status == "open"))
                cases.complete_task(actor, task_id, ANSWER)
        from app.infra import outbox

        if hasattr(outbox, "flush"):  # the publisher thread's backlog is part of the run
            outbox.flush(60)
        return n / (time.perf_counter() - started), (time.process_time() - cpu) / n


def _worker(url: str, folder: str, n: int, overrides: dict, world: tuple[int, str], go, out) -> None:
    from tests.support.apps import build_app

    app = build_app(url, Path(folder), **overrides)
    bench_service(app, 2, world)  # warm this process's caches
    go.wait()
    out.put(bench_service(app, n, world))


def bench_service_processes(app, url: str, folder: Path, n: int, overrides: dict,
                            processes: int = 2) -> float:
    """Instances/s of `processes` worker processes running `n` instances each at once (each
    its own contractor and project, made here: the factories' counters are per process)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(url, str(folder / f"w{i}"), n, overrides,
                                                 _world(app), go, out))
               for i in range(processes)]
    for w in workers:
        w.start()
    time.sleep(10)  # let them import, connect and warm up before the start
    started = time.perf_counter()
    go.set()
    for _ in workers:
        out.get()
    elapsed = time.perf_counter() - started
    for w in workers:
        w.join()
    return processes * n / elapsed


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
        # A synchronous commit: the throw-away cluster commits asynchronously, and VACUUM cannot
        # mark rows all-visible before their commit record is flushed (run at once, it left the
        # visibility map empty and every index-only scan fetched each row from the table).
        db.session.execute(text("SET LOCAL synchronous_commit TO on"))
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


def _line(label: str, rate: float, cpu: float | None, baseline: float) -> None:
    cpu_text = f", {cpu * 1000:.1f} ms CPU of this process per instance" if cpu is not None else ""
    print(f"(b) {label}: {rate:.1f} instances/s ({rate / baseline:.3f} of (a')){cpu_text}")


def main() -> None:
    import os

    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=300)
    parser.add_argument("--inbox-open", type=int, default=100_000)
    parser.add_argument("--inbox-done", type=int, default=1_000_000)
    parser.add_argument("--inbox-runs", type=int, default=200)
    parser.add_argument("--eager", action="store_true", help="run after-commit tasks inline")
    parser.add_argument("--skip-inbox", action="store_true", help="leave out (c)")
    args = parser.parse_args()
    from tests.support.apps import build_app, create_schema
    from tests.support.services import running_postgres, running_redis

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ceiling = bench_engine_alone(args.instances)
    print(f"(a) engine alone: {ceiling:.0f} six-step instances/s")
    baseline = bench_spiff_json(args.instances)
    print(f"(a') SpiffWorkflow alone, state-only JSON between steps: {baseline:.0f} instances/s")
    n = args.instances
    with tempfile.TemporaryDirectory() as tmp, running_redis() as redis_url:
        eager = {"CELERY_ALWAYS_EAGER": True} if args.eager else {"CELERY_ALWAYS_EAGER": False}
        app = build_app(f"sqlite:///{tmp}/bench.sqlite", Path(tmp) / "inst", **eager)
        create_schema(app)
        _deploy_bench(app)
        bench_service(app, 5)  # warm the caches once
        _line("service layer on SQLite, one process", *bench_service(app, n), baseline)
        pg_eager = eager if args.eager else {**eager, "CELERY_BROKER_URL": redis_url}
        with running_postgres() as url:
            app = build_app(url, Path(tmp) / "pg", **pg_eager)
            create_schema(app)
            _deploy_bench(app)
            bench_service(app, 5)
            _line("service layer on PostgreSQL, one process", *bench_service(app, n), baseline)
            rate = bench_service_processes(app, url, Path(tmp) / "pg2", n, pg_eager)
            _line("service layer on PostgreSQL, two processes", rate, None, baseline)
            if not args.skip_inbox:
                actors = seed_inbox(app, args.inbox_open, args.inbox_done)
                print(f"(c) inbox on PostgreSQL ({args.inbox_open} + {args.inbox_open // 10} open, "
                      f"{args.inbox_done} + {args.inbox_done // 10} completed rows), {args.inbox_runs} runs:")
                for name, label, p50, p95, total in bench_inbox(app, actors, args.inbox_runs):
                    print(f"    {name:<16} {label:<6} (sees {total:>6}): p50 {p50:5.1f} ms, p95 {p95:5.1f} ms")
        with running_postgres(durable=True) as url:
            app = build_app(url, Path(tmp) / "pgd", **pg_eager)
            create_schema(app)
            _deploy_bench(app)
            bench_service(app, 5)
            _line("service layer on PostgreSQL, durable (fsync + synchronous commit), one process",
                  *bench_service(app, n), baseline)
            rate = bench_service_processes(app, url, Path(tmp) / "pgd2", n, pg_eager)
            _line("service layer on PostgreSQL, durable, two processes", rate, None, baseline)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

"""What PostgreSQL alone allows under the case path (issue 19): the statements of the six-step
chain replayed by bare psycopg, beside the service layer that sent them, on one server.

    .venv/bin/python bench/pg_floor.py [--instances 50] [--durable]

1. The six-step chain of bench/engine.py (b) runs through `cases.start_case` / `complete_task`
   on a fresh database; every statement the process hands to psycopg is recorded with its
   parameters, connection and transaction ends (the outbox's publisher thread included, and the
   benchmark's own read of each instance's first task; later task ids come from the completions'
   results).
2. Before that run the database is copied (CREATE DATABASE … TEMPLATE), so replaying the record
   on a copy meets the same rows: the sequences hand out the same ids, every lock-version guard
   matches, every UPDATE and INSERT does what it did.
3. The record is replayed by bare psycopg (no SQLAlchemy, no engine, no Python work of the use
   cases): `plain` one round trip per statement as the service layer does (BEGIN on its own, as
   psycopg does outside a pipeline); `pipelined` every transaction sent in psycopg's pipeline mode
   and synced once at its COMMIT (one round trip per transaction: the least any client can pay,
   though the service layer cannot wait so little: it reads before it decides what to write).
   One process, then two processes at once, each on its own copy.

Printed per six-step instance: instances/s, CPU of the client process(es) and of the server
(all processes of this PostgreSQL server, from /proc), round trips. The two-core budget at
150 instances/s is 2 × 1000 / 150 = 13.3 ms CPU per instance for the client and server together.
PostgreSQL is a throw-away cluster (fsync and synchronous commit off; `--durable`: on).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine import ANSWER, KEY, _deploy_bench, _world  # noqa: E402

Record = list[tuple[Any, ...]]  # (connection number, autocommit, statement, parameters, many) or (n, "commit")


# --- the server's CPU ----------------------------------------------------------------------------

def _postmaster(port: int) -> int:
    """The pid of the postgres server listening on `port` (its command line names the port)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"/postgres") and "-p" in (a.decode() for a in argv) \
                and str(port).encode() in argv:
            return int(pid)
    raise RuntimeError(f"no postgres server on port {port}")


class ServerCpu:
    """CPU seconds of the server on `port` since this object was made: its postmaster and its
    children, process by process (a backend that ends meanwhile takes its CPU along and counts
    nothing, so the benchmark reads it while its own connections are open)."""

    def __init__(self, port: int):
        self.port = port
        self.before = _server_processes(port)

    def used(self) -> float:
        return sum(cpu - self.before.get(pid, 0.0) for pid, cpu in _server_processes(self.port).items())


def _server_processes(port: int) -> dict[int, float]:
    """CPU seconds used so far by each process of the server on `port`."""
    postmaster, tick, found = _postmaster(port), os.sysconf("SC_CLK_TCK"), {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(pid) == postmaster or int(fields[1]) == postmaster:
            found[int(pid)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return found


# --- the service layer, recorded ------------------------------------------------------------------

def run_service(app, n: int, world, record: Record | None = None) -> float:
    """Run `n` instances through the service layer; CPU seconds of this process (every thread:
    the outbox's publisher is waited for at the end). With `record`, every statement handed to
    psycopg is appended to it, from whichever thread."""
    from sqlalchemy import event, select

    from app.extensions import db
    from app.models import InboxTask, User
    from app.services.access.actors import actor_for
    from app.services.workflow import cases

    user_id, code = world
    numbers: dict[int, int] = {}

    def on_execute(conn, _cursor, statement, parameters, _context, executemany):
        raw = conn.connection.dbapi_connection
        number = numbers.setdefault(id(raw), len(numbers))
        params = [dict(p) for p in parameters] if executemany else \
            (dict(parameters) if isinstance(parameters, dict) else parameters)
        record.append((number, raw.autocommit, statement, params, executemany))

    def on_commit(conn):
        record.append((numbers.setdefault(id(conn.connection.dbapi_connection), len(numbers)), "commit"))

    def on_rollback(conn):
        if not conn.connection.dbapi_connection.autocommit:
            record.append((numbers.setdefault(id(conn.connection.dbapi_connection), len(numbers)), "rollback"))

    with app.app_context():
        engine = db.engine
        if record is not None:
            event.listen(engine, "before_cursor_execute", on_execute)
            event.listen(engine, "commit", on_commit)
            event.listen(engine, "rollback", on_rollback)
        actor = actor_for(db.session.get(User, user_id), ip="127.0.0.1")
        db.session.commit()
        started = time.process_time()
        try:
            for _ in range(n):
                instance_id = cases.start_case(actor, KEY, project_code=code)
                task_id = db.session.scalar(select(InboxTask.id).where(
                    InboxTask.instance_id == instance_id, InboxTask.status == "open"))
                db.session.commit()
                for step in range(6):
                    result = cases.complete_task(actor, task_id, ANSWER)
                    if step < 5:
                        (task_id,) = result.new_task_ids
            _flush_outbox()
        finally:
            if record is not None:
                event.remove(engine, "before_cursor_execute", on_execute)
                event.remove(engine, "commit", on_commit)
                event.remove(engine, "rollback", on_rollback)
    return time.process_time() - started


def _flush_outbox() -> None:
    from app.infra import outbox

    if hasattr(outbox, "flush"):  # the publisher thread (lane outbox): wait for it
        outbox.flush(60)


# --- the replay ------------------------------------------------------------------------------------

def replay(url: str, record: Record, pipelined: bool, before_close=None) -> tuple[float, int]:
    """Replay `record` on the database of `url` with bare psycopg; (CPU seconds, round trips).
    `before_close(cpu, trips)` is called before the connections close (a backend's CPU leaves
    /proc with it)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    connections: dict[int, psycopg.Connection] = {}
    for entry in record:
        if entry[0] not in connections:
            connections[entry[0]] = psycopg.connect(host=parsed.host, port=parsed.port,
                                                    user=parsed.username, dbname=parsed.database)
    trips = 0
    started = time.process_time()
    if pipelined:
        trips = _replay_pipelined(connections, record)
    else:
        for entry in record:
            conn = connections[entry[0]]
            if entry[1] == "commit":
                conn.commit()
                trips += 1
                continue
            if entry[1] == "rollback":
                conn.rollback()
                trips += 1
                continue
            _, autocommit, statement, params, many = entry
            if conn.autocommit != autocommit:
                conn.autocommit = autocommit
            if not autocommit and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                trips += 1  # psycopg sends BEGIN as its own query before the first statement
            with conn.cursor() as cursor:
                if many:
                    cursor.executemany(statement, params)
                else:
                    cursor.execute(statement, params)
                    if cursor.description is not None:
                        cursor.fetchall()
            trips += 1
    cpu = time.process_time() - started
    if before_close is not None:
        before_close(cpu, trips)
    for conn in connections.values():
        conn.close()
    return cpu, trips


def _replay_pipelined(connections, record: Record) -> int:
    """Each transaction (and each autocommit statement) in one pipeline, synced at its end."""
    trips = 0
    open_pipes: dict[int, Any] = {}
    for entry in record:
        conn = connections[entry[0]]
        if entry[1] in ("commit", "rollback"):
            pipe = open_pipes.pop(entry[0], None)
            (conn.commit if entry[1] == "commit" else conn.rollback)()
            if pipe is not None:
                pipe.__exit__(None, None, None)
            trips += 1
            continue
        _, autocommit, statement, params, many = entry
        if autocommit:
            if conn.autocommit is not True:
                conn.autocommit = True
            with conn.pipeline(), conn.cursor() as cursor:
                cursor.execute(statement, params)
            trips += 1
            continue
        if conn.autocommit:
            conn.autocommit = False
        if entry[0] not in open_pipes:
            pipe = conn.pipeline()
            pipe.__enter__()
            open_pipes[entry[0]] = pipe
        cursor = conn.cursor()
        if many:
            cursor.executemany(statement, params)
        else:
            cursor.execute(statement, params)
    return trips


def replay_once(url: str, record: Record, pipelined: bool, port: int) -> tuple[float, float, float, int]:
    """`replay` in this process: (wall seconds, CPU seconds, the server's CPU seconds, round trips)."""
    before, started, seen = ServerCpu(port), time.perf_counter(), []

    def done(cpu: float, trips: int) -> None:
        seen.extend((time.perf_counter() - started, cpu, before.used(), trips))

    replay(url, record, pipelined, done)
    return tuple(seen)


def _replay_worker(url: str, record: Record, pipelined: bool, go, out, release) -> None:
    go.wait()
    started = time.perf_counter()

    def done(cpu: float, trips: int) -> None:
        out.put((time.perf_counter() - started, cpu, trips))
        release.wait()  # the parent reads the server's CPU while the backends live

    replay(url, record, pipelined, done)


def replay_processes(urls: list[str], record: Record, pipelined: bool,
                     port: int) -> tuple[float, float, float, int]:
    """Each url replayed by its own process at once: (wall seconds, CPU seconds of all, the
    server's CPU seconds, round trips of one)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    go, out, release = ctx.Event(), ctx.Queue(), ctx.Event()
    workers = [ctx.Process(target=_replay_worker, args=(u, record, pipelined, go, out, release))
               for u in urls]
    for w in workers:
        w.start()
    time.sleep(3)  # let them import before the start
    before = ServerCpu(port)
    started = time.perf_counter()
    go.set()
    results = [out.get() for _ in workers]
    elapsed = time.perf_counter() - started
    used = before.used()
    release.set()
    for w in workers:
        w.join()
    return elapsed, sum(r[1] for r in results), used, results[0][2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=50)
    parser.add_argument("--durable", action="store_true", help="fsync and synchronous commit on")
    args = parser.parse_args()
    from sqlalchemy.engine import make_url

    from app.extensions import db
    from tests.support.apps import build_app, create_schema
    from tests.support.services import create_database, running_postgres, running_redis

    n = args.instances
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp, running_redis() as redis_url, \
            running_postgres(durable=args.durable) as url:
        port = make_url(url).port
        app = build_app(url, Path(tmp) / "pg", CELERY_ALWAYS_EAGER=False, CELERY_BROKER_URL=redis_url)
        create_schema(app)
        _deploy_bench(app)
        world = _world(app)
        run_service(app, 3, world)  # warm the caches
        with app.app_context():
            db.session.remove()
            db.engine.dispose()  # a template must have no connections
        copies = [create_database(url, f"floor{i}", template=make_url(url).database) for i in range(6)]

        record: Record = []
        server, wall = ServerCpu(port), time.perf_counter()
        client = run_service(app, n, world, record)
        wall, server = time.perf_counter() - wall, server.used()
        statements = sum(1 for e in record if e[1] not in ("commit", "rollback"))
        print(f"{n} instances, {len(record) / n:.1f} recorded entries each ({statements / n:.1f} statements)")
        print(f"{'run':<44} {'inst/s':>7} {'client CPU':>11} {'server CPU':>11} {'together':>9} {'trips':>6}")

        def line(label: str, seconds: float, client_cpu: float, server_cpu_: float, trips: float) -> None:
            print(f"{label:<44} {n / seconds:7.1f} {client_cpu / n * 1000:8.2f} ms {server_cpu_ / n * 1000:8.2f} ms "
                  f"{(client_cpu + server_cpu_) / n * 1000:6.2f} ms {trips / n:6.1f}")

        commits = sum(1 for e in record if e[1] == "commit")
        line("service layer, one process", wall, client, server, statements + 2 * commits)
        for i, pipelined in enumerate((False, True)):
            label = "bare psycopg, one process, " + ("pipelined" if pipelined else "plain")
            line(label, *replay_once(copies[i], record, pipelined, port))
        for i, pipelined in enumerate((False, True)):
            label = "bare psycopg, two processes, " + ("pipelined" if pipelined else "plain")
            seconds, cpu, used, trips = replay_processes(copies[2 + 2 * i: 4 + 2 * i], record, pipelined, port)
            # two processes ran n instances each: per instance is per 2n
            print(f"{label:<44} {2 * n / seconds:7.1f} {cpu / (2 * n) * 1000:8.2f} ms "
                  f"{used / (2 * n) * 1000:8.2f} ms {(cpu + used) / (2 * n) * 1000:6.2f} ms {trips / n:6.1f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

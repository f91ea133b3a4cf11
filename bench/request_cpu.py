"""CPU time and SQL statements per request of `GET /api/v1/tasks` and `/inbox`, in one process.

    .venv/bin/python bench/request_cpu.py [--open-tasks 100000] [--requests 200] [--instance DIR]
    .venv/bin/python bench/request_cpu.py --instance DIR --profile 30   # where a request's CPU goes

The same data as bench/http_load.py (its `seed`), served by Flask's test client in this process
(no server, no load tool): what one request costs the application, measured with
`time.process_time` and a cursor listener, steady enough on a shared machine to compare two
commits (`--instance` reuses a seeded folder: copy it per commit, migrations may change it).
The requests are timed in `--batches`; the quickest batch's CPU per request is the figure other
work on the machine disturbs least (it only adds: cache misses, preemption inside a request).
http_load.py remains the measure of throughput; this one says where the CPU of a request went.
`--profile N` also runs cProfile over each URL's batches and prints its N top lines by cumulative
and by own time (per request, in ms: the profiler's overhead inflates them, the order is the point).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Bench@2026"


def signed_in(app, user: str):
    """A test client with `user`'s session cookie, and his bearer token."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": csrf})
    answer = app.test_client().post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
    return client, answer.get_json()["data"]["token"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open-tasks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--instance", help="a folder seeded before (skips seeding)")
    parser.add_argument("--user", default="contractor_pm")
    parser.add_argument("--batches", type=int, default=10,
                        help="the requests are timed in this many batches: the quickest batch is the figure "
                             "least disturbed by other work on the machine")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="after timing, profile the URL's requests (cProfile) and print its N top lines "
                             "by cumulative and by own time")
    args = parser.parse_args()
    folder = Path(args.instance or tempfile.mkdtemp(prefix="sitecase-cpu-"))
    os.environ.update(SITECASE_INSTANCE_DIR=str(folder), SITECASE_DEMO_PASSWORD=PASSWORD)
    os.environ.pop("DATABASE_URL", None)
    if not args.instance:
        from bench.http_load import seed
        seed(folder, args.open_tasks, PASSWORD)
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db

    app = create_app()
    web, token = signed_in(app, args.user)
    api = app.test_client()
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    targets = {"GET /api/v1/tasks": lambda: api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}),
               "/inbox page": lambda: web.get("/inbox")}
    print(f"{args.user}, {folder}; load average {os.getloadavg()[0]:.2f}")
    print("| URL | CPU ms/request (quickest batch) | CPU ms/request (all) | wall ms/request | statements/request "
          "| load avg |\n|---|---|---|---|---|---|")
    per_batch = max(1, args.requests // args.batches)
    profiles: list[tuple[str, str]] = []
    for name, get in targets.items():
        for _ in range(5):  # warm the caches (statements, token, templates)
            assert get().status_code == 200, name
        statements.clear()
        get()
        count = len(statements)
        batches = []
        wall = time.perf_counter()
        for _ in range(args.batches):
            cpu = time.process_time()
            for _ in range(per_batch):
                get()
            batches.append(time.process_time() - cpu)
        wall = time.perf_counter() - wall
        done = per_batch * args.batches
        print(f"| {name} | {1000 * min(batches) / per_batch:.2f} | {1000 * sum(batches) / done:.2f} | "
              f"{1000 * wall / done:.2f} | {count} | {os.getloadavg()[0]:.2f} |", flush=True)
        if args.profile:
            profiles.append((name, profiled(get, per_batch, args.batches, args.profile)))
    for name, text in profiles:
        print(f"\n### {name}\n{text}")


def profiled(get, per_batch: int, batches: int, top: int) -> str:
    """cProfile of the quickest of `batches` batches of `per_batch` requests: its `top` lines by
    cumulative and by own time, times in ms per request."""
    best = None
    for _ in range(batches):
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(per_batch):
            get()
        profile.disable()
        stats = pstats.Stats(profile)
        if best is None or stats.total_tt < best.total_tt:
            best = stats
    out = io.StringIO()
    best.stream = out
    # per request: pstats prints seconds for the whole batch
    scale = 1000 / per_batch
    for key, (cc, nc, tt, ct, callers) in list(best.stats.items()):
        best.stats[key] = (cc, nc, tt * scale, ct * scale, callers)
    best.total_tt *= scale
    out.write(f"(cProfile of the quickest of {batches} batches of {per_batch}; times in ms per request, "
              "call counts per batch)\n")
    best.sort_stats("cumulative").print_stats(top)
    best.sort_stats("tottime").print_stats(top)
    return out.getvalue().replace(" seconds\n", " ms per request\n")  # pstats names its unit


if __name__ == "__main__":
    main()

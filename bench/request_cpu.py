"""CPU time and SQL statements per request of `GET /api/v1/tasks` and `/inbox`, in one process.

    .venv/bin/python bench/request_cpu.py [--open-tasks 100000] [--requests 200] [--instance DIR]

The same data as bench/http_load.py (its `seed`), served by Flask's test client in this process
(no server, no load tool): what one request costs the application, measured with
`time.process_time` and a cursor listener, steady enough on a shared machine to compare two
commits (`--instance` reuses a seeded folder: copy it per commit, migrations may change it).
The requests are timed in `--batches`; the quickest batch's CPU per request is the figure other
work on the machine disturbs least (it only adds: cache misses, preemption inside a request).
http_load.py remains the measure of throughput; this one says where the CPU of a request went.
"""
from __future__ import annotations

import argparse
import os
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


if __name__ == "__main__":
    main()

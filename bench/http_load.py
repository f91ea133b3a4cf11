"""HTTP load (issue 19): `GET /api/v1/tasks` and the `/inbox` page under a real load tool.

    .venv/bin/python bench/http_load.py [--open-tasks 100000] [--duration 20] [--concurrency 16,64]
    .venv/bin/python bench/http_load.py --instance DIR   # a folder seeded before (kept; copy it per run)

Builds a fresh embedded instance in a temporary folder (migrations, demo data, N open inbox
rows spread over 101 projects, inserted in bulk; `--user` sees his share), starts the web server with the
very command `make run` uses (app.runner's "web" child: gunicorn, app/gunicorn_config.py), logs
in once (a bearer token for the API, a session cookie for the page) and runs wrk against three
URLs at each concurrency: a static file (the baseline, same server, same run), the API list and
the inbox page. Reports req/s, p50/p99 latency, errors (non-2xx/3xx and socket errors), server
CPU milliseconds per request (every process of the server, from /proc), each worker's share of
that CPU (a worker near 100 % means the clients' connections were not spread) and the load average;
the ratio column is req/s over the baseline's at the same concurrency, the figure that survives
a noisy machine. wrk runs on the same cores as the server (Debian package `wrk`). The server's
own log (gunicorn: workers started, exited, timed out) is kept as DIR/web-server.log.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Sent by wrk and by the sign-in alike: Flask-Login's session protection hashes the client's
# address and User-Agent, and on a mismatch marks the session not fresh, which re-signs the
# cookie. A browser stores that cookie once; wrk keeps none, so with another agent at sign-in
# every page of the run paid for a new session cookie (~3 % of a page's CPU).
AGENT = "sitecase-bench"
USER = "contractor_pm"  # of the demo data: sees the rows of his three projects (~3 % of them)
TICKS = os.sysconf("SC_CLK_TCK")


def seed(instance: Path, open_tasks: int, password: str) -> None:
    """Migrate, load the demo data, and add `open_tasks` open contractor_pm rows spread over 101
    projects in 10 districts (the demo ones among them) plus 10 % more district_safety_officer
    rows on the same projects: each demo user sees his share, as in bench/engine.py's inbox."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from app import create_app
    from app.extensions import db
    from app.models import InboxTask, OrgUnit, Project
    from app.services.demo import seed as demo
    from tests.support.factories import gen_instance, gen_org_unit, gen_project

    app = create_app()
    with app.app_context():
        upgrade()
        demo.load_demo(password)
        city = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "ZZ"))
        districts = db.session.scalars(select(OrgUnit).where(OrgUnit.parent_id == city.id)).all()
        districts += [gen_org_unit(city) for _ in range(10 - len(districts))]
        projects = list(db.session.scalars(select(Project)).all())
        projects += [gen_project(districts[n % 10]) for n in range(101 - len(projects))]
        path_of = {d.id: d.path for d in districts}
        instance_row = gen_instance(projects[0], process_key="bench_http")
        now = datetime.now(UTC)
        for role, count in (("contractor_pm", open_tasks), ("district_safety_officer", open_tasks // 10)):
            rows = [{"instance_id": instance_row.id, "spiff_task_id": f"{role}-{n}", "task_name": "review",
                     "title": f"审查第{n}号", "process_key": "bench_http", "role": role,
                     "project_id": projects[n % len(projects)].id,
                     "district_path": path_of.get(projects[n % len(projects)].district_id),
                     "priority": 50, "due_at": now + timedelta(hours=n % 1000 - 100), "status": "open",
                     "created_at": now} for n in range(count)]
            for start in range(0, len(rows), 20_000):
                db.session.execute(insert(InboxTask), rows[start:start + 20_000])
        # No ANALYZE: `make run` never runs one, and with sqlite_stat1 SQLite takes the mostly-NULL
        # assignee_id for unselective and counts every open row through ix_inbox_task_status.
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """The web server as `make run` starts it; its output (gunicorn's log: worker boots, exits,
    timeouts) goes to `log`."""
    from app.runner import plan, port_open

    web = next(child for child in plan("127.0.0.1", port, 0) if child.name == "web")
    with log.open("ab") as out:
        proc = subprocess.Popen(web.argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.monotonic() + 180
    while not port_open("127.0.0.1", port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the web server did not start")
        time.sleep(0.3)
    return proc


def credentials(base: str, user: str, password: str) -> tuple[str, str]:
    """A bearer token and a session cookie header of `user`."""
    body = json.dumps({"username": user, "password": password}).encode()
    request = urllib.request.Request(f"{base}/api/v1/auth/token", data=body,
                                     headers={"Content-Type": "application/json", "User-Agent": AGENT})
    with urllib.request.urlopen(request, timeout=60) as answer:
        token = json.load(answer)["data"]["token"]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    with opener.open(f"{base}/login", timeout=60) as answer:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', answer.read().decode()).group(1)
    form = urllib.parse.urlencode({"username": user, "password": password, "csrf_token": csrf}).encode()
    opener.open(f"{base}/login", data=form, timeout=60).close()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return token, cookie


def process_cpu_s(root_pid: int) -> dict[int, float]:
    """User + system CPU seconds of the server process and of each of its descendants."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    tree, grew = {root_pid}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return {pid: cpu.get(pid, 0.0) for pid in tree}


def server_cpu_s(root_pid: int) -> float:
    """User + system CPU seconds of the server process and all its descendants."""
    return sum(process_cpu_s(root_pid).values())


def cpu_split(before: dict[int, float], after: dict[int, float], root_pid: int) -> str:
    """Each worker's share of the workers' CPU in a run, e.g. "52/48" (one worker near 100 means
    the connections were not spread over the processes)."""
    used = sorted((after[pid] - before.get(pid, 0.0) for pid in after if pid != root_pid), reverse=True)
    total = sum(used) or 1.0
    return "/".join(f"{100 * u / total:.0f}" for u in used)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def run_wrk(url: str, concurrency: int, duration: int, header: str | None, server_pid: int) -> dict:
    argv = ["wrk", "-t2", f"-c{concurrency}", f"-d{duration}s", "--timeout", "10s", "--latency",
            "-H", f"User-Agent: {AGENT}", url]
    if header:
        argv[1:1] = ["-H", header]
    cpu_before = process_cpu_s(server_pid)
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    cpu_after = process_cpu_s(server_pid)
    cpu = sum(cpu_after.values()) - sum(cpu_before.values())
    load = os.getloadavg()[0]
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
            "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
            "errors": errors, "cpu_ms": 1000 * cpu / max(total, 1), "load": load, "requests": total,
            "split": cpu_split(cpu_before, cpu_after, server_pid)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open-tasks", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--concurrency", default="16,64")
    parser.add_argument("--port", type=int, default=5099)
    parser.add_argument("--user", default=USER, help="demo account whose API list and inbox are loaded")
    parser.add_argument("--instance", help="a folder seeded before (skips seeding; left in place): runs of "
                                           "several builds or server settings on the same data")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    password = "Bench@2026"
    folder = Path(args.instance or tempfile.mkdtemp(prefix="sitecase-http-"))
    os.environ.update(SITECASE_INSTANCE_DIR=str(folder), SITECASE_DEMO_PASSWORD=password)
    os.environ.pop("DATABASE_URL", None)
    if not args.instance:
        started = time.monotonic()
        seed(folder, args.open_tasks, password)
        print(f"seeded {args.open_tasks} open tasks in {time.monotonic() - started:.1f}s ({folder})", flush=True)
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args.port, dict(os.environ, PYTHONUNBUFFERED="1"), folder / "web-server.log")
    try:
        token, cookie = credentials(base, args.user, password)
        targets = [("static file (baseline)", f"{base}/assets/site.css", None),
                   ("GET /api/v1/tasks", f"{base}/api/v1/tasks", f"Authorization: Bearer {token}"),
                   ("/inbox page", f"{base}/inbox", f"Cookie: {cookie}")]
        for _name, url, header in targets:  # warm every worker's caches and connections
            run_wrk(url, 4, 2, header, server.pid)
        print(f"server: `make run`'s web child, {os.cpu_count()} cores; wrk -t2, {args.duration}s per run; "
              f"user {args.user}")
        print("| URL | conc. | req/s | ratio to baseline | p50 ms | p99 ms | errors | server CPU ms/req "
              "| workers' CPU split % | load avg |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            baseline = None
            for name, url, header in targets:
                r = run_wrk(url, concurrency, args.duration, header, server.pid)
                baseline = baseline or r["rps"]
                print(f"| {name} | {concurrency} | {r['rps']:.0f} | {r['rps'] / baseline:.2f} | "
                      f"{r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} | {r['cpu_ms']:.2f} | "
                      f"{r['split']} | {r['load']:.2f} |", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.instance:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

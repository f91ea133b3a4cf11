"""Statistics answers under volume: /api/v1/stats/…, /api/v1/command-centre, SQLite and PostgreSQL.

    .venv/bin/python bench/stats.py [--alarms 100000] [--projects 0] [--runs 20] [--backends sqlite,postgresql]
                                    [--reuse FILE.sqlite] [--keep FOLDER]

A fresh database (a SQLite file; a throw-away PostgreSQL cluster) with the demo data, --projects
projects in all (the demo's plus generated ones with two devices each, over the demo districts;
0: the demo's only) and --alarms device alarms spread over their devices and the last 365 days (levels, types, 70 % closed; 10 % with a disposal case, half of those
urged through a decide_overdue task). Through the Flask test client with a bearer token (the
whole request: auth, query, Python aggregation, JSON), each answer is asked --runs times and
reported as p50 / p95 (also the assessment results of this month, scored once and timed, and
their xlsx); the alarms are bulk-inserted, so the daily rollups are rebuilt once
(`flask stats rebuild-rollups`, timed) before the answers are asked, and PostgreSQL analyses the
loaded tables (as autovacuum would within a minute). The baseline is the project list
(GET /api/v1/projects, first page: the same work whatever the alarm volume) asked in the same
run, so the ratio holds across machines and loads; each line also shows the 1-minute load average
when it was measured. --keep FOLDER keeps the PostgreSQL cluster there: a later run with the same
FOLDER skips the seeding and only asks.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TYPES = ["load_pct", "moment_pct", "wind_speed", "tilt_deg", "pm10_ug_m3", "leq_day_db", "settlement_mm"]


def _more_projects(total: int) -> None:
    from sqlalchemy import func, insert, select

    from app.extensions import db
    from app.models import Device, Project

    have = db.session.scalar(select(func.count()).select_from(Project))
    districts = sorted(set(db.session.scalars(select(Project.district_id))))
    rng = random.Random(11)
    for start in range(have, total, 1000):
        ids = db.session.scalars(insert(Project).returning(Project.id, sort_by_parameter_order=True), [
            {"code": f"BENCH-{n:05d}", "name": f"压测工程{n}", "district_id": districts[n % len(districts)],
             "status": rng.choice(("registered", "active", "active", "suspended", "completed"))}
            for n in range(start, min(total, start + 1000))]).all()
        db.session.execute(insert(Device), [
            {"code": f"BENCH-{pid}-{k}", "device_type": rng.choice(("tower_crane", "hoist", "dust", "foundation_pit")),
             "name": f"设备{pid}-{k}", "project_id": pid, "threshold_overrides": {}} for pid in ids for k in range(2)])
    db.session.commit()


def seed(app, count: int, projects: int = 0) -> None:
    from sqlalchemy import insert, select, text

    from app.extensions import db
    from app.infra import wallclock
    from app.models import Device, DeviceAlarm, InboxTask, ProcessDefinition, ProcessInstance
    from app.services.demo import seed as demo

    with app.app_context():
        demo.load_demo(app.config["DEMO_PASSWORD"])
        if projects:
            _more_projects(projects)
        devices = db.session.execute(select(Device.id, Device.project_id)).all()
        definition = ProcessDefinition(key="device_alarm_disposal", version=1, content_hash="0" * 64,
                                       spec_json="{}", sources={})
        db.session.add(definition)
        db.session.flush()
        rng, now = random.Random(7), wallclock.now()
        for start in range(0, count, 10000):
            chunk = []
            for i in range(start, min(count, start + 10000)):
                device_id, project_id = devices[i % len(devices)]
                first = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
                closed = rng.random() < 0.7
                chunk.append({"device_id": device_id, "project_id": project_id, "alarm_type": rng.choice(TYPES),
                              "level": rng.choice(("warning", "alarm")), "status": "closed" if closed else "open",
                              "first_at": first, "last_at": first, "first_data_id": f"b{i}", "source": "threshold",
                              "count": 1, "outcome": "handled" if closed else None, "created_at": first,
                              "closed_at": first + timedelta(hours=rng.randrange(1, 72)) if closed else None})
            cased = chunk[::10]  # a disposal case for 10 %, half of those urged
            ids = db.session.scalars(insert(ProcessInstance).returning(ProcessInstance.id, sort_by_parameter_order=True), [
                {"definition_id": definition.id, "process_key": "device_alarm_disposal", "state": "{}",
                 "project_id": row["project_id"], "data_summary": {}} for row in cased]).all()
            for row, instance_id in zip(cased, ids, strict=True):
                row["instance_id"] = instance_id
            db.session.execute(insert(InboxTask), [
                {"instance_id": instance_id, "spiff_task_id": f"t-{instance_id}", "task_name": "decide_overdue",
                 "title": "逾期预警处理决定", "process_key": "device_alarm_disposal",
                 "role": "district_safety_officer", "project_id": row["project_id"]}
                for row, instance_id in zip(cased[::2], ids[::2], strict=True)])
            db.session.execute(insert(DeviceAlarm), chunk)
            db.session.commit()
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.session.remove()


def rebuild_rollups(app) -> float:
    from app.services.insight.rollups import rebuild

    with app.app_context():
        t0 = time.perf_counter()
        rebuild()
        return time.perf_counter() - t0


def score_assessment(app, month: str) -> float:
    """The monthly assessment (the demo's points) of every district and enterprise, timed."""
    from app.services.assessment.scoring import compute_month

    with app.app_context():
        t0 = time.perf_counter()
        compute_month(month)
        return time.perf_counter() - t0


def timed(client, url: str, headers: dict, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url, headers=headers)
        samples.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.get_json()
    samples.sort()
    return statistics.median(samples), samples[max(0, int(round(0.95 * len(samples))) - 1)]


def run_backend(app, args, seeded: bool = False) -> None:
    if not seeded:
        t0 = time.perf_counter()
        seed(app, args.alarms, args.projects)
        print(f"seeded {args.alarms} alarms, {args.projects or 'demo'} projects in {time.perf_counter() - t0:.1f} s; "
              f"load average {os.getloadavg()}")
        print(f"rollups rebuilt in {rebuild_rollups(app):.1f} s")
        if getattr(args, "keep", None):
            (args.keep / "seeded").write_text(f"{args.alarms} alarms, {args.projects or 'demo'} projects\n")
    client = app.test_client()
    cases = [("project list (baseline)", "/api/v1/projects"),
             ("plain alarm list", "/api/v1/alarms"),
             ("alarm list, one project", "/api/v1/alarms?project={project}"),
             ("alarms, last 30 days", "/api/v1/stats/alarms"),
             ("alarms, 365 days by month", "/api/v1/stats/alarms?start={year_ago}&grain=month"),
             ("alarms, 365 days, one type", "/api/v1/stats/alarms?start={year_ago}&grain=month&type=wind_speed"),
             ("supervision, last 30 days", "/api/v1/stats/supervision"),
             ("alarms xlsx, last 30 days", "/api/v1/stats/alarms/export"),
             ("command centre", "/api/v1/command-centre"),
             ("assessment, districts", "/api/v1/stats/assessment/districts?month={month}"),
             ("assessment, enterprises", "/api/v1/stats/assessment/enterprises?month={month}"),
             ("assessment xlsx", "/api/v1/stats/assessment/export?month={month}")]
    from datetime import date
    year_ago = (date.today() - timedelta(days=364)).isoformat()
    month = date.today().strftime("%Y-%m")
    print(f"assessment of {month} (every district and enterprise) in {score_assessment(app, month):.1f} s", flush=True)
    for user in ("city_official", "district_safety"):
        r = client.post("/api/v1/auth/token", json={"username": user, "password": app.config["DEMO_PASSWORD"]})
        headers = {"Authorization": f"Bearer {r.get_json()['data']['token']}"}
        project = client.get("/api/v1/projects?limit=1", headers=headers).get_json()["data"][0]["code"]
        base = None
        for name, url in cases:
            p50, p95 = timed(client, url.format(year_ago=year_ago, month=month, project=project), headers, args.runs)
            base = base or p95
            print(f"{user:16s} {name:30s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ×{p95 / base:5.1f} baseline"
                  f"  load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"load average after {os.getloadavg()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alarms", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=0)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--reuse", type=Path, help="a SQLite file seeded by an earlier run: ask only")
    parser.add_argument("--keep", type=Path, help="PostgreSQL: keep the cluster in this folder; a folder "
                        "seeded by an earlier run is started again and only asked")
    args = parser.parse_args()
    from tests.support.apps import build_app, create_schema
    from tests.support.services import running_postgres

    for backend in args.backends.split(","):
        print(f"== {backend}", flush=True)
        folder = Path(tempfile.mkdtemp(prefix=f"bench-stats-{backend}-"))
        if backend == "sqlite":
            app = build_app(f"sqlite:///{args.reuse or folder / 'stats.sqlite'}", folder / "instance")
            if not args.reuse:
                create_schema(app)
            run_backend(app, args, seeded=bool(args.reuse))
            continue
        seeded = bool(args.keep and (args.keep / "seeded").exists())
        with running_postgres(keep=args.keep) as url:
            app = build_app(url, folder / "instance")
            if not seeded:
                create_schema(app)
            run_backend(app, args, seeded=seeded)
            with app.app_context():
                from app.extensions import db
                db.session.remove()
                db.engine.dispose()


if __name__ == "__main__":
    main()

"""Statistics answers under volume: /api/v1/stats/alarms and /stats/supervision on SQLite.

    .venv/bin/python bench/stats.py [--alarms 100000] [--runs 20]

A fresh SQLite file with the demo data and --alarms device alarms spread over the demo devices
and the last 365 days (levels, types, 70 % closed; 10 % with a disposal case, half of those
urged through a decide_overdue task). Through the Flask test client with a bearer token (the
whole request: auth, query, Python aggregation, JSON), each answer is asked --runs times and
reported as p50 / p95; the baseline is the plain alarm list (GET /api/v1/alarms, first page)
asked in the same run, so the ratio holds across machines and loads.
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


def seed(app, count: int) -> None:
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.infra import wallclock
    from app.models import Device, DeviceAlarm, InboxTask, ProcessDefinition, ProcessInstance
    from app.services.demo import seed as demo

    with app.app_context():
        demo.seed(app.config["DEMO_PASSWORD"])
        devices = db.session.execute(select(Device.id, Device.project_id)).all()
        definition = ProcessDefinition(key="device_alarm_disposal", version=1, content_hash="0" * 64,
                                       spec_json="{}", sources={})
        db.session.add(definition)
        db.session.flush()
        rng, now, rows = random.Random(7), wallclock.now(), []
        for i in range(count):
            device_id, project_id = devices[i % len(devices)]
            first = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
            closed = rng.random() < 0.7
            rows.append({"device_id": device_id, "project_id": project_id, "alarm_type": rng.choice(TYPES),
                         "level": rng.choice(("warning", "alarm")), "status": "closed" if closed else "open",
                         "first_at": first, "last_at": first, "first_data_id": f"b{i}", "source": "threshold",
                         "count": 1, "outcome": "handled" if closed else None, "created_at": first,
                         "closed_at": first + timedelta(hours=rng.randrange(1, 72)) if closed else None})
        for start in range(0, count, 10000):
            chunk = rows[start:start + 10000]
            for n, row in enumerate(chunk):
                if n % 10 == 0:  # a disposal case for 10 %
                    instance = ProcessInstance(definition_id=definition.id, process_key="device_alarm_disposal",
                                               state="{}", project_id=row["project_id"])
                    db.session.add(instance)
                    db.session.flush()
                    row["instance_id"] = instance.id
                    if n % 20 == 0:
                        db.session.add(InboxTask(instance_id=instance.id, spiff_task_id=f"t-{start + n}",
                                                 task_name="decide_overdue", title="逾期预警处理决定",
                                                 process_key="device_alarm_disposal",
                                                 role="district_safety_officer", project_id=row["project_id"]))
            db.session.execute(insert(DeviceAlarm), chunk)
        db.session.commit()
        db.session.remove()


def timed(client, url: str, headers: dict, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url, headers=headers)
        samples.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.get_json()
    samples.sort()
    return statistics.median(samples), samples[max(0, int(round(0.95 * len(samples))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alarms", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    from tests.support.apps import build_app, create_schema

    folder = Path(tempfile.mkdtemp(prefix="bench-stats-"))
    app = build_app(f"sqlite:///{folder / 'stats.sqlite'}", folder / "instance")
    create_schema(app)
    t0 = time.perf_counter()
    seed(app, args.alarms)
    print(f"seeded {args.alarms} alarms in {time.perf_counter() - t0:.1f} s; load average {os.getloadavg()}")
    client = app.test_client()
    cases = [("plain alarm list (baseline)", "/api/v1/alarms"),
             ("alarms, last 30 days", "/api/v1/stats/alarms"),
             ("alarms, 365 days by month", "/api/v1/stats/alarms?start={year_ago}&grain=month"),
             ("supervision, last 30 days", "/api/v1/stats/supervision"),
             ("alarms xlsx, last 30 days", "/api/v1/stats/alarms/export")]
    from datetime import date
    year_ago = (date.today() - timedelta(days=364)).isoformat()
    for user in ("city_official", "district_safety"):
        r = client.post("/api/v1/auth/token", json={"username": user, "password": app.config["DEMO_PASSWORD"]})
        headers = {"Authorization": f"Bearer {r.get_json()['data']['token']}"}
        base = None
        for name, url in cases:
            p50, p95 = timed(client, url.format(year_ago=year_ago), headers, args.runs)
            base = base or p95
            print(f"{user:16s} {name:30s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ×{p95 / base:5.1f} baseline")
    print(f"load average after {os.getloadavg()}")


if __name__ == "__main__":
    main()

"""The monthly site health check for N projects: compute_month on real rows, first run and rerun.

Run from the project root:
    .venv/bin/python bench/health_check.py [--projects 2000] [--alarms-per-project 25] [--backend sqlite|postgresql|both]

Seeds N active projects in 10 districts, each with 2 devices, `--alarms-per-project` alarms in the
month (a third of them `alarm`, the rest `warning`) plus as many outside it, 2 rectification
orders (one deadline order missed), 2 special operators (one expired), 28 readings of one device
(the other silent all month), 4 alarm disposal tasks due in the month (one done late), all by
bulk insert, on a
throw-away SQLite file and/or a throw-away PostgreSQL cluster (tests/support/services.py). Then:
- *first*: `compute_month` writing every score and deduction row;
- *rerun*: `compute_month` again on unchanged records (idempotent: no row written);
- *baseline*: reading the month's alarm rows (project id, id) once — the least any scoring must
  do — measured in the same run, so `first / baseline` can be compared across machines and loads.
Target (issue 16): 2,000 projects ≤ 60 s.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.config import Config  # noqa: E402
from app.extensions import db  # noqa: E402
from app.infra import wallclock  # noqa: E402
from app.models import (  # noqa: E402
    Device,
    DeviceAlarm,
    DeviceOperator,
    DeviceReading,
    HealthCheckDeduction,
    HealthCheckScore,
    InboxTask,
    OrgUnit,
    ProcessDefinition,
    ProcessInstance,
    Project,
    RectificationOrder,
)
from app.services.health_check import scoring  # noqa: E402
from app.services.health_check.measures import Period  # noqa: E402

MONTH = "2026-02"
NOW = datetime(2026, 3, 2, 2, tzinfo=UTC)


def seed(projects: int, alarms_per_project: int) -> None:
    province = OrgUnit(code="P", name="省", level="province")
    db.session.add(province)
    db.session.flush()
    province.path = f"/{province.id}/"
    city = OrgUnit(code="C", name="市", level="city", parent_id=province.id)
    db.session.add(city)
    db.session.flush()
    city.path = f"{province.path}{city.id}/"
    districts = []
    for d in range(10):
        unit = OrgUnit(code=f"D{d}", name=f"区{d}", level="district", parent_id=city.id)
        db.session.add(unit)
        db.session.flush()
        unit.path = f"{city.path}{unit.id}/"
        districts.append(unit.id)
    definition = ProcessDefinition(key="rectification_order", version=1, content_hash="0" * 64,
                                   spec_json="{}", sources={})
    db.session.add(definition)
    db.session.flush()
    db.session.execute(insert(Project), [{"code": f"B-{p}", "name": f"工程{p}", "district_id": districts[p % 10],
                                          "status": "active"} for p in range(projects)])
    pids = list(db.session.scalars(select(Project.id).order_by(Project.id)))
    db.session.execute(insert(Device), [{"code": f"DEV-{p}-{k}", "device_type": "tower_crane", "name": f"塔机{k}",
                                         "project_id": pid, "threshold_overrides": {}, "active": True,
                                         "created_at": datetime(2026, 1, 1, tzinfo=UTC)}
                                        for p, pid in enumerate(pids) for k in range(2)])
    devices = {}
    for did, pid in db.session.execute(select(Device.id, Device.project_id)):
        devices.setdefault(pid, []).append(did)
    start = wallclock.local_day_start(date(2026, 2, 1))
    # the first device of each project reports daily; the second stays silent all month
    db.session.execute(insert(DeviceReading), [
        {"data_id": f"{pid}-{day}", "device_id": devices[pid][0], "kind": "data", "level": "none",
         "collected_at": start + timedelta(days=day, hours=3), "received_at": start + timedelta(days=day, hours=3),
         "metrics": {"load_pct": 40}} for pid in pids for day in range(28)])
    alarms = []
    for pid in pids:
        for n in range(alarms_per_project * 2):
            inside = n % 2 == 0
            at = start + timedelta(minutes=37 * n) if inside else start - timedelta(days=1 + n % 20)
            alarms.append({"device_id": devices[pid][n % 2], "project_id": pid, "alarm_type": "load_pct",
                           "source": "threshold", "level": "alarm" if n % 3 == 0 else "warning",
                           "status": "closed", "first_at": at, "first_data_id": f"{pid}-{n}", "last_at": at,
                           "count": 1})
    for chunk in range(0, len(alarms), 20000):
        db.session.execute(insert(DeviceAlarm), alarms[chunk:chunk + 20000])
    db.session.execute(insert(ProcessInstance), [{"definition_id": definition.id, "process_key": "rectification_order",
                                                  "state": "{}", "status": "running", "project_id": pid,
                                                  "data_summary": {}} for pid in pids for _ in range(2)])
    instances = list(db.session.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id)))
    db.session.execute(insert(RectificationOrder), [
        {"instance_id": instances[2 * i + k], "project_id": pid, "order_type": ("deadline", "partial_stop")[k],
         "deadline": date(2026, 2, 10 + k * 10), "status": "issued", "issued_at": start + timedelta(days=2 + k),
         "replied_at": start + timedelta(days=9) if k else None, "source_kind": "manual",
         "problem_count": 1, "return_count": 0}
        for i, pid in enumerate(pids) for k in range(2)])
    # 4 disposal tasks per project due in the month, one of them done late
    db.session.execute(insert(InboxTask), [
        {"instance_id": instances[2 * i], "spiff_task_id": f"00000000-0000-0000-{i:04d}-{k:012d}",
         "task_name": "dispose", "title": "报警处置", "process_key": "device_alarm_disposal", "role": "contractor_pm",
         "project_id": pid, "priority": 50, "due_at": start + timedelta(days=3 + 5 * k),
         "status": "completed", "created_at": start,
         "completed_at": start + timedelta(days=3 + 5 * k, hours=1 if k == 0 else -1)}
        for i, pid in enumerate(pids) for k in range(4)])
    db.session.execute(insert(DeviceOperator), [
        {"device_id": devices[pid][0], "name": f"司机{k}", "trade": "tower_crane_driver", "certificate_no": f"{pid}-{k}",
         "certificate_valid_until": date(2026, 1, 15) if k == 0 else date(2027, 1, 1)}
        for pid in pids for k in range(2)])
    db.session.commit()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(url: str, folder: Path, projects: int, alarms_per_project: int) -> dict:
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=folder, FILES_DIR=folder / "files",
                     CELERY_DATA_DIR=folder / "celery")
    with app.app_context(), wallclock.frozen(NOW):
        db.create_all()
        seeding = timed(lambda: seed(projects, alarms_per_project))
        period = Period.of(MONTH)
        baseline = timed(lambda: db.session.execute(select(DeviceAlarm.project_id, DeviceAlarm.id).where(
            DeviceAlarm.first_at >= period.start, DeviceAlarm.first_at < period.end)).all())
        db.session.commit()
        results = {}
        first = timed(lambda: results.setdefault("first", scoring.compute_month(MONTH)))
        rerun = timed(lambda: results.setdefault("rerun", scoring.compute_month(MONTH)))
        rows = (db.session.scalar(select(db.func.count()).select_from(HealthCheckScore)),
                db.session.scalar(select(db.func.count()).select_from(HealthCheckDeduction)))
        db.session.remove()
        db.engine.dispose()
    assert results["first"].changed == projects and results["rerun"].changed == 0
    return {"seed": seeding, "baseline": baseline, "first": first, "rerun": rerun, "rows": rows,
            "below": results["first"].below_pass}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--alarms-per-project", type=int, default=25)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.projects} projects, "
          f"{args.projects * args.alarms_per_project} alarms in the month (as many outside it)")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        folder = Path(tempfile.mkdtemp())
        with contextlib.ExitStack() as stack:
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'bench.sqlite'}"
            else:
                from tests.support.services import running_postgres
                url = stack.enter_context(running_postgres())
            r = run(url, folder, args.projects, args.alarms_per_project)
        print(f"{backend:10s} seed {r['seed']:.1f} s | first run {r['first']:.2f} s | rerun {r['rerun']:.2f} s | "
              f"baseline {r['baseline']:.3f} s | first/baseline {r['first'] / r['baseline']:.0f}× | "
              f"rows {r['rows'][0]} scores, {r['rows'][1]} deductions, {r['below']} below 60")
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""The benchmark's site: demo data, the real disposal diagram, extra devices, and its readings."""
from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

PROJECT = "JS-2026-001"
LATENCY_DEVICES = 400  # BENCH-TC-000 … 399: a device without an open alarm per latency sample


def build_site(url: str, folder: Path):
    from app.extensions import db
    from app.models import Device, Project
    from app.services.definitions.deployments import deploy
    from app.services.demo import seed as demo
    from tests.integration.alarms.conftest import disposal_bundle
    from tests.support.apps import build_app, create_schema

    app = build_app(url, folder)
    create_schema(app)
    with app.app_context():
        demo.load_demo(app.config["DEMO_PASSWORD"])
        deploy(disposal_bundle())
        project = db.session.scalar(select(Project).where(Project.code == PROJECT))
        for i in range(LATENCY_DEVICES):
            db.session.add(Device(code=f"BENCH-TC-{i:03d}", device_type="tower_crane",
                                  name=f"压测塔吊{i}", project_id=project.id))
        db.session.commit()
    return app


def readings(app, count: int, *, seed: int, tag: str) -> list[tuple[str, bytes]]:
    """``count`` realistic readings of the demo devices (no excursions), unique data_ids."""
    from app.services.monitoring import simulator as sim
    from app.services.monitoring.thresholds import catalogue
    with app.app_context():
        devices = [d for d in sim.demo_devices() if not d.code.startswith("BENCH")]
        rng, cat = random.Random(seed), catalogue()
        out = []
        for i in range(count):
            topic, doc = sim.reading(devices[i % len(devices)], cat, excursion_probability=0.0, rng=rng)
            doc["data_id"] = f"{tag}-{i}"
            out.append((topic, json.dumps(doc).encode()))
    return out


def over_threshold(device_code: str, data_id: str, load_pct: float = 105) -> tuple[str, bytes]:
    from app.services.monitoring import simulator as sim
    doc = {"data_id": data_id, "project_code": PROJECT, "device_code": device_code,
           "device_type": "tower_crane", "collected_at": sim.local_iso(datetime.now(UTC)),
           "metrics": {"load_pct": load_pct}}
    return f"sitecase/{PROJECT}/tower_crane/{device_code}/data", json.dumps(doc).encode()


def last_reading_id(app) -> int:
    """max(id) of the readings: O(1) through the primary key, so polling it does not load the
    database the way a count(*) over a growing table would. Ids may have gaps (a retried
    batch consumes sequence values), so a run confirms its end with ``count_tagged``."""
    from app.extensions import db
    from app.models import DeviceReading
    with app.app_context():
        n = db.session.scalar(select(func.max(DeviceReading.id))) or 0
        db.session.remove()
    return n


def count_tagged(app, tag: str) -> int:
    """Exact number of stored readings whose data_id starts with ``tag-``."""
    from app.extensions import db
    from app.models import DeviceReading
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(DeviceReading)
                              .where(DeviceReading.data_id.like(f"{tag}-%")))
        db.session.remove()
    return n


def inbox_task_for(app, data_id: str) -> bool:
    """Whether the disposal case opened by the reading ``data_id`` has its inbox task yet."""
    from app.extensions import db
    from app.models import DeviceAlarm, InboxTask
    with app.app_context():
        found = db.session.scalar(select(InboxTask.id).join(
            DeviceAlarm, DeviceAlarm.instance_id == InboxTask.instance_id).where(
            DeviceAlarm.first_data_id == data_id))
        db.session.remove()
    return found is not None

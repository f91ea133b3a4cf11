"""Realistic telemetry for the registered devices, for demos (`flask devices simulate`) and the
benchmark: values wander around ~60 % of the warning threshold, and with a small probability a
reading jumps beyond the alarm threshold (an excursion) so that alarms and cases appear.
AI cameras publish an occasional alarm (no helmet, smoke, fire) on their alarm topic.
"""
from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Device, Project
from app.services.monitoring.threshold_catalogue import ThresholdCatalogue
from app.services.monitoring.threshold_rules import Direction

CHINA = timedelta(hours=8)
CAMERA_ALARMS = (("no_helmet", "warning", "未佩戴安全帽"), ("smoke", "alarm", "发现烟雾"),
                 ("fire", "alarm", "发现明火"), ("intrusion", "warning", "危险区域闯入"))


@dataclass(frozen=True)
class SimDevice:
    code: str
    device_type: str
    project_code: str


def demo_devices(project_code: str | None = None) -> list[SimDevice]:
    """Active registered devices (optionally of one project)."""
    stmt = select(Device.code, Device.device_type, Project.code).join(
        Project, Project.id == Device.project_id).where(Device.active.is_(True)).order_by(Device.code)
    if project_code:
        stmt = stmt.where(Project.code == project_code)
    return [SimDevice(*row) for row in db.session.execute(stmt)]


def local_iso(moment: datetime) -> str:
    """ISO 8601 in China time with its offset, as the devices send it."""
    return (moment.astimezone(UTC) + CHINA).replace(tzinfo=None).isoformat(timespec="milliseconds") \
        + "+08:00"


def metric_value(limit, excursion: bool, rng: random.Random) -> float:
    """A plausible value: normal ≈ 40–75 % of the warning level; an excursion beyond alarm."""
    reference = limit.warning if limit.warning is not None else limit.alarm
    if limit.direction is Direction.BELOW:  # lower is worse: normal is well above the warning
        return round(limit.alarm * rng.uniform(0.5, 0.9) if excursion
                     else reference * rng.uniform(1.6, 3.0), 2)
    if excursion:
        return round(limit.alarm * rng.uniform(1.02, 1.25), 2)
    return round(reference * rng.uniform(0.4, 0.75), 2)


def reading(device: SimDevice, catalogue: ThresholdCatalogue, *, excursion_probability: float,
            rng: random.Random, now: datetime | None = None) -> tuple[str, dict]:
    """One (topic, payload) for the device; excursions hit one random metric."""
    now = now or datetime.now(UTC)
    base = {"data_id": uuid.uuid4().hex, "project_code": device.project_code,
            "device_code": device.code, "device_type": device.device_type,
            "collected_at": local_iso(now)}
    topic = f"sitecase/{device.project_code}/{device.device_type}/{device.code}"
    excursion = rng.random() < excursion_probability
    limits = catalogue.by_type.get(device.device_type, {})
    if not limits:  # a camera: silence, or an occasional recognised event
        if excursion:
            alarm_type, level, message = rng.choice(CAMERA_ALARMS)
            return f"{topic}/alarm", {**base, "metrics": {}, "alarm_type": alarm_type,
                                      "level": level, "message": message}
        return f"{topic}/data", {**base, "metrics": {}}
    hit = rng.choice(sorted(limits)) if excursion else None
    metrics = {m: metric_value(lim, m == hit, rng) for m, lim in limits.items()}
    return f"{topic}/data", {**base, "metrics": metrics}


def stream(devices: list[SimDevice], catalogue: ThresholdCatalogue, *, rate: float,
           duration_s: float, excursion_probability: float, seed: int | None = None
           ) -> Iterator[tuple[str, dict]]:
    """Round-robin over the devices at `rate` messages/s (in total) for `duration_s` seconds."""
    rng = random.Random(seed)
    interval = 1.0 / rate if rate > 0 else 0.0
    start = time.monotonic()
    sent = 0
    while time.monotonic() - start < duration_s and devices:
        yield reading(devices[sent % len(devices)], catalogue,
                      excursion_probability=excursion_probability, rng=rng)
        sent += 1
        delay = start + sent * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def publish_all(messages: Iterator[tuple[str, dict]], publish: Callable[[str, bytes], None]) -> int:
    """Send every message through `publish(topic, payload)`; returns how many were sent."""
    count = 0
    for topic, doc in messages:
        publish(topic, json.dumps(doc, ensure_ascii=False).encode())
        count += 1
    return count

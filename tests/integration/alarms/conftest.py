"""Device-alarm tests: the real device_alarm_disposal diagram and forms, demo users and devices.

`deployed` deploys only this family's files (processes/device_alarm_disposal.bpmn and its forms),
so a half-written diagram of another family cannot break these tests. `reading(...)` builds an
ingest_messages dict exactly as the sidecar hands it over (devices.messages.RawMessage).
"""
from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock as service_clock
from app.models import Device, InboxTask, User
from app.services.access.actors import Actor, actor_for
from app.services.definitions.deployments import Bundle, deploy
from devices.messages import RawMessage

ROOT = Path(__file__).resolve().parents[3]
PROCESS = "device_alarm_disposal"
T0 = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)  # Monday 10:00 in China
CHINA = timedelta(hours=8)
_ids = itertools.count(1)


def disposal_bundle() -> Bundle:
    files = {n: (ROOT / "processes" / n).read_bytes() for n in (f"{PROCESS}.bpmn", f"{PROCESS}.summary.json")}
    forms = {p.name: p.read_bytes() for p in (ROOT / "forms").glob(f"{PROCESS}_*.json")}
    return Bundle(files, forms)


@pytest.fixture
def deployed(demo_data):
    deploy(disposal_bundle())
    return demo_data


@pytest.fixture(autouse=True)
def clock():
    with service_clock.frozen(T0) as handle:
        yield handle


def next_id(prefix: str = "d") -> str:
    return f"{prefix}-{next(_ids)}"


def payload(device_code: str, metrics: dict | None = None, *, project: str = "JS-2026-001",
            device_type: str = "tower_crane", data_id: str | None = None, at: datetime | None = None,
            alarm: dict | None = None) -> dict[str, Any]:
    moment = (at or service_clock.now()).astimezone(UTC) + CHINA
    doc: dict[str, Any] = {
        "data_id": data_id or next_id(), "project_code": project, "device_code": device_code,
        "device_type": device_type,
        "collected_at": moment.replace(tzinfo=None).isoformat() + "+08:00",
        "metrics": metrics if metrics is not None else {"load_pct": 50}}
    if alarm:
        doc.update(alarm)
    return doc


def raw(doc: dict[str, Any] | str, topic: str | None = None) -> dict[str, object]:
    """The ingest_messages dict of one MQTT message (payload given as a dict or raw text)."""
    if isinstance(doc, dict):
        kind = "alarm" if "alarm_type" in doc else "data"
        topic = topic or f"sitecase/{doc['project_code']}/{doc['device_type']}/{doc['device_code']}/{kind}"
        body = json.dumps(doc).encode()
    else:
        body = doc.encode()
    return RawMessage(topic=topic or "sitecase/x", payload=body,
                      received_at=service_clock.now()).to_dict()


def crane(load: float, **kw: Any) -> dict[str, object]:
    return raw(payload("JS001-TC-01", {"load_pct": load}, **kw))


def user(username: str) -> Actor:
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def device(code: str) -> Device:
    return db.session.scalar(select(Device).where(Device.code == code))


def open_tasks(instance_id: int, task_name: str | None = None) -> list[InboxTask]:
    db.session.expire_all()
    stmt = select(InboxTask).where(InboxTask.instance_id == instance_id, InboxTask.status == "open")
    if task_name:
        stmt = stmt.where(InboxTask.task_name == task_name)
    return list(db.session.scalars(stmt.order_by(InboxTask.id)))

"""Device ingestion: the ONE function the MQTT sidecar (and POST /device-data) calls.

``ingest_messages(raw_messages)`` takes the dicts of ``devices.messages.RawMessage.to_dict``:
parse and validate (app.services.ingestion.payloads), check the registry, drop duplicate ``data_id``s (per
device), store
readings and rejections with bulk inserts, evaluate thresholds, record alarms — one
transaction per batch — then hand each NEW alarm to the engine (device_alarm_cases).
A batch delivered again after a crash is fully idempotent: every reading is a duplicate and
alarms whose case was not started yet are retried from their rows.
Raises only for infrastructure failures (database away): the sidecar then keeps the batch
un-acked and retries it.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.infra import bulk_rows, wallclock
from app.infra.uow import transaction
from app.models import Device, DeviceReading, Project
from app.services.access.actors import SYSTEM
from app.services.ingestion import rejections as device_rejections
from app.services.ingestion.payloads import (
    DEVICE_TYPES,
    PayloadPolicy,
    Reading,
    Rejection,
    parse_raw_message,
    safe_text,
)
from app.services.monitoring import alarm_cases, alarm_records, thresholds

log = logging.getLogger(__name__)
TRIES = 4


@dataclass(frozen=True)
class MessageResult:
    index: int
    outcome: str                 # stored | duplicate | rejected
    data_id: str | None = None
    reason_code: str | None = None
    detail: str | None = None


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    alarms_opened: int = 0
    alarms_repeated: int = 0
    cases_started: int = 0
    messages: list[MessageResult] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"received={self.received} stored={self.stored} duplicates={self.duplicates} "
                f"rejected={self.rejected} alarms_opened={self.alarms_opened} "
                f"alarms_repeated={self.alarms_repeated} cases_started={self.cases_started}")


def ingest_messages(raw_messages: Sequence[Mapping[str, object]], *, source: str = "mqtt",
                    only_device: str | None = None) -> IngestResult:
    """Validate, deduplicate, store and evaluate a batch; start cases for new alarms.

    ``only_device`` (HTTP) rejects messages naming another device than the token's.
    Raises SQLAlchemy errors when the database keeps failing (the caller retries the batch).
    """
    now = wallclock.now()
    policy = _policy()
    parsed = [_parse(m, now, policy) for m in raw_messages]
    for attempt in range(TRIES):
        try:
            with transaction(SYSTEM):
                result, touched = _store(parsed, raw_messages, now, source, only_device)
            break
        except (IntegrityError, StaleDataError, OperationalError) as exc:
            # Two sidecars raced on the same alarm row or data_id, or SQLite was busy.
            if attempt == TRIES - 1 or (isinstance(exc, OperationalError)
                                        and "locked" not in str(exc).lower()
                                        and "deadlock" not in str(exc).lower()):
                raise
            time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
    result.cases_started = alarm_cases.start_pending_cases(now)
    alarm_cases.refresh_summaries(touched)
    return result


_POLICIES: dict[int, PayloadPolicy] = {}


def _policy() -> PayloadPolicy:
    """Payload rules whose metric names come from the deployment's thresholds CSV."""
    cat = thresholds.catalogue()  # cached per CSV path, so its id is stable
    if id(cat) not in _POLICIES:
        _POLICIES[id(cat)] = PayloadPolicy(units_by_type={t: cat.units_for(t) for t in DEVICE_TYPES})
    return _POLICIES[id(cat)]


def _parse(message: Mapping[str, object], now: datetime, policy: PayloadPolicy) -> Reading | Rejection:
    return parse_raw_message(message, now=now, policy=policy)


def _store(parsed: list[Reading | Rejection], raw: Sequence[Mapping[str, object]], now: datetime,
           source: str, only_device: str | None) -> tuple[IngestResult, set[int]]:
    result = IngestResult(received=len(parsed))
    devices = _devices({p.device_code for p in parsed if isinstance(p, Reading)})
    accepted: list[tuple[int, Reading, Device]] = []
    rejections: list[tuple[int, Rejection]] = []
    for index, item in enumerate(parsed):
        if isinstance(item, Reading):
            item = _registry_check(item, devices, only_device, raw[index])
        if isinstance(item, Rejection):
            rejections.append((index, item))
        else:
            accepted.append((index, item, devices[item.device_code][0]))
    fresh, duplicate_idx = _deduplicate(accepted)
    evaluation = alarm_records.evaluate(fresh, now)
    stored_ids = _insert_readings(fresh, evaluation.levels, now)
    _insert_rejections(rejections, raw, now, source, only_device)
    touched = alarm_records.record(evaluation, stored_ids, now, result)
    for index, reading, device in accepted:
        if index in duplicate_idx or (device.id, reading.data_id) not in stored_ids:
            result.duplicates += 1
            result.messages.append(MessageResult(index, "duplicate", reading.data_id))
        else:
            result.stored += 1
            result.messages.append(MessageResult(index, "stored", reading.data_id))
    for index, rej in rejections:
        result.rejected += 1
        result.messages.append(MessageResult(index, "rejected", None, rej.reason_code, rej.detail))
    result.messages.sort(key=lambda m: m.index)
    return result, touched


def _devices(codes: set[str]) -> dict[str, tuple[Device, str]]:
    if not codes:
        return {}
    rows = db.session.execute(select(Device, Project.code).join(Project, Project.id == Device.project_id)
                              .where(Device.code.in_(codes)))
    return {device.code: (device, project_code) for device, project_code in rows}


def _registry_check(reading: Reading, devices: dict[str, tuple[Device, str]],
                    only_device: str | None, raw: Mapping[str, object]) -> Reading | Rejection:
    found = devices.get(reading.device_code)

    def reject(code: str, detail: str) -> Rejection:
        return Rejection(code, detail, safe_text(str(raw.get("topic", ""))),
                         safe_text(str(raw.get("payload", ""))))

    if only_device is not None and reading.device_code != only_device:
        return reject("token_device_mismatch", f"token of {only_device} cannot send for "
                      f"{reading.device_code}")
    if found is None:
        return reject("unknown_device", f"{reading.device_code} is not registered")
    device, project_code = found
    if project_code != reading.project_code:
        return reject("device_project_mismatch", f"{reading.device_code} belongs to another "
                      f"project than {reading.project_code}")
    if device.device_type != reading.device_type:
        return reject("device_type_mismatch", f"registered as {device.device_type}, sent "
                      f"{reading.device_type}")
    if not device.active:
        return reject("device_inactive", f"{reading.device_code} is deactivated")
    return reading


def _deduplicate(accepted: list[tuple[int, Reading, Device]]
                 ) -> tuple[list[tuple[Reading, Device]], set[int]]:
    """Drop (device, data_id)s seen earlier in the batch or already stored (the unique index
    backs this). Ids are the device's own: another device's reading with the same id is fresh."""
    seen = bulk_rows.existing_pairs(DeviceReading.device_id, DeviceReading.data_id,
                                    ((d.id, r.data_id) for _, r, d in accepted))
    fresh, duplicates = [], set()
    for index, reading, device in accepted:
        key = (device.id, reading.data_id)
        if key in seen:
            duplicates.add(index)
            continue
        seen.add(key)
        fresh.append((reading, device))
    return fresh, duplicates


def _insert_readings(fresh: list[tuple[Reading, Device]],
                     levels: dict[tuple[int, str], tuple[str, str | None]],
                     now: datetime) -> set[tuple[int, str]]:
    """Bulk insert; returns the (device id, data_id)s stored. A concurrent sidecar that stored one
    of them first makes this raise IntegrityError: ingest_messages retries and sees duplicates."""
    if not fresh:
        return set()
    rows = [{"data_id": r.data_id, "device_id": d.id, "kind": r.kind, "collected_at": r.collected_at,
             "received_at": now, "metrics": dict(r.metrics), "level": levels[(d.id, r.data_id)][0],
             "alarm_type": levels[(d.id, r.data_id)][1]} for r, d in fresh]
    bulk_rows.insert_rows(DeviceReading.__table__, rows)
    return {(row["device_id"], row["data_id"]) for row in rows}


def _insert_rejections(rejections: list[tuple[int, Rejection]], raw: Sequence[Mapping[str, object]],
                       now: datetime, source: str, only_device: str | None) -> None:
    if not rejections:
        return
    # HTTP: the token says which device sent them; MQTT: the topic's claim is checked there.
    sender = db.session.scalar(select(Device).where(Device.code == only_device)) if only_device else None
    device_rejections.record_rejections([
        {"topic": rej.topic, "reason_code": rej.reason_code, "detail": rej.detail, "raw": rej.raw,
         "source": source, "received_at": _received_at(raw[i], now)} for i, rej in rejections],
        device=sender)


def _received_at(message: Mapping[str, object], now: datetime) -> datetime:
    text = message.get("received_at")
    try:
        moment = datetime.fromisoformat(str(text)) if text else now
    except ValueError:
        return now
    return moment if moment.tzinfo else now

"""From a new DeviceAlarm to a `device_alarm_disposal` case, exactly once.

Only the FIRST alarm of a device and alarm type is sent to the engine (message `device_alarm`,
correlated by device code + alarm type, idempotency key from the device and its first data_id); repeats stay in
the ingest service and only refresh the case's data summary. Alarms whose case could not be
started yet (crash between commit and start, process not deployed) stay pending on their row
(`instance_id` NULL) and are retried by later batches, at most once a minute each.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select

from app import settings
from app.domain import vocabulary
from app.errors import DomainError
from app.extensions import db
from app.infra.uow import transaction
from app.models import DEVICE_TYPES, DeviceAlarm
from app.services.access.actors import SYSTEM
from app.services.workflow import case_steps as rt
from app.services.workflow.messages import deliver_message

log = logging.getLogger(__name__)
MESSAGE = "device_alarm"
RETRY_AFTER = timedelta(seconds=60)
PENDING_LIMIT = 50
LEVEL_LABELS = vocabulary.labels("alarm_level")
alarm_label = vocabulary.alarm_label


def idempotency_key(alarm: DeviceAlarm) -> str:
    # data_ids are only unique per device: without the device two devices' alarms would share
    # a receipt, and the second would be reported as the first one's case.
    return f"device_alarm:{alarm.device_id}:{alarm.first_data_id}:{alarm.alarm_type}"[:200]


def start_pending_cases(now: datetime) -> int:
    """Start the disposal case of every open alarm that has none yet; returns how many started."""
    ids = list(db.session.scalars(select(DeviceAlarm.id).where(
        DeviceAlarm.status == "open", DeviceAlarm.instance_id.is_(None),
        or_(DeviceAlarm.case_tried_at.is_(None), DeviceAlarm.case_tried_at <= now - RETRY_AFTER))
        .order_by(DeviceAlarm.id).limit(PENDING_LIMIT)))
    db.session.commit()
    return sum(_start_one(alarm_id, now) for alarm_id in ids)


def _start_one(alarm_id: int, now: datetime) -> int:
    alarm = db.session.get(DeviceAlarm, alarm_id)
    payload = message_payload(alarm)
    correlation = {"device_code": alarm.device.code, "alarm_type": alarm.alarm_type}
    try:
        outcome = deliver_message(SYSTEM, MESSAGE, correlation, payload, idempotency_key(alarm))
    except DomainError as exc:
        db.session.rollback()
        log.warning("device alarm %s: no disposal case yet (%s: %s)", alarm_id, exc.code, exc)
        with transaction(SYSTEM):
            alarm = db.session.get(DeviceAlarm, alarm_id)
            alarm.case_error, alarm.case_tried_at = exc.code[:200], now
        return 0
    with transaction(SYSTEM):
        alarm = db.session.get(DeviceAlarm, alarm_id)
        alarm.instance_id, alarm.case_error, alarm.case_tried_at = outcome.instance_id, None, now
    return 0 if outcome.repeated else 1


def message_payload(alarm: DeviceAlarm) -> dict[str, Any]:
    """What the case receives in `alarm` (message variable) at its start."""
    device = alarm.device
    return {
        "project_code": alarm.project.code, "alarm_id": alarm.id, "device_code": device.code,
        "device_name": device.name, "device_type": device.device_type,
        "device_type_label": DEVICE_TYPES.get(device.device_type, device.device_type),
        "alarm_type": alarm.alarm_type, "alarm_label": alarm_label(alarm.alarm_type),
        "source": alarm.source, "level": alarm.level,
        "level_label": LEVEL_LABELS.get(alarm.level, alarm.level), "value": alarm.first_value,
        "threshold": alarm.threshold, "unit": alarm.unit, "message": alarm.message,
        "occurred_at": alarm.first_at.isoformat(), "data_id": alarm.first_data_id,
        "deadline_hours": settings.current().device_alarm_deadline_hours,
    }


def summary_of(alarm: DeviceAlarm) -> dict[str, Any]:
    return {"alarm_id": alarm.id, "device_code": alarm.device.code, "alarm_type": alarm.alarm_type,
            "level": alarm.level, "count": alarm.count, "first_value": alarm.first_value,
            "last_value": alarm.last_value, "first_at": alarm.first_at.isoformat(),
            "last_at": alarm.last_at.isoformat(),
            "cleared_at": alarm.cleared_at.isoformat() if alarm.cleared_at else None}


def refresh_summaries(instance_ids: set[int]) -> None:
    """Copy the repeated alarms' counters into their cases' data summary (`alarm` key).

    A lost race with a user completing a task is retried by run_in_transaction; a case that
    stays busy just misses this refresh (the DeviceAlarm row is the source of truth).
    """
    for instance_id in sorted(instance_ids):
        try:
            rt.run_in_transaction(SYSTEM, lambda i=instance_id: _refresh(i))
        except DomainError as exc:
            log.info("case %s summary not refreshed: %s", instance_id, exc.code)


def _refresh(instance_id: int) -> None:
    alarm = db.session.scalar(select(DeviceAlarm).where(DeviceAlarm.instance_id == instance_id)
                              .order_by(DeviceAlarm.id.desc()).limit(1))
    instance = rt.lock_instance(instance_id)
    if alarm is None or instance is None:
        return
    instance.data_summary = {**(instance.data_summary or {}), "alarm": summary_of(alarm)}

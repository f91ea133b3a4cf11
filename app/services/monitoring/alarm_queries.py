"""Read side of device telemetry: alarm lists and a device's latest readings.

Scoped like projects: officials see their jurisdiction (the city sees every district),
enterprise users the projects they work on; anything else is 404 or simply absent.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.errors import ValidationError
from app.extensions import db
from app.models import DEVICE_TYPES, Device, DeviceAlarm, DeviceReading
from app.models.telemetry import ALARM_LEVELS, ALARM_STATUSES
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.access.projects import Page
from app.services.monitoring.alarm_cases import LEVEL_LABELS, alarm_label
from app.services.monitoring.registry import get_device


@dataclass(frozen=True)
class AlarmFilter:
    project_code: str | None = None
    device_type: str | None = None
    level: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _check(flt: AlarmFilter) -> None:
    fields = {}
    if flt.device_type and flt.device_type not in DEVICE_TYPES:
        fields["device_type"] = ["设备类型无效。"]
    if flt.level and flt.level not in ALARM_LEVELS:
        fields["level"] = ["级别无效。"]
    if flt.status and flt.status not in ALARM_STATUSES:
        fields["status"] = ["状态无效。"]
    if fields:
        raise ValidationError(fields=fields)


def list_alarms(actor: Actor, flt: AlarmFilter, *, limit: int = 50, offset: int = 0) -> Page:
    """Alarms of visible projects, newest activity first; items are plain dicts.

    Raises ValidationError for unknown filter values, NotFoundError(`project_not_found`).
    """
    _check(flt)
    stmt = select(DeviceAlarm, Device).join(Device, Device.id == DeviceAlarm.device_id).where(
        DeviceAlarm.project_id.in_(scoping.visible_project_ids(actor)))
    if flt.project_code:
        stmt = stmt.where(DeviceAlarm.project_id ==
                          scoping.visible_project(actor, code=flt.project_code).id)
    if flt.device_type:
        stmt = stmt.where(Device.device_type == flt.device_type)
    if flt.level:
        stmt = stmt.where(DeviceAlarm.level == flt.level)
    if flt.status:
        stmt = stmt.where(DeviceAlarm.status == flt.status)
    if flt.since:
        stmt = stmt.where(DeviceAlarm.last_at >= flt.since)
    if flt.until:
        stmt = stmt.where(DeviceAlarm.first_at <= flt.until)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(stmt.order_by(DeviceAlarm.last_at.desc(), DeviceAlarm.id.desc())
                              .limit(limit).offset(offset))
    return Page([alarm_view(alarm, device) for alarm, device in rows], total)


def alarm_view(alarm: DeviceAlarm, device: Device) -> dict[str, Any]:
    return {
        "id": alarm.id, "project_code": alarm.project.code, "project_name": alarm.project.name,
        "device_id": device.id, "device_code": device.code, "device_name": device.name,
        "device_type": device.device_type, "device_type_label": DEVICE_TYPES.get(device.device_type),
        "alarm_type": alarm.alarm_type, "alarm_label": alarm_label(alarm.alarm_type),
        "source": alarm.source, "level": alarm.level, "level_label": LEVEL_LABELS.get(alarm.level),
        "status": alarm.status, "threshold": alarm.threshold, "unit": alarm.unit,
        "message": alarm.message, "count": alarm.count, "first_value": alarm.first_value,
        "first_at": alarm.first_at, "last_value": alarm.last_value, "last_at": alarm.last_at,
        "cleared_at": alarm.cleared_at, "instance_id": alarm.instance_id,
        "case_error": alarm.case_error, "outcome": alarm.outcome, "closed_at": alarm.closed_at,
    }


def latest_readings(actor: Actor, device_id: int, *, limit: int = 50,
                    offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """A page of a visible device's readings, newest first, and how many it has.
    Raises NotFoundError(`device_not_found`)."""
    device = get_device(actor, device_id)
    total = db.session.scalar(select(func.count()).select_from(DeviceReading)
                              .where(DeviceReading.device_id == device.id)) or 0
    rows = db.session.scalars(select(DeviceReading).where(DeviceReading.device_id == device.id)
                              .order_by(DeviceReading.collected_at.desc(), DeviceReading.id.desc())
                              .limit(limit).offset(offset))
    return [{"data_id": r.data_id, "kind": r.kind, "collected_at": r.collected_at,
             "received_at": r.received_at, "metrics": r.metrics, "level": r.level,
             "alarm_type": r.alarm_type} for r in rows], total

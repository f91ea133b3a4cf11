"""Read side of device telemetry: alarm lists and a device's latest readings.

Scoped like projects: officials see their jurisdiction (the city sees every district),
enterprise users the projects they work on; anything else is 404 or simply absent.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select

from app.errors import ValidationError
from app.extensions import db
from app.models import DEVICE_TYPES, Device, DeviceAlarm, DeviceReading, Project
from app.models.telemetry import ALARM_LEVELS, ALARM_STATUSES
from app.services.access import scoping
from app.services.access.actors import Actor
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


COUNT_CAP = 10_000  # a page counts the list's matches this far, then says "more" (meta.total_exact)
_FEW_PROJECTS = 20
_MAX_IDS = 10_000


@dataclass(frozen=True)
class AlarmPage:
    items: list[dict[str, Any]]
    total: int  # exact when `total_exact`; else COUNT_CAP, and there are more
    total_exact: bool
    next_cursor: str | None  # the page after the last item; None: this is the last page


def list_alarms(actor: Actor, flt: AlarmFilter, *, limit: int = 50, offset: int = 0,
                cursor: str | None = None) -> AlarmPage:
    """Alarms of visible projects, newest activity first (last_at, id); items are plain dicts.
    A page starts after `cursor` (the `next_cursor` of the page before) or at `offset`; a page
    inside the first COUNT_CAP matches counts them up to COUNT_CAP, a page past it (the export of
    the whole list) counts them all.

    Raises ValidationError for unknown filter values and a cursor not of this list,
    NotFoundError(`project_not_found`).
    """
    _check(flt)
    after = _decode(cursor) if cursor else None
    if flt.project_code:
        projects = [scoping.visible_project(actor, code=flt.project_code).id]
    else:  # ids, not a sub-select: the planner then knows how many alarms they hold (whole city
        # or one site), and walks the last_at index or the project index accordingly
        projects = list(db.session.scalars(scoping.visible_project_ids(actor).limit(_MAX_IDS + 1)))
    # past _MAX_IDS (SQLite binds at most 32,766 values) the sub-select again
    scope = scoping.visible_project_ids(actor) if len(projects) > _MAX_IDS else projects
    where = [_project_column(len(projects)).in_(scope)]
    if flt.device_type:
        where.append(DeviceAlarm.device_id.in_(select(Device.id).where(Device.device_type == flt.device_type)))
    if flt.level:
        where.append(DeviceAlarm.level == flt.level)
    if flt.status:
        where.append(DeviceAlarm.status == flt.status)
    if flt.since:
        where.append(DeviceAlarm.last_at >= flt.since)
    if flt.until:
        where.append(DeviceAlarm.first_at <= flt.until)
    cap = COUNT_CAP if offset + limit <= COUNT_CAP else None  # a page past it (an export): count all
    counted = db.session.scalar(select(func.count()).select_from(
        select(DeviceAlarm.id).where(*where).limit(cap and cap + 1).subquery())) or 0
    page = select(DeviceAlarm, Device, Project.code, Project.name) \
        .join(Device, Device.id == DeviceAlarm.device_id).join(Project, Project.id == DeviceAlarm.project_id) \
        .where(*where).order_by(DeviceAlarm.last_at.desc(), DeviceAlarm.id.desc()).limit(limit + 1)
    if after:
        last_at, alarm_id = after
        page = page.where(DeviceAlarm.last_at <= last_at,
                          or_(DeviceAlarm.last_at < last_at, DeviceAlarm.id < alarm_id))
    else:
        page = page.offset(offset)
    rows = db.session.execute(page).all()
    more = len(rows) > limit
    items = [alarm_view(alarm, device, code, name) for alarm, device, code, name in rows[:limit]]
    next_cursor = _encode(rows[limit - 1][0]) if more else None
    exact = cap is None or counted <= cap
    return AlarmPage(items, counted if exact else cap, exact, next_cursor)


def _project_column(projects: int):
    """DeviceAlarm.project_id, or on SQLite for many projects an expression of it. SQLite has no
    statistics here (nothing runs ANALYZE): offered the project index for an IN list, it reads
    every alarm of a district or a city through it and sorts them all (2–3 s at 1,000,000); an
    expression it cannot look up makes it walk the last_at index and stop at the page's end."""
    if projects > _FEW_PROJECTS and db.session.get_bind().dialect.name == "sqlite":
        return DeviceAlarm.project_id + 0
    return DeviceAlarm.project_id


def _encode(alarm: DeviceAlarm) -> str:
    raw = f"{alarm.last_at.astimezone(UTC).isoformat()}|{alarm.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        at, alarm_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None or not alarm_id.isdigit():
            raise ValueError(cursor)
        return moment, int(alarm_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(fields={"cursor": ["分页游标无效，请从第一页重新读取。"]}) from exc


def alarm_view(alarm: DeviceAlarm, device: Device, project_code: str, project_name: str) -> dict[str, Any]:
    return {
        "id": alarm.id, "project_code": project_code, "project_name": project_name,
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

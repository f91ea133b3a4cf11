"""Read models of the enterprise workbench and the alarm/device pages, scoped like the API."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.infra import wallclock
from app.models import Device, DeviceAlarm, DeviceReading
from app.services.access import projects, scoping
from app.services.access.actors import Actor
from app.services.access.projects import Page
from app.services.monitoring import registry, thresholds
from app.services.notifications import announcements
from app.services.workflow import inbox_queries

WORKBENCH_CERTIFICATES = 8  # the certificates the workbench shows; the rest on their own page


@dataclass(frozen=True)
class Workbench:
    todo: Page
    counts: dict[str, int]
    announcements: list
    alarms: list[DeviceAlarm]
    projects: Page
    expiring: Page = field(default_factory=lambda: Page([], 0))  # special operators' certificates ending soon
    today: date | None = None


def list_alarms(actor: Actor, *, project_code: str | None = None, status: str | None = None,
                limit: int = 50, offset: int = 0) -> Page:
    """Device warnings and alarms of the projects the actor may see, newest first.

    Raises NotFoundError (`project_not_found`) for an invisible project code.
    """
    stmt = scoping.in_visible_projects(actor, DeviceAlarm, project_code)
    if status:
        stmt = stmt.where(DeviceAlarm.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(db.session.scalars(stmt.order_by(DeviceAlarm.last_at.desc(), DeviceAlarm.id.desc())
                                    .limit(limit).offset(offset)))
    return Page(items, total)


def workbench(actor: Actor) -> Workbench:
    """企业工作台: my to-dos, announcements, warning reminders of my projects, my projects."""
    todo, counts = inbox_queries.inbox_page(actor, inbox_queries.InboxFilter(scope="all", limit=8))
    return Workbench(
        todo=todo, counts=counts,
        announcements=announcements.list_announcements(actor, limit=5),
        alarms=list_alarms(actor, status="open", limit=8).items,
        projects=projects.list_projects(actor, limit=20),
        expiring=registry.expiring_certificates(actor, wallclock.local_today(), limit=WORKBENCH_CERTIFICATES),
        today=wallclock.local_today())


def device_page(actor: Actor, device_id: int) -> dict[str, Any]:
    """A device with its latest readings and its alarms. Raises NotFoundError (`device_not_found`)."""
    device: Device = registry.get_device(actor, device_id)
    readings = list(db.session.scalars(select(DeviceReading).where(DeviceReading.device_id == device.id)
                                       .order_by(DeviceReading.collected_at.desc()).limit(20)))
    alarms = list(db.session.scalars(select(DeviceAlarm).where(DeviceAlarm.device_id == device.id)
                                     .order_by(DeviceAlarm.last_at.desc()).limit(20)))
    return {"device": device, "readings": readings, "alarms": alarms, "thresholds": device_thresholds_view(device),
            "operators": registry.list_operators(actor, device.id),
            "may_edit": registry.may_edit(actor, device.project), "today": wallclock.local_today()}


def device_thresholds_view(device: Device) -> dict[str, dict[str, Any]]:
    """Effective limits of a device (deployment defaults < project < device)."""
    return thresholds.describe(thresholds.effective_sets([device])[device.id])

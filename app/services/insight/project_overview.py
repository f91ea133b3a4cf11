"""A project's own one-screen overview (项目概况, seed 000 3.1.2.2): who builds it, its hazardous
works, its devices with their latest readings and a trend per metric, its open cases and alarms.

Scoped like every project read: an enterprise user sees his projects, an official those of his
jurisdiction; any other project answers 404 like an unknown one (`project_not_found`).
Figures:
- participants: each party (the five responsible parties first) with its enterprise and lead;
- works: the hazardous-work register of the project, stage as it stands now;
- devices: each device with its last reading (metrics with their names and units), reporting when
  a reading was collected in the last 24 hours;
- trends: per metric, the readings of the project's devices over the last 24 hours (at most
  TREND_POINTS per device, the latest ones), one line per device;
- cases: the project's running cases (newest first, at most LISTED) and how many per process;
- alarms: raised this month and of those closed (rollups), open now, the latest LISTED.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import and_, func, select

from app.domain.vocabulary import alarm_label, metric_with_unit, word
from app.extensions import db
from app.infra import wallclock
from app.models import (
    Device,
    DeviceAlarm,
    DeviceReading,
    Enterprise,
    HazardousCategory,
    HazardousWork,
    OrgUnit,
    ProcessInstance,
    ProjectParticipant,
)
from app.models.device import DEVICE_TYPES
from app.models.enterprise import ENTERPRISE_TYPES, PARTY_TYPES
from app.services.access.actors import Actor
from app.services.access.scoping import visible_project
from app.services.insight.filters import rate
from app.services.insight.rollups import Scope, summed
from app.services.monitoring.alarm_cases import LEVEL_LABELS

REPORTING_WITHIN = timedelta(hours=24)
TREND_POINTS = 96
LISTED = 10


def _when(moment) -> str | None:
    return moment.astimezone(wallclock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else None


def _participants(project_id: int) -> list[dict]:
    rows = db.session.execute(
        select(ProjectParticipant.party_type, Enterprise.name, ProjectParticipant.responsible_person,
               ProjectParticipant.responsible_phone)
        .join(Enterprise, Enterprise.id == ProjectParticipant.enterprise_id)
        .where(ProjectParticipant.project_id == project_id)).all()
    order = {p: n for n, p in enumerate(PARTY_TYPES)}
    return [{"party": ENTERPRISE_TYPES.get(party, party), "enterprise": name, "responsible": person or "",
             "phone": phone or ""}
            for party, name, person, phone in sorted(rows, key=lambda r: (order.get(r[0], 99), r[1]))]


def _works(project_id: int) -> list[dict]:
    rows = db.session.execute(
        select(HazardousWork.code, HazardousWork.name, HazardousCategory.name_zh, HazardousWork.super_scale,
               HazardousWork.status, HazardousWork.planned_start, HazardousWork.planned_end)
        .join(HazardousCategory, HazardousCategory.id == HazardousWork.category_id)
        .where(HazardousWork.project_id == project_id).order_by(HazardousWork.code, HazardousWork.id))
    return [{"code": code, "name": name, "category": category, "super_scale": bool(big),
             "status": word(status, "work_status"), "planned": " ~ ".join(str(d) for d in (start, end) if d)}
            for code, name, category, big, status, start, end in rows]


def _devices(project_id: int) -> tuple[list[dict], list[dict]]:
    devices = db.session.execute(select(Device.id, Device.code, Device.name, Device.device_type, Device.active)
                                 .where(Device.project_id == project_id).order_by(Device.code)).all()
    ids = [d.id for d in devices]
    latest = (select(DeviceReading.device_id, func.max(DeviceReading.collected_at).label("at"))
              .where(DeviceReading.device_id.in_(ids), DeviceReading.kind == "data")
              .group_by(DeviceReading.device_id).subquery())
    last = {device_id: (at, metrics) for device_id, at, metrics in db.session.execute(
        select(DeviceReading.device_id, DeviceReading.collected_at, DeviceReading.metrics).join(latest, and_(
            latest.c.device_id == DeviceReading.device_id, latest.c.at == DeviceReading.collected_at)))}
    now = wallclock.now()
    rows = []
    for d in devices:
        at, metrics = last.get(d.id, (None, {}))
        rows.append({"code": d.code, "name": d.name, "device_type": DEVICE_TYPES.get(d.device_type, d.device_type),
                     "active": bool(d.active), "last_at": _when(at),
                     "reporting": bool(at and at >= now - REPORTING_WITHIN),
                     "latest": [{"metric": metric_with_unit(k), "value": v} for k, v in sorted((metrics or {}).items())
                                if isinstance(v, int | float) and not isinstance(v, bool)]})
    return rows, _trends(devices, now)


def _trends(devices, now) -> list[dict]:
    names = {d.id: d.name for d in devices}
    series: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for device_id in names:
        readings = db.session.execute(
            select(DeviceReading.collected_at, DeviceReading.metrics)
            .where(DeviceReading.device_id == device_id, DeviceReading.kind == "data",
                   DeviceReading.collected_at >= now - REPORTING_WITHIN)
            .order_by(DeviceReading.collected_at.desc()).limit(TREND_POINTS)).all()
        for at, metrics in reversed(readings):
            for key, value in (metrics or {}).items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    series[key][device_id].append([_when(at), value])
    return [{"metric": metric_with_unit(key), "lines": [{"device": names[d], "points": points}
                                                        for d, points in sorted(lines.items())]}
            for key, lines in sorted(series.items())]


def _cases(project_id: int) -> dict:
    running = ProcessInstance.status.in_(("running", "waiting", "error"))
    rows = db.session.execute(
        select(ProcessInstance.process_key, ProcessInstance.title, ProcessInstance.status, ProcessInstance.started_at)
        .where(ProcessInstance.project_id == project_id, running).order_by(ProcessInstance.started_at.desc(),
                                                                            ProcessInstance.id.desc())).all()
    counts = Counter(key for key, *_ in rows)
    return {"open": len(rows),
            "by_process": [{"label": word(k, "process"), "count": n}
                           for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))],
            "latest": [{"process": word(key, "process"), "title": title or word(key, "process"),
                        "status": word(status, "case_status"), "started_at": _when(started)}
                       for key, title, status, started in rows[:LISTED]]}


def _alarms(project_id: int) -> dict:
    today = wallclock.local_today()
    scope = Scope.of_projects([project_id])
    month = summed(scope, today.replace(day=1), today, ("alarm_type",))
    raised, closed = sum(s[0] for s in month.values()), sum(s[1] for s in month.values())
    open_now = db.session.scalar(select(func.count()).select_from(DeviceAlarm).where(
        DeviceAlarm.project_id == project_id, DeviceAlarm.status == "open")) or 0
    latest = db.session.execute(
        select(DeviceAlarm.alarm_type, DeviceAlarm.level, DeviceAlarm.status, DeviceAlarm.first_at, Device.name)
        .join(Device, Device.id == DeviceAlarm.device_id).where(DeviceAlarm.project_id == project_id)
        .order_by(DeviceAlarm.first_at.desc(), DeviceAlarm.id.desc()).limit(LISTED)).all()
    return {"month": raised, "closed_month": closed, "closure_rate": rate(closed, raised), "open": open_now,
            "by_type": [{"label": alarm_label(t), "count": s[0]}
                        for (t,), s in sorted(month.items(), key=lambda kv: (-kv[1][0], kv[0]))],
            "latest": [{"type": alarm_label(t), "level": LEVEL_LABELS.get(level, level),
                        "status": word(status, "alarm_status"), "first_at": _when(first), "device": device}
                       for t, level, status, first, device in latest]}


def project_overview(actor: Actor, code: str) -> dict:
    """Every figure of the module docstring for the project `code`. Raises NotFoundError(`project_not_found`)."""
    project = visible_project(actor, code=code)
    district = db.session.scalar(select(OrgUnit.name).where(OrgUnit.id == project.district_id))
    devices, trends = _devices(project.id)
    return {
        "project": {"code": project.code, "name": project.name, "district": district or "",
                    "address": project.address or "", "status": word(project.status, "project_status"),
                    "permit_no": project.permit_no or "",
                    "planned": " ~ ".join(str(d) for d in (project.planned_start, project.planned_end) if d)},
        "participants": _participants(project.id),
        "works": _works(project.id),
        "devices": devices,
        "trends": trends,
        "cases": _cases(project.id),
        "alarms": _alarms(project.id),
    }


def overview_page(actor: Actor, code: str) -> dict:
    """The project the page is of (code, name). Raises NotFoundError(`project_not_found`)."""
    project = visible_project(actor, code=code)
    return {"code": project.code, "name": project.name}

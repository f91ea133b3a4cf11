"""The command centre (工地大脑 指挥中心, seed 000 3.1.2.1): one screen of figures per level.

The city level covers every project the actor may see; the district level one district holding
projects he may see (another district answers 404 like an unknown one). Figures, all of that scope:
- projects: per district and status (registered / active / suspended / completed);
- monitoring: active devices, those reporting (a reading collected in the last 24 hours) and
  silent, the access rate (reporting / devices), readings collected today (China day), alarms
  raised this month and of those closed (from the daily rollups), alarms open now;
- supervision: rectification orders per type and status (open = not closed), stop orders;
- hazardous works per stage (status);
- dust and noise: the worst sites by their latest reading today (PM10, daytime Leq);
- districts: a grid ranked by alarms open now, then alarms this month.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import and_, case, exists, func, select

from app.errors import NotFoundError
from app.extensions import db
from app.infra import wallclock
from app.models import Device, DeviceAlarm, DeviceReading, HazardousWork, OrgUnit, Project, RectificationOrder
from app.models.orders import ORDER_TYPES, STOP_ORDER_TYPES
from app.models.project import PROJECT_STATUSES
from app.services.access.actors import Actor
from app.services.access.scoping import project_filter
from app.services.hazard.start_rules import STATUS_LABELS as WORK_STATUS_LABELS
from app.services.insight.filters import rate, require_scope
from app.services.insight.rollups import Scope, summed

PROJECT_STATUS_LABELS = {"registered": "已登记", "active": "在建", "suspended": "停工", "completed": "已竣工"}
ORDER_STATUS_LABELS = {"issued": "已下发", "replied": "已回复", "returned": "已退回", "overdue": "已逾期",
                       "urged": "已督办", "closed": "已闭合"}
REPORTING_WITHIN = timedelta(hours=24)
RANKED = 10
# (ranking key, metric, device types): the site's worst latest reading today.
RANKINGS = (("dust", "pm10_ug_m3", ("dust",)), ("noise", "leq_day_db", ("noise", "dust")))


def command_centre(actor: Actor, district: str | None = None) -> dict:
    """Every figure of the module docstring. Raises PermissionDeniedError(`stats_denied`),
    NotFoundError(`district_not_found`)."""
    require_scope(actor)
    scope = [project_filter(actor)]
    unit = None
    if district:
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == district, exists().where(
            Project.district_id == OrgUnit.id, project_filter(actor))))
        if unit is None:
            raise NotFoundError("没有找到该区县。", code="district_not_found")
        scope.append(Project.district_id == unit.id)
    projects = select(Project.id).where(*scope)
    today = wallclock.local_today()
    districts = _districts(projects)
    district_of = dict(db.session.execute(select(Project.id, Project.district_id).where(*scope)).all())
    monitoring = _monitoring(projects, district_of, today)
    return {
        "level": "district" if unit else "city",
        "district": {"code": unit.code, "name": unit.name} if unit else None,
        "today": today.isoformat(),
        "projects": _projects_by_status(districts),
        "monitoring": monitoring["overall"],
        "orders": _orders(projects),
        "works": _works(projects),
        "rankings": {key: _ranking(projects, metric, types) for key, metric, types in RANKINGS},
        "districts": _grid(districts, monitoring["by_district"], _open_orders_by_district(projects)),
    }


def page_options(actor: Actor, district: str | None = None) -> dict:
    """The districts the actor may pick (code, name) and the one picked. Raises
    PermissionDeniedError(`stats_denied`), NotFoundError(`district_not_found`)."""
    require_scope(actor)
    choices = db.session.execute(select(OrgUnit.code, OrgUnit.name).distinct()
                                 .join(Project, Project.district_id == OrgUnit.id).where(project_filter(actor))
                                 .order_by(OrgUnit.code)).all()
    if district and district not in {code for code, _ in choices}:
        raise NotFoundError("没有找到该区县。", code="district_not_found")
    return {"districts": [tuple(c) for c in choices], "district": district or ""}


def _districts(projects) -> dict[int, dict]:
    """Per district: its name and projects per status."""
    out: dict[int, dict] = {}
    for district_id, name, status, count in db.session.execute(
            select(OrgUnit.id, OrgUnit.name, Project.status, func.count())
            .join(Project, Project.district_id == OrgUnit.id).where(Project.id.in_(projects))
            .group_by(OrgUnit.id, OrgUnit.name, Project.status)):
        row = out.setdefault(district_id, {"label": name, "total": 0, **{s: 0 for s in PROJECT_STATUSES}})
        row[status] = row.get(status, 0) + count
        row["total"] += count
    return out


def _projects_by_status(districts: dict[int, dict]) -> dict:
    totals = {s: sum(d[s] for d in districts.values()) for s in PROJECT_STATUSES}
    return {"total": sum(totals.values()),
            "by_status": [{"status": s, "label": PROJECT_STATUS_LABELS[s], "count": totals[s]}
                          for s in PROJECT_STATUSES],
            "by_district": sorted(districts.values(), key=lambda d: (-d["total"], d["label"]))}


def _monitoring(projects, district_of: dict[int, int], today) -> dict:
    now = wallclock.now()
    reporting = exists().where(DeviceReading.device_id == Device.id,
                               DeviceReading.collected_at >= now - REPORTING_WITHIN)
    per: dict[int, dict] = defaultdict(lambda: {"devices": 0, "reporting": 0, "alarms_month": 0,
                                                "closed_month": 0, "open_alarms": 0})
    for district_id, devices, live in db.session.execute(
            select(Project.district_id, func.count(), func.sum(case((reporting, 1), else_=0)))
            .select_from(Device).join(Project, Project.id == Device.project_id)
            .where(Device.project_id.in_(projects), Device.active.is_(True)).group_by(Project.district_id)):
        per[district_id].update(devices=devices, reporting=int(live or 0))
    for (project_id,), sums in summed(Scope.of_projects(projects), today.replace(day=1), today, ("project_id",)).items():
        per[district_of[project_id]]["alarms_month"] += sums[0]
        per[district_of[project_id]]["closed_month"] += sums[1]
    # per project, from the (project_id, status) index alone, in its order; the districts in Python
    # (grouped by district in SQL, SQLite looked up each open alarm's project and sorted them all)
    for project_id, count in db.session.execute(
            select(DeviceAlarm.project_id, func.count())
            .where(DeviceAlarm.project_id.in_(projects), DeviceAlarm.status == "open").group_by(DeviceAlarm.project_id)):
        per[district_of[project_id]]["open_alarms"] += count
    readings = db.session.scalar(
        select(func.count()).select_from(DeviceReading).join(Device, Device.id == DeviceReading.device_id)
        .where(Device.project_id.in_(projects), DeviceReading.collected_at >= wallclock.local_day_start(today))) or 0
    overall = {key: sum(d[key] for d in per.values())
               for key in ("devices", "reporting", "alarms_month", "closed_month", "open_alarms")}
    overall.update(silent=overall["devices"] - overall["reporting"],
                   access_rate=rate(overall["reporting"], overall["devices"]), readings_today=readings)
    return {"overall": overall, "by_district": per}


def _orders(projects) -> dict:
    counts: dict[tuple[str, str], int] = dict(((t, s), n) for t, s, n in db.session.execute(
        select(RectificationOrder.order_type, RectificationOrder.status, func.count())
        .where(RectificationOrder.project_id.in_(projects))
        .group_by(RectificationOrder.order_type, RectificationOrder.status)))
    by_type = []
    for code, label in ORDER_TYPES.items():
        row = {"order_type": code, "label": label, **{s: counts.get((code, s), 0) for s in ORDER_STATUS_LABELS}}
        row["total"] = sum(row[s] for s in ORDER_STATUS_LABELS)
        row["open"] = row["total"] - row["closed"]
        by_type.append(row)
    by_status = [{"status": s, "label": label, "count": sum(n for (_, st), n in counts.items() if st == s)}
                 for s, label in ORDER_STATUS_LABELS.items()]
    return {"total": sum(counts.values()), "open": sum(r["open"] for r in by_type),
            "stops": sum(r["total"] for r in by_type if r["order_type"] in STOP_ORDER_TYPES),
            "open_stops": sum(r["open"] for r in by_type if r["order_type"] in STOP_ORDER_TYPES),
            "by_type": by_type, "by_status": by_status}


def _works(projects) -> dict:
    counts = dict(db.session.execute(select(HazardousWork.status, func.count())
                                     .where(HazardousWork.project_id.in_(projects)).group_by(HazardousWork.status)).all())
    return {"total": sum(counts.values()),
            "by_status": [{"status": s, "label": label, "count": counts.get(s, 0)}
                          for s, label in WORK_STATUS_LABELS.items()]}


def _ranking(projects, metric: str, device_types: tuple[str, ...]) -> list[dict]:
    """The sites with the highest latest reading of `metric` today, worst first."""
    since = wallclock.local_day_start(wallclock.local_today())
    latest = (select(DeviceReading.device_id, func.max(DeviceReading.collected_at).label("at"))
              .join(Device, Device.id == DeviceReading.device_id)
              .where(Device.project_id.in_(projects), Device.device_type.in_(device_types),
                     DeviceReading.kind == "data", DeviceReading.collected_at >= since)
              .group_by(DeviceReading.device_id).subquery())
    worst: dict[int, float] = {}
    for project_id, metrics in db.session.execute(
            select(Device.project_id, DeviceReading.metrics).join(latest, and_(
                latest.c.device_id == DeviceReading.device_id, latest.c.at == DeviceReading.collected_at))
            .join(Device, Device.id == DeviceReading.device_id)):
        value = (metrics or {}).get(metric)
        if isinstance(value, int | float) and value > worst.get(project_id, float("-inf")):
            worst[project_id] = float(value)
    top = sorted(worst.items(), key=lambda kv: (-kv[1], kv[0]))[:RANKED]
    names = dict(((pid, (code, name, district)) for pid, code, name, district in db.session.execute(
        select(Project.id, Project.code, Project.name, OrgUnit.name).join(OrgUnit, OrgUnit.id == Project.district_id)
        .where(Project.id.in_([pid for pid, _ in top])))))
    return [{"rank": n, "project": names[pid][0], "label": names[pid][1], "district": names[pid][2],
             "value": round(value, 1)} for n, (pid, value) in enumerate(top, 1)]


def _open_orders_by_district(projects) -> dict[int, int]:
    return dict(db.session.execute(
        select(Project.district_id, func.count()).select_from(RectificationOrder)
        .join(Project, Project.id == RectificationOrder.project_id)
        .where(RectificationOrder.project_id.in_(projects), RectificationOrder.status != "closed")
        .group_by(Project.district_id)).all())


def _grid(districts: dict[int, dict], monitoring: dict[int, dict], open_orders: dict[int, int]) -> list[dict]:
    rows = []
    for district_id, d in districts.items():
        m = monitoring.get(district_id) or {"devices": 0, "reporting": 0, "alarms_month": 0, "closed_month": 0,
                                            "open_alarms": 0}
        rows.append({"label": d["label"], "projects": d["total"], "active_projects": d["active"],
                     "devices": m["devices"], "reporting": m["reporting"], "silent": m["devices"] - m["reporting"],
                     "access_rate": rate(m["reporting"], m["devices"]), "alarms_month": m["alarms_month"],
                     "closed_month": m["closed_month"], "open_alarms": m["open_alarms"],
                     "open_orders": open_orders.get(district_id, 0)})
    rows.sort(key=lambda r: (-r["open_alarms"], -r["alarms_month"], r["label"]))
    return [{"rank": n, **r} for n, r in enumerate(rows, 1)]

"""The daily rollups answer exactly what the per-alarm definitions give, in every state:
every day marked (computed from the alarms), every day refreshed (stored rows), a mix after
changes made the way the ingest and the chain make them, and after a full rebuild.

The expected figures are computed here, alarm by alarm in Python, from the rows themselves.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select

from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import (
    AlarmDayRollup,
    AlarmRollupCell,
    AlarmRollupDirty,
    Device,
    DeviceAlarm,
    InboxTask,
    OrgUnit,
    Project,
)
from app.services.insight import rollup_cells, rollups
from tests.integration.insight.conftest import NOW, PERIOD, cn
from tests.support.factories import gen_inbox_task, gen_instance

TYPES = ("load_pct", "wind_speed", "pm10_ug_m3", "tilt_deg")


def _seed_more(world, count: int = 40) -> None:
    """Random alarms over February and March, some closed, some with a case, some urged."""
    rng = random.Random(16)
    devices = db.session.scalars(select(Device).order_by(Device.id)).all()
    projects = {p.id: p for p in world["projects"].values()}
    for n in range(count):
        device = rng.choice(devices)
        first = cn(rng.randint(1, 10), rng.randint(0, 23), month=rng.choice((2, 3, 3, 3)))
        closed = rng.random() < 0.6
        alarm = DeviceAlarm(device_id=device.id, project_id=device.project_id, alarm_type=rng.choice(TYPES),
                            level=rng.choice(("warning", "alarm")), first_at=first, last_at=first,
                            first_data_id=f"r{n}", status="closed" if closed else "open",
                            outcome=rng.choice(("handled", "closed_overdue")) if closed else None,
                            closed_at=first + timedelta(hours=rng.randint(1, 60)) if closed else None)
        if rng.random() < 0.7:
            instance = gen_instance(projects[device.project_id], "device_alarm_disposal")
            alarm.instance_id = instance.id
            if rng.random() < 0.4:
                gen_inbox_task(instance, "district_safety_officer", task_name="decide_overdue")
        db.session.add(alarm)
    db.session.commit()


def _figures(alarms: list[dict]) -> dict:
    closed = [a for a in alarms if a["closed"]]
    on_time = [a for a in closed if a["outcome"] == "handled" and not a["urged"]]
    total = len(alarms)

    def rate(part, whole):
        return round(part / whole, 4) if whole else 0.0
    return {"total": total, "closed": len(closed), "closure_rate": rate(len(closed), total),
            "assigned": sum(a["assigned"] for a in alarms), "assignment_rate": rate(sum(a["assigned"] for a in alarms), total),
            "urged": sum(a["urged"] for a in alarms), "urging_rate": rate(sum(a["urged"] for a in alarms), total),
            "on_time": len(on_time), "on_time_rate": rate(len(on_time), len(closed)),
            "mean_disposal_hours": round(sum(a["hours"] for a in closed) / len(closed), 1) if closed else 0.0}


def _expected(project_ids: set[int], first=None, last=None, kind: str | None = None) -> dict:
    """Every figure of the statistics, alarm by alarm (China days first..last, default this month)."""
    urged = set(db.session.scalars(select(InboxTask.instance_id).where(InboxTask.task_name == "decide_overdue")))
    start = wallclock.local_day_start(first or NOW.date().replace(day=1))
    end = wallclock.local_day_end(last or NOW.date())
    alarms, open_now = [], defaultdict(int)
    for alarm, device_type, code, district in db.session.execute(
            select(DeviceAlarm, Device.device_type, Project.code, OrgUnit.name)
            .join(Device, Device.id == DeviceAlarm.device_id).join(Project, Project.id == DeviceAlarm.project_id)
            .join(OrgUnit, OrgUnit.id == Project.district_id)):
        if alarm.project_id not in project_ids or (kind and alarm.alarm_type != kind):
            continue
        open_now[alarm.alarm_type] += alarm.status == "open"
        if not start <= alarm.first_at <= end:
            continue
        closed = alarm.status == "closed"
        alarms.append({"closed": closed, "outcome": alarm.outcome, "assigned": alarm.instance_id is not None,
                       "urged": alarm.instance_id in urged, "district": district, "project": code,
                       "device_type": device_type, "type": alarm.alarm_type, "level": alarm.level,
                       "day": wallclock.local_date(alarm.first_at).isoformat(),
                       "hours": (alarm.closed_at - alarm.first_at).total_seconds() / 3600 if closed else 0.0})
    out = {"overview": _figures(alarms), "open_by_type": {t: n for t, n in open_now.items() if n}}
    for key in ("district", "project", "device_type"):
        groups = defaultdict(list)
        for a in alarms:
            groups[a[key]].append(a)
        out[f"by_{key}"] = {k: _figures(v) for k, v in groups.items()}
    for key in ("type", "level"):
        out[f"by_{key}"] = {k: sum(a[key] == k for a in alarms) for k in {a[key] for a in alarms}}
    out["trend"] = {}
    for a in alarms:
        raised, closed = out["trend"].get(a["day"], (0, 0))
        out["trend"][a["day"]] = (raised + 1, closed + a["closed"])
    return out


def _answered(stats_api, user: str, query: str = PERIOD) -> dict:
    r = stats_api.get(f"/api/v1/stats/alarms?{query}", user)
    assert r.status_code == 200, r.get_json()
    data = r.get_json()["data"]
    strip = ("label", "district", "project", "device_type")
    out = {"overview": data["overview"], "open_by_type": {r["type"]: r["count"] for r in data["open_by_type"]},
           "by_type": {r["type"]: r["count"] for r in data["by_type"]},
           "by_level": {r["level"]: r["count"] for r in data["by_level"]},
           "trend": {p["bucket"]: (p["raised"], p["closed"]) for p in data["trend"] if p["raised"]}}
    out["by_district"] = {r["label"]: {k: v for k, v in r.items() if k not in strip} for r in data["by_district"]}
    for key in ("project", "device_type"):
        out[f"by_{key}"] = {r[key]: {k: v for k, v in r.items() if k not in strip} for r in data[f"by_{key}"]}
    return out


# China periods: this month's days only; whole months with days either side; whole months only.
PERIODS = ((PERIOD, None, None), ("start=2026-01-15&end=2026-03-10", date(2026, 1, 15), None),
           ("start=2026-02-01&end=2026-02-28", date(2026, 2, 1), date(2026, 2, 28)))


def _check(stats_api, world) -> None:
    every = {p.id for p in world["projects"].values()}
    for query, first, last in PERIODS:
        for kind in (None, "load_pct"):
            q = f"{query}&type={kind}" if kind else query
            assert _answered(stats_api, "s_city", q) == _expected(every, first, last, kind), q
            for user in ("s_dist_a", "s_pm_a"):  # an official's district cells; a contractor's daily rows
                assert _answered(stats_api, user, q) == _expected({world["projects"]["A"].id}, first, last, kind), q
    assert _cells() == _cells_from_day_rows()  # the cells are the sums of the daily rows at every commit


def _cells() -> dict:
    return {tuple(getattr(c, k) for k in rollup_cells.CELL_KEY): [c.total, c.closed, c.assigned, c.urged, c.on_time,
                                                                   round(c.disposal_hours, 6)]
            for c in db.session.scalars(select(AlarmRollupCell)) if c.total}


def _cells_from_day_rows() -> dict:
    return {k: [*v[:5], round(v[5], 6)]
            for k, v in rollup_cells.cell_sums(db.session.execute(rollup_cells.day_rows())).items() if v[0]}


def _marked() -> int:
    return db.session.scalar(select(func.count()).select_from(AlarmRollupDirty))


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(AlarmDayRollup))


@pytest.fixture
def seeded(world):
    _seed_more(world)
    return world


def test_marked_refreshed_changed_and_rebuilt_days_all_answer_the_per_alarm_figures(stats_api, seeded):
    assert _marked() > 0 and _stored() == 0  # written through the ORM: every day is marked
    _check(stats_api, seeded)

    result = rollups.refresh_dirty()
    assert result.days > 0 and _marked() == 0 and _stored() == result.rows
    _check(stats_api, seeded)  # from stored rows only

    # Changes as the chain and the ingest make them: closed, urged, level raised, a new alarm.
    with transaction():
        open_ones = db.session.scalars(select(DeviceAlarm).where(DeviceAlarm.status == "open",
                                                                 DeviceAlarm.first_at >= cn(1))
                                       .order_by(DeviceAlarm.id)).all()
        open_ones[0].status, open_ones[0].closed_at, open_ones[0].outcome = "closed", NOW, "handled"
        open_ones[1].level = "alarm" if open_ones[1].level == "warning" else "warning"
        not_urged = db.session.scalar(select(DeviceAlarm).where(
            DeviceAlarm.instance_id.is_not(None), DeviceAlarm.first_at >= cn(1),
            ~DeviceAlarm.instance_id.in_(select(InboxTask.instance_id).where(InboxTask.task_name == "decide_overdue")))
            .order_by(DeviceAlarm.id).limit(1))
        db.session.add(InboxTask(instance_id=not_urged.instance_id, spiff_task_id="urge-1", task_name="decide_overdue",
                                 title="逾期预警处理决定", process_key="device_alarm_disposal",
                                 role="district_safety_officer", project_id=not_urged.project_id))
        device = db.session.scalars(select(Device).order_by(Device.id)).first()
        db.session.add(DeviceAlarm(device_id=device.id, project_id=device.project_id, alarm_type="wind_speed",
                                   level="alarm", first_at=cn(8, 3), last_at=cn(8, 3), first_data_id="new"))
    assert 0 < _marked() <= 4  # only the days those alarms belong to
    _check(stats_api, seeded)  # stored rows for settled days, computed ones for the marked days

    rollups.refresh_dirty()
    assert _marked() == 0
    _check(stats_api, seeded)

    db.session.execute(delete(AlarmDayRollup))  # lost rows: the rebuild puts them back
    db.session.commit()
    rebuilt = rollups.rebuild()
    assert rebuilt.rows == _stored() > 0
    _check(stats_api, seeded)


def test_an_alarm_deleted_marks_its_day_and_drops_from_the_figures(stats_api, seeded):
    rollups.refresh_dirty()
    with transaction():
        doomed = db.session.scalars(select(DeviceAlarm).where(DeviceAlarm.first_at >= cn(1),
                                                              DeviceAlarm.instance_id.is_(None))
                                    .order_by(DeviceAlarm.id)).first()
        db.session.delete(doomed)
    assert _marked() == 1
    _check(stats_api, seeded)


def test_repeats_that_change_no_figure_mark_no_day(seeded):
    rollups.refresh_dirty()
    with transaction():
        alarm = db.session.scalars(select(DeviceAlarm).where(DeviceAlarm.status == "open")).first()
        alarm.count += 1
        alarm.last_at = alarm.last_at + timedelta(minutes=5)
    assert _marked() == 0


def test_the_cli_rebuilds_and_the_beat_task_refreshes(app, seeded):
    from app.tasks.insight import rollups as beat_task

    assert beat_task.run()["days"] > 0 and _marked() == 0
    stored = _stored()
    db.session.execute(delete(AlarmDayRollup))
    db.session.commit()
    out = app.test_cli_runner().invoke(args=["stats", "rebuild-rollups"])
    assert out.exit_code == 0, out.output
    assert f"alarm rollups: {stored} rows" in out.output and _stored() == stored

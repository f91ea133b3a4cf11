"""A small statistics world: a city with two districts, a project in each, alarms, orders, works, urging.

Every record is listed in ALARMS / ORDERS / WORKS so the tests count the expected figures
themselves from these lists, independently of the statistics code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from app.extensions import db
from app.infra import wallclock
from app.models import DeviceAlarm, HazardousCategory, HazardousWork, RectificationOrder, UrgingAssignment
from tests.support.factories import (
    PASSWORD,
    gen_device,
    gen_inbox_task,
    gen_instance,
    gen_org_unit,
    gen_project,
    gen_user,
)

NOW = datetime(2026, 3, 10, 4, tzinfo=UTC)  # 12:00 in China
PERIOD = "start=2026-03-01&end=2026-03-10"


def cn(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=wallclock.LOCAL_TZ).astimezone(UTC)


@dataclass(frozen=True)
class Alarm:  # an alarm as the test knows it
    district: str
    device: str
    alarm_type: str
    level: str
    first_at: datetime
    closed_hours: float | None = None  # None: still open
    outcome: str | None = None
    case: bool = True
    urged: bool = False


ALARMS = [
    Alarm("A", "crane", "load_pct", "alarm", cn(2), 4, "handled"),
    Alarm("A", "crane", "wind_speed", "warning", cn(3), 30, "closed_overdue", urged=True),
    Alarm("A", "dust", "pm10_ug_m3", "warning", cn(5)),
    Alarm("A", "dust", "leq_day_db", "alarm", cn(9, 23), case=False),  # 15:00 UTC: still 9 March in China
    Alarm("B", "hoist", "load_pct", "alarm", cn(4), 2, "handled"),
    Alarm("B", "hoist", "tilt_deg", "alarm", cn(6), 50, "rectification_order", urged=True),
    Alarm("B", "hoist", "wind_speed", "warning", cn(20, month=2)),  # before the period, still open
]


@dataclass(frozen=True)
class Order:  # a rectification order
    district: str
    order_type: str
    issued: datetime
    deadline: date
    replied: datetime | None
    status: str


ORDERS = [
    Order("A", "deadline", cn(2), date(2026, 3, 5), cn(4), "closed"),
    Order("A", "partial_stop", cn(3), date(2026, 3, 6), None, "overdue"),
    Order("B", "full_stop", cn(5), date(2026, 3, 7), cn(8), "replied"),
    Order("B", "deadline", cn(1, month=2), date(2026, 2, 5), None, "overdue"),  # before the period
]
WORKS = [("A", "T-1", True, "in_progress"), ("A", "T-1", False, "registered"), ("B", "T-2", False, "accepted")]


def _category(code: str) -> HazardousCategory:
    category = db.session.query(HazardousCategory).filter_by(code=code).one_or_none()
    if category is None:
        category = HazardousCategory(code=code, name_zh={"T-1": "深基坑", "T-2": "模板工程"}[code],
                                     name_en=code, hazardous_rule="always", super_scale_rule="never")
        db.session.add(category)
    return category


@pytest.fixture
def world(app):
    city = gen_org_unit(gen_org_unit(), name="测试市住建局")
    districts = {k: gen_org_unit(city, name=f"{k}区住建局") for k in "AB"}
    projects = {k: gen_project(districts[k], name=f"{k}区工程") for k in "AB"}
    devices = {"crane": gen_device(projects["A"], "tower_crane"), "dust": gen_device(projects["A"], "dust"),
               "hoist": gen_device(projects["B"], "hoist")}
    users = {"city": gen_user("city_official", org_unit=city, username="s_city"),
             "district_a": gen_user("district_safety_officer", org_unit=districts["A"], username="s_dist_a"),
             "pm_a": gen_user("contractor_pm", project=projects["A"], username="s_pm_a"),
             "nobody": gen_user(None, username="s_nobody")}
    for n, a in enumerate(ALARMS):
        device = devices[a.device]
        alarm = DeviceAlarm(device_id=device.id, project_id=device.project_id, alarm_type=a.alarm_type,
                            level=a.level, first_at=a.first_at, last_at=a.first_at, first_data_id=f"d{n}",
                            status="open" if a.closed_hours is None else "closed", outcome=a.outcome,
                            open_key=f"{device.id}:{a.alarm_type}" if a.closed_hours is None else None,
                            closed_at=a.first_at + timedelta(hours=a.closed_hours) if a.closed_hours else None)
        if a.case:
            instance = gen_instance(projects[a.district], "device_alarm_disposal")
            alarm.instance_id = instance.id
            if a.urged:
                gen_inbox_task(instance, "district_safety_officer", task_name="decide_overdue")
        db.session.add(alarm)
    for o in ORDERS:
        instance = gen_instance(projects[o.district], "rectification_order")
        db.session.add(RectificationOrder(instance_id=instance.id, project_id=projects[o.district].id,
                                          order_type=o.order_type, deadline=o.deadline, status=o.status,
                                          issued_at=o.issued, replied_at=o.replied))
    for n, (district, code, super_scale, status) in enumerate(WORKS):
        db.session.add(HazardousWork(project_id=projects[district].id, code=f"W-{n}", name=f"危大工程{n}",
                                     category=_category(code), super_scale=super_scale, status=status))
    for k, signed in (("A", True), ("B", False)):
        instance = gen_instance(projects[k], "urging")
        db.session.add(UrgingAssignment(instance_id=instance.id, unit_id=districts[k].id, urge_count=2,
                                        user_id=users["district_a"].id, completed_at=NOW if signed else None))
        if signed:
            gen_inbox_task(instance, "district_safety_officer", task_name="sign_for", status="completed",
                           candidate_user_id=users["district_a"].id)
    db.session.commit()
    with wallclock.frozen(NOW):
        yield {"districts": districts, "projects": projects, "users": users}


@pytest.fixture
def stats_api(app, world):
    from tests.support.client import ApiClient
    return ApiClient(app.test_client(), PASSWORD)

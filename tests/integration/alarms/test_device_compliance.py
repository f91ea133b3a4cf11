"""The daily special-operator sweep: unregistered operators and expired certificates of cranes and
hoists become disposal cases for the PM, once per device and type, counted per day."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import DeviceAlarm, DeviceOperator, ProcessInstance
from app.services.monitoring import registry
from app.services.monitoring.alarm_cases import message_payload
from app.services.monitoring.compliance import sweep

from .conftest import device, open_tasks, user


def alarms() -> dict[str, tuple[str, int, str]]:
    db.session.expire_all()
    return {a.device.code: (a.alarm_type, a.count, a.status)
            for a in db.session.scalars(select(DeviceAlarm).where(DeviceAlarm.source == "registry"))}


def test_unregistered_and_expired_operators_open_one_case_each(deployed):
    first = sweep()
    # Demo: JS001-TC-01 and JS001-SJJ-01 have no operator, EQ001-TC-01's certificate ran out
    # in 2025, JS002-TC-01 has valid certificates; dust monitors, cameras… are not checked.
    assert (first.checked, first.alarms_opened, first.cases_started) == (4, 3, 3)
    assert alarms() == {"JS001-TC-01": ("operator_unregistered", 1, "open"),
                        "JS001-SJJ-01": ("operator_unregistered", 1, "open"),
                        "EQ001-TC-01": ("certificate_expired", 1, "open")}
    expired = db.session.scalar(select(DeviceAlarm).where(DeviceAlarm.alarm_type == "certificate_expired"))
    assert "高振华（2025-06-30）" in expired.message
    [task] = open_tasks(expired.instance_id)
    assert (task.task_name, task.role, task.project_id) == ("handle_alarm", "contractor_pm", expired.project_id)
    assert message_payload(expired)["alarm_label"] == "特种作业人员证书过期"  # what the case shows


def test_the_same_day_changes_nothing_the_next_day_counts(deployed, clock):
    sweep()
    again = sweep()
    assert (again.alarms_opened, again.alarms_repeated, again.cases_started) == (0, 0, 0)
    # The PM registers a crane driver whose certificate is valid through today (the last valid day).
    pm = user("contractor_pm")
    registry.add_operator(pm, device("JS001-TC-01").id, {
        "name": "王建国", "trade": "crane_driver_tower", "certificate_no": "A-1",
        "certificate_valid_until": date(2026, 5, 5)})
    clock.advance(days=1)
    next_day = sweep()
    assert (next_day.alarms_opened, next_day.alarms_repeated, next_day.cases_started) == (0, 2, 0)
    assert alarms()["JS001-TC-01"] == ("operator_unregistered", 1, "open")  # open until its case closes
    assert alarms()["JS001-SJJ-01"][1] == 2
    assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 3


def test_inactive_devices_are_not_checked_and_expiry_is_by_local_day(deployed, clock):
    for code in ("JS001-TC-01", "JS001-SJJ-01", "EQ001-TC-01"):
        device(code).active = False
    db.session.commit()
    assert sweep().checked == 1
    assert alarms() == {}
    operator = db.session.scalar(select(DeviceOperator).where(DeviceOperator.certificate_no == "建(A)41010520180045"))
    device_rows = [operator.device_id]
    db.session.execute(DeviceOperator.__table__.update().where(DeviceOperator.device_id.in_(device_rows))
                       .values(certificate_valid_until=date(2026, 5, 4)))
    db.session.commit()
    assert sweep().alarms_opened == 0  # valid through May 4th, China time (the frozen day)
    clock.advance(hours=14)  # 2026-05-05 00:00 in China
    assert sweep().alarms_opened == 1
    assert alarms() == {"JS002-TC-01": ("certificate_expired", 1, "open")}

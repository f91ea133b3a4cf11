"""Special-operator compliance of lifting machinery: a daily sweep that raises alarms.

Seed 000 §3.1.4.1.1 (违规作业预警处理) lists, beside the sensor alarms, 证书过期 (an operator's
certificate ran out) and 人员资质未登记 (nobody certified is registered for the machine). A tower
crane or hoist in use needs a certified operator; the sweep checks every active one against its
special operators (device_registry) and raises:

- ``operator_unregistered`` — no special operator registered for the device;
- ``certificate_expired`` — operators registered, but every certificate ran out before today.

They are DeviceAlarm rows like the sensor ones (one open alarm per device and type; a repeat on a
later day only counts), so the first one starts a ``device_alarm_disposal`` case for the
project's contractor PM and the district reviews it. Registering an operator does not close the
alarm by itself: the case does. Running the sweep twice on one day changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import Device, DeviceAlarm, DeviceOperator
from app.services.access.actors import SYSTEM
from app.services.monitoring import alarm_cases, alarm_records
from app.services.monitoring.alarm_records import AlarmEvent, Evaluation

OPERATED_TYPES = ("tower_crane", "hoist")
UNREGISTERED, EXPIRED = "operator_unregistered", "certificate_expired"


@dataclass
class SweepResult:
    checked: int = 0
    alarms_opened: int = 0
    alarms_repeated: int = 0
    cases_started: int = 0


def sweep(now: datetime | None = None) -> SweepResult:
    """Check every active tower crane and hoist; open or count alarms; start their cases."""
    now = now or wallclock.now()
    today = wallclock.local_date(now)
    out = SweepResult()
    with transaction(SYSTEM):
        devices = list(db.session.scalars(select(Device).where(
            Device.active.is_(True), Device.device_type.in_(OPERATED_TYPES)).order_by(Device.id)))
        out.checked = len(devices)
        events = _events(devices, today, now)
        # record() counts the alarms it opens and repeats on `out`, as ingestion does on its result
        touched = alarm_records.record(Evaluation(events=events), {(e.device.id, e.data_id) for e in events},
                                       now, out)
    out.cases_started = alarm_cases.start_pending_cases(now)
    alarm_cases.refresh_summaries(touched)
    return out


def _events(devices: list[Device], today: date, now: datetime) -> list[AlarmEvent]:
    ids = [d.id for d in devices]
    operators: dict[int, list[DeviceOperator]] = {}
    for operator in db.session.scalars(select(DeviceOperator).where(DeviceOperator.device_id.in_(ids))):
        operators.setdefault(operator.device_id, []).append(operator)
    seen_today = {(a.device_id, a.alarm_type) for a in db.session.scalars(select(DeviceAlarm).where(
        DeviceAlarm.device_id.in_(ids), DeviceAlarm.status == "open",
        DeviceAlarm.alarm_type.in_((UNREGISTERED, EXPIRED)))) if wallclock.local_date(a.last_at) == today}
    events = []
    for device in devices:
        problem = _problem(operators.get(device.id, []), today)
        if problem is None or (device.id, problem[0]) in seen_today:
            continue
        alarm_type, message = problem
        events.append(AlarmEvent(device, alarm_type, "registry", "warning", None, None, None, message, now,
                                 f"compliance:{today.isoformat()}:{device.id}:{alarm_type}"))
    return events


def _problem(operators: list[DeviceOperator], today: date) -> tuple[str, str] | None:
    if not operators:
        return UNREGISTERED, "设备未登记特种作业人员（操作人员须持证上岗）。"
    if all(o.certificate_valid_until < today for o in operators):
        listed = "、".join(f"{o.name}（{o.certificate_valid_until.isoformat()}）" for o in operators)
        return EXPIRED, f"特种作业人员操作证书均已过期：{listed}。"
    return None

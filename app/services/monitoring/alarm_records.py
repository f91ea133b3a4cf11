"""Threshold evaluation of a batch of fresh readings and the DeviceAlarm rows it raises.

Rules: one open alarm per device and alarm type (a metric, or the type a device raised itself).
A new excursion opens an alarm (a disposal case is then started for it by device_alarm_cases);
repeats while it is open only update count, last value/time and the level (never downgraded).
A reading back under every threshold of a metric that is in excursion is stored with level
``clear`` and stamps ``cleared_at`` — it never closes the alarm or its case.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Device, DeviceAlarm, DeviceReading, ProcessInstance
from app.services.ingestion.payloads import Reading
from app.services.monitoring import thresholds
from app.services.monitoring.threshold_catalogue import ThresholdSet
from app.services.monitoring.threshold_rules import Excursion

SEVERITY = {"none": 0, "clear": 0, "warning": 1, "alarm": 2}
LIVE_CASE = ("running", "waiting", "error")


@dataclass(frozen=True)
class AlarmEvent:
    device: Device
    alarm_type: str
    source: str                 # threshold | device
    level: str
    value: float | None
    threshold: float | None
    unit: str | None
    message: str | None
    at: datetime
    data_id: str


@dataclass
class Evaluation:
    # (device id, data_id) → level, alarm type
    levels: dict[tuple[int, str], tuple[str, str | None]] = field(default_factory=dict)
    events: list[AlarmEvent] = field(default_factory=list)
    clears: list[tuple[int, str, datetime, str]] = field(default_factory=list)


def evaluate(fresh: list[tuple[Reading, Device]], now: datetime) -> Evaluation:
    """Levels of every fresh reading plus the alarm events and clearings they cause."""
    out = Evaluation()
    if not fresh:
        return out
    devices = {d.id: d for _, d in fresh}
    sets = thresholds.effective_sets(devices.values())
    in_excursion = _in_excursion(devices)
    history = _history(devices.values(), sets)
    for reading, device in sorted(fresh, key=lambda rd: (rd[1].id, rd[0].collected_at)):
        if reading.kind == "alarm":
            _device_alarm(out, reading, device)
            continue
        tset = sets[device.id]
        excursions = tset.evaluate(reading.metrics, history[device.id])
        _remember(history[device.id], reading.metrics, tset)
        _threshold_events(out, reading, device, tset, excursions, in_excursion[device.id])
    return out


def _device_alarm(out: Evaluation, reading: Reading, device: Device) -> None:
    value = next(iter(reading.metrics.values()), None)
    out.levels[(device.id, reading.data_id)] = (reading.level or "alarm", reading.alarm_type)
    out.events.append(AlarmEvent(device, reading.alarm_type or "device_alarm", "device",
                                 reading.level or "alarm", value, None, None, reading.message,
                                 reading.collected_at, reading.data_id))


def _threshold_events(out: Evaluation, reading: Reading, device: Device, tset: ThresholdSet,
                      excursions: list[Excursion], excursing: set[str]) -> None:
    level, alarm_type = "none", None
    for exc in excursions:
        limit = tset.limits[exc.metric]
        out.events.append(AlarmEvent(device, exc.metric, "threshold", exc.level, exc.value,
                                     exc.threshold, limit.unit, None, reading.collected_at,
                                     reading.data_id))
        excursing.add(exc.metric)
        if SEVERITY[exc.level] > SEVERITY[level]:
            level, alarm_type = exc.level, exc.metric
    hit = {e.metric for e in excursions}
    for metric in sorted(set(reading.metrics) & excursing - hit):
        excursing.discard(metric)
        out.clears.append((device.id, metric, reading.collected_at, reading.data_id))
        if level == "none":
            level, alarm_type = "clear", metric
    out.levels[(device.id, reading.data_id)] = (level, alarm_type)


def _in_excursion(devices: dict[int, Device]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for device_id, alarm_type in db.session.execute(select(DeviceAlarm.device_id, DeviceAlarm.alarm_type)
                                                    .where(DeviceAlarm.device_id.in_(devices),
                                                           DeviceAlarm.status == "open",
                                                           DeviceAlarm.source == "threshold",
                                                           DeviceAlarm.cleared_at.is_(None))):
        found[device_id].add(alarm_type)
    return found


def _history(devices: Iterable[Device], sets: dict[int, ThresholdSet]) -> dict[int, dict[str, list[float]]]:
    """Previous values (oldest first) of the metrics that have a rate rule, per device."""
    out: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for device in devices:
        needed = sets[device.id].history_needed()
        if not needed:
            continue
        rows = db.session.scalars(select(DeviceReading.metrics).where(
            DeviceReading.device_id == device.id, DeviceReading.kind == "data")
            .order_by(DeviceReading.collected_at.desc()).limit(max(needed.values()) * 4))
        for metrics in reversed(list(rows)):
            _remember(out[device.id], metrics or {}, sets[device.id])
    return out


def _remember(history: dict[str, list[float]], metrics: dict, tset: ThresholdSet) -> None:
    for metric, keep in tset.history_needed().items():
        if metric in metrics:
            history[metric] = [*history[metric], float(metrics[metric])][-max(keep, 1):]


def record(evaluation: Evaluation, stored: set[tuple[int, str]], now: datetime, result) -> set[int]:
    """Open or update DeviceAlarm rows for the events of the stored readings (``stored``: their
    (device id, data_id)s); stamp clearings. Counts on ``result`` (anything with
    ``alarms_opened`` and ``alarms_repeated``: ingestion's result, the compliance sweep's).

    Returns the ids of live cases whose alarm was repeated (their summaries need a refresh).
    """
    events = [e for e in evaluation.events if (e.device.id, e.data_id) in stored]
    clears = [c for c in evaluation.clears if (c[0], c[3]) in stored]
    if not events and not clears:
        return set()
    device_ids = {e.device.id for e in events} | {c[0] for c in clears}
    open_rows = _open_alarms(device_ids)
    touched: set[int] = set()
    for event in sorted(events, key=lambda e: e.at):
        key = (event.device.id, event.alarm_type)
        alarm = open_rows.get(key)
        if alarm is None:
            open_rows[key] = _open(event, now)
            result.alarms_opened += 1
            continue
        _repeat(alarm, event)
        result.alarms_repeated += 1
        if alarm.instance_id is not None:
            touched.add(alarm.instance_id)
    for device_id, metric, at, _data_id in clears:
        alarm = open_rows.get((device_id, metric))
        if alarm is not None and alarm.cleared_at is None and at >= alarm.last_at:
            alarm.cleared_at = at
    db.session.flush()
    return touched


def _open_alarms(device_ids: set[int]) -> dict[tuple[int, str], DeviceAlarm]:
    """Open alarms of these devices; an alarm whose case ended some other way (cancelled) is
    closed here so that the next excursion opens a new case."""
    rows = db.session.execute(select(DeviceAlarm, ProcessInstance.status)
                              .outerjoin(ProcessInstance, ProcessInstance.id == DeviceAlarm.instance_id)
                              .where(DeviceAlarm.device_id.in_(device_ids), DeviceAlarm.status == "open"))
    out = {}
    for alarm, case_status in rows:
        if alarm.instance_id is not None and case_status not in LIVE_CASE:
            alarm.status, alarm.open_key, alarm.closed_at = "closed", None, alarm.last_at
            alarm.outcome = alarm.outcome or f"case_{case_status}"
            continue
        out[(alarm.device_id, alarm.alarm_type)] = alarm
    db.session.flush()  # free the open_key before a new alarm of the same type takes it
    return out


def _open(event: AlarmEvent, now: datetime) -> DeviceAlarm:
    alarm = DeviceAlarm(
        device_id=event.device.id, project_id=event.device.project_id, alarm_type=event.alarm_type,
        source=event.source, level=event.level, status="open",
        open_key=f"{event.device.id}:{event.alarm_type}", threshold=event.threshold,
        unit=event.unit, message=(event.message or None), first_value=event.value,
        first_at=event.at, first_data_id=event.data_id, last_value=event.value, last_at=event.at,
        count=1, created_at=now)
    db.session.add(alarm)
    return alarm


def _repeat(alarm: DeviceAlarm, event: AlarmEvent) -> None:
    alarm.count += 1
    if event.at >= alarm.last_at:
        alarm.last_value, alarm.last_at, alarm.cleared_at = event.value, event.at, None
        if event.message:
            alarm.message = event.message[:1000]
    if SEVERITY[event.level] > SEVERITY[alarm.level]:
        alarm.level, alarm.threshold = event.level, event.threshold

"""Timer event definitions that read the caller's clock instead of `datetime.now()`.

SpiffWorkflow 3.2's timers call `datetime.now(timezone.utc)` directly, so a fake clock would mean
monkeypatching the library. These subclasses ask the workflow's script engine for `now` (set
per run by `runtime.py`) and are registered with both the parser and the serializer.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from .helpers import LOCAL_TZ


def engine_now(my_task: Any) -> datetime:
    now = getattr(my_task.workflow.script_engine, "now", None)
    return now if now is not None else datetime.now(UTC)


def to_utc(value: Any) -> datetime:
    """Timer values are evaluated by scripts: accept datetime, date or ISO text; naive = China time."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def duration_from(expression: str, start: datetime) -> timedelta:
    parsed = TimerEventDefinition.parse_iso_duration(expression)
    return TimerEventDefinition.get_timedelta_from_start(parsed, start)


def _record_fired(my_task: Any, due: str) -> None:
    events = getattr(my_task.workflow.script_engine, "events", None)
    if events is not None:
        events.append({"type": "timer_fired", "element_id": my_task.task_spec.bpmn_id,
                       "due_at": due})


def _fire_if_due(my_task: Any, due: datetime) -> bool:
    if not my_task._get_internal_data("event_fired", False) and due <= engine_now(my_task):
        my_task._set_internal_data(event_fired=True)
        _record_fired(my_task, due.isoformat())
    return my_task._get_internal_data("event_fired", False)


class ClockTimeDateTimer(TimeDateEventDefinition):
    """timeDate: the expression evaluates to a moment (datetime, date or ISO string)."""

    def has_fired(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            evaluated = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            event_value = to_utc(evaluated).isoformat()
            my_task._set_internal_data(event_value=event_value)
        return _fire_if_due(my_task, datetime.fromisoformat(event_value))


class ClockDurationTimer(DurationTimerEventDefinition):
    """timeDuration: the expression evaluates to an ISO duration, counted from when the timer armed."""

    def has_fired(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            now = engine_now(my_task)
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            event_value = (now + duration_from(expression, now)).isoformat()
            my_task._set_internal_data(event_value=event_value)
        return _fire_if_due(my_task, datetime.fromisoformat(event_value))


class ClockCycleTimer(CycleTimerEventDefinition):
    """timeCycle 'R<n>/<duration>' or 'R<n>/<start>/<duration>', stepped by the caller's clock."""

    def cycle_complete(self, my_task: Any) -> bool:
        now = engine_now(my_task)
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, start, duration = parse_cycle(expression, now)
            event_value = {"cycles": cycles, "next": start.isoformat(),
                           "duration": duration.total_seconds()}
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= now:
                _record_fired(my_task, event_value["next"])
                event_value["next"] = (next_event + timedelta(seconds=event_value["duration"])).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


def parse_cycle(expression: str, now: datetime) -> tuple[int, datetime, timedelta]:
    parts = expression.upper().strip().lstrip("R").split("/")
    cycles = int(parts[0]) if parts[0] else -1
    if len(parts) == 2:
        duration = duration_from(parts[1], now)
        return cycles, now + duration, duration
    if len(parts) == 3 and parts[1].startswith("P"):
        end = to_utc(parts[2])
        duration = duration_from(parts[1], end)
        return cycles, end - duration, duration
    if len(parts) == 3:
        start = to_utc(parts[1])
        return cycles, start, duration_from(parts[2], start)
    raise ValueError(f"invalid timer cycle {expression!r}")


def check_timer_value(kind: str, value: Any, now: datetime) -> None:
    """Raise ValueError unless `value` (an evaluated timer expression) is usable for `kind`."""
    if kind == "timeDuration":
        duration_from(str(value), now)
    elif kind == "timeCycle":
        parse_cycle(str(value), now)
    else:
        to_utc(value)


TIMER_CLASSES = {"timeDate": ClockTimeDateTimer, "timeDuration": ClockDurationTimer,
                 "timeCycle": ClockCycleTimer}

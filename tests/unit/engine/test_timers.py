"""Timer boundary events driven by the caller's clock (never the real one)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.engine import complete_task, fire_due_timers, start
from app.errors import ConflictError

from .conftest import compiled


@pytest.fixture
def spec():
    return compiled("deadline_timers").spec_json


def started(spec, host, clock):
    return start(spec, {"deadline_hours": 24, "alarm_id": "A-1"}, host=host, now=clock.now)


def test_due_date_comes_from_the_interrupting_timer(spec, host, clock):
    result = started(spec, host, clock)
    task = result.ready_user_tasks[0]
    assert task["element_id"] == "handle_alarm"
    assert task["due_at"] == clock.now + timedelta(hours=24)
    assert result.next_timer_due == clock.now + timedelta(hours=12)  # the reminder comes first


def test_nothing_fires_before_its_time(spec, host, clock):
    result = started(spec, host, clock)
    start_time = clock.now
    result = fire_due_timers(spec, result.state, host=host, now=clock.advance(hours=11, minutes=59))
    assert result.events == [] and host.calls == []
    assert result.next_timer_due == start_time + timedelta(hours=12)


def test_non_interrupting_timer_reminds_and_keeps_the_task(spec, host, clock):
    result = started(spec, host, clock)
    task_id = result.ready_user_tasks[0]["task_id"]
    result = fire_due_timers(spec, result.state, host=host, now=clock.advance(hours=12))
    assert [e["type"] for e in result.events] == ["timer_fired", "operator_called"]
    assert result.events[0]["element_id"] == "remind_timer"
    assert host.calls == [("notify", {"role": "contractor_pm", "text": "alarm A-1 is waiting"})]
    assert [t["task_id"] for t in result.ready_user_tasks] == [task_id]
    assert result.next_timer_due == clock.now + timedelta(hours=12)
    # The reminder fires once; completing in time ends the case.
    result = complete_task(spec, result.state, task_id, {"cause": "wind"}, host=host,
                           now=clock.advance(hours=1))
    assert result.status == "completed"
    assert result.completed_data["reminder"] == {"notified": "contractor_pm"}
    assert len(host.calls) == 1


def test_interrupting_timer_cancels_the_task_and_escalates(spec, host, clock):
    result = started(spec, host, clock)
    task_id = result.ready_user_tasks[0]["task_id"]
    late = fire_due_timers(spec, result.state, host=host, now=clock.advance(hours=30))
    fired = [e["element_id"] for e in late.events if e["type"] == "timer_fired"]
    # A late sweep fires overdue timers in due order: the reminder still runs first.
    assert fired == ["remind_timer", "deadline_passed"]
    assert host.calls == [("notify", {"role": "contractor_pm", "text": "alarm A-1 is waiting"})]
    escalation = late.ready_user_tasks[0]
    assert (escalation["element_id"], escalation["lane"]) == ("decide_overdue",
                                                              "district_safety_officer")
    assert late.next_timer_due is None
    # A late answer to the cancelled task is refused, also when the sweep has not run yet.
    with pytest.raises(ConflictError) as info:
        complete_task(spec, result.state, task_id, {"cause": "late"}, host=host, now=clock.now)
    assert info.value.code == "task_not_ready"

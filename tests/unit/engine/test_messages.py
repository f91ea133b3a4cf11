"""Message start event and intermediate message catch with correlation."""
from __future__ import annotations

import pytest

from app.engine import complete_task, deliver_message, start_by_message
from app.errors import ConflictError

from .conftest import compiled

ALARM = {"device_code": "TC-01", "alarm_type": "overload"}


@pytest.fixture
def process():
    return compiled("alarm_messages")


def test_message_start_creates_a_case_with_the_payload(process, host, clock):
    assert process.message_starts == ["device_alarm"]
    result = start_by_message(process.spec_json, "device_alarm", ALARM, {"value": 12.5},
                              host=host, now=clock.now)
    task = result.ready_user_tasks[0]
    assert task["element_id"] == "record_disposal"
    assert task["data"]["alarm"] == {**ALARM, "value": 12.5}
    assert {"type": "message_caught", "name": "device_alarm", "element_id": "alarm_start",
            "correlation": ALARM} in result.events


def test_intermediate_catch_is_correlated(process, host, clock):
    result = start_by_message(process.spec_json, "device_alarm", ALARM, {"value": 12.5},
                              host=host, now=clock.now)
    result = complete_task(process.spec_json, result.state, result.ready_user_tasks[0]["task_id"],
                           {"cause": "wind"}, host=host, now=clock.now)
    assert result.status == "waiting"
    assert result.message_subscriptions == [
        {"name": "alarm_cleared", "element_id": "wait_cleared", "correlation": ALARM}]

    other_device = {**ALARM, "device_code": "TC-02"}
    with pytest.raises(ConflictError) as info:
        deliver_message(process.spec_json, result.state, "alarm_cleared", other_device, {},
                        host=host, now=clock.now)
    assert info.value.code == "message_not_expected"
    with pytest.raises(ConflictError):
        deliver_message(process.spec_json, result.state, "device_alarm", ALARM, {},
                        host=host, now=clock.now)

    done = deliver_message(process.spec_json, result.state, "alarm_cleared", ALARM,
                           {"cleared_by": "sensor"}, host=host, now=clock.now)
    assert done.status == "completed"
    assert done.completed_data["cleared"] == {**ALARM, "cleared_by": "sensor"}

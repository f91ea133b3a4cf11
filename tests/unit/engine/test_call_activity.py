"""A call activity across two files: one spec_json carries both processes."""
from __future__ import annotations

import json
from datetime import date

from app.engine import complete_task, start

from .conftest import compiled


def test_call_activity_runs_the_called_process_and_returns(clock, host):
    process = compiled("call_parent", "call_child.bpmn")
    assert process.called_processes == ["call_child"]
    assert set(json.loads(process.spec_json)["subprocess_specs"]) == {"call_child"}
    assert {(t["process_id"], t["element_id"]) for t in process.user_tasks} == {
        ("call_parent", "close_case"), ("call_child", "reply")}

    result = start(process.spec_json, {"order_no": "ZG-2024-001"}, host=host, now=clock.now)
    reply = result.ready_user_tasks[0]
    assert (reply["process_id"], reply["element_id"], reply["lane"]) == \
        ("call_child", "reply", "contractor_pm")
    assert reply["data"] == {"order_no": "ZG-2024-001"}

    result = complete_task(process.spec_json, result.state, reply["task_id"],
                           {"measures": "guard rails fixed"}, host=host, now=clock.now)
    close = result.ready_user_tasks[0]
    assert (close["process_id"], close["lane"]) == ("call_parent", "district_safety_officer")
    # Data written in the called process (with the run's clock) came back to the caller.
    assert close["data"]["measures"] == "guard rails fixed"
    assert close["data"]["replied_on"] == date(2024, 3, 1)
    assert close["data"]["reply_deadline"] == date(2024, 3, 8)

    result = complete_task(process.spec_json, result.state, close["task_id"], {"closed": True},
                           host=host, now=clock.now)
    assert result.status == "completed" and result.completed_data["closed"] is True

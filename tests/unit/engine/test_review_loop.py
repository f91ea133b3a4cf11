"""Exclusive gateway with a return loop (walked twice), inbox metadata and a service operator."""
from __future__ import annotations

from datetime import timedelta

from app.engine import complete_task, start

from .conftest import compiled


def only_task(result, element_id):
    assert [t["element_id"] for t in result.ready_user_tasks] == [element_id]
    return result.ready_user_tasks[0]


def test_return_loop_twice_then_pass(clock, host):
    spec = compiled("review_loop").spec_json
    result = start(spec, {"work_id": 7, "compile_days": 3, "history": None}, host=host, now=clock.now)
    assert result.status == "running"
    sizes = []
    for round_no, decision in enumerate(["return", "return", "pass"], start=1):
        compile_task = only_task(result, "compile_plan")
        result = complete_task(spec, result.state, compile_task["task_id"],
                               {"plan_name": f"v{round_no}"}, host=host, now=clock.now)
        review = only_task(result, "review_plan")
        assert review["data"]["rounds"] == round_no
        sizes.append(result.task_count)
        result = complete_task(spec, result.state, review["task_id"], {"decision": decision},
                               host=host, now=clock.now)
    assert result.status == "completed"
    assert result.completed_data["history"] == ["v1", "v2", "v3"]
    assert result.completed_data["work_status"] == "plan_approved"
    assert result.ready_user_tasks == [] and result.message_subscriptions == []
    # Trap confirmed: the task tree grows with every loop round.
    assert sizes[0] < sizes[1] < sizes[2]


def test_inbox_rows_carry_lane_form_priority_and_due_date(clock, host):
    spec = compiled("review_loop").spec_json
    result = start(spec, {"work_id": 1, "compile_days": 3, "history": None}, host=host, now=clock.now)
    task = only_task(result, "compile_plan")
    assert task["lane"] == "contractor_pm"
    assert task["title"] == "Compile the special plan"
    assert task["form"] == "plan_compile.json" and task["ui_form"] == "plan_compile.ui.json"
    # dueIn = iso_duration(days=compile_days), counted from when the task became ready.
    assert task["due_at"] == clock.now + timedelta(days=3)
    assert task["data"]["work_id"] == 1 and task["multi_instance"] is None

    clock.advance(hours=5)
    result = complete_task(spec, result.state, task["task_id"], {"plan_name": "v1"},
                           host=host, now=clock.now)
    review = only_task(result, "review_plan")
    assert review["lane"] == "chief_supervisor" and review["priority"] == "high"
    assert review["form"] == "plan_review.json" and review["due_at"] is None
    assert review["ready_at"] == clock.now
    assert [e["type"] for e in result.events] == ["task_completed"]


def test_operator_receives_evaluated_params_and_result_is_merged(clock, host):
    spec = compiled("review_loop").spec_json
    result = start(spec, {"work_id": 42, "compile_days": 1, "history": None}, host=host, now=clock.now)
    result = complete_task(spec, result.state, only_task(result, "compile_plan")["task_id"],
                           {"plan_name": "v1"}, host=host, now=clock.now)
    result = complete_task(spec, result.state, only_task(result, "review_plan")["task_id"],
                           {"decision": "pass"}, host=host, now=clock.now)
    assert host.calls == [("set_work_status", {"status": "plan_approved", "work_id": 42, "rounds": 1})]
    operator_events = [e for e in result.events if e["type"] == "operator_called"]
    assert operator_events == [{"type": "operator_called", "element_id": "set_status",
                                "operator": "set_work_status",
                                "params": {"status": "plan_approved", "work_id": 42, "rounds": 1},
                                "result": {"work_status": "plan_approved"}}]
    assert result.completed_data["work_status"] == "plan_approved"

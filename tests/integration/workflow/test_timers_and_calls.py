"""Boundary timers driven by the controllable clock, call activities, error boundaries."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import ConflictError
from app.extensions import db
from app.models import InboxTask, OutboxMessage, ProcessInstance
from app.services.workflow import cases
from app.services.workflow.timers import fire_due_timers
from tests.support.factories import gen_district, gen_project, gen_user

from .conftest import T0, as_actor, open_rows


@pytest.fixture
def alarm_case(app, deploy):
    deploy("deadline_timers.bpmn")
    district = gen_district()
    project = gen_project(district)
    pm = as_actor(gen_user("contractor_pm", project=project))
    official = as_actor(gen_user("district_safety_officer", org_unit=district))
    instance_id = cases.start_case(pm, "deadline_timers", project_code=project.code,
                                   data={"deadline_hours": 24, "alarm_id": "A-1"})
    return {"pm": pm, "official": official, "id": instance_id, "district": district}


def test_reminder_then_deadline_moves_the_task_to_the_official(alarm_case, clock):
    instance = db.session.get(ProcessInstance, alarm_case["id"])
    assert instance.next_timer_due == T0 + timedelta(hours=12)
    [handle] = open_rows(alarm_case["id"])
    assert handle.due_at == T0 + timedelta(hours=24)  # the interrupting deadline
    assert fire_due_timers() == 0

    clock.advance(hours=12, minutes=1)
    assert fire_due_timers() == 1
    assert [r.id for r in open_rows(alarm_case["id"])] == [handle.id]  # non-interrupting
    assert db.session.scalar(select(OutboxMessage.task_name).where(  # new tasks are announced too
        OutboxMessage.task_name != "notifications.task_ready")) == "notifications.send"
    db.session.expire_all()
    assert db.session.get(ProcessInstance, alarm_case["id"]).next_timer_due == T0 + timedelta(hours=24)

    clock.advance(hours=12)
    assert fire_due_timers() == 1
    assert db.session.get(InboxTask, handle.id).status == "cancelled"
    [decide] = open_rows(alarm_case["id"])
    assert (decide.task_name, decide.role) == ("decide_overdue", "district_safety_officer")
    assert decide.district_path == alarm_case["district"].path
    with pytest.raises(ConflictError) as info:
        cases.complete_task(alarm_case["pm"], handle.id, {})
    assert info.value.code == "task_not_open"
    assert cases.complete_task(alarm_case["official"], decide.id, {}).status == "completed"
    kinds = [e["kind"] for e in cases.case_history(alarm_case["official"], alarm_case["id"])]
    assert kinds.count("timer_fired") == 2


def test_overdue_task_is_not_ready_even_before_the_sweep(alarm_case, clock):
    [handle] = open_rows(alarm_case["id"])
    clock.advance(hours=25)
    with pytest.raises(ConflictError) as info:
        cases.complete_task(alarm_case["pm"], handle.id, {})
    assert info.value.code == "task_not_ready"
    assert fire_due_timers() == 1
    assert [r.task_name for r in open_rows(alarm_case["id"])] == ["decide_overdue"]


def test_handled_in_time_ends_the_case_and_its_timers(alarm_case, clock):
    [handle] = open_rows(alarm_case["id"])
    clock.advance(hours=2)
    assert cases.complete_task(alarm_case["pm"], handle.id, {}).status == "completed"
    assert db.session.get(ProcessInstance, alarm_case["id"]).next_timer_due is None
    clock.advance(days=3)
    assert fire_due_timers() == 0


def test_call_activity_runs_the_child_in_the_parents_inbox(app, deploy):
    deploy("call_parent.bpmn", "call_child.bpmn")
    district = gen_district()
    project = gen_project(district)
    pm = as_actor(gen_user("contractor_pm", project=project))
    official = as_actor(gen_user("district_safety_officer", org_unit=district))
    instance_id = cases.start_case(official, "call_parent", project_code=project.code)
    [reply] = open_rows(instance_id)
    assert (reply.task_name, reply.role, reply.process_key) == ("reply", "contractor_pm", "call_parent")
    cases.complete_task(pm, reply.id, {})
    [close] = open_rows(instance_id)
    assert close.task_name == "close_case"
    assert cases.complete_task(official, close.id, {}).status == "completed"
    assert db.session.get(ProcessInstance, instance_id).data_summary["result"]["replied_on"]


@pytest.mark.parametrize("work_status, expected", [("terminated", []), ("in_progress", ["inspect"])])
def test_error_boundary(app, deploy, work_status, expected):
    deploy("error_boundary.bpmn")
    district = gen_district()
    project = gen_project(district)
    official = as_actor(gen_user("district_safety_officer", org_unit=district))
    instance_id = cases.start_case(official, "error_boundary", project_code=project.code,
                                   data={"work_status": work_status})
    assert [r.task_name for r in open_rows(instance_id)] == expected
    view = cases.get_case(official, instance_id)
    if expected:
        assert view.status == "running"
    else:
        assert view.status == "completed" and view.data_summary["result"]["refusal"] == "work_terminated"

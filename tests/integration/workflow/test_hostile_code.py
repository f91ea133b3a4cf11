"""Hostile designer code and failing operators end as incidents of their case, never as a
stopped process: a use case answers CaseFailedError, the timer sweep goes on, deploy refuses."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Incident, OutboxMessage, ProcessDefinition, ProcessInstance
from app.services.definitions.deployments import BundleInvalidError
from app.services.workflow import cases, incidents
from app.services.workflow.incidents import CaseFailedError
from app.services.workflow.timers import fire_due_timers
from tests.support.factories import gen_district, gen_project, gen_user
from tests.unit.engine.hostile_corpus import CORPUS, hostile_bundle, placed

from .conftest import as_actor, open_rows

HOSTILE = {entry.id: entry for entry in CORPUS}


@pytest.fixture
def people(app):
    district = gen_district()
    project = gen_project(district)
    return {"project": project, "pm": as_actor(gen_user("contractor_pm", project=project)),
            "official": as_actor(gen_user("district_safety_officer", org_unit=district))}


@pytest.mark.parametrize(("entry", "code"), [
    ("power_tower", "script_unsafe"), ("doubling_extend", "script_unsafe"),
    ("endless_loop", "time_budget_exceeded"), ("own_error_with_nul", "script_error")])
def test_a_hostile_script_becomes_an_incident_of_its_case(people, deploy, entry, code):
    deploy(files=hostile_bundle("script", placed(HOSTILE[entry], "script")))
    instance_id = cases.start_case(people["pm"], "hostile_probe",
                                   project_code=people["project"].code)
    state = db.session.get(ProcessInstance, instance_id).state
    with pytest.raises(CaseFailedError) as info:
        cases.complete_task(people["pm"], open_rows(instance_id)[0].id, {})
    assert (info.value.code, info.value.engine_code, info.value.element_id) == \
        ("case_error", code, "probe_script")
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance_id)
    assert (instance.status, instance.state) == ("error", state)
    incident = db.session.get(Incident, info.value.incident_id)
    assert (incident.code, incident.status, incident.action["action"]) == (code, "open", "complete")


def test_deploy_refuses_a_timer_expression_that_would_hold_the_server(app, deploy):
    with pytest.raises(BundleInvalidError) as info:
        deploy(files=hostile_bundle("timer", HOSTILE["endless_generator"].source))
    [problem] = info.value.problems
    assert (problem.element_id, problem.code) == ("timer_probe", "timer_invalid")
    assert "time_budget_exceeded" in problem.message
    assert db.session.scalar(select(ProcessDefinition.id).where(
        ProcessDefinition.key == "hostile_probe")) is None


def _alarm_cases(people, count: int) -> list[int]:
    return [cases.start_case(people["pm"], "deadline_timers", project_code=people["project"].code,
                             data={"deadline_hours": 24, "alarm_id": f"A-{n}"})
            for n in range(count)]


def test_a_step_that_fails_outside_the_engine_becomes_an_incident_and_leaves_the_sweep(
        people, deploy, operators, clock):
    """The database refuses what the operator wrote (NOT NULL): before, the error left the sweep,
    and the same instance, due first, failed every sweep and blocked the ones after it."""
    deploy("deadline_timers.bpmn")
    broken = {"on": True}

    def notify(ctx, params, data):
        task = None if broken["on"] and data["alarm_id"] == "A-0" else "notifications.send"
        db.session.add(OutboxMessage(task_name=task, payload={"role": params["role"]}))

    operators["register"]("notify", notify)
    failing, healthy = _alarm_cases(people, 2)
    clock.advance(hours=13)
    assert fire_due_timers() == 2
    [incident] = incidents.list_incidents(people["official"]).items
    assert (incident["instance_id"], incident["code"], incident["action"]) == \
        (failing, "step_failed", "timers")
    assert [r.task_name for r in open_rows(healthy)] == ["handle_alarm"]
    assert db.session.get(ProcessInstance, failing).status == "error"
    assert fire_due_timers() == 0  # out of the sweep until retried

    broken["on"] = False
    assert incidents.retry_incident(people["official"], incident["id"]).status == "running"
    assert len(db.session.scalars(select(OutboxMessage).where(  # not the new-task announcements
        OutboxMessage.task_name.is_distinct_from("notifications.task_ready"))).all()) == 2


def test_an_operator_raising_a_base_exception_in_the_sweep_becomes_an_incident(
        people, deploy, operators, clock):
    deploy("deadline_timers.bpmn")

    def notify(ctx, params, data):
        raise asyncio.CancelledError("SMS gateway call cancelled")

    operators["register"]("notify", notify)
    _alarm_cases(people, 2)
    clock.advance(hours=13)
    assert fire_due_timers() == 2
    found = incidents.list_incidents(people["official"]).items
    assert [(i["code"], i["action"]) for i in found] == [("operator_failed", "timers")] * 2
    assert "CancelledError" in found[0]["message"]
    assert fire_due_timers() == 0

"""The audit entry of a case step is written by the step itself: one row per start or
completion (the instance's changed columns, the inbox rows closed and opened), and the flush
listener adds no per-object rows for the instance and its inbox rows; other writers keep it."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog
from app.services.workflow import cases
from tests.support.factories import gen_project, gen_user

from .conftest import as_actor, gen_work, open_rows


def entries(instance_id: int) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(
        (AuditLog.entity_type.in_(("process_instance", "inbox_task"))) | (AuditLog.action.like("case_%")))
        .order_by(AuditLog.id)))


def test_start_and_completion_write_one_entry_each(app, deploy):
    deploy("review_loop.bpmn")
    project = gen_project()
    pm = gen_user("contractor_pm", project=project)
    actor = as_actor(pm)
    instance_id = cases.start_case(actor, "review_loop", project_code=project.code,
                                   data={"work_id": gen_work(project).id, "compile_days": 2, "history": None})
    [start] = entries(instance_id)
    assert (start.action, start.entity_id, start.username, start.ip) == \
        ("case_start", str(instance_id), pm.username, actor.ip)
    assert start.before is None and start.after["status"] in ("running", "waiting")
    [first] = open_rows(instance_id)
    assert [o["id"] for o in start.after["opened"]] == [first.id]
    assert "state" not in start.after

    cases.complete_task(actor, first.id, {"plan_name": "v1"})
    [_, step] = entries(instance_id)
    [second] = open_rows(instance_id)
    assert (step.action, step.entity_type, step.entity_id) == ("case_complete", "process_instance", str(instance_id))
    assert step.after["inbox"][str(first.id)]["status"] == "completed"
    assert step.after["inbox"][str(first.id)]["completed_by_id"] == pm.id
    assert [(o["id"], o["task_name"]) for o in step.after["opened"]] == [(second.id, second.task_name)]
    assert set(step.before) == set(step.after) - {"inbox", "opened"}  # changed columns only
    assert "lock_version" in step.before


def test_other_writers_keep_the_listener(app, deploy):
    deploy("review_loop.bpmn")
    project = gen_project()
    pm, chief = gen_user("contractor_pm", project=project), gen_user("chief_supervisor", project=project)
    instance_id = cases.start_case(as_actor(pm), "review_loop", project_code=project.code,
                                   data={"work_id": gen_work(project).id, "compile_days": 2, "history": None})
    cases.complete_task(as_actor(pm), open_rows(instance_id)[0].id, {"plan_name": "v1"})
    [row] = open_rows(instance_id)
    cases.claim_task(as_actor(chief), row.id)
    cases.unclaim_task(as_actor(chief), row.id)
    unclaim = entries(instance_id)[-1]
    assert (unclaim.action, unclaim.entity_type, unclaim.entity_id) == ("update", "inbox_task", str(row.id))
    assert (unclaim.before["assignee_id"], unclaim.after["assignee_id"]) == (chief.id, None)
    claim = entries(instance_id)[-2]
    assert (claim.action, claim.entity_type, claim.entity_id, claim.username) == \
        ("update", "inbox_task", str(row.id), chief.username)
    assert (claim.before["assignee_id"], claim.after["assignee_id"]) == (None, chief.id)


def test_a_claim_is_audited_once(app, deploy):
    """The claim is a Core UPDATE the flush listener never sees: it writes its own entry, and a
    holder claiming again changes nothing and writes none."""
    deploy("review_loop.bpmn")
    project = gen_project()
    pm, chief = gen_user("contractor_pm", project=project), gen_user("chief_supervisor", project=project)
    instance_id = cases.start_case(as_actor(pm), "review_loop", project_code=project.code,
                                   data={"work_id": gen_work(project).id, "compile_days": 2, "history": None})
    cases.complete_task(as_actor(pm), open_rows(instance_id)[0].id, {"plan_name": "v1"})
    [row] = open_rows(instance_id)
    cases.claim_task(as_actor(chief), row.id)
    cases.claim_task(as_actor(chief), row.id)
    claims = [e for e in entries(instance_id) if e.entity_type == "inbox_task"]
    assert [(e.before, e.after["assignee_id"]) for e in claims] == [({"assignee_id": None}, chief.id)]
    assert claims[0].after["claimed_at"]

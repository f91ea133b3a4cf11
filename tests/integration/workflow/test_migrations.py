"""Running cases move to a newer version when the target has every task they are at.

review_loop v1 → v2: v2 adds a script step after the waiting `compile_plan` and renames the task
(allowed: the case keeps its inbox row, which takes v2's title, and takes the new step when it
moves on); v3 drops `compile_plan` (refused with the task in words, nothing changes).
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import AuditLog, InstanceEvent, ProcessInstance
from app.services.designer import case_migrations as migrations
from app.services.workflow import cases
from tests.support.factories import gen_project, gen_user

from .conftest import FIXTURES, as_actor, gen_work, open_rows

V1 = (FIXTURES / "review_loop.bpmn").read_text()
STAMP = ('<bpmn:scriptTask id="stamp" name="Stamp"><bpmn:incoming>f3</bpmn:incoming>'
         '<bpmn:outgoing>f3b</bpmn:outgoing><bpmn:script>stamped = True</bpmn:script></bpmn:scriptTask>'
         '<bpmn:sequenceFlow id="f3b" sourceRef="stamp" targetRef="count_round"/>')


def v2_added_step() -> str:
    """A script step after compile_plan, and compile_plan renamed."""
    text = V1.replace('<bpmn:sequenceFlow id="f3" sourceRef="compile_plan" targetRef="count_round"/>',
                      '<bpmn:sequenceFlow id="f3" sourceRef="compile_plan" targetRef="stamp"/>' + STAMP)
    text = text.replace('<bpmn:flowNodeRef>count_round</bpmn:flowNodeRef>',
                        '<bpmn:flowNodeRef>count_round</bpmn:flowNodeRef><bpmn:flowNodeRef>stamp</bpmn:flowNodeRef>')
    return text.replace('name="Compile the special plan"', 'name="Compile the plan (v2)"')


def v3_without_compile() -> str:
    """compile_plan replaced by a task of another id."""
    return V1.replace('"compile_plan"', '"draft_plan"').replace(">compile_plan<", ">draft_plan<")


@pytest.fixture
def setup(app, deploy):
    deploy("review_loop.bpmn")
    project = gen_project()
    pm = as_actor(gen_user("contractor_pm", project=project))
    designer = as_actor(gen_user("process_designer"))
    data = {"work_id": gen_work(project).id, "compile_days": 2, "history": None}
    first = cases.start_case(pm, "review_loop", project_code=project.code, data=data)
    second = cases.start_case(pm, "review_loop", project_code=project.code, data=data)
    return {"pm": pm, "designer": designer, "cases": (first, second), "project": project}


def test_a_case_moves_to_a_version_with_a_step_added_after_its_task(setup, deploy):
    pm, designer, (case, other) = setup["pm"], setup["designer"], setup["cases"]
    [row_before] = open_rows(case)
    deploy(files={"review_loop.bpmn": v2_added_step().encode()})

    result = migrations.migrate_case(designer, case, 2)

    assert (result.to_version, result.migrated) == (2, [case])
    instance = db.session.get(ProcessInstance, case)
    assert instance.definition.version == 2
    assert db.session.get(ProcessInstance, other).definition.version == 1  # one case only
    [row] = open_rows(case)
    assert (row.id, row.spiff_task_id, row.title) == (row_before.id, row_before.spiff_task_id, "Compile the plan (v2)")
    event = db.session.scalar(select(InstanceEvent).where(InstanceEvent.instance_id == case,
                                                          InstanceEvent.kind == "migrated"))
    assert (event.title, event.username, event.data) == ("v1 → v2", designer.username,
                                                         {"from_version": 1, "to_version": 2})
    audit = db.session.scalars(select(AuditLog).where(AuditLog.entity_type == "process_instance",
                                                      AuditLog.entity_id == str(case))).all()
    assert any(a.before and a.after and a.before["definition_id"] != a.after["definition_id"]
               and a.username == designer.username for a in audit)

    cases.complete_task(pm, row.id, {"plan_name": "p"})  # the added step runs on the way on
    assert open_rows(case)[0].task_name == "review_plan"
    assert '"stamped": true' in db.session.get(ProcessInstance, case).state


def test_a_case_whose_waiting_task_was_removed_is_refused_with_the_task_in_words(setup, deploy):
    designer, (case, _) = setup["designer"], setup["cases"]
    deploy(files={"review_loop.bpmn": v3_without_compile().encode()})
    state_before = db.session.get(ProcessInstance, case).state

    with pytest.raises(migrations.MigrationBlockedError) as info:
        migrations.migrate_case(designer, case, 2)

    assert info.value.code == "migration_blocked"
    assert info.value.fields == {str(case): ["Compile the special plan（当前步骤）"]}
    assert "Compile the special plan" in info.value.message
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, case)
    assert (instance.definition.version, instance.state) == (1, state_before)
    assert open_rows(case)[0].title == "Compile the special plan"
    assert db.session.scalar(select(InstanceEvent).where(InstanceEvent.kind == "migrated")) is None


def test_all_cases_of_a_version_move_together_or_not_at_all(setup, deploy):
    designer, pm, cases_ = setup["designer"], setup["pm"], setup["cases"]
    deploy(files={"review_loop.bpmn": v2_added_step().encode()})
    deploy(files={"review_loop.bpmn": v3_without_compile().encode()})
    # The second case has moved on to review_plan: v3 lacks only a step it took, still blocking.
    cases.complete_task(pm, open_rows(cases_[1])[0].id, {"plan_name": "p"})

    with pytest.raises(migrations.MigrationBlockedError) as info:
        migrations.migrate_version(designer, "review_loop", 1, 3)
    assert info.value.fields == {str(cases_[0]): ["Compile the special plan（当前步骤）"],
                                 str(cases_[1]): ["Compile the special plan（已办步骤）"]}
    db.session.expire_all()
    assert {db.session.get(ProcessInstance, c).definition.version for c in cases_} == {1}

    result = migrations.migrate_version(designer, "review_loop", 1, 2)
    assert sorted(result.migrated) == sorted(cases_)
    assert {db.session.get(ProcessInstance, c).definition.version for c in cases_} == {2}
    preview = migrations.migration_preview(designer, "review_loop")
    assert (preview.to_version, preview.versions) == (3, [3, 2, 1])
    assert {c.instance_id for c in preview.by_version()[2]} == set(cases_)
    assert all(c.blockers for c in preview.cases)


def test_only_designers_migrate_and_only_forward(setup, deploy):
    pm, designer, (case, _) = setup["pm"], setup["designer"], setup["cases"]
    deploy(files={"review_loop.bpmn": v2_added_step().encode()})
    with pytest.raises(PermissionDeniedError):
        migrations.migrate_case(pm, case, 2)
    with pytest.raises(PermissionDeniedError):
        migrations.migrate_version(pm, "review_loop", 1, 2)
    with pytest.raises(ValidationError) as info:
        migrations.migrate_case(designer, case, 1)
    assert info.value.code == "migration_target_not_newer"
    assert db.session.get(ProcessInstance, case).definition.version == 1


def test_the_api_checks_refuses_in_words_and_moves(setup, deploy, api):
    from tests.support.factories import PASSWORD
    pm, designer, (case, other) = setup["pm"], setup["designer"], setup["cases"]
    deploy(files={"review_loop.bpmn": v3_without_compile().encode()})
    deploy(files={"review_loop.bpmn": v2_added_step().encode()})  # v3: has compile_plan again
    api.token(designer.username, PASSWORD)
    api.token(pm.username, PASSWORD)

    r = api.get("/api/v1/designer/processes/review_loop/migrations?to_version=2", designer.username)
    assert r.status_code == 200 and r.get_json()["meta"] == {"to_version": 2}
    assert {c["instance_id"]: [b["name"] for b in c["blockers"]] for c in r.get_json()["data"]} == {
        case: ["Compile the special plan"], other: ["Compile the special plan"]}
    r = api.post("/api/v1/designer/processes/review_loop/migrations", designer.username,
                 json={"from_version": 1, "to_version": 2})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "migration_blocked")
    assert r.get_json()["error"]["fields"][str(case)] == ["Compile the special plan（当前步骤）"]

    r = api.post(f"/api/v1/designer/cases/{case}/migration", pm.username, json={"to_version": 3})
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "role_required")
    r = api.post(f"/api/v1/designer/cases/{case}/migration", designer.username, json={"to_version": "x"})
    assert r.status_code == 422
    r = api.post(f"/api/v1/designer/cases/{case}/migration", designer.username, json={"to_version": 9})
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "process_version_not_found")
    r = api.post(f"/api/v1/designer/cases/{case}/migration", designer.username, json={"to_version": 3})
    assert r.status_code == 200 and r.get_json()["data"] == {"key": "review_loop", "to_version": 3, "migrated": [case]}
    assert open_rows(case)[0].title == "Compile the plan (v2)"

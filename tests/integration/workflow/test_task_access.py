"""Claim, unclaim, assign, cancel: who may do what with an inbox task or a case."""
from __future__ import annotations

import pytest

from app.errors import ConflictError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import InboxTask, ProcessInstance
from app.services.workflow import cases
from app.services.workflow.case_steps import is_candidate
from tests.support.factories import gen_district, gen_project, gen_user

from .conftest import as_actor, gen_work, open_rows


@pytest.fixture
def review(app, deploy):
    """A review_loop case waiting for the chief supervisors' review."""
    deploy("review_loop.bpmn")
    district = gen_district()
    project = gen_project(district)
    people = {"pm": gen_user("contractor_pm", project=project),
              "chief_a": gen_user("chief_supervisor", project=project),
              "chief_b": gen_user("chief_supervisor", project=project),
              "official": gen_user("district_safety_officer", org_unit=district),
              "far_official": gen_user("district_safety_officer", org_unit=gen_district())}
    work = gen_work(project)
    instance_id = cases.start_case(as_actor(people["pm"]), "review_loop", project_code=project.code,
                                   data={"work_id": work.id, "compile_days": 2, "history": None})
    cases.complete_task(as_actor(people["pm"]), open_rows(instance_id)[0].id, {"plan_name": "v1"})
    [row] = open_rows(instance_id)
    return {**people, "instance_id": instance_id, "row_id": row.id}


def code_of(call) -> str:
    with pytest.raises((ConflictError, PermissionDeniedError, ValidationError)) as info:
        call()
    return info.value.code


def test_claimed_task_is_refused_to_the_other_candidate(review):
    a, b = as_actor(review["chief_a"]), as_actor(review["chief_b"])
    cases.claim_task(a, review["row_id"])
    cases.claim_task(a, review["row_id"])  # idempotent for the holder
    assert code_of(lambda: cases.claim_task(b, review["row_id"])) == "task_claimed_by_other"
    assert code_of(lambda: cases.complete_task(b, review["row_id"], {"decision": "pass"})) == \
        "task_claimed_by_other"
    assert code_of(lambda: cases.unclaim_task(b, review["row_id"])) == "task_not_holder"
    cases.unclaim_task(a, review["row_id"])
    cases.claim_task(b, review["row_id"])
    assert cases.complete_task(b, review["row_id"], {"decision": "pass"}).status == "completed"
    row = db.session.get(InboxTask, review["row_id"])
    assert (row.status, row.completed_by_id) == ("completed", review["chief_b"].id)
    assert code_of(lambda: cases.complete_task(b, review["row_id"], {"decision": "pass"})) == "task_not_open"


def test_official_assigns_only_to_a_candidate(review):
    official = as_actor(review["official"])
    assert code_of(lambda: cases.assign_task(official, review["row_id"], review["pm"].id)) == \
        "assignee_not_candidate"
    assert code_of(lambda: cases.assign_task(as_actor(review["chief_a"]), review["row_id"],
                                             review["chief_b"].id)) == "task_assign_denied"
    cases.assign_task(official, review["row_id"], review["chief_b"].id)
    assert db.session.get(InboxTask, review["row_id"]).assignee_id == review["chief_b"].id
    assert code_of(lambda: cases.complete_task(as_actor(review["chief_a"]), review["row_id"],
                                               {"decision": "pass"})) == "task_claimed_by_other"
    kinds = [e["kind"] for e in cases.case_history(official, review["instance_id"])]
    assert "task_assigned" in kinds


def test_candidate_rule(review):
    row = db.session.get(InboxTask, review["row_id"])
    assert is_candidate(as_actor(review["chief_a"]), row)
    assert not is_candidate(as_actor(review["pm"]), row)
    assert not is_candidate(as_actor(review["official"]), row)  # authority role != enterprise lane
    row.candidate_user_id = review["pm"].id  # a seat bound to one user is his alone
    assert is_candidate(as_actor(review["pm"]), row)
    assert not is_candidate(as_actor(review["chief_a"]), row)
    row.assignee_id = review["chief_b"].id
    assert is_candidate(as_actor(review["chief_b"]), row)
    assert not is_candidate(as_actor(review["chief_b"]), row, ignore_assignee=True)
    db.session.rollback()


def test_cancel_needs_an_official_in_jurisdiction(review):
    from app.errors import NotFoundError
    assert code_of(lambda: cases.cancel_case(as_actor(review["pm"]), review["instance_id"], "不需要")) == \
        "case_cancel_denied"
    with pytest.raises(NotFoundError):
        cases.cancel_case(as_actor(review["far_official"]), review["instance_id"], "不需要")
    with pytest.raises(ValidationError):
        cases.cancel_case(as_actor(review["official"]), review["instance_id"], " ")
    cases.cancel_case(as_actor(review["official"]), review["instance_id"], "项目停工")
    instance = db.session.get(ProcessInstance, review["instance_id"])
    assert instance.status == "cancelled" and instance.ended_at is not None
    assert open_rows(review["instance_id"]) == []
    assert db.session.get(InboxTask, review["row_id"]).status == "cancelled"
    assert code_of(lambda: cases.cancel_case(as_actor(review["official"]), review["instance_id"], "再撤")) == \
        "case_not_active"


@pytest.mark.parametrize("role", ["auditor", "process_designer"])
def test_read_only_and_designer_roles_see_but_do_not_act_on_cases(review, role):
    """The auditor reads and the designer shapes chains: in their jurisdiction they see the case
    but may not cancel it, hand its task to somebody or take a claim back."""
    from app.models import OrgUnit, Project
    project = db.session.get(Project, db.session.get(ProcessInstance, review["instance_id"]).project_id)
    onlooker = as_actor(gen_user(role, org_unit=db.session.get(OrgUnit, project.district_id)))
    assert cases.get_case(onlooker, review["instance_id"]).id == review["instance_id"]
    assert code_of(lambda: cases.cancel_case(onlooker, review["instance_id"], "不需要")) == "case_cancel_denied"
    assert code_of(lambda: cases.assign_task(onlooker, review["row_id"], review["chief_a"].id)) == \
        "task_assign_denied"
    cases.claim_task(as_actor(review["chief_a"]), review["row_id"])
    assert code_of(lambda: cases.unclaim_task(onlooker, review["row_id"])) == "task_not_holder"
    assert db.session.get(ProcessInstance, review["instance_id"]).status == "running"


def test_expert_only_actor_cannot_start(app, deploy):
    deploy("review_loop.bpmn")
    expert = gen_user("expert")
    assert code_of(lambda: cases.start_case(as_actor(expert), "review_loop")) == "case_start_denied"

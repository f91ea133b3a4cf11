"""The review loop through the service layer: inbox rows, forms, candidates, history."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import HazardousWork, InboxTask, ProcessInstance
from app.services.workflow import cases
from tests.support.factories import gen_district, gen_project, gen_user

from .conftest import T0, as_actor, gen_work, open_rows

REVIEW_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
    "required": ["decision"],
    "properties": {"decision": {"type": "string", "enum": ["pass", "return"]},
                   "reason": {"type": "string", "minLength": 2}},
    "if": {"properties": {"decision": {"const": "return"}}}, "then": {"required": ["reason"]},
}


@pytest.fixture
def site(app, deploy):
    deploy("review_loop.bpmn", forms={"plan_review.json": REVIEW_FORM})
    district = gen_district()
    project = gen_project(district)
    return {
        "district": district, "project": project, "work": gen_work(project),
        "pm": gen_user("contractor_pm", project=project),
        "chief": gen_user("chief_supervisor", project=project),
        "other_pm": gen_user("contractor_pm", project=gen_project(district)),
    }


def start_review(site) -> int:
    return cases.start_case(as_actor(site["pm"]), "review_loop", project_code=site["project"].code,
                            subject_type="hazardous_work", subject_id=site["work"].id,
                            data={"work_id": site["work"].id, "compile_days": 3, "history": None})


def test_returned_twice_then_passed(site):
    pm, chief = as_actor(site["pm"]), as_actor(site["chief"])
    instance_id = start_review(site)
    for round_no, decision in enumerate(["return", "return", "pass"], start=1):
        [compile_row] = open_rows(instance_id)
        assert (compile_row.task_name, compile_row.role) == ("compile_plan", "contractor_pm")
        assert compile_row.district_path == site["district"].path
        assert compile_row.project_id == site["project"].id
        assert compile_row.form_name == "plan_compile.json"
        cases.complete_task(pm, compile_row.id, {"plan_name": f"v{round_no}"})
        [review] = open_rows(instance_id)
        assert (review.task_name, review.role, review.priority) == ("review_plan", "chief_supervisor", 80)
        answer = {"decision": decision, **({"reason": f"第{round_no}轮缺少计算书"} if decision == "return" else {})}
        result = cases.complete_task(chief, review.id, answer)
    assert result.status == "completed" and result.new_task_ids == []
    instance = db.session.get(ProcessInstance, instance_id)
    assert instance.ended_at == T0 and instance.next_timer_due is None
    assert instance.data_summary["result"]["work_status"] == "plan_approved"
    assert db.session.get(HazardousWork, site["work"].id).status == "plan_approved"
    history = cases.case_history(pm, instance_id)
    completions = [e for e in history if e["kind"] == "task_completed"]
    assert [e["task_name"] for e in completions] == ["compile_plan", "review_plan"] * 3
    assert completions[1]["data"] == {"decision": "return", "reason": "第1轮缺少计算书"}
    assert completions[1]["username"] == site["chief"].username and completions[1]["ip"] == "10.0.0.7"
    assert [e["kind"] for e in history][0] == "started"
    assert any(e["kind"] == "operator_called" and e["data"]["operator"] == "set_work_status" for e in history)


def test_due_date_comes_from_the_task_and_the_case_view(site, clock):
    instance_id = start_review(site)
    [row] = open_rows(instance_id)
    assert row.due_at == T0 + timedelta(days=3)
    view = cases.get_case(as_actor(site["chief"]), instance_id)
    assert (view.process_key, view.version, view.status) == ("review_loop", 1, "running")
    assert view.project_code == site["project"].code
    assert [t["task_name"] for t in view.open_tasks] == ["compile_plan"]


def test_return_without_reason_is_form_invalid_and_changes_nothing(site):
    instance_id = start_review(site)
    [row] = open_rows(instance_id)
    cases.complete_task(as_actor(site["pm"]), row.id, {"plan_name": "v1"})
    [review] = open_rows(instance_id)
    version = db.session.get(ProcessInstance, instance_id).lock_version
    with pytest.raises(ValidationError) as info:
        cases.complete_task(as_actor(site["chief"]), review.id, {"decision": "return"})
    assert info.value.code == "form_invalid" and set(info.value.fields) == {"reason"}
    with pytest.raises(ValidationError) as info:
        cases.complete_task(as_actor(site["chief"]), review.id, {"decision": "maybe"})
    assert set(info.value.fields) == {"decision"}
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance_id).lock_version == version
    assert db.session.get(InboxTask, review.id).status == "open"


def test_other_project_gets_404_and_wrong_role_403(site):
    instance_id = start_review(site)
    [row] = open_rows(instance_id)
    with pytest.raises(NotFoundError) as info:
        cases.complete_task(as_actor(site["other_pm"]), row.id, {"plan_name": "x"})
    assert info.value.code == "task_not_found"
    with pytest.raises(NotFoundError) as info:
        cases.get_case(as_actor(site["other_pm"]), instance_id)
    assert info.value.code == "case_not_found"
    with pytest.raises(PermissionDeniedError) as info:
        cases.complete_task(as_actor(site["chief"]), row.id, {"plan_name": "x"})
    assert info.value.code == "task_not_candidate"
    with pytest.raises(NotFoundError) as info:
        cases.start_case(as_actor(site["other_pm"]), "review_loop", project_code=site["project"].code)
    assert info.value.code == "project_not_found"

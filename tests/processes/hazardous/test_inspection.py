"""hazardous_inspection: patrol → [no problem | rectify → re-check ⟲ | refusal → district]."""
from __future__ import annotations

import pytest

from app.errors import PermissionDeniedError, ValidationError
from app.services.workflow import cases
from tests.support.processes import actor, context, deploy_only, events, my_task

from .support import complete, inbox_names, set_status, start, status_of, work

PATROL = {"patrol_date": "2026-03-02", "patrol_part": "B区基坑第三道支撑", "patrol_description": "支撑施工中"}
PROBLEMS = {**PATROL, "patrol_result": "problems", "patrol_problems": "临边防护缺失3处", "rectify_deadline": "2026-03-04"}
RECTIFY = {"rectify_result": "已补设防护栏杆", "rectify_time": "2026-03-03", "rectify_description": "整改完毕"}


def recheck(username: str, iid: int, decision: str, reason: str | None = None):
    task = "recheck_chief" if username == "chief_supervisor" else "recheck_supervisor"
    answer = {"recheck_decision": decision, "recheck_time": "2026-03-04", **({"recheck_reason": reason} if reason else {})}
    return complete(username, iid, task, answer, files={"recheck_photos": 1})


def test_first_patrol_starts_the_work_and_no_problem_ends_it(hz):
    w = work()
    set_status(w, "plan_approved")
    iid = start("supervisor", "hazardous_inspection", w)
    assert status_of(w) == "in_progress"
    assert inbox_names("supervisor", iid) == ["patrol_supervisor"]
    assert inbox_names("chief_supervisor", iid) == []
    result = complete("supervisor", iid, "patrol_supervisor", {**PATROL, "patrol_result": "no_problem"},
                      files={"patrol_photos": 2})
    assert result.status == "completed"
    assert [e.data["to"] for e in events(iid, "work_status")] == ["in_progress"]


def test_chief_patrol_with_two_failed_rechecks_then_pass(hz_sqlite):
    w = work()
    set_status(w, "in_progress")
    iid = start("chief_supervisor", "hazardous_inspection", w)
    assert inbox_names("chief_supervisor", iid) == ["patrol_chief"]
    complete("chief_supervisor", iid, "patrol_chief", PROBLEMS)
    assert context("contractor_pm", iid, "rectify")["patrol_problems"] == "临边防护缺失3处"
    for n in (1, 2):
        complete("contractor_pm", iid, "rectify", RECTIFY, files={"rectify_photos": 1})
        assert inbox_names("supervisor", iid) == []  # the re-check goes back to who patrolled
        recheck("chief_supervisor", iid, "fail", f"第{n}次：栏杆高度不足1.2m")
        shown = context("contractor_pm", iid, "rectify")
        assert shown["return_reason"] == f"第{n}次：栏杆高度不足1.2m" and shown["returned_by"] == "监理复查不合格"
    complete("contractor_pm", iid, "rectify", RECTIFY)
    result = recheck("chief_supervisor", iid, "pass")
    assert result.status == "completed" and status_of(w) == "in_progress"


def test_refusal_to_rectify_is_reported_to_the_district(hz_sqlite):
    deploy_only(("rectification_order",))  # the stop order it chooses is issued (test_escalation_effects)
    w = work()
    set_status(w, "in_progress")
    iid = start("supervisor", "hazardous_inspection", w)
    complete("supervisor", iid, "patrol_supervisor", PROBLEMS)
    complete("contractor_pm", iid, "rectify", {**RECTIFY, "rectify_result": "不同意整改"})
    recheck("supervisor", iid, "escalate", "施工单位拒不整改，已下达暂停施工指令")
    [notified] = [e for e in events(iid, "operator_called") if e.data["operator"] == "notify"]
    assert notified.data["params"]["role"] == "district_safety_officer"
    assert "拒不整改" in notified.data["params"]["message"]
    assert context("district_safety", iid, "handle_escalation")["recheck_reason"] == "施工单位拒不整改，已下达暂停施工指令"
    result = complete("district_safety", iid, "handle_escalation",
                      {"handling_action": "stop_order", "handling_opinion": "下发停工通知书"})
    assert result.status == "completed"


def test_many_patrols_at_once_and_form_and_role_refusals(hz_sqlite):
    w = work()
    set_status(w, "in_progress")
    first = start("supervisor", "hazardous_inspection", w)
    second = start("chief_supervisor", "hazardous_inspection", w)
    assert first != second
    row = my_task("supervisor", first, "patrol_supervisor")
    with pytest.raises(ValidationError) as info:
        cases.complete_task(actor("supervisor"), row.id, {**PATROL, "patrol_result": "problems"})
    assert info.value.code == "form_invalid"
    assert set(info.value.fields) == {"patrol_problems", "rectify_deadline"}
    with pytest.raises(ValidationError) as info:
        cases.complete_task(actor("supervisor"), row.id, {**PATROL, "patrol_result": "maybe", "super_scale": False})
    assert set(info.value.fields) == {"patrol_result", "super_scale"}  # an unknown field is refused by name
    with pytest.raises(PermissionDeniedError) as info:
        cases.complete_task(actor("contractor_pm"), row.id, {**PATROL, "patrol_result": "no_problem"})
    assert info.value.code == "task_not_candidate"
    with pytest.raises(PermissionDeniedError) as info:
        start("contractor_pm", "hazardous_inspection", w)
    assert info.value.code == "case_start_role"

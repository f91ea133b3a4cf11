"""Races with real threads: one answer per task wins, sibling answers all survive."""
from __future__ import annotations

import pytest

from app.errors import ConflictError
from app.extensions import db
from app.models import InboxTask, ProcessInstance
from app.services.access.actors import SYSTEM
from app.services.workflow import cases
from app.services.workflow.timers import fire_due_timers
from tests.support.concurrency import in_threads
from tests.support.factories import gen_district, gen_project, gen_user

from .conftest import as_actor, gen_work, open_rows


def test_two_users_complete_the_same_task_one_gets_409(app, deploy):
    deploy("review_loop.bpmn")
    project = gen_project()
    pm = as_actor(gen_user("contractor_pm", project=project))
    chiefs = [as_actor(gen_user("chief_supervisor", project=project)) for _ in range(2)]
    work = gen_work(project)
    instance_id = cases.start_case(pm, "review_loop", project_code=project.code,
                                   data={"work_id": work.id, "compile_days": 2, "history": None})
    cases.complete_task(pm, open_rows(instance_id)[0].id, {"plan_name": "v1"})
    row_id = open_rows(instance_id)[0].id
    db.session.commit()

    results = in_threads(app, *(lambda c=c: cases.complete_task(c, row_id, {"decision": "return", "reason": c.username})
                                for c in chiefs))
    winners = [r for r in results if isinstance(r, cases.CompletionResult)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], ConflictError) and losers[0].code == "task_not_open"
    db.session.expire_all()
    assert len(open_rows(instance_id, "compile_plan")) == 1  # exactly one return happened
    completions = [e for e in cases.case_history(pm, instance_id) if e["task_name"] == "review_plan"
                   and e["kind"] == "task_completed"]
    assert len(completions) == 1


def test_five_experts_answer_at_once_and_every_answer_survives(app, deploy, operators):
    deploy("expert_panel.bpmn")
    district = gen_district()
    project = gen_project(district)
    official = as_actor(gen_user("district_safety_officer", org_unit=district))
    experts = [gen_user("expert") for _ in range(5)]
    instance_id = cases.start_case(official, "expert_panel", project_code=project.code,
                                   data={"panel_size": 5, "excluded_enterprises": []})
    rows = open_rows(instance_id)
    seats = {r.candidate_user_id: r.id for r in rows}
    assert {r.role for r in rows} == {"expert"}
    assert set(seats) == {e.id for e in experts}  # seat item = drawn user id
    actors = [as_actor(e) for e in experts]
    # Another expert's seat is not his: 403 (he can see the case through his own seat).
    with pytest.raises(Exception) as info:
        cases.complete_task(actors[0], seats[experts[1].id], {"opinion": {"result": "pass"}})
    assert info.value.code == "task_not_candidate"
    db.session.commit()

    verdict = {e.id: ("fail" if i == 2 else "pass") for i, e in enumerate(experts)}
    results = in_threads(app, *(lambda a=a: cases.complete_task(
        a, seats[a.user_id], {"opinion": {"result": verdict[a.user_id], "by": a.user_id}}) for a in actors))
    assert all(isinstance(r, cases.CompletionResult) for r in results), results
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance_id)
    assert instance.status == "completed"
    assert instance.data_summary["result"]["conclusion"] == "fail"
    history = cases.case_history(official, instance_id)
    answers = [e["data"]["opinion"]["by"] for e in history if e["kind"] == "task_completed"]
    assert sorted(answers) == sorted(e.id for e in experts)
    assert all(db.session.get(InboxTask, rid).status == "completed" for rid in seats.values())


def test_two_sweepers_fire_each_timer_once(app, deploy, clock):
    deploy("deadline_timers.bpmn")
    project = gen_project()
    pm = as_actor(gen_user("contractor_pm", project=project))
    ids = [cases.start_case(pm, "deadline_timers", project_code=project.code,
                            data={"deadline_hours": 24, "alarm_id": f"A-{n}"}) for n in range(3)]
    db.session.commit()
    clock.advance(hours=13)
    woken = in_threads(app, fire_due_timers, fire_due_timers)
    assert sum(woken) == 3, woken
    for instance_id in ids:
        fired = [e for e in cases.case_history(pm, instance_id) if e["kind"] == "timer_fired"]
        assert [e["task_name"] for e in fired] == ["remind_timer"]
        notified = [e for e in cases.case_history(pm, instance_id) if e["kind"] == "operator_called"]
        assert len(notified) == 1
    assert fire_due_timers() == 0
    assert SYSTEM.user_id is None

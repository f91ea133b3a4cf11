"""supervision_inspection (监督检查): planned or drawn at random (双随机); the record is printed;
one rectification order per order type among the problems."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from app.errors import NotFoundError, ValidationError
from app.extensions import db
from app.models import Expert, InboxTask, Incident, IssuedDocument, Project, ProjectParticipant, User
from app.services.access.expert_avoidance import eligible_experts
from app.services.supervision.orders import order_of
from app.services.workflow import cases
from app.services.workflow.incidents import CaseFailedError
from tests.support.processes import actor, events

from .support import children, complete, has_task, status, task, upload

PROJECT = "JS-2026-002"
INSPECTORS = [{"name": "马晓东", "credential_no": "豫建执0101"}, {"name": "杨帆", "credential_no": "豫建执0102"}]


def record(case: int, problems: list[dict], **extra) -> None:
    official = actor("district_safety")
    photo = upload(official, case, "record_inspection", "site.png")
    data = {"inspection_date": "2026-03-02", "inspection_type": "safety", "progress": "主体结构施工至12层",
            "inspectors": INSPECTORS,
            "check_results": [{"item": "临边防护", "result": "不符合" if problems else "符合"}],
            "problems": [{**p, "photos": [photo]} for p in problems],
            "units_present": [{"role": "施工单位", "unit": "中建七局第二建筑有限公司", "person": "张伟"},
                              {"role": "监理单位", "unit": "河南建达工程咨询有限公司", "person": "赵军",
                               "refused_note": "拒绝签字"}],
            "photos": [photo], **extra}
    complete(official, case, "record_inspection", data)


def planned() -> int:
    official = actor("district_safety")
    case = cases.start_case(official, "supervision_inspection", project_code=PROJECT, title="门诊楼监督检查")
    complete(official, case, "plan_inspection", {"mode": "planned", "plan": "季度检查",
                                                 "check_items": ["临边防护", "脚手架"]})
    return case


def test_planned_inspection_opens_one_order_per_type_and_prints_the_record(family):
    case = planned()
    assert not has_task(actor("district_safety2"), case, "record_inspection")
    record(case, [{"description": "临边无防护", "location": "5层", "order_type": "deadline"},
                  {"description": "脚手架连墙件缺失", "location": "北立面", "order_type": "partial_stop"},
                  {"description": "安全网破损", "location": "6层", "order_type": "deadline"}],
           deadline="2026-03-10", stop_scope="北立面脚手架作业")
    assert status(case) == "completed"
    document = db.session.scalar(select(IssuedDocument).where(IssuedDocument.instance_id == case))
    assert document.template == "inspection_record"
    assert [i["name"] for i in document.context["inspectors"]] == ["马晓东", "杨帆"]
    orders = children(case, "rectification_order")
    assert sorted(order_of(o).order_type for o in orders) == ["deadline", "partial_stop"]
    assert sorted(order_of(o).problem_count for o in orders) == [1, 2]
    assert all(order_of(o).source_kind == "inspection" for o in orders)
    assert all(has_task(actor("contractor_pm"), o, "reply") for o in orders)


def test_inspection_without_problems_ends_after_the_record(family):
    case = planned()
    record(case, [])
    assert status(case) == "completed" and children(case, "rectification_order") == []
    assert db.session.scalar(select(IssuedDocument.template).where(IssuedDocument.instance_id == case)) \
        == "inspection_record"


def _employ_expert01_at_the_contractor() -> Expert:
    """expert01 now works for the contractor of the three 金水区 projects: he must be avoided."""
    shared = None
    for code in ("JS-2026-001", "JS-2026-002", "JS-2026-003"):
        ids = set(db.session.scalars(select(ProjectParticipant.enterprise_id).join(
            Project, Project.id == ProjectParticipant.project_id).where(Project.code == code)))
        shared = ids if shared is None else shared & ids
    contractor = min(shared)
    expert = db.session.scalar(select(Expert).join(User, User.id == Expert.user_id)
                               .where(User.username == "expert01"))
    expert.employer_enterprise_id = contractor
    db.session.commit()
    return expert


def test_random_draw_avoids_participants_records_why_and_gives_the_experts_their_tasks(family):
    avoided = _employ_expert01_at_the_contractor()
    eligible = min(len(eligible_experts(p).candidates) for p in db.session.scalars(  # as many as any may get
        select(Project.id).where(Project.code.in_(["JS-2026-001", "JS-2026-002", "JS-2026-003"]))))
    official = actor("district_safety")
    draw = cases.start_case(official, "supervision_inspection", title="三月双随机检查")
    complete(official, draw, "plan_inspection", {"mode": "random", "check_items": ["扬尘治理"],
                                                 "project_count": 2, "expert_count": eligible})
    assert status(draw) == "completed"
    [event] = events(draw, "random_draw")
    seed = event.data["seed"]
    drawn = children(draw, "supervision_inspection")
    assert len(drawn) == 2 and len(event.data["expert_draws"]) == 2
    # the draw only picks projects in the official's jurisdiction and can be replayed
    codes = set(db.session.scalars(select(Project.code).where(Project.id.in_(event.data["candidate_projects"]))))
    assert codes == {"JS-2026-001", "JS-2026-002", "JS-2026-003"}
    rng = random.Random(seed)
    candidates = db.session.scalars(select(Project).where(Project.id.in_(event.data["candidate_projects"]))
                                    .order_by(Project.id)).all()
    assert [p.code for p in rng.sample(candidates, 2)] == event.data["projects"]
    for per_project in event.data["expert_draws"]:
        experts = db.session.scalars(select(Expert).where(Expert.id.in_(per_project["candidate_experts"]))
                                     .order_by(Expert.id)).all()
        assert [e.name for e in rng.sample(experts, eligible)] == per_project["experts"]
        assert avoided.id not in per_project["candidate_experts"] and avoided.name not in per_project["experts"]
        assert (avoided.name, "employed_by_participant") in [(x["name"], x["reason"]) for x in per_project["excluded"]]
        assert {x["reason"] for x in per_project["excluded"]} == {"employed_by_participant"}
        assert not {x["name"] for x in per_project["excluded"]} & set(per_project["experts"])
    # every drawn expert has his own inspection task; the inspectors record after the last one
    case = drawn[0]
    seats = [r for r in db.session.scalars(select(InboxTask).where(
        InboxTask.instance_id == case, InboxTask.task_name == "expert_check", InboxTask.status == "open"))]
    assert len(seats) == eligible and all(r.candidate_user_id for r in seats)
    assert avoided.user_id not in {r.candidate_user_id for r in seats}
    assert not has_task(official, case, "record_inspection")
    for row in seats:
        expert = actor(db.session.get(User, row.candidate_user_id).username)
        assert has_task(expert, case, "expert_check")
        complete(expert, case, "expert_check", {"finding": {"conclusion": "compliant", "opinion": "扬尘治理措施到位"}})
    assert has_task(official, case, "record_inspection")
    record(case, [])
    assert status(case) == "completed"


def test_a_project_with_too_few_eligible_experts_stops_the_draw_on_an_incident(family):
    _employ_expert01_at_the_contractor()
    official = actor("district_safety")
    draw = cases.start_case(official, "supervision_inspection", title="专家不足")
    with pytest.raises(CaseFailedError):
        complete(official, draw, "plan_inspection", {"mode": "random", "check_items": ["扬尘治理"],
                                                     "project_count": 3, "expert_count": 12})
    incident = db.session.scalar(select(Incident).where(Incident.instance_id == draw))
    assert "回避" in incident.message and incident.element_id == "draw"
    assert children(draw, "supervision_inspection") == []


def test_a_draw_without_experts_goes_straight_to_the_inspectors(family):
    official = actor("district_safety")
    draw = cases.start_case(official, "supervision_inspection", title="不抽专家")
    complete(official, draw, "plan_inspection", {"mode": "random", "check_items": ["扬尘治理"],
                                                 "project_count": 1, "expert_count": 0})
    [case] = children(draw, "supervision_inspection")
    assert has_task(official, case, "record_inspection")


def test_refusals(family):
    case = planned()
    row = task(actor("district_safety"), case, "record_inspection").id
    with pytest.raises(NotFoundError):
        cases.complete_task(actor("district_safety2"), row, {})
    with pytest.raises(ValidationError) as invalid:
        cases.complete_task(actor("district_safety"), row, {
            "inspection_date": "2026-03-02", "inspection_type": "safety", "inspectors": INSPECTORS[:1],
            "check_results": [], "units_present": [],
            "problems": [{"description": "x", "location": "y", "order_type": "full_stop"}]})
    assert {"inspectors", "check_results", "deadline", "stop_scope"} <= set(invalid.value.fields)

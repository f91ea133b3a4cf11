"""supervision_inspection (监督检查): planned or drawn at random (双随机); the record is printed;
one rectification order per order type among the problems."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from app.errors import NotFoundError, ValidationError
from app.extensions import db
from app.models import Expert, IssuedDocument, Project
from app.services.supervision.orders import order_of
from app.services.workflow import cases
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


def test_random_draw_records_its_seed_and_starts_one_case_per_project(family):
    official = actor("district_safety")
    draw = cases.start_case(official, "supervision_inspection", title="三月双随机检查")
    complete(official, draw, "plan_inspection", {"mode": "random", "check_items": ["扬尘治理"],
                                                 "project_count": 2, "expert_count": 3})
    assert status(draw) == "completed"
    [event] = events(draw, "random_draw")
    seed = event.data["seed"]
    drawn = children(draw, "supervision_inspection")
    assert len(drawn) == 2 and len(event.data["experts"]) == 3
    # the draw only picks projects in the official's jurisdiction and can be replayed
    codes = set(db.session.scalars(select(Project.code).where(Project.id.in_(event.data["candidate_projects"]))))
    assert codes == {"JS-2026-001", "JS-2026-002", "JS-2026-003"}
    rng = random.Random(seed)
    candidates = db.session.scalars(select(Project).where(Project.id.in_(event.data["candidate_projects"]))
                                    .order_by(Project.id)).all()
    experts = db.session.scalars(select(Expert).where(Expert.id.in_(event.data["candidate_experts"]))
                                 .order_by(Expert.id)).all()
    assert [p.code for p in rng.sample(candidates, 2)] == event.data["projects"]
    assert [e.name for e in rng.sample(experts, 3)] == event.data["experts"]
    for case in drawn:
        assert has_task(official, case, "record_inspection")
    record(drawn[0], [])
    assert status(drawn[0]) == "completed"


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

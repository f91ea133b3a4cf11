"""clue_assignment (线索交办) and site_check (实名制/扬尘检查): both open orders through the
`open_rectification_order` operator, whose issuer is the official who completed the step."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import Attachment
from app.services.supervision.clauses import create_clause
from app.services.supervision.clue_tracking import list_clues
from app.services.supervision.orders import order_of
from app.services.workflow import cases, timers
from tests.support.processes import actor, events

from .support import children, complete, has_task, status, task, upload, user_id

PROJECT = "JS-2026-001"
PROBLEM = {"description": "塔吊司机无证上岗", "location": "1#塔吊", "clauses": ["JGJ59-3.13"]}


@pytest.fixture(autouse=True)
def clause(family):
    """The clause PROBLEM cites (a code the library does not hold is refused at submit)."""
    create_clause(actor("district_safety"), "JGJ59-3.13", "建筑施工安全检查标准 3.13", "临边应设置防护设施。")


def register_clue(source: str = "iot", **extra) -> int:
    city = actor("city_official")
    clue = cases.start_case(city, "clue_assignment", project_code=PROJECT, title="塔吊监测线索")
    evidence = upload(city, clue, "register_clue", "alarm.png")
    complete(city, clue, "register_clue", {"source": source, "iot_type": "tower_crane",
                                           "description": "塔吊力矩多次超限报警", "evidence": [evidence],
                                           "check_days": 2, **extra})
    return clue


def check(clue: int, opinion: str, **extra) -> None:
    district = actor("district_safety")
    photo = upload(district, clue, "check_clue", "check.png")
    data = {"check_result": "现场核查属实" if opinion == "order" else "现场核查不属实",
            "opinion_type": opinion, "responsible_unit": "中建七局第二建筑有限公司", "photos": [photo]}
    if opinion == "order":
        data.update(order_type="deadline", deadline="2026-03-09",
                    problems=[{**PROBLEM, "photos": [photo]}])
    complete(district, clue, "check_clue", {**data, **extra})


def test_clue_checked_and_ordered_is_tracked_until_the_order_closes(family):
    clue = register_clue()
    assert has_task(actor("district_safety"), clue, "check_clue")
    assert not has_task(actor("district_safety2"), clue, "check_clue")  # not his district
    assert [r.completion_status for r in list_clues(actor("city_official"))] == ["待核查"]
    check(clue, "order")
    assert status(clue) == "completed"
    [order] = children(clue, "rectification_order")
    row = order_of(order)
    assert (row.source_kind, row.issuer_user_id, row.status) == ("clue", user_id("district_safety"), "issued")
    copied = db.session.scalars(select(Attachment).where(Attachment.instance_id == order)).all()
    assert [a.filename for a in copied] == ["check.png"]  # the order keeps the photos
    [tracked] = list_clues(actor("city_official"))
    assert (tracked.category, tracked.handling_unit, tracked.opinion_type, tracked.completion_status) == \
        ("物联网设备／塔吊监测", "金水区住房和城乡建设局", "责令整改", "整改中")
    assert tracked.responsible_unit == "中建七局第二建筑有限公司"

    pm = actor("contractor_pm")
    photo = upload(pm, order, "reply", "fixed.png")
    complete(pm, order, "reply", {"measures": "司机已持证", "completed_on": "2026-03-04", "photos": [photo]})
    complete(actor("district_safety"), order, "audit", {"decision": "pass"})
    [tracked] = list_clues(actor("district_safety"))
    assert tracked.completion_status == "整改完成" and tracked.completed_at is not None
    assert list_clues(actor("district_safety2")) == []  # 二七区 sees no 金水区 clue


def test_unfounded_clue_is_closed_and_overdue_check_reminds(family, clock):
    clue = register_clue(source="site_inspection")
    row = task(actor("district_safety"), clue, "check_clue")
    assert row.due_at is not None
    clock.advance(days=2, hours=1)
    timers.fire_due_timers()
    assert [e.data["operator"] for e in events(clue, "operator_called")] == ["notify"]
    check(clue, "unfounded")
    assert status(clue) == "completed" and children(clue, "rectification_order") == []
    [tracked] = list_clues(actor("city_official"), status="已办结")
    assert tracked.category == "现场检查" and tracked.opinion_type == "线索不属实"


def test_clue_refusals(family):
    with pytest.raises(PermissionDeniedError):
        cases.start_case(actor("contractor_pm"), "clue_assignment")
    with pytest.raises(NotFoundError):
        cases.start_case(actor("district_safety2"), "clue_assignment", project_code=PROJECT)
    clue = register_clue()
    row = task(actor("district_safety"), clue, "check_clue").id
    with pytest.raises(ValidationError) as invalid:
        cases.complete_task(actor("district_safety"), row, {"check_result": "属实", "opinion_type": "order",
                                                            "responsible_unit": "x", "photos": []})
    assert {"order_type", "problems", "deadline"} <= set(invalid.value.fields)
    with pytest.raises(PermissionDeniedError):
        list_clues(actor("contractor_pm"))


def record_check(result: str, check_type: str = "dust", **extra) -> int:
    official = actor("district_safety")
    case = cases.start_case(official, "site_check", project_code=PROJECT, title="扬尘防治检查")
    photo = upload(official, case, "record_check", "dust.png")
    data = {"check_type": check_type, "check_date": "2026-03-02", "inspectors": "马晓东、杨帆",
            "items": [{"item": "裸土覆盖", "result": result}], "result": result, "photos": [photo]}
    if result == "unqualified":
        data.update(order_type="partial_stop", stop_scope="东侧土方作业区", deadline="2026-03-06",
                    problems=[{"description": "裸土未覆盖", "location": "东侧", "photos": [photo]}])
    complete(official, case, "record_check", {**data, **extra})
    return case


@pytest.mark.parametrize("check_type", ["real_name", "dust"])
def test_site_check_qualified_ends(family, check_type):
    case = record_check("qualified", check_type)
    assert status(case) == "completed" and children(case, "rectification_order") == []


def test_site_check_unqualified_opens_a_stop_order_and_notifies(family):
    case = record_check("unqualified")
    [order] = children(case, "rectification_order")
    assert order_of(order).order_type == "partial_stop" and order_of(order).source_kind == "site_check"
    assert has_task(actor("contractor_pm"), order, "reply")
    assert "notify" in [e.data["operator"] for e in events(case, "operator_called")]
    with pytest.raises(ValidationError) as invalid:
        official = actor("district_safety")
        other = cases.start_case(official, "site_check", project_code=PROJECT)
        cases.complete_task(official, task(official, other, "record_check").id, {
            "check_type": "noise", "check_date": "2026-03-02", "inspectors": "x", "items": [],
            "result": "unqualified", "photos": []})
    assert {"check_type", "items", "problems"} <= set(invalid.value.fields)

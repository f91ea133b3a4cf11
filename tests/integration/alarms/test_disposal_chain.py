"""device_alarm_disposal walked through every path with demo users, the controllable clock and
the timer sweep: handle → close; not satisfied ⟲ twice; deadline → order / close with a note."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import DeviceAlarm, InboxTask, InstanceEvent, ProcessInstance
from app.services.ingestion.ingest import ingest_messages
from app.services.workflow import cases
from app.services.workflow.timers import fire_due_timers
from tests.support.settings import change_settings

from .conftest import crane, open_tasks, user

HANDLED = {"cause": "吊重超过额定起重量", "measures": "停止作业，卸载后重新吊装", "disposed_at": "2026-05-04"}


@pytest.fixture
def case(deployed) -> int:
    ingest_messages([crane(104)])
    return db.session.scalar(select(DeviceAlarm.instance_id))


def only_task(instance_id: int, name: str) -> InboxTask:
    [task] = open_tasks(instance_id, name)
    return task


def handle(case_id: int) -> None:
    cases.complete_task(user("contractor_pm"), only_task(case_id, "handle_alarm").id, HANDLED)


def review(case_id: int, result: str, opinion: str | None = "处置到位") -> None:
    data = {"review_result": result, **({"review_opinion": opinion} if opinion else {})}
    cases.complete_task(user("district_safety"), only_task(case_id, "review_disposal").id, data)


def alarm() -> DeviceAlarm:
    db.session.expire_all()
    return db.session.scalar(select(DeviceAlarm).order_by(DeviceAlarm.id.desc()))


def status(case_id: int) -> str:
    db.session.expire_all()
    return db.session.get(ProcessInstance, case_id).status


def test_handle_then_close(case):
    task = only_task(case, "handle_alarm")
    with pytest.raises(ValidationError) as info:
        cases.complete_task(user("contractor_pm"), task.id, {"cause": "x"})
    assert info.value.code == "form_invalid" and "measures" in info.value.fields
    with pytest.raises(NotFoundError):  # another project's PM does not even see it
        cases.complete_task(user("contractor_pm2"), task.id, HANDLED)
    handle(case)
    with pytest.raises(NotFoundError):  # another district's officer
        cases.complete_task(user("district_safety2"), only_task(case, "review_disposal").id,
                            {"review_result": "close", "review_opinion": "好"})
    review(case, "close")
    assert status(case) == "completed"
    assert (alarm().status, alarm().outcome, alarm().outcome_data) == \
        ("closed", "handled", {"note": "处置到位"})
    # The next excursion of the same device and type is a new alarm with a new case.
    ingest_messages([crane(108)])
    assert alarm().instance_id not in (None, case)
    assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 2


def test_not_satisfied_twice_then_close(case):
    for round_ in (1, 2):
        handle(case)
        with pytest.raises(ValidationError) as info:
            review(case, "return", opinion=None)  # a return needs its reason
        assert "review_opinion" in info.value.fields
        review(case, "return", opinion=f"第{round_}次：照片不清楚，请补充")
        assert alarm().status == "open"
    handle(case)
    review(case, "close")
    assert status(case) == "completed" and alarm().outcome == "handled"
    done = db.session.scalar(select(func.count()).select_from(InboxTask).where(
        InboxTask.instance_id == case, InboxTask.task_name == "handle_alarm",
        InboxTask.status == "completed"))
    assert done == 3


def test_city_official_sees_the_case_read_only(case):
    city = user("city_official")
    assert cases.get_case(city, case).process_key == "device_alarm_disposal"
    with pytest.raises(PermissionDeniedError):
        cases.complete_task(city, only_task(case, "handle_alarm").id, HANDLED)
    with pytest.raises(NotFoundError):  # another district sees nothing
        cases.get_case(user("district_safety2"), case)


def overdue(case_id: int, clock, hours: float = 24) -> InboxTask:
    clock.advance(hours=hours - 0.1)
    fire_due_timers()
    assert open_tasks(case_id, "decide_overdue") == []
    clock.advance(hours=0.2)
    assert fire_due_timers() == 1
    assert open_tasks(case_id, "handle_alarm") == []  # the interrupting deadline withdrew it
    return only_task(case_id, "decide_overdue")


def test_deadline_then_rectification_order_decision(case, clock):
    task = overdue(case, clock)
    officer = user("district_safety")
    with pytest.raises(ValidationError) as info:
        cases.complete_task(officer, task.id, {"decision": "order"})
    assert {"order_type", "problems", "rectify_deadline"} <= set(info.value.fields)
    cases.complete_task(officer, task.id, {"decision": "order", "order_type": "deadline",
                                           "problems": "塔吊超载未处置", "rectify_deadline": "2026-05-12"})
    assert status(case) == "completed"
    # rectification_order is not deployed in this test: the decision is recorded (hook).
    assert alarm().outcome == "rectification_order_pending"
    assert alarm().outcome_data["order_type"] == "deadline"
    event = db.session.scalar(select(InstanceEvent).where(
        InstanceEvent.instance_id == case, InstanceEvent.kind == "rectification_order_requested"))
    assert event.data["problems"][0]["description"] == "塔吊超载未处置"


def test_deadline_then_close_with_a_note(case, clock):
    task = overdue(case, clock)
    with pytest.raises(ValidationError) as info:
        cases.complete_task(user("district_safety"), task.id, {"decision": "close"})
    assert "close_note" in info.value.fields
    cases.complete_task(user("district_safety"), task.id,
                        {"decision": "close", "close_note": "现场核实已恢复正常"})
    assert status(case) == "completed"
    assert (alarm().outcome, alarm().outcome_data) == ("closed_overdue", {"note": "现场核实已恢复正常"})


def test_deadline_is_configurable(deployed, clock, monkeypatch):
    change_settings(monkeypatch, deployed, device_alarm_deadline_hours=2)
    ingest_messages([crane(104)])
    overdue(alarm().instance_id, clock, hours=2)


def test_returned_task_gets_a_fresh_deadline(case, clock):
    clock.advance(hours=20)
    handle(case)
    review(case, "return", opinion="措施不具体")
    clock.advance(hours=20)  # 40 h after the alarm, 20 h after the return: not overdue yet
    fire_due_timers()
    assert open_tasks(case, "decide_overdue") == []
    overdue(case, clock, hours=4)

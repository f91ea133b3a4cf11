"""Message start and catch with correlation, idempotency keys, concurrent duplicates."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import NotFoundError
from app.extensions import db
from app.models import MessageSubscription, ProcessInstance
from app.services.access.actors import SYSTEM
from app.services.workflow import cases
from app.services.workflow.messages import deliver_message
from tests.support.concurrency import in_threads
from tests.support.factories import gen_project, gen_user

from .conftest import as_actor, open_rows

ALARM = {"device_code": "TC-01", "alarm_type": "overload"}


@pytest.fixture
def site(app, deploy):
    deploy("alarm_messages.bpmn")
    project = gen_project()
    return {"project": project, "pm": as_actor(gen_user("contractor_pm", project=project))}


def instances() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessInstance))


def test_alarm_starts_a_case_and_clearing_ends_it(site):
    payload = {"project_code": site["project"].code, "value": 12.5}
    first = deliver_message(SYSTEM, "device_alarm", ALARM, payload, "mqtt-1")
    assert (first.outcome, first.repeated) == ("started", False)
    again = deliver_message(SYSTEM, "device_alarm", ALARM, payload, "mqtt-1")
    assert (again.instance_id, again.outcome, again.repeated) == (first.instance_id, "started", True)
    assert instances() == 1

    [row] = open_rows(first.instance_id)
    assert (row.task_name, row.project_id) == ("record_disposal", site["project"].id)
    cases.complete_task(site["pm"], row.id, {"cause": "wind"})
    sub = db.session.scalar(select(MessageSubscription))
    assert (sub.message_name, sub.correlation_key) == \
        ("alarm_cleared", '{"alarm_type":"overload","device_code":"TC-01"}')

    with pytest.raises(NotFoundError) as info:
        deliver_message(SYSTEM, "alarm_cleared", {**ALARM, "device_code": "TC-02"}, {}, "mqtt-2")
    assert info.value.code == "message_no_receiver"
    # Key order does not matter: the correlation is compared canonically.
    done = deliver_message(SYSTEM, "alarm_cleared", dict(reversed(ALARM.items())),
                           {"cleared_by": "sensor"}, "mqtt-3")
    assert (done.instance_id, done.outcome) == (first.instance_id, "delivered")
    assert db.session.get(ProcessInstance, first.instance_id).status == "completed"
    assert db.session.scalar(select(func.count()).select_from(MessageSubscription)) == 0
    repeat = deliver_message(SYSTEM, "alarm_cleared", ALARM, {"cleared_by": "sensor"}, "mqtt-3")
    assert repeat.repeated and repeat.outcome == "delivered"
    kinds = [e["kind"] for e in cases.case_history(site["pm"], first.instance_id)]
    assert kinds.count("message_caught") == 2


def test_unknown_message_and_project(site):
    with pytest.raises(NotFoundError) as info:
        deliver_message(SYSTEM, "nobody_listens", ALARM, {}, None)
    assert info.value.code == "message_no_receiver"
    with pytest.raises(NotFoundError) as info:
        deliver_message(SYSTEM, "device_alarm", ALARM, {"project_code": "NOPE"}, "k")
    assert info.value.code == "project_not_found"
    assert instances() == 0


def test_concurrent_duplicates_start_one_case(app, site):
    payload = {"project_code": site["project"].code}
    db.session.commit()
    results = in_threads(app, *(lambda: deliver_message(SYSTEM, "device_alarm", ALARM, payload, "dup-1")
                                for _ in range(2)))
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(r.repeated for r in results) == [False, True]
    assert len({r.instance_id for r in results}) == 1
    db.session.expire_all()
    assert instances() == 1


def test_messages_thrown_by_one_case_start_and_then_end_another(app, deploy):
    """alarm_sender throws device_alarm (→ starts an alarm_messages case in its project), later
    alarm_cleared (→ that case catches it and ends), then a message nobody waits for (→ noted on
    the sender's timeline). Delivery goes through the outbox after each commit, exactly once."""
    from app.infra import outbox
    from app.models import InstanceEvent, MessageReceipt, OutboxMessage

    deploy("alarm_messages.bpmn")
    deploy("alarm_sender.bpmn")
    project = gen_project()
    officer = as_actor(gen_user("district_safety_officer", org_unit=project.district))
    pm = as_actor(gen_user("contractor_pm", project=project))
    sender = cases.start_case(officer, "alarm_sender", project_code=project.code,
                              data={"device_code": "TC-09", "alarm_type": "overload", "value": 131.5})
    [receiver] = db.session.scalars(select(ProcessInstance.id).where(ProcessInstance.process_key == "alarm_messages"))
    [row] = open_rows(receiver)
    assert (row.task_name, row.project_id) == ("record_disposal", project.id)
    cases.complete_task(pm, row.id, {"cause": "overload"})  # now waiting for alarm_cleared
    assert db.session.get(ProcessInstance, receiver).status == "waiting"

    [confirm] = open_rows(sender)
    cases.complete_task(officer, confirm.id, {})
    db.session.expire_all()
    assert db.session.get(ProcessInstance, receiver).status == "completed"
    assert db.session.get(ProcessInstance, sender).status == "completed"
    unrouted = db.session.scalars(select(InstanceEvent.data).where(
        InstanceEvent.instance_id == sender, InstanceEvent.kind == "message_unrouted")).all()
    assert [(e["name"], e["code"]) for e in unrouted] == [("nobody_listens", "message_no_receiver")]
    # Re-sending every outbox row (what the relay does after a crash) changes nothing.
    ids = list(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.task_name == "messages.route")))
    assert len(ids) == 3
    db.session.execute(OutboxMessage.__table__.update().where(OutboxMessage.id.in_(ids)).values(status="pending"))
    db.session.commit()
    outbox.send(ids)
    assert instances() == 2
    assert db.session.scalar(select(func.count()).select_from(MessageReceipt)) == 2

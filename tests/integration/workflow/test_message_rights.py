"""POST /messages has the sender's rights: scope, roles, reserved names; no cross-project joins."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.extensions import db
from app.models import DeviceAlarm, ProcessInstance, RoleGrant
from app.services.access.actors import SYSTEM
from app.services.workflow import cases
from app.services.workflow.messages import deliver_message
from tests.support.factories import PASSWORD, gen_device, gen_project, gen_user

from .conftest import as_actor, open_rows


@pytest.fixture
def two(app, deploy):
    deploy("alarm_messages.bpmn")
    a, b = gen_project(), gen_project()
    crane_a = gen_device(a, code="A-TC-01")
    return {"a": a, "b": b, "crane_a": crane_a,
            "pm_a": as_actor(gen_user("contractor_pm", project=a)),
            "pm_b": as_actor(gen_user("contractor_pm", project=b))}


def refused(actor, name, correlation, payload, key=None) -> str:
    with pytest.raises(DomainError) as info:
        deliver_message(actor, name, correlation, payload, key)
    db.session.rollback()
    return info.value.code


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessInstance))


def waiting_case(two) -> int:
    """A device_alarm case of project A (system-started), answered, now waiting for alarm_cleared."""
    first = deliver_message(SYSTEM, "device_alarm", {"device_code": "A-TC-01", "alarm_type": "load"},
                            {"project_code": two["a"].code}, "sys-1")
    [row] = open_rows(first.instance_id)
    cases.complete_task(two["pm_a"], row.id, {"cause": "wind"})
    return first.instance_id


def test_a_device_alarm_case_is_started_by_ingestion_only(two):
    assert refused(two["pm_a"], "device_alarm", {"device_code": "A-TC-01", "alarm_type": "load"},
                   {"project_code": two["a"].code}) == "message_reserved"
    assert count() == 0


def test_a_message_may_not_name_a_project_device_or_alarm_the_sender_cannot_see(two):
    alarm = DeviceAlarm(device_id=two["crane_a"].id, project_id=two["a"].id, alarm_type="load",
                        level="alarm", first_at=datetime(2026, 3, 2, tzinfo=UTC),
                        last_at=datetime(2026, 3, 2, tzinfo=UTC), first_data_id="x")
    db.session.add(alarm)
    db.session.commit()
    pm_b = two["pm_b"]
    assert refused(pm_b, "alarm_cleared", {"x": 1}, {"project_code": two["a"].code}) == "project_not_found"
    assert refused(pm_b, "alarm_cleared", {"device_code": "A-TC-01", "alarm_type": "load"}, {}) == \
        "device_not_found"
    assert refused(pm_b, "alarm_cleared", {"x": 1}, {"alarm_id": alarm.id}) == "alarm_not_found"
    assert refused(pm_b, "alarm_cleared", {"x": 1}, {"alarm_id": 10 ** 30}) == "alarm_not_found"
    # Visible things of two different projects do not make one message.
    user = gen_user("contractor_pm", project=two["b"])
    db.session.add(RoleGrant(user_id=user.id, role_code="contractor_pm", project_id=two["a"].id))
    db.session.commit()
    assert refused(as_actor(user), "alarm_cleared", {"device_code": "A-TC-01", "alarm_type": "load"},
                   {"project_code": two["b"].code}) == "message_scope_mismatch"


def test_a_user_reaches_only_cases_he_may_see_and_starts_like_post_process_instances(two):
    instance_id = waiting_case(two)
    clear = ({"device_code": "A-TC-01", "alarm_type": "load"}, {"cleared_by": "pm"})
    # The other project's PM cannot reach the case (and cannot even name the device).
    assert refused(two["pm_b"], "alarm_cleared", *clear) == "device_not_found"
    assert refused(two["pm_b"], "alarm_cleared", {"device": "A-TC-01"}, {}) == "message_no_receiver"
    expert = as_actor(gen_user("expert"))
    assert refused(expert, "anything", {"x": 1}, {}) == "case_start_denied"
    done = deliver_message(two["pm_a"], "alarm_cleared", *clear, "pm-1")
    assert (done.instance_id, done.outcome) == (instance_id, "delivered")
    assert db.session.get(ProcessInstance, instance_id).status == "completed"


def test_a_correlation_never_joins_another_projects_case(two):
    instance_id = waiting_case(two)
    correlation = {"device_code": "A-TC-01", "alarm_type": "load"}
    # Same correlation, but about project B: not A's case (and alarm_cleared starts nothing).
    assert refused(SYSTEM, "alarm_cleared", correlation, {"project_code": two["b"].code}, "sys-2") == \
        "message_no_receiver"
    assert db.session.get(ProcessInstance, instance_id).status == "waiting"
    # A device alarm about project B with A's correlation starts B's own case.
    other = deliver_message(SYSTEM, "device_alarm", correlation, {"project_code": two["b"].code}, "sys-3")
    assert other.outcome == "started" and other.instance_id != instance_id
    assert db.session.get(ProcessInstance, other.instance_id).project_id == two["b"].id


def test_a_users_idempotency_keys_are_his_own(two):
    instance_id = waiting_case(two)  # the system's receipt is "sys-1"
    assert refused(two["pm_b"], "alarm_cleared", {"x": 1}, {}, "sys-1") == "message_no_receiver"
    assert db.session.get(ProcessInstance, instance_id).status == "waiting"


def test_post_messages_maps_the_refusals(two, api):
    user = gen_user("contractor_pm", project=two["b"], username="pm_b_api")
    api.token("pm_b_api", PASSWORD)
    reserved = api.post("/api/v1/messages", "pm_b_api", json={
        "name": "device_alarm", "correlation": {"device_code": "B-1", "alarm_type": "load"},
        "payload": {"project_code": two["b"].code}})
    assert reserved.status_code == 403 and reserved.get_json()["error"]["code"] == "message_reserved"
    foreign = api.post("/api/v1/messages", "pm_b_api", json={
        "name": "alarm_cleared", "correlation": {"x": 1}, "payload": {"project_code": two["a"].code}})
    assert foreign.status_code == 404 and foreign.get_json()["error"]["code"] == "project_not_found"
    assert user.id and count() == 0

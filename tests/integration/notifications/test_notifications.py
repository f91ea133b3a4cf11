"""In-app notifications: `notify` outbox messages become one row per recipient, once."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.errors import NotFoundError
from app.extensions import db
from app.infra import outbox
from app.models import Notification, OutboxMessage, ProcessInstance, RoleGrant, User
from app.services.notifications import delivery
from app.services.workflow import cases, timers
from tests.processes.orders.support import complete, upload, user_id
from tests.support.processes import actor

PROJECT = "JS-2026-001"


def overdue_order(clock) -> int:
    """A rectification order whose deadline passed: its reminder `notify` ran."""
    official = actor("district_safety")
    order = cases.start_case(official, "rectification_order", project_code=PROJECT, title="金水湾 限期整改")
    photo = upload(official, order, "issue_order", "problem.png")
    complete(official, order, "issue_order", {
        "order_type": "deadline", "inspection_date": "2026-03-02", "deadline": "2026-03-04", "requirements": "立即整改",
        "problems": [{"description": "临边防护缺失", "location": "3#楼12层", "photos": [photo]}]})
    clock.advance(days=2, hours=16)  # past the deadline, before the automatic urging
    timers.fire_due_timers()
    return order


def rows_of(instance_id: int) -> list[Notification]:
    """The rows the diagram's `notify` calls wrote (new tasks are announced too: not these)."""
    db.session.expire_all()
    notify = select(OutboxMessage.id).where(OutboxMessage.task_name == "notifications.send")
    return list(db.session.scalars(select(Notification).where(
        Notification.instance_id == instance_id,
        Notification.outbox_id.is_(None) | Notification.outbox_id.in_(notify))
        .order_by(Notification.user_id)))


def reminder_message(instance_id: int) -> OutboxMessage:
    [message] = [m for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.task_name == "notifications.send")) if m.payload["instance_id"] == instance_id]
    return message


def test_deadline_reminder_reaches_the_projects_contractor_pm_only(family, clock, api):
    order = overdue_order(clock)
    project_id = db.session.get(ProcessInstance, order).project_id
    holders = set(db.session.scalars(select(RoleGrant.user_id).where(
        RoleGrant.role_code == "contractor_pm", RoleGrant.project_id == project_id)))
    [row] = rows_of(order)
    assert holders == {row.user_id} == {user_id("contractor_pm")}
    assert row.title == "金水湾 限期整改" and "2026-03-04" in row.body and row.read_at is None
    assert row.project_id == project_id and row.outbox_id == reminder_message(order).id
    assert reminder_message(order).status == "sent"
    mine = api.get("/api/v1/notifications", "contractor_pm").get_json()
    assert [n["id"] for n in mine["data"] if n["instance_id"] == order and n["body"] == row.body] == [row.id]
    assert mine["meta"]["unread"] >= 1
    for other in ("contractor_pm2", "district_safety", "owner_rep"):
        listed = api.get("/api/v1/notifications", other).get_json()["data"]
        assert not any(n["instance_id"] == order and n["body"] == row.body for n in listed), other


def test_re_sending_the_message_adds_nothing(family, clock):
    order = overdue_order(clock)
    message = reminder_message(order)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                       .values(status="pending"))
    db.session.commit()
    assert outbox.send([message.id]) == 1  # delivered again (at least once) ...
    assert delivery.deliver_notification(**message.payload) == 0
    assert len(rows_of(order)) == 1  # ... but still one row


def test_authority_role_goes_by_jurisdiction(family, clock):
    order = overdue_order(clock)
    written = delivery.deliver_notification(instance_id=order, role="district_safety_officer",
                                                 message="请复核整改情况")
    assert written >= 1
    notified = {r.user_id for r in rows_of(order) if r.body == "请复核整改情况"}
    assert user_id("district_safety") in notified
    assert user_id("district_safety2") not in notified  # 二七区: not over this 金水区 project
    assert user_id("contractor_pm") not in notified


def test_named_user_wins_over_the_role_and_inactive_users_fall_back(family, clock):
    order = overdue_order(clock)
    assert delivery.deliver_notification(instance_id=order, user="tech_lead",
                                              role="contractor_pm", message="指定人") == 1
    assert delivery.deliver_notification(instance_id=order, user=str(user_id("auditor")),
                                              message="按编号") == 1
    db.session.get(User, user_id("tech_lead")).is_active = False
    db.session.commit()
    assert delivery.deliver_notification(instance_id=order, user="tech_lead",
                                              role="contractor_pm", message="停用后") == 1
    assert delivery.deliver_notification(instance_id=order, user="nobody", message="无人") == 0
    by_body = {r.body: r.user_id for r in rows_of(order)}
    assert by_body["指定人"] == user_id("tech_lead") and by_body["按编号"] == user_id("auditor")
    assert by_body["停用后"] == user_id("contractor_pm") and "无人" not in by_body


def test_self_check_reminder_goes_to_the_bound_rectifier(family, clock):
    pm = actor("contractor_pm")
    case = cases.start_case(pm, "hazard_self_check", project_code=PROJECT, title="脚手架隐患")
    photo = upload(pm, case, "register_hazard", "hazard.png")
    complete(pm, case, "register_hazard", {"description": "扣件松动", "location": "2#楼", "photos": [photo],
                                           "rectifier": "safety_officer", "reviewer": "chief_supervisor",
                                           "deadline": "2026-03-03"})
    clock.advance(days=3)
    timers.fire_due_timers()
    assert [r.user_id for r in rows_of(case)] == [user_id("safety_officer")]


def test_read_marks_and_scoping(family, clock, api):
    order = overdue_order(clock)
    [row] = rows_of(order)
    before = api.get("/api/v1/notifications?unread=1", "contractor_pm").get_json()["meta"]
    assert api.post(f"/api/v1/notifications/{row.id}/read", "contractor_pm2").status_code == 404
    r = api.post(f"/api/v1/notifications/{row.id}/read", "contractor_pm")
    assert r.status_code == 200 and r.get_json()["data"]["read"] is True
    after = api.get("/api/v1/notifications?unread=1", "contractor_pm").get_json()
    assert after["meta"]["unread"] == before["unread"] - 1
    assert row.id not in [n["id"] for n in after["data"]]
    assert api.post(f"/api/v1/notifications/{row.id}/read", "contractor_pm").status_code == 200
    assert delivery.unread_count(actor("contractor_pm")) == after["meta"]["unread"]
    with pytest.raises(NotFoundError) as missing:
        delivery.mark_read(actor("district_safety"), row.id)
    assert missing.value.code == "notification_not_found"
    bad = api.get("/api/v1/notifications?limit=0", "contractor_pm")
    assert bad.status_code == 422

"""The bell tells a user about a new task for him or his role, and about a return with its reason
(issue 15): one `notifications.task_ready` outbox message per new task, delivered after commit."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Notification, OutboxMessage
from app.services.notifications import delivery
from app.services.workflow import cases
from tests.processes.orders.support import complete, upload, user_id
from tests.support.processes import actor

PROJECT = "JS-2026-001"


def announced(instance_id: int, username: str) -> list[Notification]:
    db.session.expire_all()
    ready = select(OutboxMessage.id).where(OutboxMessage.task_name == "notifications.task_ready")
    return list(db.session.scalars(select(Notification).where(
        Notification.instance_id == instance_id, Notification.user_id == user_id(username),
        Notification.outbox_id.in_(ready)).order_by(Notification.id)))


def test_new_tasks_and_a_return_reach_the_bell_of_their_holders(family, api):
    official = actor("district_safety")
    order = cases.start_case(official, "rectification_order", project_code=PROJECT, title="金水湾 限期整改")
    [issue] = announced(order, "district_safety")
    assert issue.body.startswith("新待办：填写整改单")
    before = delivery.unread_count(actor("contractor_pm"))
    photo = upload(official, order, "issue_order", "problem.png")
    complete(official, order, "issue_order", {
        "order_type": "deadline", "inspection_date": "2026-03-02", "deadline": "2026-03-09",
        "requirements": "立即整改",
        "problems": [{"description": "临边防护缺失", "location": "3#楼12层", "photos": [photo]}]})
    [reply] = announced(order, "contractor_pm")
    assert reply.body.startswith("新待办：整改回复（整改单 ") and reply.read_at is None
    assert reply.title.startswith("整改单 ")
    assert delivery.unread_count(actor("contractor_pm")) == before + 1
    assert announced(order, "contractor_pm2") == []  # another project's PM hears nothing

    pm = actor("contractor_pm")
    after = upload(pm, order, "reply", "after.png")
    complete(pm, order, "reply", {"measures": "已补设防护栏杆", "completed_on": "2026-03-05", "photos": [after]})
    [_, audit] = announced(order, "district_safety")  # bound to the issuer
    assert audit.body.startswith("新待办：整改审核")
    complete(official, order, "audit", {"decision": "return", "reason": "照片不清晰"})
    [_, returned] = announced(order, "contractor_pm")
    assert returned.body.startswith("已退回：整改回复") and returned.body.endswith("退回原因：照片不清晰")
    meta = api.get("/api/v1/notifications?unread=1", "contractor_pm").get_json()["meta"]
    assert meta["unread"] == before + 2

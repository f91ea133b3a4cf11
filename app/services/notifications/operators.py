"""Notification operators: `notify` queues an in-app notification from a process."""
from __future__ import annotations

from app.extensions import db
from app.models import OutboxMessage
from app.services.definitions.operator_registry import OperatorContext, Param, operator


@operator("notify", summary="发送站内通知（指定用户或案件的角色）", params=(
    Param("message", "str", "通知内容", required=True),
    Param("user", "int", "用户编号或用户名（可选）"),
    Param("role", "str", "角色代码（未指定用户时）"),
))
def notify(ctx: OperatorContext, params: dict, data: dict) -> None:
    """Queue a notification to a user (`user`: id or username) or else a role of the case, sent
    after the commit as the Celery task `notifications.send` (app/services/notifications/delivery.py)."""
    message = OutboxMessage(task_name="notifications.send", payload={
        "instance_id": ctx.instance.id, "role": params.get("role"), "user": params.get("user"),
        "message": str(params.get("message", ""))[:500]})
    db.session.add(message)
    db.session.flush()  # its id goes into the payload: a re-send must not duplicate
    message.payload = {**message.payload, "outbox_id": message.id}
    return None

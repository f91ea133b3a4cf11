"""Core operators: hazardous-work status and notifications."""
from __future__ import annotations

from app.errors import DomainError
from app.extensions import db
from app.models import HazardousWork, InstanceEvent, OutboxMessage
from app.services.operators import OperatorContext, operator


class WorkStatusError(DomainError):
    """危大工程当前状态不允许此操作。"""
    code = "work_status_invalid"
    status = 409


# Allowed status moves of a hazardous work (DESIGN: status changes only through processes).
WORK_TRANSITIONS = {
    "registered": {"plan_approved", "terminated"},
    "plan_approved": {"in_progress", "suspended", "accepted", "terminated"},
    "in_progress": {"suspended", "accepted", "terminated"},
    "suspended": {"in_progress", "terminated"},
    "accepted": {"terminated"},
    "terminated": set(),
}


@operator("set_work_status")
def set_work_status(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Move the instance's hazardous work to `params["status"]` if the lifecycle allows it."""
    work_id = params.get("work_id") or (ctx.instance.subject_id if ctx.instance.subject_type == "hazardous_work" else None)
    work = db.session.get(HazardousWork, work_id) if work_id else None
    if work is None:
        raise WorkStatusError("流程没有关联危大工程。", code="work_missing")
    target = params["status"]
    if target != work.status and target not in WORK_TRANSITIONS.get(work.status, set()):
        raise WorkStatusError(f"危大工程状态为 {work.status}，不能变更为 {target}。")
    before, work.status = work.status, target
    db.session.add(InstanceEvent(instance_id=ctx.instance.id, kind="work_status", username=ctx.actor.username,
                                 user_id=ctx.actor.user_id, data={"from": before, "to": target}))
    return {"work_status": target}


@operator("notify")
def notify(ctx: OperatorContext, params: dict, data: dict) -> None:
    """Queue a notification to a user (`user`: id or username) or else a role of the case, sent
    after the commit as the Celery task `notifications.send` (app/services/notifications.py)."""
    message = OutboxMessage(task_name="notifications.send", payload={
        "instance_id": ctx.instance.id, "role": params.get("role"), "user": params.get("user"),
        "message": str(params.get("message", ""))[:500]})
    db.session.add(message)
    db.session.flush()  # its id goes into the payload: a re-send must not duplicate
    message.payload = {**message.payload, "outbox_id": message.id}
    return None

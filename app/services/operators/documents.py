"""Issuing printed notices from a process."""
from __future__ import annotations

from app.extensions import db
from app.models import InstanceEvent, OutboxMessage
from app.services.operators import OperatorContext, operator


@operator("issue_document")
def issue_document(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Record a notice to issue (template + data snapshot); numbering and rendering follow the commit."""
    template = params["template"]
    db.session.add(OutboxMessage(task_name="notices.issue", payload={
        "instance_id": ctx.instance.id, "template": template,
        "context": {k: v for k, v in params.items() if k != "template"}}))
    db.session.add(InstanceEvent(instance_id=ctx.instance.id, kind="document_requested",
                                 username=ctx.actor.username, user_id=ctx.actor.user_id,
                                 data={"template": template}))
    return {"last_document_template": template}

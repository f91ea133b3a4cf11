"""Issuing printed notices from a process: `issue_document` (numbered, rendered after commit)."""
from __future__ import annotations

from app.extensions import db
from app.models import Project
from app.services.notices.issuing import issue_notice
from app.services.workflow.operator_registry import OperatorContext, operator


@operator("issue_document")
def issue_document(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Issue notice `params["template"]`: next number, frozen context, render queued.

    The other params are the template's fields (they win over task data of the same name);
    `addressee_parties` (e.g. ["contractor"]) and `signatory` are optional. Returns
    {document_id, document_number} into the task data. Raises on an unknown template or
    when no issuing org unit can be found (the step fails and becomes an incident).
    """
    instance = ctx.instance
    project = db.session.get(Project, instance.project_id) if instance.project_id else None
    document = issue_notice(ctx.actor, params.get("template"), project=project, instance=instance,
                            params=params, task_data=data)
    return {"document_id": document.id, "document_number": document.number}

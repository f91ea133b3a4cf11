"""Issuing printed notices from a process: `issue_document` (numbered, rendered after commit)."""
from __future__ import annotations

from app.extensions import db
from app.models import Project
from app.services.definitions.operator_registry import OperatorContext, Param, operator
from app.services.notices.issuing import issue_notice


@operator("issue_document", summary="签发通知书（编号、内容冻结、排队生成 PDF）", params=(
    Param("template", "str", "通知书模板代码", required=True),
    Param("addressee_parties", "list", "送达单位（可选），如 ['contractor']"),
    Param("signatory", "str", "签发人（可选）"),
), free_params="其余参数为该通知书模板的字段，优先于同名的任务数据")
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

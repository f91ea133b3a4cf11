"""The chief supervisor's review of a record from the record's page or the API: approve it (its
PDF is issued) or return it with a reason. The review is the `review` task of the record's case
(`supervision_record_review`, site_records.review_case): this completes that task, so the inbox
and the record page are one decision; the author revises a returned record (records.revise_record)
as often as it takes."""
from __future__ import annotations

from typing import Any

from app.errors import ConflictError, PermissionDeniedError, ValidationError
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.site_records import review_case
from app.services.site_records.records import visible_record
from app.services.workflow import cases

REVIEWERS = ("chief_supervisor",)
DECISIONS = ("approve", "return")


def _checked(decision: Any, opinion: str | None) -> None:
    errors = {}
    if decision not in DECISIONS:
        errors["decision"] = ["应为 approve（通过）或 return（退回）。"]
    if decision == "return" and not opinion:
        errors["opinion"] = ["退回时请写明原因。"]
    if opinion and len(opinion) > 500:
        errors["opinion"] = ["应为不超过 500 个字符的文本。"]
    if errors:
        raise ValidationError(fields=errors)


def review_record(actor: Actor, record_id: int, data: Any) -> dict[str, Any]:
    """Approve (`{"decision": "approve", "opinion": optional}`) or return (`{"decision": "return",
    "opinion": the reason}`) a submitted record; returns {id, status, document_id}.

    Raises NotFoundError, PermissionDeniedError (`project_role_required`, `review_own_record`),
    ConflictError (`record_not_submitted`), ValidationError, and what completing a task raises."""
    body = data if isinstance(data, dict) else {}
    decision, opinion = body.get("decision"), body.get("opinion")
    opinion = opinion.strip() if isinstance(opinion, str) else None
    record = visible_record(actor, record_id)
    require_project_role(actor, record.project, *REVIEWERS)
    _checked(decision, opinion)
    if record.author == actor.username:
        raise PermissionDeniedError("不能审核自己写的记录。", code="review_own_record")
    if record.status != "submitted":
        raise ConflictError("该记录不在待审核状态。", code="record_not_submitted")
    review_case.ensure_case(record_id)
    task = review_case.open_task(record_id, ("review",))
    if task is None:
        raise ConflictError("该记录不在待审核状态。", code="record_not_submitted")
    cases.complete_task(actor, task.id, {"review_decision": decision, "review_opinion": opinion or ""})
    record = visible_record(actor, record_id)
    return {"id": record.id, "status": record.status, "document_id": record.document_id}

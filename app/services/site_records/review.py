"""The chief supervisor's review of a record: approve it (its PDF is issued at once) or return
it with a reason; the author revises a returned record and submits it again (records.revise_record),
as often as it takes. A record state, not a BPMN chain: one role, one decision and a loop back
to the author, with nothing timed or shared with other parties."""
from __future__ import annotations

from typing import Any

from app.errors import ConflictError, PermissionDeniedError, ValidationError
from app.infra import wallclock
from app.infra.uow import transaction
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.site_records.printing import issue_print
from app.services.site_records.records import visible_record

REVIEWERS = ("chief_supervisor",)
DECISIONS = ("approve", "return")


def review_record(actor: Actor, record_id: int, data: Any) -> dict[str, Any]:
    """Approve (`{"decision": "approve", "opinion": optional}`) or return (`{"decision": "return",
    "opinion": the reason}`) a submitted record; returns {status, document_id}.

    Raises NotFoundError, PermissionDeniedError (`project_role_required`, `review_own_record`),
    ConflictError (`record_not_submitted`), ValidationError."""
    body = data if isinstance(data, dict) else {}
    decision, opinion = body.get("decision"), body.get("opinion")
    opinion = opinion.strip() if isinstance(opinion, str) else None
    with transaction(actor):
        record = visible_record(actor, record_id)
        require_project_role(actor, record.project, *REVIEWERS)
        errors = {}
        if decision not in DECISIONS:
            errors["decision"] = ["应为 approve（通过）或 return（退回）。"]
        if decision == "return" and not opinion:
            errors["opinion"] = ["退回时请写明原因。"]
        if opinion and len(opinion) > 500:
            errors["opinion"] = ["应为不超过 500 个字符的文本。"]
        if errors:
            raise ValidationError(fields=errors)
        if record.author == actor.username:
            raise PermissionDeniedError("不能审核自己写的记录。", code="review_own_record")
        if record.status != "submitted":
            raise ConflictError("该记录不在待审核状态。", code="record_not_submitted")
        record.reviewer, record.reviewer_name = actor.username, actor.display_name or actor.username
        record.reviewed_at, record.review_opinion = wallclock.now(), opinion or None
        record.status = "approved" if decision == "approve" else "returned"
        if record.status == "approved":
            record.document_id = issue_print(actor, record).id
        return {"id": record.id, "status": record.status, "document_id": record.document_id}

"""The operators of `supervision_record_review`: the record's state follows its case. They run
inside the case's step (one transaction with the chief's decision or the writer's revision)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from app.errors import DomainError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.infra.wallclock import LOCAL_TZ
from app.models import SupervisionRecord
from app.services.definitions.operator_registry import OperatorContext, operator
from app.services.site_records.fields import MOMENTS, labels, read_record
from app.services.site_records.printing import issue_print
from app.services.site_records.review_case import SUBJECT, content_facts
from app.services.workflow import timeline


class RecordMissingError(DomainError):
    """监理记录审核案件没有关联监理记录。"""
    code = "record_missing"


def _record(ctx: OperatorContext) -> SupervisionRecord:
    record = db.session.get(SupervisionRecord, ctx.instance.subject_id) \
        if ctx.instance.subject_type == SUBJECT else None
    if record is None:
        raise RecordMissingError()
    return record


@operator("record_review_outcome", summary="记录总监理工程师的审核结论（通过则生成打印件）")
def record_review_outcome(ctx: OperatorContext, params: dict, data: dict) -> dict[str, Any]:
    """Approve (print the record) or return it with the opinion, as `review_decision` says."""
    record = _record(ctx)
    opinion = (data.get("review_opinion") or "").strip() or None
    record.reviewer, record.reviewer_name = ctx.actor.username, ctx.actor.display_name or ctx.actor.username
    record.reviewed_at, record.review_opinion = wallclock.now(), opinion
    record.status = "approved" if data.get("review_decision") == "approve" else "returned"
    if record.status == "approved":
        record.document_id = issue_print(ctx.actor, record).id
    timeline.note(ctx, "record_status", {"record_id": record.id, "to": record.status})
    return {"record_status": record.status, "document_id": record.document_id,
            "return_reason": (opinion or "") if record.status == "returned" else "",
            "returned_by": record.reviewer_name if record.status == "returned" else ""}


def _china_time(content: dict[str, Any], kind: str) -> dict[str, Any]:
    """A page's datetime-local value (no offset) is China time."""
    out = dict(content)
    for name, _ in MOMENTS.get(kind, ()):
        value = out.get(name)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.replace(" ", "T"))
            except ValueError:
                continue
            if parsed.tzinfo is None:
                out[name] = parsed.replace(tzinfo=LOCAL_TZ).isoformat()
    return out


@operator("record_revision", summary="写入记录人修改后的监理记录并重新提交审核")
def record_revision(ctx: OperatorContext, params: dict, data: dict) -> dict[str, Any]:
    """Write the revised content into the record (checked by the record's own rules) and submit
    it again; content the rules refuse goes back to the writer with the problems."""
    record = _record(ctx)
    submitted = data.get(f"revised_{record.kind}")
    try:
        record_date, content = read_record(record.kind, _china_time(submitted if isinstance(submitted, dict)
                                                                    else {}, record.kind))
    except ValidationError as exc:
        names = labels(record.kind)
        problems = "；".join(f"{names.get(k, k)}：{''.join(v)}" for k, v in exc.fields.items())
        return {"revision_problems": problems, "return_reason": problems, "returned_by": "系统校验"}
    record.record_date, record.content = record_date, content
    record.status, record.submitted_at = "submitted", wallclock.now()
    record.revisions += 1
    timeline.note(ctx, "record_status", {"record_id": record.id, "to": "submitted"})
    return {"revision_problems": "", "return_reason": "", "returned_by": "", "content": content_facts(record),
            "record_date": record_date.isoformat()}

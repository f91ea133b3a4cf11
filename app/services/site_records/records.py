"""Writing and reading supervision records: the project's supervisors write them online (a
number per project and kind), the author revises a returned one and submits it again; anyone
who sees the project reads them (enterprise users their projects, officials their jurisdiction).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.errors import ConflictError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import RECORD_KINDS, RECORD_STATUSES, IssuedDocument, SupervisionRecord, SupervisionRecordFile
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.access.scoping import in_visible_projects, visible_or_404, visible_project
from app.services.site_records import review_case
from app.services.site_records.fields import RESULTS, labels, read_record
from app.services.workflow import cases

WRITERS = ("supervisor", "chief_supervisor")
NUMBER_TAGS = {"log": "RZ", "side_station": "PZ", "parallel_inspection": "PX"}


def require_kind(kind: Any) -> str:
    """The kind itself. Raises ValidationError(`record_kind_unknown`)."""
    if kind not in RECORD_KINDS:
        raise ValidationError(code="record_kind_unknown", fields={"kind": [
            "应为 log（监理日志）、side_station（旁站记录）或 parallel_inspection（平行检验记录）。"]})
    return kind


def _next_number(project_code: str, kind: str) -> str:
    prefix = f"{project_code}-{NUMBER_TAGS[kind]}"
    used = db.session.scalar(select(func.count()).select_from(SupervisionRecord)
                             .where(SupervisionRecord.number.startswith(prefix)))
    return f"{prefix}{used + 1:04d}"


def write_record(actor: Actor, project_code: str, kind: str, data: Any) -> int:
    """Write a record of `kind` on the project and start its review case (the chief
    supervisor's review, `supervision_record_review`); returns its id. Raises NotFoundError
    (project; `process_not_deployed`), PermissionDeniedError (not its supervisor), ValidationError."""
    with transaction(actor):
        project = visible_project(actor, code=project_code)
        require_project_role(actor, project, *WRITERS)
        record_date, content = read_record(require_kind(kind), data)
        record = SupervisionRecord(project_id=project.id, kind=kind, number=_next_number(project.code, kind),
                                   record_date=record_date, content=content, status="submitted",
                                   author=actor.username, author_name=actor.display_name or actor.username,
                                   submitted_at=wallclock.now(), revisions=0)
        db.session.add(record)
        db.session.flush()
        review_case.start_case(actor, record)
        return record.id


def visible_record(actor: Actor, record_id: int) -> SupervisionRecord:
    """The record if its project is visible to the actor. Raises NotFoundError."""
    return visible_or_404(actor, SupervisionRecord, record_id, code="supervision_record_not_found",
                          message="没有找到该监理记录。")


def revise_record(actor: Actor, record_id: int, data: Any) -> int:
    """The author rewrites a returned record (the whole body, as when writing): the revision
    task of its review case is completed with it, which submits it again; returns its id.
    Raises NotFoundError, PermissionDeniedError (`record_author_only`), ConflictError
    (`record_not_returned`), ValidationError, and what completing a task raises."""
    record = visible_record(actor, record_id)
    require_project_role(actor, record.project, *WRITERS)
    if record.author != actor.username:
        raise PermissionDeniedError("只有记录人可以修改该记录。", code="record_author_only")
    if record.status != "returned":
        raise ConflictError("只有被退回的记录可以修改后重新提交。", code="record_not_returned")
    record_date, content = read_record(record.kind, data)
    kind, record_id = record.kind, record.id
    review_case.ensure_case(record_id)
    task = review_case.open_task(record_id, (review_case.REVISE_TASKS[kind],))
    if task is None:
        raise ConflictError("该记录的审核流程不在修改环节。", code="record_not_returned")
    revised = {**content, "record_date": record_date.isoformat()}
    cases.complete_task(actor, task.id, {f"revised_{kind}": revised})
    return record_id


def file_dict(row: SupervisionRecordFile) -> dict[str, Any]:
    """An attached file as pages and the API list it."""
    return {"id": row.id, "filename": row.filename, "content_type": row.content_type, "size": row.size,
            "uploaded_at": row.uploaded_at, "url": f"/api/v1/supervision-records/{row.record_id}/files/{row.id}"}


def record_dict(record: SupervisionRecord) -> dict[str, Any]:
    content = dict(record.content)
    if "result" in content:
        content["result_label"] = RESULTS.get(content["result"], "")
    return {"id": record.id, "number": record.number, "kind": record.kind, "kind_label": RECORD_KINDS[record.kind],
            "project_code": record.project.code, "project_name": record.project.name,
            "record_date": record.record_date, "status": record.status,
            "status_label": RECORD_STATUSES[record.status], "author": record.author,
            "author_name": record.author_name, "submitted_at": record.submitted_at, "revisions": record.revisions,
            "reviewer_name": record.reviewer_name, "reviewed_at": record.reviewed_at,
            "review_opinion": record.review_opinion, "document_id": record.document_id, "content": content,
            "files": [file_dict(f) for f in record.files]}


def _records(actor: Actor, project_code: str | None, kind: str | None, status: str | None):
    stmt = in_visible_projects(actor, SupervisionRecord, project_code)
    if kind:
        stmt = stmt.where(SupervisionRecord.kind == require_kind(kind))
    if status:
        if status not in RECORD_STATUSES:
            raise ValidationError(code="record_status_unknown", fields={"status": [
                "应为 submitted（待审核）、returned（已退回）或 approved（已审核）。"]})
        stmt = stmt.where(SupervisionRecord.status == status)
    return stmt


def list_records(actor: Actor, project_code: str | None = None, kind: str | None = None,
                 status: str | None = None, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Records of the visible projects (or of one), newest date first, a page of them
    (count_records counts them all). Raises NotFoundError for an invisible project,
    ValidationError for an unknown kind or status."""
    stmt = _records(actor, project_code, kind, status).order_by(
        SupervisionRecord.record_date.desc(), SupervisionRecord.id.desc()).limit(limit).offset(offset) \
        .options(joinedload(SupervisionRecord.project), selectinload(SupervisionRecord.files))
    return [record_dict(r) for r in db.session.scalars(stmt)]


def count_records(actor: Actor, project_code: str | None = None, kind: str | None = None,
                  status: str | None = None) -> int:
    """How many records list_records pages through. Raises as list_records."""
    stmt = _records(actor, project_code, kind, status)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def get_record(actor: Actor, record_id: int) -> dict[str, Any]:
    """One record with the labels of its fields. Raises NotFoundError."""
    record = visible_record(actor, record_id)
    document = db.session.get(IssuedDocument, record.document_id) if record.document_id else None
    return {**record_dict(record), "labels": labels(record.kind), "document": document and {
        "id": document.id, "number": document.number, "status": document.status, "title": RECORD_KINDS[record.kind], "issued_at": document.issued_at,
        "pdf_url": f"/api/v1/documents/{document.id}/pdf" if document.status == "rendered" else None,
        "docx_url": f"/api/v1/documents/{document.id}/docx" if document.status == "rendered" else None}}


def project_roles(actor: Actor, project_code: str) -> dict[str, bool]:
    """What the actor does on the project's records (pages show the forms only then). Raises
    NotFoundError for an invisible project."""
    project = visible_project(actor, code=project_code)
    roles = actor.roles_on_project(project.id)
    return {"write": bool(actor.is_admin or roles & set(WRITERS)),
            "review": bool(actor.is_admin or "chief_supervisor" in roles)}


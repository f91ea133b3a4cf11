"""The chief supervisor's review as a BPMN chain (`processes/supervision_record_review.bpmn`):
started on the record when it is submitted, in the writing transaction, by its writer (so the
platform keeps him off the review: workflow.review_duties); the record's state follows the case
(site_records.operators). A record submitted or returned before the chain existed gets its case
when it is next acted on (`ensure_case`: start-on-read) or by the daily sweep (`start_missing_cases`).

The subject kind `supervision_record` is registered here: nobody starts the chain by hand.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import ConflictError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra.uow import transaction
from app.models import RECORD_STATUSES, InboxTask, ProcessInstance, SupervisionRecord, User
from app.services.access.actors import Actor, actor_for
from app.services.definitions.deployments import latest_definition
from app.services.definitions.start_guards import StartRule, register_guard
from app.services.supervision.orders import start_child_case

PROCESS_KEY = "supervision_record_review"
SUBJECT = "supervision_record"
OPEN_STATUSES = ("running", "waiting", "error")
REVISE_TASKS = {"log": "revise_log", "side_station": "revise_side_station",
                "parallel_inspection": "revise_parallel_inspection"}


def content_facts(record: SupervisionRecord) -> dict[str, Any]:
    """The record's content as the case shows it (the result in words)."""
    from app.services.site_records.fields import RESULTS

    content = dict(record.content)
    if "result" in content:
        content["result_label"] = RESULTS.get(content["result"], "")
    return content


def start_data(record: SupervisionRecord, author_id: int | None) -> dict[str, Any]:
    """What the chain starts with: the record, its writer (bound to the revisions) and where to
    start (`review`, or `revise` for a record returned before the chain existed)."""
    from app.models import RECORD_KINDS

    return {"record_id": record.id, "record_no": record.number, "record_kind": record.kind,
            "record_kind_label": RECORD_KINDS[record.kind], "record_date": record.record_date.isoformat(),
            "author_name": record.author_name, "author_user_id": author_id, "content": content_facts(record),
            "resume_at": "revise" if record.status == "returned" else "review",
            "return_reason": (record.review_opinion or "") if record.status == "returned" else "",
            "returned_by": (record.reviewer_name or "") if record.status == "returned" else ""}


def start_case(writer: Actor, record: SupervisionRecord) -> int:
    """Start the review case of `record` in the caller's transaction, as its writer; returns the
    instance id. Raises NotFoundError(`process_not_deployed`)."""
    return start_child_case(writer, PROCESS_KEY, None, record.project, start_data(record, writer.user_id),
                            title=f"{record.number} 审核（{record.project.name}）",
                            subject_type=SUBJECT, subject_id=record.id)


def open_case(record_id: int) -> ProcessInstance | None:
    return db.session.scalar(select(ProcessInstance).where(
        ProcessInstance.process_key == PROCESS_KEY, ProcessInstance.subject_type == SUBJECT,
        ProcessInstance.subject_id == record_id, ProcessInstance.status.in_(OPEN_STATUSES))
        .order_by(ProcessInstance.id.desc()).limit(1))


def _writer(record: SupervisionRecord) -> Actor:
    user = db.session.scalar(select(User).where(User.username == record.author))
    if user is None:
        raise ConflictError("记录人的账号已不存在，无法发起审核。", code="record_author_missing")
    return actor_for(user)


def ensure_case(record_id: int) -> None:
    """Start-on-read: a submitted or returned record without an open case gets one (in its own
    transaction, as its writer)."""
    with transaction():
        record = db.session.get(SupervisionRecord, record_id)
        if record is not None and record.status in ("submitted", "returned") and open_case(record.id) is None:
            start_case(_writer(record), record)


def start_missing_cases() -> int:
    """Start the case of every submitted or returned record that has none (records written
    before the chain existed); returns how many were started (none while it is not deployed)."""
    if latest_definition(PROCESS_KEY) is None:
        return 0
    ids = db.session.scalars(select(SupervisionRecord.id).where(
        SupervisionRecord.status.in_(("submitted", "returned"))).order_by(SupervisionRecord.id)).all()
    started = 0
    for record_id in ids:
        if open_case(record_id) is None:
            ensure_case(record_id)
            started += 1
    return started


def open_task(record_id: int, task_names: tuple[str, ...]) -> InboxTask | None:
    """The record case's open inbox row among `task_names` (None when it waits elsewhere)."""
    instance = open_case(record_id)
    if instance is None:
        return None
    return db.session.scalar(select(InboxTask).where(
        InboxTask.instance_id == instance.id, InboxTask.status == "open",
        InboxTask.task_name.in_(task_names)).order_by(InboxTask.id.desc()).limit(1))


class SupervisionRecordGuard:
    """Registered for `supervision_record` (definitions.start_guards.SubjectGuard): the chain starts
    only when a record is submitted, never from the start page or `POST /process-instances`."""

    label = "监理记录"
    statuses = RECORD_STATUSES

    def missing(self) -> Exception:
        return ValidationError("监理记录审核在提交记录时自动发起。", code="record_review_automatic",
                               fields={"subject_id": ["监理记录审核在提交记录时自动发起。"]})

    def check_start(self, actor: Actor, process_key: str, rule: StartRule | None, subject_id: int,
                    project_code: str | None) -> None:
        """Raises PermissionDeniedError(`record_review_automatic`): nobody starts it by hand."""
        raise PermissionDeniedError("监理记录审核在提交记录时自动发起。", code="record_review_automatic")

    def check_complete(self, rule: StartRule | None, subject_id: int) -> None:
        return None


register_guard(SUBJECT, SupervisionRecordGuard())

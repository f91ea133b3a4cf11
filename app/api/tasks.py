"""The task inbox: list, counts, detail, claim/unclaim/assign, complete, comments, attachments."""
from __future__ import annotations

from dataclasses import asdict, is_dataclass

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.answers import (
    AcknowledgedSchema,
    CompletionSchema,
    CreatedSchema,
    StoredFileSchema,
    TaskCountsSchema,
)
from app.schemas.workflow import (
    INBOX_FIELDS,
    AssignTaskSchema,
    CommentSchema,
    CompleteTaskSchema,
    InboxQuerySchema,
    InboxTaskSchema,
    TaskDetailSchema,
    dump_wire_rows,
)
from app.services.casework import attachment_uploads, task_reads
from app.services.workflow import cases, inbox_queries
from app.web.i18n import english

# One instance for every request: building a schema deep-copies its fields (a tenth of a list
# request's own CPU); loading keeps no state on the instance.
_INBOX_QUERY = InboxQuerySchema()


@bp.get("/tasks")
@doc(query=InboxQuerySchema, response=InboxTaskSchema, many=True)
def list_tasks():
    q = _INBOX_QUERY.load(request.args.to_dict())
    f = inbox_queries.InboxFilter(scope=q["scope"], process_key=q["process"], project_code=q["project"],
                          overdue=q["overdue"], due_before=q["due_before"], sort=q["sort"],
                          limit=q["limit"], offset=q["offset"])
    page = inbox_queries.list_task_fields(api_actor(), f, INBOX_FIELDS)
    return ok(dump_wire_rows(page.items), {"total": page.total})


@bp.get("/tasks/counts")
@doc(response=TaskCountsSchema)
def task_counts():
    return ok(inbox_queries.counts(api_actor()))


@bp.get("/tasks/<int:task_id>")
@doc(response=TaskDetailSchema)
def get_task(task_id: int):
    """A task with the summary of its case's subject (above its form on the task page), the
    return reason when its form was sent back (`returned`, `form.previous` refills it). With
    `?lang=en` (or `Accept-Language: en`) the title, subject and summary are in the process's English."""
    view = task_reads.task_detail(api_actor(), task_id, with_values=True, english=english())
    return ok({**view, "task": InboxTaskSchema().dump(view["task"])})


@bp.post("/tasks/<int:task_id>/claim")
@doc(response=AcknowledgedSchema, no_body=True)
def claim(task_id: int):
    cases.claim_task(api_actor(), task_id)
    return ok({"id": task_id, "claimed": True})


@bp.post("/tasks/<int:task_id>/unclaim")
@doc(response=AcknowledgedSchema, no_body=True)
def unclaim(task_id: int):
    cases.unclaim_task(api_actor(), task_id)
    return ok({"id": task_id, "claimed": False})


@bp.post("/tasks/<int:task_id>/assign")
@doc(body=AssignTaskSchema, response=AcknowledgedSchema)
def assign(task_id: int):
    body = AssignTaskSchema().load(request.get_json(silent=True) or {})
    cases.assign_task(api_actor(), task_id, body["user_id"])
    return ok({"id": task_id, "assignee_id": body["user_id"]})


@bp.post("/tasks/<int:task_id>/complete")
@doc(body=CompleteTaskSchema, response=CompletionSchema)
def complete(task_id: int):
    body = CompleteTaskSchema().load(request.get_json(silent=True) or {})
    result = cases.complete_task(api_actor(), task_id, body["data"])
    return ok(asdict(result) if is_dataclass(result) else result)


@bp.post("/tasks/<int:task_id>/comments")
@doc(body=CommentSchema, status=201, response=CreatedSchema)
def comment(task_id: int):
    body = CommentSchema().load(request.get_json(silent=True) or {})
    return ok({"id": task_reads.add_comment(api_actor(), task_id, body["body"])}, status=201)


@bp.post("/tasks/<int:task_id>/attachments")
@doc(upload=("file",), status=201, response=StoredFileSchema)
def attach(task_id: int):
    upload = request.files.get("file")
    stored = attachment_uploads.attach_to_task(api_actor(), task_id, upload)
    return ok(asdict(stored), status=201)

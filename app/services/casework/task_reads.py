"""What a user sees when he opens a task: the row, its form, the case context, comments, files."""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from app.errors import NotFoundError, PermissionDeniedError
from app.extensions import db
from app.infra.uow import transaction
from app.models import Attachment, InboxTask, Project, TaskComment
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.workflow import case_steps, deployments, inbox_queries


def visible_task(actor: Actor, task_id: int) -> InboxTask:
    """A task the actor may look at: his to work on, in his jurisdiction, or of a visible project."""
    me = actor.user_id or -1
    row = db.session.scalar(select(InboxTask).where(InboxTask.id == task_id, or_(
        inbox_queries.candidate_filter(actor), inbox_queries.jurisdiction_filter(actor), InboxTask.completed_by_id == me,
        InboxTask.project_id.in_(scoping.visible_project_ids(actor)))))
    if row is None:
        raise NotFoundError("没有找到该任务。", code="task_not_found")
    return row


def workable_task(actor: Actor, task_id: int) -> InboxTask:
    """An open task the actor is a candidate for. Raises NotFoundError / PermissionDeniedError."""
    row = visible_task(actor, task_id)
    allowed = db.session.scalar(select(InboxTask.id).where(InboxTask.id == row.id, inbox_queries.candidate_filter(actor)))
    if allowed is None or row.status != "open":
        raise PermissionDeniedError("您不是该任务的办理人。", code="task_not_candidate")
    return row


def task_detail(actor: Actor, task_id: int, *, with_values: bool = False) -> dict:
    """The task with its form as deployed with the case's version, and the case context;
    `with_values` adds the values of the form's read-only fields (`form.values`, as the task
    page shows them). Raises NotFoundError(`task_not_found`)."""
    row = visible_task(actor, task_id)
    instance = row.instance
    form = deployments.form_of(instance.definition, row.form_name)
    shown = {"schema": form.schema, "ui": form.ui} if form else None
    if shown is not None and with_values:
        shown["values"] = _readonly_values_of(row)
    project = db.session.get(Project, row.project_id) if row.project_id else None
    comments = db.session.scalars(select(TaskComment).where(TaskComment.instance_id == instance.id)
                                  .order_by(TaskComment.id))
    files = db.session.scalars(select(Attachment).where(Attachment.instance_id == instance.id)
                               .order_by(Attachment.id))
    return {
        "task": row,
        "form": shown,
        "case": {"id": instance.id, "process_key": instance.process_key, "version": instance.definition.version,
                 "title": instance.title, "status": instance.status, "data": instance.data_summary,
                 "project": {"code": project.code, "name": project.name} if project else None,
                 "subject": {"type": instance.subject_type, "id": instance.subject_id}},
        "comments": [{"id": c.id, "user": c.username, "body": c.body, "at": c.created_at.isoformat()}
                     for c in comments],
        "attachments": [{"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size,
                         "sha256": a.sha256, "task_id": a.inbox_task_id} for a in files],
    }


def add_comment(actor: Actor, task_id: int, body: str) -> int:
    """Comment on a task the actor can see (visible to everyone on the case)."""
    with transaction(actor):
        row = visible_task(actor, task_id)
        comment = TaskComment(instance_id=row.instance_id, inbox_task_id=row.id, user_id=actor.user_id,
                              username=actor.username, body=body)
        db.session.add(comment)
        db.session.flush()
    return comment.id


def readonly_values(actor: Actor, task_id: int) -> dict[str, Any]:
    """The values of the read-only fields of an open task's form (e.g. the return reason the
    previous reviewer wrote), as the case stored them when the task became ready (no engine
    call). Raises NotFoundError(`task_not_found`)."""
    return _readonly_values_of(visible_task(actor, task_id))


def _readonly_values_of(row: InboxTask) -> dict[str, Any]:
    if row.status != "open" or not row.form_name:
        return {}
    shown = case_steps.task_form(row.instance.definition, row.form_name).readonly_fields
    stored = row.form_values or {}
    return {name: stored.get(name) for name in shown}

"""What a user sees when he opens a task: the row, its form, the case context, comments, files."""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from app.errors import NotFoundError, PermissionDeniedError
from app.extensions import db
from app.formdefs import summaries
from app.infra.uow import transaction
from app.models import Attachment, InboxTask, InstanceEvent, Project, TaskComment, User
from app.roles import ROLES
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.casework import task_words
from app.services.definitions import deployments
from app.services.workflow import case_steps, inbox_queries


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


def task_detail(actor: Actor, task_id: int, *, with_values: bool = False, english: bool = False) -> dict:
    """The task with its form as deployed with the case's version, and the case context;
    `with_values` adds the values of the form's read-only fields (`form.values`, as the task
    page shows them); `english` says the task's title, its subject and its summary in the
    English of the process's summary (task_words). Raises NotFoundError(`task_not_found`)."""
    row = visible_task(actor, task_id)
    instance = row.instance
    form = deployments.form_of(instance.definition, row.form_name)
    returned = _returned(row)
    shown = {"schema": form.schema, "ui": form.ui} if form else None
    if shown is not None and with_values:
        shown["values"] = _readonly_values_of(row)
        shown["previous"] = _previous_submission(row, form) if returned is not None else {}
    project = db.session.get(Project, row.project_id) if row.project_id else None
    comments = db.session.scalars(select(TaskComment).where(TaskComment.instance_id == instance.id)
                                  .order_by(TaskComment.id))
    files = list(db.session.scalars(select(Attachment).where(Attachment.instance_id == instance.id)
                                    .order_by(Attachment.id)))
    title, subject = task_words.english_title(row, instance, project) if english else (row.title, instance.title)
    return {
        "task": row,
        "title": title,
        "summary": _summary(row, project, files, english),
        "returned": returned,
        "form": shown,
        "case": {"id": instance.id, "process_key": instance.process_key, "version": instance.definition.version,
                 "title": subject, "status": instance.status, "data": instance.data_summary,
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


def _summary(row: InboxTask, project: Project | None, files: list[Attachment],
             english: bool = False) -> list[dict[str, Any]]:
    """The facts of the case's subject the process declares for this task (summaries), read from
    the row's stored data, the case's live summary and its project: no engine call."""
    instance = row.instance
    spec = deployments.summary_of(instance.definition)
    if not spec:
        return []
    sources = task_words.sources_of(row, instance, project)
    by_task = dict(db.session.execute(select(InboxTask.id, InboxTask.task_name).where(
        InboxTask.instance_id == instance.id, InboxTask.status == "completed")).all())
    earlier: dict[str, list[int]] = {}
    for a in files:
        if a.inbox_task_id in by_task:
            earlier.setdefault(by_task[a.inbox_task_id], []).append(a.id)
    named = {a.id: {"id": a.id, "filename": a.filename} for a in files}
    return summaries.render(summaries.in_english(spec) if english else spec, row.task_name, sources, named,
                            earlier, deployments.choice_labels_of(instance.definition, english), english)


def _returned(row: InboxTask) -> dict[str, Any] | None:
    """When an open task was worked before in this case (it was sent back): the reason and who
    sent it back, as the process's data names them (summary `return_reason`, default
    `return_reason` / `returned_by`); None for a first visit."""
    if row.status != "open":
        return None
    before = db.session.scalar(select(InboxTask.id).where(
        InboxTask.instance_id == row.instance_id, InboxTask.task_name == row.task_name,
        InboxTask.status == "completed", InboxTask.id != row.id).limit(1))
    if before is None:
        return None
    spec = deployments.summary_of(row.instance.definition) or {}
    stored = row.form_values or {}
    reason = summaries.lookup(stored, spec.get("return_reason") or "return_reason")
    by = summaries.lookup(stored, spec.get("returned_by") or "returned_by")
    return {"reason": reason if isinstance(reason, str) and reason else None,
            "by": by if isinstance(by, str) and by else None}


def _previous_submission(row: InboxTask, form: Any) -> dict[str, Any]:
    """The last submission of a returned form (as the timeline recorded it when the task was
    completed): its own (not read-only) fields, to fill the form again."""
    submitted = db.session.scalar(select(InstanceEvent.data).where(
        InstanceEvent.instance_id == row.instance_id, InstanceEvent.kind == "task_completed",
        InstanceEvent.task_name == row.task_name).order_by(InstanceEvent.id.desc()).limit(1)) or {}
    own = [n for n in (form.schema.get("properties") or {}) if n not in form.readonly_fields]
    return {name: submitted[name] for name in own if submitted.get(name) not in (None, "", [])}


def previous_submission(actor: Actor, task_id: int) -> dict[str, Any]:
    """What a returned form is filled with (empty for a first visit). Raises NotFoundError."""
    row = visible_task(actor, task_id)
    form = deployments.form_of(row.instance.definition, row.form_name)
    if form is None or _returned(row) is None:
        return {}
    return _previous_submission(row, form)


def next_holders(instance_id: int) -> list[dict[str, Any]]:
    """Who has the case now: one entry per open task ({task, role (its words), user (the person
    it is bound or assigned to, else None)}); empty when the case is no longer waiting on anyone.
    Called right after a submission by its author (no scope check beyond that: it names roles
    and, for bound tasks, the person)."""
    db.session.expire_all()
    rows = db.session.scalars(select(InboxTask).where(
        InboxTask.instance_id == instance_id, InboxTask.status == "open").order_by(InboxTask.id))
    holders, seen = [], set()
    for row in rows:
        user = db.session.get(User, row.assignee_id or row.candidate_user_id) \
            if (row.assignee_id or row.candidate_user_id) else None
        entry = {"task": row.title, "role": ROLES[row.role].label if row.role in ROLES else row.role,
                 "user": user.display_name if user is not None else None}
        if (entry["task"], entry["role"], entry["user"]) not in seen:
            seen.add((entry["task"], entry["role"], entry["user"]))
            holders.append(entry)
    return holders


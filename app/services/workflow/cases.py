"""Case use cases: start a process, work its inbox tasks, cancel it, read its file.

Each function is one transaction (plus, on an engine failure, a second one for the incident;
see incidents.py). Access: `case_runtime.is_candidate` decides who may work a task and
`case_runtime.can_see_instance` who may see a case; anything invisible is 404.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from app import engine
from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.formdefs import attachment_refs, validate_submission
from app.formdefs.writes import RESERVED, empty_value, form_writes, is_reserved, written_fields
from app.infra import audit_trail, wallclock
from app.infra.uow import transaction
from app.models import Attachment, InboxTask, InstanceEvent, ProcessDefinition, User
from app.services.access import people
from app.services.access.actors import Actor, actor_for
from app.services.access.scoping import visible_project
from app.services.definitions import start_guards
from app.services.definitions.deployments import require_latest
from app.services.workflow import case_steps as rt
from app.services.workflow import incidents, review_duties, timeline
from app.services.workflow.case_refs import case_form_problems
from app.services.workflow.step_writes import StepRow


@dataclass(frozen=True)
class CompletionResult:
    instance_id: int
    status: str
    new_task_ids: list[int] = field(default_factory=list)
    # What the step's operators handed back (never stored), when the caller asked for it.
    handed_back: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseView:
    id: int
    process_key: str
    version: int
    title: str | None
    status: str
    project_code: str | None
    subject_type: str | None
    subject_id: int | None
    business_key: str | None
    started_by: str | None          # the starter's login (the API's field)
    started_at: datetime
    ended_at: datetime | None
    open_tasks: list[dict[str, Any]]
    data_summary: dict[str, Any]
    open_incident_id: int | None
    started_by_name: str | None = None  # what a page says: his display name


def start_case(actor: Actor, process_key: str, *, project_code: str | None = None,
               subject_type: str | None = None, subject_id: int | None = None,
               data: dict[str, Any] | None = None, business_key: str | None = None,
               title: str | None = None) -> int:
    """Start the newest version of `process_key` and run it until it waits; returns its id.

    Start data may not set variables that bind people, subjects or scope (ValidationError
    `form_invalid` naming them). Raises NotFoundError (`process_not_deployed`, `project_not_found`
    for an invisible project),
    PermissionDeniedError(`case_start_denied`) for expert-only actors or a project-less start by
    a non-official, (`case_start_role`) for an enterprise user starting a process that starts in
    an official's lane, CaseStartFailedError when the engine fails before the first wait.
    """
    if not actor.roles or actor.roles <= {"expert"}:
        raise PermissionDeniedError("没有发起流程的权限。", code="case_start_denied")
    data = dict(data or {})
    with transaction(actor):
        definition = require_latest(process_key)
        start_guards.check_start_lane(actor, definition)
        project = visible_project(actor, code=project_code) if project_code else None
        if project is None and not (actor.is_admin or actor.jurisdiction_paths):
            raise PermissionDeniedError("请指定工程项目。", code="case_start_denied")
        start_guards.check_can_start(actor, definition, subject_type, subject_id, project_code=project_code)
        _refuse_binding_data(definition, data)
        scope = None if project else (actor.jurisdiction_paths or (None,))[0]
        return rt.start_instance(
            actor, definition, project, lambda spec, host, now: engine.start(
                spec, data, host=host, now=now),
            {"action": "start", "data": data}, subject_type=subject_type, subject_id=subject_id,
            business_key=business_key, title=title, scope_path=scope)


def _binding_variables(definition: ProcessDefinition) -> set[str]:
    return {name for task in definition.user_tasks or [] for name in task.get("binds") or []}


def _refuse_binding_data(definition: ProcessDefinition, data: dict[str, Any]) -> None:
    """A user's start data may not bind people, subjects or scope either (the issuer whose name
    a notice prints, the auditor…): the services that open cases set those themselves."""
    reserved = sorted(k for k in data if is_reserved(k, _binding_variables(definition)))
    if reserved:
        raise ValidationError("表单填写有误。", code="form_invalid",
                              fields={k: [RESERVED] for k in reserved})


def _visible_row(actor: Actor, inbox_task_id: int) -> InboxTask:
    row = db.session.get(InboxTask, inbox_task_id)
    if row is None or not rt.can_see_instance(actor, row.instance):
        raise NotFoundError("没有找到该待办。", code="task_not_found")
    return row


def _workable_row(actor: Actor, inbox_task_id: int) -> InboxTask:
    row = _visible_row(actor, inbox_task_id)
    if not rt.is_candidate(actor, row):
        raise PermissionDeniedError("您不是该待办的办理人。", code="task_not_candidate")
    _check_open(actor, row)
    review_duties.check_not_author(actor.user_id, row)
    return row


def _check_open(actor: Actor, row: InboxTask | StepRow | None) -> None:
    if row is None or row.status != "open":
        raise ConflictError("该待办已办结或已撤销。", code="task_not_open")
    if row.assignee_id is not None and row.assignee_id != actor.user_id:
        raise ConflictError("该待办已由他人签收。", code="task_claimed_by_other")


def claim_task(actor: Actor, inbox_task_id: int) -> None:
    """Take an open task for oneself (idempotent for the holder).

    Raises NotFoundError(`task_not_found`), PermissionDeniedError(`task_not_candidate`),
    ConflictError(`task_not_open`, `task_claimed_by_other`).
    """
    with transaction(actor):
        row = _workable_row(actor, inbox_task_id)
        _claim(row, actor)
        timeline.record(row.instance_id, actor, "task_claimed", wallclock.now(), inbox_task_id=row.id,
                        task_name=row.task_name, title=row.title)


def _claim(row: InboxTask, actor: Actor) -> None:
    """A conditional UPDATE, so that of two simultaneous claims exactly one wins. A Core
    statement passes the flush listener by, so the claim writes its own audit entry (none when
    the holder claims again: nothing changed)."""
    holder = InboxTask.assignee_id
    before = {"assignee_id": row.assignee_id}
    now = wallclock.now()
    done = db.session.execute(update(InboxTask).where(
        InboxTask.id == row.id, InboxTask.status == "open",
        holder.is_(None) | (holder == actor.user_id)).values(
        assignee_id=actor.user_id, claimed_at=now)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        _check_open(actor, rt.reload_row(row.id))
        raise ConflictError("该待办已由他人签收。", code="task_claimed_by_other")
    if before["assignee_id"] != actor.user_id:
        audit_trail.record(actor, "update", entity_type=InboxTask.__tablename__, entity_id=str(row.id),
                           before=before, after={"assignee_id": actor.user_id, "claimed_at": now.isoformat()})


def unclaim_task(actor: Actor, inbox_task_id: int) -> None:
    """Give a claimed task back to its candidates (the holder, or an official over the case).

    Raises NotFoundError(`task_not_found`), PermissionDeniedError(`task_not_holder`),
    ConflictError(`task_not_open`).
    """
    with transaction(actor):
        row = _visible_row(actor, inbox_task_id)
        if row.assignee_id != actor.user_id and not rt.can_manage(actor, row.instance):
            raise PermissionDeniedError("只有签收人或监管人员可以退回签收。", code="task_not_holder")
        if row.status != "open":
            raise ConflictError("该待办已办结或已撤销。", code="task_not_open")
        row.assignee_id, row.claimed_at = None, None
        timeline.record(row.instance_id, actor, "task_unclaimed", wallclock.now(), inbox_task_id=row.id,
                        task_name=row.task_name, title=row.title)


def assign_task(actor: Actor, inbox_task_id: int, user_id: int) -> None:
    """An official with jurisdiction over the case hands the task to one of its candidates.

    Raises NotFoundError(`task_not_found`, `user_not_found`),
    PermissionDeniedError(`task_assign_denied`), ValidationError(`assignee_not_candidate`),
    ConflictError(`task_not_open`).
    """
    with transaction(actor):
        row = _visible_row(actor, inbox_task_id)
        if not rt.can_manage(actor, row.instance):
            raise PermissionDeniedError("只有辖区监管人员可以指派待办。", code="task_assign_denied")
        if row.status != "open":
            raise ConflictError("该待办已办结或已撤销。", code="task_not_open")
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFoundError("没有找到该用户。", code="user_not_found")
        if not rt.is_candidate(actor_for(user), row, ignore_assignee=True):
            raise ValidationError("该用户不是此待办的办理人。", code="assignee_not_candidate",
                                  fields={"user_id": ["该用户不是此待办的办理人。"]})
        review_duties.check_not_author(user.id, row, "user_id")
        row.assignee_id, row.claimed_at = user.id, wallclock.now()
        timeline.record(row.instance_id, actor, "task_assigned", wallclock.now(), inbox_task_id=row.id,
                        task_name=row.task_name, title=row.title,
                        data={"user_id": user.id, "username": user.username})


def complete_task(actor: Actor, inbox_task_id: int, data: dict[str, Any], *,
                  hand_back: bool = False) -> CompletionResult:
    """Validate the submission against the task's form, then complete it and run on.

    Only the fields the task's form declares are written (readOnly ones are dropped); fields it
    does not declare and variables binding people, subjects or scope are refused. With
    `hand_back` the result carries what the step's operators handed back (e.g. the initial
    passwords an approval generated, for the caller to show once).
    Raises NotFoundError(`task_not_found`), PermissionDeniedError(`task_not_candidate`),
    ValidationError(`form_invalid`, per-field messages), ConflictError(`task_not_open`,
    `task_claimed_by_other`, `task_not_ready`, `instance_busy`) and CaseFailedError(`case_error`)
    when the engine fails (an incident keeps the answer for a retry).
    """
    def step() -> CompletionResult:  # one transaction: lock, check, validate, run, persist
        instance, row = rt.lock_task(inbox_task_id)
        if row is None or not rt.can_see_instance(actor, instance):
            raise NotFoundError("没有找到该待办。", code="task_not_found")
        if not rt.is_candidate(actor, row):
            raise PermissionDeniedError("您不是该待办的办理人。", code="task_not_candidate")
        _check_open(actor, row)
        review_duties.check_not_author(actor.user_id, row)
        start_guards.check_can_complete(instance.definition, row.subject_type, row.subject_id)
        written, cleared = _validate(row, data)
        incidents.require_active(instance)
        handback: dict[str, Any] | None = {} if hand_back else None  # fresh for every try
        new_ids = rt.perform(instance, actor, {
            "action": "complete", "task_id": row.spiff_task_id, "inbox_task_id": row.id,
            "data": written, "clear": cleared, "user_id": actor.user_id, "username": actor.username,
            "ip": actor.ip}, handback=handback)
        return CompletionResult(instance.id, instance.status, new_ids, handback or {})

    def before_retry() -> None:  # a sibling's answer moved the instance: retry if still ours
        _check_open(actor, rt.reload_row(inbox_task_id))

    with incidents.reporting(actor):
        return rt.run_in_transaction(actor, step, before_retry=before_retry)


def _validate(row: InboxTask | StepRow, data: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the part of `data` the task may write into the case, the fields its form writes that the
    submission left empty, each with its empty value: cleared, so a loop's next round does not
    keep the last one's value).
    Raises ValidationError(`form_invalid`) naming each undeclared, reserved or invalid field
    (see app/formdefs/writes.py)."""
    if not isinstance(data, dict):
        raise ValidationError(code="form_invalid", fields={"_form": ["提交的数据必须是 JSON 对象。"]})
    definition = row.instance.definition
    form = rt.task_form(definition, row.form_name) if row.form_name else None
    data, fields = form_writes(form.schema if form else None, data, _binding_variables(definition))
    if form is not None:
        for where, messages in validate_submission(form.schema, data).items():
            fields.setdefault(where, messages)
        for where, value in attachment_refs(form.schema, data):
            if where not in fields and not _own_attachments(row, value):
                fields[where] = ["附件不存在或不属于本案件。"]
        if not fields:  # rules beyond the schema, on a well-shaped submission only
            fields = case_form_problems(row.instance, form.schema, data)
    if fields:
        raise ValidationError("表单填写有误。", code="form_invalid", fields=fields)
    if form is None:
        return data, {}
    binding = _binding_variables(definition)
    return data, {name: empty_value(form.schema, name) for name in sorted(written_fields(form.schema) - set(data))
                  if not is_reserved(name, binding)}


def _own_attachments(row: InboxTask | StepRow, value: Any) -> bool:
    ids = value if isinstance(value, list) else [value]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return False
    found = set(db.session.scalars(select(Attachment.id).where(
        Attachment.id.in_(ids), Attachment.instance_id == row.instance_id)))
    return found == set(ids)


def cancel_case(actor: Actor, instance_id: int, reason: str) -> None:
    """Cancel a running case: open tasks are withdrawn, timers and subscriptions dropped.

    Raises NotFoundError(`case_not_found`), PermissionDeniedError(`case_cancel_denied`),
    ValidationError (`reason` required), ConflictError(`case_not_active`).
    """
    if not (reason or "").strip():
        raise ValidationError(fields={"reason": ["请填写撤销原因。"]})

    def step() -> None:
        instance = rt.visible_case(actor, instance_id, lock=True)
        if not rt.can_manage(actor, instance):
            raise PermissionDeniedError("只有辖区监管人员可以撤销案件。", code="case_cancel_denied")
        if instance.status not in (*rt.ACTIVE, "error"):
            raise ConflictError("案件已结束。", code="case_not_active")
        rt.perform(instance, actor, {"action": "cancel", "reason": reason.strip()})
        timeline.record(instance.id, actor, "case_cancelled", wallclock.now(), data={"reason": reason.strip()})
        incidents.close_incidents(instance.id, actor)

    with incidents.reporting(actor):
        rt.run_in_transaction(actor, step)


def get_case(actor: Actor, instance_id: int) -> CaseView:
    """The case file header: status, version, project, subject, open tasks, data summary.

    Raises NotFoundError(`case_not_found`).
    """
    instance = rt.visible_case(actor, instance_id)
    rows = db.session.scalars(select(InboxTask).where(
        InboxTask.instance_id == instance.id, InboxTask.status == "open").order_by(InboxTask.id))
    tasks = [{"id": r.id, "task_name": r.task_name, "title": r.title, "role": r.role,
              "assignee_id": r.assignee_id, "candidate_user_id": r.candidate_user_id,
              "due_at": r.due_at, "form_name": r.form_name} for r in rows]
    summary = {k: v for k, v in (instance.data_summary or {}).items() if k != "scope_path"}
    return CaseView(
        id=instance.id, process_key=instance.process_key, version=instance.definition.version,
        title=instance.title, status=instance.status,
        project_code=instance.project.code if instance.project else None,
        subject_type=instance.subject_type, subject_id=instance.subject_id,
        business_key=instance.business_key, started_by=instance.started_by,
        started_at=instance.started_at, ended_at=instance.ended_at, open_tasks=tasks,
        data_summary=summary, open_incident_id=incidents.open_incident_of(instance.id),
        started_by_name=people.names_of([instance.started_by]).get(instance.started_by))


def case_history(actor: Actor, instance_id: int) -> list[dict[str, Any]]:
    """The case timeline (every start, claim, completion, timer, message, error, retry).

    Raises NotFoundError(`case_not_found`).
    """
    instance = rt.visible_case(actor, instance_id)
    events = db.session.scalars(select(InstanceEvent).where(
        InstanceEvent.instance_id == instance.id).order_by(InstanceEvent.at, InstanceEvent.id)).all()
    names = people.names_of(e.username for e in events)
    return [{"id": e.id, "kind": e.kind, "task_name": e.task_name, "title": e.title,
             "inbox_task_id": e.inbox_task_id, "user_id": e.user_id, "username": e.username,
             "person": names.get(e.username, e.username), "ip": e.ip, "data": e.data, "at": e.at}
            for e in events]

"""Persisting an EngineResult: instance columns, inbox rows, subscriptions and the timeline.

Inbox rows are the materialised READY user tasks (DESIGN: inbox queries never load a
workflow), so after every step the open rows are made equal to the engine's READY list.
The reads come first and the writes go out in one flush at the end (one round trip per table).
The step writes its own audit entry (one row: the instance's changed columns, the inbox rows it
closed, changed and opened) instead of the flush listener's snapshot of every object.
"""
from __future__ import annotations

import functools
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, or_, select

from app import engine
from app.extensions import db
from app.formdefs import summaries
from app.infra import audit_trail
from app.models import (
    InboxTask,
    MessageSubscription,
    OrgUnit,
    OutboxMessage,
    ProcessInstance,
    Project,
    User,
)
from app.services.access.actors import Actor
from app.services.definitions import deployments
from app.services.workflow import review_duties, timeline
from app.services.workflow.timeline import jsonable

LONG_LOOP_TASKS = 400  # task trees past this size are flagged in data_summary (DESIGN trap)
PRIORITIES = {"urgent": 90, "high": 80, "normal": 50, "low": 20}  # higher = more urgent
ENDED = ("completed", "cancelled")


def canonical(correlation: dict[str, Any]) -> str:
    """Equal correlations give equal strings: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(correlation or {}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str)


def apply_result(instance: ProcessInstance, result: engine.EngineResult, actor: Actor,
                 now: datetime, action: dict[str, Any]) -> list[int]:
    """Store the run on the (locked) instance; returns the ids of new inbox rows.

    A completion (`action["action"] == "complete"`) also closes its inbox row. A new review
    that only its authors could work stops the case on an incident (review_duties).
    A start (`action["action"] == "start"`) is the instance's first step (start_instance).
    """
    ended = result.status in ENDED
    ready = [] if ended else result.ready_user_tasks
    created = action.get("action") == "start"
    audit = StepAudit(instance, created=created)
    # Reads before any write: no autoflush round trip (a case that just started has no rows).
    rows, done = ({}, set()) if created else _inbox_rows(instance, ready)
    audit_trail.audited_by_caller(*rows.values())
    context = _row_context(instance) if any(t["task_id"] not in rows for t in ready) else None
    _sync_subscriptions(instance, [] if ended else result.message_subscriptions,
                        result.previous_subscriptions)
    with db.session.no_autoflush:
        if action.get("action") == "complete":
            audit.rows.append(mark_completed(action, now))
        instance.state = result.state
        instance.status = result.status
        instance.next_timer_due = None if ended else result.next_timer_due
        if ended:
            instance.ended_at = now
        instance.data_summary = _summary(instance.data_summary, result)
        new_rows = _sync_inbox(instance, rows, ready, context, now)
        audit_trail.audited_by_caller(*new_rows)
        _record_events(instance, actor, result.events, now, action)
        _record_binding_fallbacks(instance, actor, ready, new_rows, now)
        done |= {r.task_name for r in rows.values() if r.status == "completed"}
        _announce(instance, new_rows, done)
    audit.rows.extend(rows.values())
    audit.note_row_changes()
    db.session.flush()
    open_rows = [r for r in rows.values() if r.status == "open"] + new_rows
    for conflict in review_duties.enforce(instance, open_rows, new_rows):  # reads the flushed rows
        review_duties.open_conflict_incident(instance, actor, conflict, now)
    audit.note_row_changes()
    audit.write(actor, action, new_rows)
    db.session.flush()
    return [r.id for r in new_rows]


class StepAudit:
    """The one audit entry of a step (action `case_<step>`, entity the instance): the instance's
    columns before and after (only those that changed; all of them, after, for a start), the
    changed columns of the inbox rows it closed or refilled, and the rows it opened. Its objects
    are audited by the caller, not by the flush listener (app/infra/audit_trail.py)."""

    def __init__(self, instance: ProcessInstance, *, created: bool):
        audit_trail.audited_by_caller(instance)
        self.instance, self.created = instance, created
        self.before = None if created else audit_trail.committed_columns(instance)
        self.rows: list[InboxTask] = []
        self.row_changes: dict[str, dict[str, Any]] = {}

    def note_row_changes(self) -> None:
        """Collect the rows' changes before a flush resets them."""
        for row in self.rows:
            if row.id is not None:
                self.row_changes.setdefault(str(row.id), {}).update(audit_trail.changed_columns(row))

    def write(self, actor: Actor, action: dict[str, Any], new_rows: list[InboxTask]) -> None:
        after = audit_trail.current_columns(self.instance)
        before = self.before
        if before is not None:
            changed = {k for k, v in after.items() if before.get(k) != v}
            before, after = {k: before.get(k) for k in changed}, {k: after[k] for k in changed}
        after["inbox"] = {k: v for k, v in self.row_changes.items() if v}
        after["opened"] = [{"id": r.id, "task_name": r.task_name, "role": r.role,
                            "candidate_user_id": r.candidate_user_id} for r in new_rows]
        audit_trail.record(actor, f"case_{action.get('action', 'step')}"[:40],
                           entity_type="process_instance", entity_id=str(self.instance.id),
                           before=before, after=jsonable(after))


def _summary(previous: dict | None, result: engine.EngineResult) -> dict[str, Any]:
    summary = dict(previous or {})
    summary["task_count"] = result.task_count
    if result.task_count > LONG_LOOP_TASKS:
        summary["long_loop"] = True  # close the loop and start afresh (see DESIGN traps)
    if result.completed_data is not None:
        summary["result"] = {k: v for k, v in jsonable(result.completed_data).items()
                             if isinstance(v, str | int | float | bool) and len(str(v)) <= 200}
    return summary


def mark_completed(action: dict[str, Any], now: datetime) -> InboxTask:
    row = db.session.get(InboxTask, action["inbox_task_id"])
    audit_trail.audited_by_caller(row)
    row.status, row.completed_at, row.completed_by_id = "completed", now, action.get("user_id")
    return row


@functools.cache
def _inbox_rows_select() -> Any:
    """Built once (statements are immutable; building this one costs more than running it)."""
    return select(InboxTask).where(
        InboxTask.instance_id == bindparam("instance_id"),
        or_(InboxTask.status == "open",
            InboxTask.spiff_task_id.in_(bindparam("ready_ids", expanding=True)),
            (InboxTask.status == "completed") & InboxTask.task_name.in_(bindparam("ready_names", expanding=True))))


def _inbox_rows(instance: ProcessInstance,
                ready: list[dict[str, Any]]) -> tuple[dict[str, InboxTask], set[str]]:
    """The instance's open rows and the rows of the READY tasks, by spiff task id; and which of
    the READY tasks' names were completed before in the case (a new row among them is a return).
    One query."""
    ready_ids = {t["task_id"] for t in ready}
    rows: dict[str, InboxTask] = {}
    done: set[str] = set()
    for row in db.session.scalars(_inbox_rows_select(), {
            "instance_id": instance.id, "ready_ids": sorted(ready_ids),
            "ready_names": sorted({t["element_id"] for t in ready})}):
        if row.status == "open" or row.spiff_task_id in ready_ids:
            rows[row.spiff_task_id] = row
        if row.status == "completed":
            done.add(row.task_name)
    return rows, done


def _sync_inbox(instance: ProcessInstance, rows: dict[str, InboxTask], ready: list[dict[str, Any]],
                context: dict[str, Any] | None, now: datetime) -> list[InboxTask]:
    """Make the open rows equal to `ready` (new rows get `context`); returns the new rows."""
    ready_ids = {t["task_id"] for t in ready}
    for spiff_id, row in rows.items():
        if row.status == "open" and spiff_id not in ready_ids:
            row.status, row.completed_at = "cancelled", now  # e.g. interrupted by a deadline
    new_rows = []
    for task in ready:
        row = rows.get(task["task_id"])
        if row is None:
            row = InboxTask(instance_id=instance.id, spiff_task_id=task["task_id"], created_at=now,
                            **context)
            db.session.add(row)
            new_rows.append(row)
        row.status = "open" if row.status != "completed" else row.status
        _fill(row, task)
        row.form_values = _form_values(instance, task)
        row.subject_title = _subject_title(instance, task) or row.subject_title
    return new_rows


def _announce(instance: ProcessInstance, new_rows: list[InboxTask], done: set[str]) -> None:
    """Tell the holders of each new task through the bell (an outbox message
    `notifications.task_ready`, delivered after the commit like `notify`): the bound user, else
    the lane's role where the case lives. A form sent back (its task name is in `done`, the
    completed tasks of the case) says so, with its reason. The message's own id, filled in when
    it is sent (app/infra/outbox.py), keys the delivery: a re-send adds nothing."""
    if not new_rows:
        return
    spec = deployments.summary_of(instance.definition) or {}
    for row in new_rows:
        reason = summaries.lookup(row.form_values or {}, spec.get("return_reason") or "return_reason")
        subject = f"（{row.subject_title}）" if row.subject_title else ""
        if row.task_name in done and isinstance(reason, str) and reason:
            text = f"已退回：{row.title}{subject}。退回原因：{reason}"
        else:
            text = f"新待办：{row.title}{subject}"
        db.session.add(OutboxMessage(task_name="notifications.task_ready", payload={
            "instance_id": instance.id, "role": row.role, "user": row.candidate_user_id,
            "message": text[:500], "title": (row.subject_title or instance.title or row.title)[:200],
            "outbox_id": None}))


def _subject_title(instance: ProcessInstance, task: dict[str, Any]) -> str | None:
    """The inbox row's subject as the process's summary names it (the work, device, order…)."""
    spec = deployments.summary_of(instance.definition)
    if not spec or not spec.get("title"):
        return None
    project = db.session.get(Project, instance.project_id) if instance.project_id else None
    sources = {**(task.get("data") or {}), "case": instance.data_summary or {},
               "project": {"code": project.code, "name": project.name} if project else {}}
    return summaries.title(spec, sources, deployments.choice_labels_of(instance.definition))


def _row_context(instance: ProcessInstance) -> dict[str, Any]:
    path = instance.project_district_path  # read by the locking read (case_steps._locking_select)
    if path is None and instance.project_id is not None:
        path = db.session.scalar(select(OrgUnit.path).join(Project, Project.district_id == OrgUnit.id)
                                 .where(Project.id == instance.project_id))
    return {"process_key": instance.process_key, "project_id": instance.project_id,
            "district_path": path if path is not None else
            (instance.data_summary or {}).get("scope_path"),
            "subject_type": instance.subject_type, "subject_id": instance.subject_id,
            "subject_title": instance.title}


def _fill(row: InboxTask, task: dict[str, Any]) -> None:
    row.task_name = task["element_id"]
    row.title = (task.get("title") or task["element_id"])[:200]
    row.role = task.get("lane") or "sys_admin"
    row.form_name, row.ui_name, row.due_at = task.get("form"), task.get("ui_form"), task.get("due_at")
    row.priority = _priority(task.get("priority"))
    row.candidate_user_id = seat_user_id(task.get("multi_instance")) or bound_user_id(task)


def _form_values(instance: ProcessInstance, task: dict[str, Any]) -> dict[str, Any] | None:
    """What the task page shows of the task's data, kept on the row so that no page loads the
    workflow: the values of its form's read-only fields (e.g. the return reason the previous
    reviewer wrote) and the data the process's subject summary names (summaries.data_roots)."""
    form = deployments.form_of(instance.definition, task.get("form"))
    roots = summaries.data_roots(deployments.summary_of(instance.definition), task["element_id"])
    if form is None and not roots:
        return None
    data = task.get("data") or {}
    kept = {name: data[name] for name in roots if name in data}
    kept.update({name: data.get(name) for name in form.readonly_fields} if form else {})
    return jsonable(kept)


def _priority(value: Any) -> int:
    if isinstance(value, int):
        return value
    return PRIORITIES.get(str(value).lower(), 50) if value is not None else 50


def seat_user_id(multi_instance: dict[str, Any] | None) -> int | None:
    """The user bound to a multi-instance seat: the item is a user id, or a dict with `user_id`.

    Drawing operators (e.g. `draw_experts`) therefore return user ids (or {"user_id": …, …});
    anything else leaves the seat to the lane's role.
    """
    item = (multi_instance or {}).get("item")
    if isinstance(item, dict):
        item = item.get("user_id")
    if isinstance(item, bool) or not isinstance(item, int):
        return None
    return item if db.session.get(User, item) is not None else None


def bound_user_id(task: dict[str, Any]) -> int | None:
    """The user named by the task's `candidateUserVariable`: an active user's id (an int, or
    its decimal digits as a form may send them), else None (the lane's role decides)."""
    value = task.get("candidate_user")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    user = db.session.get(User, value)
    return value if user is not None and user.is_active else None


def _record_binding_fallbacks(instance: ProcessInstance, actor: Actor, ready: list[dict[str, Any]],
                              new_rows: list[InboxTask], now: datetime) -> None:
    """A new row whose `candidateUserVariable` named nobody usable goes to the lane's role;
    the timeline says so (once per row) so that the designer can see the binding failed."""
    tasks = {t["task_id"]: t for t in ready}
    for row in new_rows:
        task = tasks[row.spiff_task_id]
        if task.get("candidate_user_variable") and row.candidate_user_id is None:
            timeline.record(instance.id, actor, "candidate_fallback", now, task_name=row.task_name,
                            data={"variable": task["candidate_user_variable"],
                            "value": task.get("candidate_user"), "role": row.role})


def _subscription_keys(subscriptions: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((s["name"], canonical(s["correlation"])) for s in subscriptions)


def _sync_subscriptions(instance: ProcessInstance, subscriptions: list[dict[str, Any]],
                        previous: list[dict[str, Any]] | None) -> None:
    """Replace the instance's rows, unless they already equal `subscriptions`: `previous` is what
    the loaded state was waiting for (the rows written by the last step), None if unknown."""
    if previous is not None and _subscription_keys(previous) == _subscription_keys(subscriptions):
        return
    db.session.execute(delete(MessageSubscription)
                       .where(MessageSubscription.instance_id == instance.id))
    for sub in subscriptions:
        db.session.add(MessageSubscription(instance_id=instance.id, message_name=sub["name"],
                                           correlation_key=canonical(sub["correlation"])))


def _record_events(instance: ProcessInstance, actor: Actor, events: list[dict[str, Any]],
                   now: datetime, action: dict[str, Any]) -> None:
    for event in events:
        kind = event.get("type", "engine")
        body = {k: v for k, v in event.items() if k != "type"}
        if kind == "task_completed" and event.get("task_id") == action.get("task_id"):
            _record_completion(instance, event, now, action)
        elif kind == "started":
            timeline.record(instance.id, actor, "started", now, data={**body, "data": action.get("data")})
        else:
            timeline.record(instance.id, actor, kind, now, task_name=event.get("element_id"), data=body)
        if kind == "message_thrown":
            _route_after_commit(instance, event)


def _route_after_commit(instance: ProcessInstance, event: dict[str, Any]) -> None:
    """A message thrown by this case goes to the case waiting for it (or starts one) after the
    commit, through the outbox: never inside this case's transaction and lock, exactly once
    per thrown event thanks to the idempotency key."""
    correlation: dict[str, Any] = {}
    for values in (event.get("correlations") or {}).values():
        if isinstance(values, dict):
            correlation.update(values)
    payload = event.get("payload")
    db.session.add(OutboxMessage(task_name="messages.route", payload=jsonable({
        "name": event["name"], "correlation": correlation,
        "payload": payload if isinstance(payload, dict) else {"value": payload},
        "source_instance_id": instance.id,
        # Fixed when the row is written: a relay that re-sends this row re-uses it.
        "idempotency_key": f"thrown:{instance.id}:{uuid.uuid4().hex}"})))


def _record_completion(instance: ProcessInstance, event: dict[str, Any], now: datetime,
                       action: dict[str, Any]) -> None:
    row = db.session.get(InboxTask, action["inbox_task_id"])
    who = Actor(user_id=action.get("user_id"), username=action.get("username") or "system",
                ip=action.get("ip"))
    timeline.record(instance.id, who, "task_completed", now, inbox_task_id=row.id,
                    task_name=event.get("element_id"), title=row.title, data=action.get("data") or {})

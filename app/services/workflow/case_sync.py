"""Persisting an EngineResult: instance columns, inbox rows, subscriptions and the timeline.

Inbox rows are the materialised READY user tasks (DESIGN: inbox queries never load a
workflow), so after every step the open rows are made equal to the engine's READY list.
The reads come first; the writes are Core statements (app/services/workflow/step_writes.py), the
rows plain `StepRow`s outside the session. The step writes its own audit entry (one row: the
instance's changed columns, the inbox rows it closed, changed and opened); the flush listener's
snapshot of every object is for the other writers.
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
from app.models import MessageSubscription, OrgUnit, ProcessInstance, Project, User
from app.services.access.actors import Actor
from app.services.definitions import deployments
from app.services.workflow import review_duties
from app.services.workflow.step_writes import INBOX, StepRow, StepWrites
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
    Raises StaleDataError when another writer moved the instance meanwhile (run_in_transaction
    retries).
    """
    ended = result.status in ENDED
    ready = [] if ended else result.ready_user_tasks
    created = action.get("action") == "start"
    writes = StepWrites(instance, actor, now, created=created)
    # Reads before any write (a case that just started has no rows).
    rows, done = ({}, set()) if created else _inbox_rows(instance, ready)
    context = _row_context(instance) if any(t["task_id"] not in rows for t in ready) else None
    _sync_subscriptions(instance, [] if ended else result.message_subscriptions,
                        result.previous_subscriptions)
    existing = list(rows.values())
    if action.get("action") == "complete":
        existing = _mark_completed(instance, rows, existing, action, now)
    writes.write_instance(state=result.state, status=result.status,
                        next_timer_due=None if ended else result.next_timer_due,
                        data_summary=_summary(instance.data_summary, result),
                        **({"ended_at": now} if ended else {}))
    new_rows = _sync_inbox(instance, rows, ready, context, now)
    writes.write_rows(existing, new_rows)  # the rows' ids, and the completed row for the review check
    _record_events(writes, actor, result.events, action, existing)
    _record_binding_fallbacks(writes, actor, ready, new_rows)
    done |= {r.task_name for r in existing if r.status == "completed"}
    _announce(writes, instance, new_rows, done)
    open_rows = [r for r in existing if r.status == "open"] + new_rows
    for conflict in review_duties.enforce(instance, open_rows, new_rows):  # reads the written rows
        review_duties.open_conflict_incident(instance, actor, conflict, now)
    writes.finish(action)
    return [r.id for r in new_rows]


def _summary(previous: dict | None, result: engine.EngineResult) -> dict[str, Any]:
    summary = dict(previous or {})
    summary["task_count"] = result.task_count
    if result.task_count > LONG_LOOP_TASKS:
        summary["long_loop"] = True  # close the loop and start afresh (see DESIGN traps)
    if result.completed_data is not None:
        summary["result"] = {k: v for k, v in jsonable(result.completed_data).items()
                             if isinstance(v, str | int | float | bool) and len(str(v)) <= 200}
    return summary


def _mark_completed(instance: ProcessInstance, rows: dict[str, StepRow], existing: list[StepRow],
                    action: dict[str, Any], now: datetime) -> list[StepRow]:
    """Close the completed task's row (read with the open rows; read apart if it was not open)."""
    row = next((r for r in existing if r.id == action["inbox_task_id"]), None)
    if row is None:
        found = db.session.execute(select(INBOX).where(INBOX.c.id == action["inbox_task_id"])).mappings().one()
        row = StepRow(dict(found), instance)
        existing = [*existing, row]
    row.status, row.completed_at, row.completed_by_id = "completed", now, action.get("user_id")
    return existing


FIXED_ARITY = 8  # READY tasks (and their names) up to this many: a statement without expanding IN


@functools.cache
def _inbox_rows_select(ids: int, names: int) -> Any:
    """Built once per number of READY ids and names (statements are immutable; building this one
    costs more than running it). Up to FIXED_ARITY each the IN lists are plain bound parameters
    (`id_<i>`, `name_<i>`): an expanding parameter rewrites the statement's text on every run."""
    def listed(prefix: str, count: int) -> Any:
        if count > FIXED_ARITY:
            return bindparam(f"{prefix}s", expanding=True)
        return [bindparam(f"{prefix}_{i}") for i in range(count)]
    return select(INBOX).where(
        INBOX.c.instance_id == bindparam("instance_id"),
        or_(INBOX.c.status == "open",
            INBOX.c.spiff_task_id.in_(listed("id", ids)),
            (INBOX.c.status == "completed") & INBOX.c.task_name.in_(listed("name", names))))


def _listed(prefix: str, values: list[str]) -> dict[str, Any]:
    if len(values) > FIXED_ARITY:
        return {f"{prefix}s": values}
    return {f"{prefix}_{i}": value for i, value in enumerate(values)}


def _inbox_rows(instance: ProcessInstance,
                ready: list[dict[str, Any]]) -> tuple[dict[str, StepRow], set[str]]:
    """The instance's open rows and the rows of the READY tasks, by spiff task id; and which of
    the READY tasks' names were completed before in the case (a new row among them is a return).
    One query."""
    ready_ids = {t["task_id"] for t in ready}
    ids, names = sorted(ready_ids), sorted({t["element_id"] for t in ready})
    rows: dict[str, StepRow] = {}
    done: set[str] = set()
    stmt = _inbox_rows_select(min(len(ids), FIXED_ARITY + 1), min(len(names), FIXED_ARITY + 1))
    for found in db.session.connection().execute(stmt, {
            "instance_id": instance.id, **_listed("id", ids), **_listed("name", names)}).mappings():
        if found["status"] == "open" or found["spiff_task_id"] in ready_ids:
            rows[found["spiff_task_id"]] = StepRow(dict(found), instance)
        if found["status"] == "completed":
            done.add(found["task_name"])
    return rows, done


def _sync_inbox(instance: ProcessInstance, rows: dict[str, StepRow], ready: list[dict[str, Any]],
                context: dict[str, Any] | None, now: datetime) -> list[StepRow]:
    """Make the open rows equal to `ready` (new rows get `context`); returns the new rows."""
    ready_ids = {t["task_id"] for t in ready}
    for spiff_id, row in rows.items():
        if row.status == "open" and spiff_id not in ready_ids:
            row.status, row.completed_at = "cancelled", now  # e.g. interrupted by a deadline
    new_rows = []
    for task in ready:
        row = rows.get(task["task_id"])
        if row is None:
            row = StepRow({"instance_id": instance.id, "spiff_task_id": task["task_id"], "created_at": now,
                           "priority": 50, **context}, instance, new=True)
            new_rows.append(row)
        row.status = "open" if row.status != "completed" else row.status
        _fill(row, task)
        row.form_values = _form_values(instance, task)
        row.subject_title = _subject_title(instance, task) or row.subject_title
    return new_rows


def _announce(writes: StepWrites, instance: ProcessInstance, new_rows: list[StepRow], done: set[str]) -> None:
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
        writes.message("notifications.task_ready", {
            "instance_id": instance.id, "role": row.role, "user": row.candidate_user_id,
            "message": text[:500], "title": (row.subject_title or instance.title or row.title)[:200],
            "outbox_id": None})


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


def _fill(row: StepRow, task: dict[str, Any]) -> None:
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


def _record_binding_fallbacks(writes: StepWrites, actor: Actor, ready: list[dict[str, Any]],
                              new_rows: list[StepRow]) -> None:
    """A new row whose `candidateUserVariable` named nobody usable goes to the lane's role;
    the timeline says so (once per row) so that the designer can see the binding failed."""
    tasks = {t["task_id"]: t for t in ready}
    for row in new_rows:
        task = tasks[row.spiff_task_id]
        if task.get("candidate_user_variable") and row.candidate_user_id is None:
            writes.event(actor, "candidate_fallback", task_name=row.task_name,
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
    if subscriptions:
        db.session.execute(MessageSubscription.__table__.insert(), [
            {"instance_id": instance.id, "message_name": sub["name"],
             "correlation_key": canonical(sub["correlation"])} for sub in subscriptions])


def _record_events(writes: StepWrites, actor: Actor, events: list[dict[str, Any]],
                   action: dict[str, Any], rows: list[StepRow]) -> None:
    instance = writes.instance
    for event in events:
        kind = event.get("type", "engine")
        body = {k: v for k, v in event.items() if k != "type"}
        if kind == "task_completed" and event.get("task_id") == action.get("task_id"):
            _record_completion(writes, event, action, rows)
        elif kind == "started":
            writes.event(actor, "started", data={**body, "data": action.get("data")})
        else:
            writes.event(actor, kind, task_name=event.get("element_id"), data=body)
        if kind == "message_thrown":
            _route_after_commit(writes, instance, event)


def _route_after_commit(writes: StepWrites, instance: ProcessInstance, event: dict[str, Any]) -> None:
    """A message thrown by this case goes to the case waiting for it (or starts one) after the
    commit, through the outbox: never inside this case's transaction and lock, exactly once
    per thrown event thanks to the idempotency key."""
    correlation: dict[str, Any] = {}
    for values in (event.get("correlations") or {}).values():
        if isinstance(values, dict):
            correlation.update(values)
    payload = event.get("payload")
    writes.message("messages.route", jsonable({
        "name": event["name"], "correlation": correlation,
        "payload": payload if isinstance(payload, dict) else {"value": payload},
        "source_instance_id": instance.id,
        # Fixed when the row is written: a relay that re-sends this row re-uses it.
        "idempotency_key": f"thrown:{instance.id}:{uuid.uuid4().hex}"}))


def _record_completion(writes: StepWrites, event: dict[str, Any], action: dict[str, Any],
                       rows: list[StepRow]) -> None:
    row_id = action["inbox_task_id"]
    title = next((r.title for r in rows if r.id == row_id), None)
    who = Actor(user_id=action.get("user_id"), username=action.get("username") or "system",
                ip=action.get("ip"))
    writes.event(who, "task_completed", inbox_task_id=row_id, task_name=event.get("element_id"),
                 title=title, data=action.get("data") or {})

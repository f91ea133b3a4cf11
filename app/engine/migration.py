"""Move a running instance from one deployed version's spec to another's (Camunda-style).

An instance may move when every element it is at — a READY user task, a WAITING timer or
message catch, a running call activity or sub-process, a waiting join — exists in the target by
its BPMN id, and every step it has already taken still exists (the stored task tree names each
task's spec; a tree naming a removed element could not be loaded again). `migration_blockers` lists what
stands in the way; `migrate_instance` realigns the tree on the target spec (SpiffWorkflow's SpecDiff /
WorkflowDiff, alignment by id) without touching the active tasks themselves: their ids (the
inbox rows' keys), data and timers stay, only the not-yet-reached path after them is predicted
again from the target, so a task added after the waiting one is taken when the case moves on.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from .errors import EngineError
from .runtime import EngineResult, _engine, _engine_errors, _load, _result
from .serialization import SERIALIZER, load_specs

# States of the tasks a case "is at": definite and not finished.
ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def _workflows(workflow: BpmnWorkflow) -> list[Any]:
    """The top workflow and its sub-workflows (call activities, embedded sub-processes)."""
    return [workflow, *workflow.subprocesses.values()]


def _target_spec(workflow: BpmnWorkflow, sub: Any, spec: Any, dependencies: dict[str, Any]) -> Any:
    return spec if sub is workflow else dependencies.get(sub.spec.name)


def _blocker(task: Any, active: bool) -> dict[str, Any]:
    spec = task.task_spec
    return {"element_id": spec.bpmn_id or spec.name, "name": spec.bpmn_name or spec.bpmn_id or spec.name,
            "process_id": task.workflow.spec.name, "active": active,
            "state": TaskState.get_name(task.state).lower()}


def _blockers_of(workflow: BpmnWorkflow, spec: Any, dependencies: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for sub in _workflows(workflow):
        target = _target_spec(workflow, sub, spec, dependencies)
        for task in sub.tasks.values():
            if task.has_state(TaskState.PREDICTED_MASK | TaskState.FUTURE | TaskState.CANCELLED):
                continue  # not reached, or dropped: re-predicted from the target
            if target is None or task.task_spec.name not in target.task_specs:
                found.append(_blocker(task, bool(task.has_state(ACTIVE))))
    unique = {(b["process_id"], b["element_id"]): b for b in found}
    return sorted(unique.values(), key=lambda b: (not b["active"], b["process_id"], b["element_id"]))


def migration_blockers(source_spec_json: str, state: str, target_spec_json: str, *,
                       now: datetime) -> list[dict[str, Any]]:
    """What keeps this instance from moving to the target: one dict per element (`element_id`,
    `name`, `process_id`, `active`: the case is at it now, else a step already taken)."""
    with _engine_errors():
        workflow = _load(source_spec_json, state, _engine(None, now, None))
        spec, dependencies = load_specs(target_spec_json)
        return _blockers_of(workflow, spec, dependencies)


def _repredict(sub: Any) -> None:
    """Drop the predicted path after each active task and predict it again from its new spec."""
    for task in list(sub.get_tasks(state=ACTIVE | TaskState.FUTURE, skip_subprocesses=True)):
        if task.id not in sub.tasks:
            continue  # removed with a predicted branch above it
        for child in list(task.children):
            if child.has_state(TaskState.PREDICTED_MASK | TaskState.FUTURE):
                sub._remove_task(child.id)
        if task.has_state(TaskState.DEFINITE_MASK):
            task.task_spec._predict_hook(task)
        for child in task.children:
            if child.has_state(TaskState.PREDICTED_MASK | TaskState.FUTURE):
                child.task_spec._predict(child, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)


def _realign(sub: Any, target: Any) -> None:
    diff = WorkflowDiff(sub, SpecDiff(SERIALIZER.registry, sub.spec, target))
    sub.spec = target
    for task in sub.tasks.values():
        aligned = diff.alignment.get(task)
        if aligned is not None:
            task.task_spec = aligned


def migrate_instance(source_spec_json: str, state: str, target_spec_json: str, *,
                     now: datetime) -> EngineResult:
    """The instance's state on the target spec; nothing runs (no script, operator or timer).

    Raises EngineError(`migration_blocked`) when `migration_blockers` is not empty (callers
    check first and refuse in words).
    """
    with _engine_errors():
        workflow = _load(source_spec_json, state, _engine(None, now, None))
        spec, dependencies = load_specs(target_spec_json)
        found = _blockers_of(workflow, spec, dependencies)
        if found:
            raise EngineError("migration_blocked", ", ".join(b["element_id"] for b in found))
        for sub in _workflows(workflow):
            _realign(sub, _target_spec(workflow, sub, spec, dependencies))
        workflow.subprocess_specs = dependencies
        for sub in _workflows(workflow):
            _repredict(sub)
        return _result(workflow)

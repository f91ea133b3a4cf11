"""Plain-dict views of a workflow: READY user tasks, pending timers, message subscriptions.

The service layer materialises these as inbox rows / next-timer / subscription rows so that
inbox queries never deserialize a workflow.
"""
from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from .parsing import CANDIDATE_USER_PROPERTY, FORM_PROPERTY, UI_FORM_PROPERTY
from .timer_clock import ClockCycleTimer, duration_from

DUE_PROPERTY = "dueIn"          # sandboxed expression giving an ISO duration, e.g. "P3D"
PRIORITY_PROPERTY = "priority"


def timer_due(task: Any) -> datetime | None:
    definitions = [task.task_spec.event_definition]
    if isinstance(definitions[0], MultipleEventDefinition):
        definitions = definitions[0].event_definitions
    value = task.internal_data.get("event_value")
    if value is None or not any(isinstance(d, TimerEventDefinition) for d in definitions):
        return None
    if any(isinstance(d, ClockCycleTimer) for d in definitions):
        value = value.get("next") if isinstance(value, dict) and value.get("cycles") else None
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _waiting(workflow: BpmnWorkflow) -> list[Any]:
    return [t for t in workflow.event_manager.tasks.values() if t.state == TaskState.WAITING]


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    dues = [due for due in map(timer_due, _waiting(workflow)) if due is not None]
    return min(dues) if dues else None


def _flat_correlation(workflow: Any, definition: MessageEventDefinition) -> dict[str, Any]:
    expected: dict[str, Any] = {}
    for prop in list(definition.correlation_properties) + \
            list(getattr(definition, "process_correlations", [])):
        for key in prop.correlation_keys:
            value = workflow.correlations.get(key, {}).get(prop.name)
            if value is not None:
                expected[prop.name] = value
    return expected


def message_subscriptions(workflow: BpmnWorkflow) -> list[dict[str, Any]]:
    subscriptions = []
    for task in _waiting(workflow):
        definition = task.task_spec.event_definition
        if isinstance(definition, MessageEventDefinition):
            subscriptions.append({
                "name": definition.name, "element_id": task.task_spec.bpmn_id,
                "correlation": _flat_correlation(task.workflow, definition)})
    return sorted(subscriptions, key=lambda s: (s["name"], s["element_id"]))


def _attached_timer_due(task: Any) -> datetime | None:
    holder = task.parent if isinstance(task.parent.task_spec, MultiInstanceTask) else task
    split = holder.parent
    if split is None or not isinstance(split.task_spec, BoundaryEventSplit):
        return None
    # Only interrupting timers are deadlines; non-interrupting ones are reminders.
    dues = [timer_due(sibling) for sibling in split.children
            if sibling is not holder and sibling.state == TaskState.WAITING
            and getattr(sibling.task_spec, "cancel_activity", False)]
    dues = [d for d in dues if d is not None]
    return min(dues) if dues else None


def _multi_instance(task: Any) -> dict[str, Any] | None:
    parent_spec = task.parent.task_spec
    if not isinstance(parent_spec, MultiInstanceTask):
        return None
    item_name = parent_spec.input_item.bpmn_id if parent_spec.input_item is not None else None
    index = task.internal_data.get("key_or_index", task.internal_data.get("item"))
    return {"index": index, "item": task.data.get(item_name) if item_name else index,
            "item_variable": item_name}


def _candidate_user(task: Any, props: dict[str, Any]) -> dict[str, Any]:
    """The `candidateUserVariable` property and the value it names (absent: empty)."""
    variable = props.get(CANDIDATE_USER_PROPERTY)
    if not variable:
        return {}
    return {"candidate_user_variable": variable, "candidate_user": task.data.get(variable)}


def ready_user_tasks(workflow: BpmnWorkflow, now: datetime) -> list[dict[str, Any]]:
    """READY user tasks as plain dicts; stamps `ready_at` with the run clock on first sight."""
    rows = []
    for task in workflow.get_tasks(state=TaskState.READY, spec_class=UserTask):
        spec = task.task_spec
        props = (getattr(spec, "extensions", None) or {}).get("properties", {})
        ready_at = task.internal_data.setdefault("ready_at", now.isoformat())
        due_at = _attached_timer_due(task)
        if due_at is None and props.get(DUE_PROPERTY):
            duration = workflow.script_engine.evaluate(task, props[DUE_PROPERTY])
            start = datetime.fromisoformat(ready_at)
            due_at = start + duration_from(duration, start)
        rows.append({
            "task_id": str(task.id), "element_id": spec.bpmn_id, "spec_name": spec.name,
            "process_id": task.workflow.spec.name, "title": spec.bpmn_name, "lane": spec.lane,
            "form": props.get(FORM_PROPERTY), "ui_form": props.get(UI_FORM_PROPERTY),
            "priority": props.get(PRIORITY_PROPERTY), "due_at": due_at,
            "ready_at": datetime.fromisoformat(ready_at),
            "multi_instance": _multi_instance(task), "data": copy.deepcopy(task.data),
            **_candidate_user(task, props),
        })
    return rows

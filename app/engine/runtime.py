"""Run instances: every public function takes spec + state + clock and returns an EngineResult.

Nothing here touches a database. On failure an EngineError is raised and the caller keeps the
last good state (the state passed in) and opens an incident.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from app.errors import ConflictError, NotFoundError

from . import inbox
from .errors import INTERPRETER_EXIT, EngineError, SandboxViolation, ScriptTimeout
from .scripting import Host, RestrictedScriptEngine
from .serialization import dump_state, load_specs, load_workflow

DEFAULT_TIME_BUDGET = 2.0  # CPU seconds of engine work per call (work_clock.py)


@dataclass
class EngineResult:
    """Everything the service layer persists after a run; all plain data."""

    state: str
    status: str                      # running | waiting | completed | cancelled
    ready_user_tasks: list[dict[str, Any]]
    next_timer_due: datetime | None
    message_subscriptions: list[dict[str, Any]]
    completed_data: dict[str, Any] | None
    events: list[dict[str, Any]] = field(default_factory=list)
    task_count: int = 0              # grows with loop rounds; restart long-lived loops
    # What the state passed in was waiting for ([] for a start, None if unknown): the caller may
    # skip rewriting its subscription rows when they equal `message_subscriptions`.
    previous_subscriptions: list[dict[str, Any]] | None = None


@contextmanager
def _engine_errors() -> Iterator[None]:
    """Let EngineError/domain errors through; give everything else a code and the real text."""
    try:
        yield
    except (EngineError, ConflictError, NotFoundError, *INTERPRETER_EXIT):
        raise
    except ScriptTimeout as exc:
        raise EngineError("time_budget_exceeded", str(exc)) from exc
    except SandboxViolation as exc:
        raise EngineError("script_unsafe", str(exc)) from exc
    except SpiffWorkflowException as exc:
        spec = getattr(exc, "task_spec", None) or getattr(getattr(exc, "task", None), "task_spec", None)
        cause = exc.__cause__ or getattr(exc, "exception", None)
        text = f"{exc}" + (f" ({type(cause).__name__}: {cause})" if cause else "")
        raise EngineError("workflow_error", text, getattr(spec, "bpmn_id", None)) from exc
    except BaseException as exc:  # any other BaseException too (see INTERPRETER_EXIT)
        raise EngineError("engine_error", f"{type(exc).__name__}: {exc}") from exc


def _engine(host: Host | None, now: datetime, budget: float | None) -> RestrictedScriptEngine:
    return RestrictedScriptEngine(host=host, now=now, budget=budget)


def _load(spec_json: str, state: str, engine: RestrictedScriptEngine) -> BpmnWorkflow:
    workflow = load_workflow(spec_json, state)
    # A deserialized workflow silently gets the default, unrestricted engine: replace it.
    workflow.script_engine = engine
    engine.previous_subscriptions = inbox.message_subscriptions(workflow)
    return workflow


def _advance(workflow: BpmnWorkflow) -> None:
    """Run engine tasks until only user tasks and waits remain, firing due timers in due order.

    The library's refresh_timers() (also called at the end of do_engine_steps) fires every due
    timer in arbitrary order; a late sweep must fire a 12 h reminder before a 24 h deadline,
    so we step with `_do_engine_steps` and fire the earliest due timer one at a time.
    """
    engine = workflow.script_engine
    step = lambda task: engine.sandbox.check_deadline()  # noqa: E731
    fired: set[tuple[UUID, datetime]] = set()
    while True:
        while workflow._do_engine_steps(None, step):
            pass
        due = sorted(((when, str(task.id), task) for task in workflow.event_manager.tasks.values()
                      if task.state == TaskState.WAITING
                      and (when := inbox.timer_due(task)) is not None and when <= engine.now
                      and (task.id, when) not in fired), key=lambda item: item[:2])
        if not due:
            return
        when, _, task = due[0]
        fired.add((task.id, when))
        task.task_spec._update(task)


def _result(workflow: BpmnWorkflow, cancelled: bool = False) -> EngineResult:
    engine = workflow.script_engine
    for event in workflow.get_events():  # messages thrown but not caught inside this instance
        engine.events.append({"type": "message_thrown", "name": event.event_definition.name,
                              "payload": event.payload, "correlations": event.correlations})
    completed = workflow.is_completed()
    ready = inbox.ready_user_tasks(workflow, engine.now) if not completed else []
    status = "cancelled" if cancelled else "completed" if completed else \
        "running" if ready else "waiting"
    return EngineResult(
        state=dump_state(workflow), status=status, ready_user_tasks=ready,
        next_timer_due=None if completed else inbox.next_timer_due(workflow),
        message_subscriptions=[] if completed else inbox.message_subscriptions(workflow),
        completed_data=dict(workflow.data) if completed else None,
        events=engine.events, task_count=_task_count(workflow),
        previous_subscriptions=engine.previous_subscriptions)


def _task_count(workflow: BpmnWorkflow) -> int:
    """Tasks in the tree and its sub-processes: the tasks dicts, without walking the tree."""
    return len(workflow.tasks) + sum(len(sp.tasks) for sp in workflow.subprocesses.values())


def _run(fn: Callable[[], EngineResult]) -> EngineResult:
    with _engine_errors():
        return fn()


def start(spec_json: str, data: dict[str, Any], *, host: Host | None, now: datetime,
          time_budget: float | None = DEFAULT_TIME_BUDGET) -> EngineResult:
    """Start an instance with initial `data` and run until it waits."""
    def run() -> EngineResult:
        engine = _engine(host, now, time_budget)
        spec, subprocess_specs = load_specs(spec_json)
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=engine)
        engine.previous_subscriptions = []
        workflow.task_tree.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        engine.events.append({"type": "started", "process_id": spec.name})
        _advance(workflow)
        return _result(workflow)
    return _run(run)


def complete_task(spec_json: str, state: str, task_id: str, data: dict[str, Any], *,
                  host: Host | None, now: datetime, clear: Mapping[str, Any] | None = None,
                  time_budget: float | None = DEFAULT_TIME_BUDGET) -> EngineResult:
    """Merge the submitted `data` into READY user task `task_id`, complete it and continue.

    `clear` (field → its empty value: [], "", None) is written first: a form's optional field
    submitted empty must not keep the value an earlier round of a loop gave it, and stays a
    variable the diagram's expressions may read.

    Due timers fire first, so a task whose interrupting deadline has passed is refused with
    ConflictError(`task_not_ready`); an unknown id raises NotFoundError(`task_not_found`).
    """
    def run() -> EngineResult:
        workflow = _load(spec_json, state, _engine(host, now, time_budget))
        _advance(workflow)
        task = _find_task(workflow, task_id)
        if task.state != TaskState.READY or not isinstance(task.task_spec, UserTask):
            raise ConflictError(f"task {task_id} is {TaskState.get_name(task.state)}, not a ready "
                                f"user task", code="task_not_ready")
        task.data.update(clear or {})
        task.data.update(data)
        task.run()
        workflow.script_engine.events.append({
            "type": "task_completed", "task_id": task_id, "element_id": task.task_spec.bpmn_id})
        _advance(workflow)
        return _result(workflow)
    return _run(run)


def _find_task(workflow: BpmnWorkflow, task_id: str) -> Any:
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, KeyError, SpiffWorkflowException):
        task = None
    if task is None:
        raise NotFoundError(f"task {task_id} not found", code="task_not_found")
    return task


def fire_due_timers(spec_json: str, state: str, *, host: Host | None, now: datetime,
                    time_budget: float | None = DEFAULT_TIME_BUDGET) -> EngineResult:
    """Wake an instance at `now`: every timer due at or before `now` fires."""
    def run() -> EngineResult:
        workflow = _load(spec_json, state, _engine(host, now, time_budget))
        _advance(workflow)
        return _result(workflow)
    return _run(run)


def cancel(spec_json: str, state: str, *, host: Host | None, now: datetime) -> EngineResult:
    """Cancel every open task; nothing runs."""
    def run() -> EngineResult:
        workflow = _load(spec_json, state, _engine(host, now, None))
        workflow.cancel()
        workflow.script_engine.events.append({"type": "cancelled"})
        return _result(workflow, cancelled=True)
    return _run(run)


def _catch(workflow: BpmnWorkflow, name: str, correlation: dict[str, Any],
           payload: dict[str, Any]) -> None:
    """Deliver to the first waiting catch of `name` whose expected correlation matches."""
    for task in list(workflow.event_manager.tasks.values()):
        definition = getattr(task.task_spec, "event_definition", None)
        if task.state != TaskState.WAITING or not isinstance(definition, MessageEventDefinition) \
                or definition.name != name:
            continue
        expected = inbox._flat_correlation(task.workflow, definition)
        if any(correlation.get(k) != v for k, v in expected.items()):
            continue
        # The event must carry the definition object from the spec (equality is by class+name).
        body = {**correlation, **payload}
        event = BpmnEvent(definition, payload=body, correlations=definition.get_correlations(task, body))
        task.task_spec.catch(task, event)
        task.task_spec._update(task)
        workflow.script_engine.events.append({
            "type": "message_caught", "name": name, "element_id": task.task_spec.bpmn_id,
            "correlation": correlation})
        return
    raise ConflictError(f"instance is not waiting for message {name!r} with {correlation}",
                        code="message_not_expected")


def deliver_message(spec_json: str, state: str, name: str, correlation: dict[str, Any],
                    payload: dict[str, Any], *, host: Host | None, now: datetime,
                    time_budget: float | None = DEFAULT_TIME_BUDGET) -> EngineResult:
    """Deliver a message to this waiting instance (the caller matched the subscription row).

    The payload (plus the correlation values) reaches task data through the message's
    spiffworkflow:messageVariable. Raises ConflictError(`message_not_expected`).
    """
    def run() -> EngineResult:
        workflow = _load(spec_json, state, _engine(host, now, time_budget))
        _advance(workflow)
        _catch(workflow, name, correlation, payload)
        _advance(workflow)
        return _result(workflow)
    return _run(run)


def start_by_message(spec_json: str, name: str, correlation: dict[str, Any],
                     payload: dict[str, Any], *, host: Host | None, now: datetime,
                     time_budget: float | None = DEFAULT_TIME_BUDGET) -> EngineResult:
    """Start an instance through its message start event `name`."""
    def run() -> EngineResult:
        engine = _engine(host, now, time_budget)
        spec, subprocess_specs = load_specs(spec_json)
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=engine)
        engine.previous_subscriptions = []
        engine.events.append({"type": "started", "process_id": spec.name, "message": name})
        _advance(workflow)
        _catch(workflow, name, correlation, payload)
        _advance(workflow)
        return _result(workflow)
    return _run(run)

"""The restricted script engine handed to every workflow, plus the host protocol for operators.

One engine object lives for one run: it carries the caller's clock (`now`, read by `clock.py`),
the run deadline, the host that implements service-task operators, and the list of events that
the run reports back. Every sandbox failure is turned into an EngineError naming the element.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .errors import INTERPRETER_EXIT, EngineError, SandboxViolation, ScriptTimeout
from .sandbox import Sandbox, SandboxCompileError


class Host(Protocol):
    """What the service layer provides to a run: the implementation of named operators."""

    def call_operator(self, name: str, params: dict[str, Any],
                      task_data: dict[str, Any]) -> dict[str, Any] | None: ...


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Used directly by the library for message correlations and process conditions."""

    def __init__(self, sandbox: Sandbox):
        super().__init__({})
        self.sandbox = sandbox

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        return self.sandbox.evaluate(expression, {**(external_context or {}), **context})

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        self.sandbox.execute(script, context, external_context)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise EngineError("operator_unsupported", "service calls go through OperatorServiceTask")


def _element_id(task: Any) -> str | None:
    spec = getattr(task, "task_spec", None)
    return getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)


def translate(exc: BaseException, task: Any, what: str, source: str) -> EngineError:
    """Map a sandbox failure to an EngineError with the real error text."""
    element = _element_id(task)
    if isinstance(exc, EngineError):
        return exc
    if isinstance(exc, ScriptTimeout):
        return EngineError("time_budget_exceeded", f"{what} {source!r}: {exc}", element)
    if isinstance(exc, SandboxViolation):
        return EngineError("script_unsafe", f"{what} {source!r} refused: {exc}", element)
    if isinstance(exc, SandboxCompileError):
        return EngineError(exc.code, f"{what} {source!r}: {exc.message}", element)
    return EngineError("script_error" if what == "script" else "expression_error",
                       f"{what} {source!r} failed: {type(exc).__name__}: {exc}", element)


class RestrictedScriptEngine(PythonScriptEngine):
    """Runs every script, condition, DMN cell and timer expression in the sandbox."""

    def __init__(self, *, host: Host | None, now: datetime, budget: float | None):
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.now = now.astimezone(UTC)
        self.host = host
        self.events: list[dict[str, Any]] = []
        self.previous_subscriptions: list[dict[str, Any]] | None = None  # set by the runtime
        self.sandbox = Sandbox(self.now, budget)
        super().__init__(environment=SandboxEnvironment(self.sandbox))

    def evaluate(self, task: Any, expression: str,
                 external_context: dict[str, Any] | None = None) -> Any:
        try:
            return self.sandbox.evaluate(expression, {**(external_context or {}), **task.data})
        except INTERPRETER_EXIT:
            raise
        except BaseException as exc:
            raise translate(exc, task, "expression", expression) from exc

    def execute(self, task: Any, script: str,
                external_context: dict[str, Any] | None = None) -> bool:
        try:
            self.sandbox.execute(script, task.data, external_context)
        except INTERPRETER_EXIT:
            raise
        except BaseException as exc:
            raise translate(exc, task, "script", script) from exc
        return True

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        # The library's own version raises NameError('script') and hides the real error.
        raise EngineError("operator_unsupported", "use OperatorServiceTask", _element_id(task))

    def call_operator(self, task: Any, name: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """Call a host operator; any failure becomes `operator_failed` with the real text."""
        if self.host is None:
            raise EngineError("operator_unknown", f"no host to run operator {name!r}",
                              _element_id(task))
        self.sandbox.check_deadline()
        try:
            with self.sandbox.budget_paused():
                result = self.host.call_operator(name, params, dict(task.data))
        except (EngineError, *INTERPRETER_EXIT):
            raise
        except BaseException as exc:
            raise EngineError("operator_failed", f"operator {name!r} failed: "
                              f"{type(exc).__name__}: {exc}", _element_id(task)) from exc
        if result is not None and not isinstance(result, dict):
            raise EngineError("operator_failed", f"operator {name!r} returned "
                              f"{type(result).__name__}, expected dict or None", _element_id(task))
        self.events.append({"type": "operator_called", "element_id": _element_id(task),
                            "operator": name, "params": params, "result": result})
        return result

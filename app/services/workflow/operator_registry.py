"""The operator registry: service-task operators are the only way a BPMN diagram causes side effects.

Each operator is a Python function registered by name with ``@operator("name")``; a diagram's
service task names it (spiffworkflow:serviceTaskOperator) and passes parameters evaluated in
the sandbox. Operators run inside the transaction of the use case that advanced the instance.
This module holds only the registry: each capability keeps its operators in its own
``operators`` module (listed in ``app.services.OPERATOR_MODULES``), and ``load_operators()``
imports them all once when the app is created. Deployments and the case runtime read the
registry without importing any implementation.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.models import ProcessInstance
from app.services.access.actors import Actor


@dataclass
class OperatorContext:
    instance: ProcessInstance
    actor: Actor
    # What the step hands back to a caller that asked for it, beside the task data (which is
    # stored): e.g. the initial passwords of accounts an approval created, shown once. None when
    # the caller takes nothing back (timers, messages, retries).
    handback: dict[str, Any] | None = field(default=None)


Operator = Callable[[OperatorContext, dict[str, Any], dict[str, Any]], "dict[str, Any] | None"]
OPERATORS: dict[str, Operator] = {}


def operator(name: str) -> Callable[[Operator], Operator]:
    def register(fn: Operator) -> Operator:
        OPERATORS[name] = fn
        return fn
    return register


def operator_location(name: str) -> str | None:
    """``module:function`` of the operator registered as ``name`` (None if there is none)."""
    fn = OPERATORS.get(name)
    return f"{fn.__module__}:{fn.__qualname__}" if fn is not None else None

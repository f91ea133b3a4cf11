"""Service-task operators: the only way a BPMN diagram causes side effects.

Each operator is a Python function registered by name; a diagram's service task names it
(spiffworkflow:serviceTaskOperator) and passes parameters evaluated in the sandbox. Operators
run inside the transaction of the use case that advanced the instance. Each family of
operators lives in its own module, imported at the bottom so that it registers itself.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.models import ProcessInstance
from app.services.actors import Actor


@dataclass
class OperatorContext:
    instance: ProcessInstance
    actor: Actor


Operator = Callable[[OperatorContext, dict[str, Any], dict[str, Any]], "dict[str, Any] | None"]
OPERATORS: dict[str, Operator] = {}


def operator(name: str) -> Callable[[Operator], Operator]:
    def register(fn: Operator) -> Operator:
        OPERATORS[name] = fn
        return fn
    return register


from app.services.operators import (  # noqa: E402,F401  (registration)
    bindings,
    core,
    device_alarms,
    documents,
    hazard,
    inspections,
    orders,
    registrations,
    urging,
)

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


@dataclass(frozen=True)
class Param:
    """One parameter a diagram passes (spiffworkflow:parameter): its value is a sandboxed
    expression; `type` is the diagram's type attribute (str, int, list, dict, any)."""
    name: str
    type: str
    help: str
    required: bool = False


@dataclass(frozen=True)
class OperatorInfo:
    """What the designer's catalogue tells about an operator: a Chinese summary, its parameters
    and, for operators taking parameters of any name, what those mean (`free_params`)."""
    name: str
    summary: str
    params: tuple[Param, ...] = ()
    free_params: str = ""


OPERATOR_INFO: dict[str, OperatorInfo] = {}


def operator(name: str, *, summary: str = "", params: tuple[Param, ...] = (),
             free_params: str = "") -> Callable[[Operator], Operator]:
    def register(fn: Operator) -> Operator:
        OPERATORS[name] = fn
        OPERATOR_INFO[name] = OperatorInfo(name, summary or name, params, free_params)
        return fn
    return register


def operator_catalogue() -> list[OperatorInfo]:
    """Every registered operator with its metadata, by name (an operator registered without
    metadata is listed by its name, with no parameters)."""
    return [OPERATOR_INFO.get(name) or OperatorInfo(name, name) for name in sorted(OPERATORS)]


def operator_location(name: str) -> str | None:
    """``module:function`` of the operator registered as ``name`` (None if there is none)."""
    fn = OPERATORS.get(name)
    return f"{fn.__module__}:{fn.__qualname__}" if fn is not None else None


# The parameter by which an operator that opens a case of another process names that process:
# the child process key is data of the diagram (a string literal, checked at deploy).
CHILD_PROCESS = "child_process"


def child_process_param(default: str) -> Param:
    return Param(CHILD_PROCESS, "str", f"开启的子流程（流程标识，缺省 '{default}'）")


def child_process(params: dict[str, Any], default: str) -> str:
    """The process key the diagram names for the case an operator opens (`default` if none)."""
    value = params.get(CHILD_PROCESS)
    return value if isinstance(value, str) and value else default

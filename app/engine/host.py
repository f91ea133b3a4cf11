"""An in-memory operator registry: the test host, and a base for the service layer's host."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

Operator = Callable[[dict[str, Any], dict[str, Any]], "dict[str, Any] | None"]


class OperatorRegistry:
    """Maps operator names to callables `(params, task_data) -> dict | None` and records calls."""

    def __init__(self, operators: dict[str, Operator] | None = None):
        self.operators: dict[str, Operator] = dict(operators or {})
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def register(self, name: str, operator: Operator) -> None:
        self.operators[name] = operator

    @property
    def names(self) -> set[str]:
        return set(self.operators)

    def call_operator(self, name: str, params: dict[str, Any],
                      task_data: dict[str, Any]) -> dict[str, Any] | None:
        if name not in self.operators:
            raise LookupError(f"operator {name!r} is not registered")
        self.calls.append((name, params))
        return self.operators[name](params, task_data)

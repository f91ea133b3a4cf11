"""Two hops from a process key to its Python: processes/<key>.bpmn names operators, each is
registered by a function in one of the capabilities' operators modules (ARCHITECTURE.md)."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.parsing import service_task_operators
from app.services import OPERATOR_MODULES, load_operators
from app.services.workflow.operator_registry import operator_location

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "processes").glob("*.bpmn"))


def test_service_task_operators_are_read_from_the_diagram() -> None:
    bpmn = (ROOT / "processes" / "device_alarm_disposal.bpmn").read_bytes()
    assert "close_device_alarm" in service_task_operators(bpmn)


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[d.stem for d in DIAGRAMS])
def test_every_operator_of_a_diagram_lives_in_an_operators_module(diagram: Path) -> None:
    load_operators()
    for name in service_task_operators(diagram.read_bytes()):
        location = operator_location(name)
        assert location is not None, f"{diagram.name}: operator {name!r} is not registered"
        assert location.split(":")[0] in OPERATOR_MODULES, f"{diagram.name}: {name} -> {location}"


def test_an_unknown_operator_has_no_location() -> None:
    assert operator_location("no_such_operator") is None

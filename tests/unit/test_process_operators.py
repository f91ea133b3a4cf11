"""Two hops from a process key to its Python: processes/<key>.bpmn names operators, each is
registered by a function in one of the capabilities' operators modules (ARCHITECTURE.md)."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.parsing import service_task_operators
from app.services import OPERATOR_MODULES, load_operators
from app.services.definitions.operator_registry import operator_location

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


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=[d.stem for d in DIAGRAMS])
def test_every_parameter_a_diagram_passes_is_in_the_designer_catalogue(diagram: Path) -> None:
    """The properties panel offers an operator's parameters from its metadata: a parameter a
    diagram passes is declared there (or the operator takes parameters of any name)."""
    from lxml import etree

    from app.services.definitions.operator_registry import OPERATOR_INFO

    load_operators()
    ns = {"spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
    for node in etree.fromstring(diagram.read_bytes()).xpath("//spiffworkflow:serviceTaskOperator", namespaces=ns):
        info = OPERATOR_INFO[node.get("id")]
        assert info.summary != info.name, f"{info.name} has no summary"
        if info.free_params:
            continue
        declared = {p.name for p in info.params}
        passed = set(node.xpath(".//spiffworkflow:parameter/@id", namespaces=ns))
        assert passed <= declared, f"{diagram.name}: {info.name} does not declare {sorted(passed - declared)}"


def test_an_operator_without_metadata_is_listed_by_its_name(monkeypatch) -> None:
    from app.services.definitions.operator_registry import OPERATORS, operator_catalogue

    monkeypatch.setitem(OPERATORS, "zz_bare", lambda ctx, params, data: None)
    bare = operator_catalogue()[-1]
    assert (bare.name, bare.summary, bare.params) == ("zz_bare", "zz_bare", ())

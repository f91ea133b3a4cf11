"""The process an operator opens is named by the diagram (`child_process`), checked at deploy."""
from __future__ import annotations

import pytest

from app.services.definitions import deployments
from app.services.definitions.deployments import Bundle, BundleInvalidError, bundle_from_dirs
from app.services.definitions.operator_registry import child_process
from app.services.designer import catalogue
from tests.support.factories import gen_user

from .conftest import as_actor

LITERAL = """<spiffworkflow:parameter id="child_process" type="str" value="'rectification_order'"/>"""


def _site_check(value: str) -> Bundle:
    base = bundle_from_dirs()
    bpmn = base.files["site_check.bpmn"].decode()
    assert LITERAL in bpmn
    new = LITERAL.replace("'rectification_order'", value)
    return Bundle({"site_check.bpmn": bpmn.replace(LITERAL, new).encode()},
                  {n: b for n, b in base.forms.items() if n.startswith("site_check")})


@pytest.mark.parametrize("value", ["order_key", "'Not A Key'", "42"])
def test_a_child_process_that_is_not_a_quoted_key_does_not_deploy(app, value):
    with pytest.raises(BundleInvalidError) as info:
        deployments.deploy(_site_check(value))
    [problem] = info.value.problems
    assert (problem.element_id, problem.code) == ("open_order", "child_process_invalid")
    text = _site_check(value).files["site_check.bpmn"].decode()
    # the line of the parameter itself, as the file the designer sent numbers it
    assert f'value="{value}"' in text.splitlines()[problem.line - 1].replace("&quot;", '"')


def test_a_quoted_key_deploys_and_the_operators_offer_the_parameter(app):
    assert deployments.deploy(_site_check("'rectification_order_v2'"))[0].created
    assert child_process({"child_process": "rectification_order_v2"}, "rectification_order") == "rectification_order_v2"
    assert child_process({}, "rectification_order") == "rectification_order"
    offered = {o["name"]: {p["name"] for p in o["params"]} for o in catalogue.operators(as_actor(gen_user("process_designer")))}
    for name in ("open_rectification_order", "open_rectification_orders", "open_urging_for_order",
                 "request_device_rectification_order", "draw_inspections"):
        assert "child_process" in offered[name], name

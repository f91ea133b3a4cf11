"""The notice a diagram issues is named by the diagram (issue_document's `template`), checked at deploy
against the notices of documents/ (a `<name>.html` with its `<name>.json`)."""
from __future__ import annotations

import pytest

from app.services.definitions import deployments
from app.services.definitions.deployments import Bundle, BundleInvalidError, bundle_from_dirs

PRINT = """<spiffworkflow:parameter id="template" type="str" value="'inspection_record'"/>"""


def _inspection(value: str) -> Bundle:
    base = bundle_from_dirs()
    bpmn = base.files["supervision_inspection.bpmn"].decode()
    assert PRINT in bpmn
    return Bundle({"supervision_inspection.bpmn": bpmn.replace(PRINT, PRINT.replace("'inspection_record'", value)).encode()},
                  {n: b for n, b in base.forms.items() if n.startswith("supervision_inspection")})


@pytest.mark.parametrize("value", ["'no_such_notice'", "'inspection_record' if x else 'no_such_notice'", "42"])
def test_a_written_out_template_that_is_no_notice_does_not_deploy(app, value):
    with pytest.raises(BundleInvalidError) as info:
        deployments.deploy(_inspection(value))
    [problem] = info.value.problems
    assert problem.code == "template_unknown"
    assert "documents/" in problem.message
    text = _inspection(value).files["supervision_inspection.bpmn"].decode()
    assert 'id="template"' in text.splitlines()[problem.line - 1]


@pytest.mark.parametrize("value", ["'inspection_record' if x else 'rectification_notice'", "chosen_template"])
def test_a_known_notice_or_an_expression_deploys(app, value):
    """An expression that is not written out is checked when the notice is issued (template_unknown)."""
    assert deployments.deploy(_inspection(value))[0].created


def test_the_rectification_order_diagram_chooses_its_notice():
    bpmn = bundle_from_dirs().files["rectification_order.bpmn"].decode()
    assert "value=\"'stop_work_notice' if order_type in ('partial_stop', 'full_stop') else 'rectification_notice'\"" \
        in bpmn.replace("&apos;", "'")

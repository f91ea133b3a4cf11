"""The order-type → notice map of order_operators serves only rectification_order versions deployed
before the diagram chose its notice itself: the versions that read `notice_template` are named, and
the shipped diagram is not one of them."""
from __future__ import annotations

from pathlib import Path

from app.services.definitions.deployments import Bundle, bundle_from_dirs, deploy
from app.services.designer.versions import versions_reading

ROOT = Path(__file__).resolve().parents[3]
# processes/rectification_order.bpmn as it was before commit af31fc4 (its notice chosen in Python)
BEFORE = ROOT / "tests/fixtures/history/rectification_order.before_notice_choice.bpmn"


def test_only_versions_deployed_before_the_diagram_chose_its_notice_read_the_map(app):
    base = bundle_from_dirs()
    assert b"notice_template" not in base.files["rectification_order.bpmn"]
    [old] = deploy(Bundle({**base.files, "rectification_order.bpmn": BEFORE.read_bytes()}, base.forms),
                   keys=["rectification_order"])
    [new] = deploy(base, keys=["rectification_order"])
    assert new.version > old.version
    readers = versions_reading("rectification_order", "notice_template")
    assert old.version in readers and new.version not in readers
    # the shipped diagram chooses its notice from order_type in print_notice's template parameter
    assert new.version in versions_reading("rectification_order", "order_type")

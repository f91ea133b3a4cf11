"""A case's data is one dictionary: two forms of one diagram writing the same field would let the
later step overwrite what the earlier one wrote (issue 15: a rectification reply's `files`
replaced the order's). Such a diagram does not deploy; alternatives of one step share a form."""
from __future__ import annotations

import json

import pytest

from app.services.definitions import deployments
from app.services.definitions.deployments import Bundle, BundleInvalidError, bundle_from_dirs

KEY = "rectification_order"


def _order_bundle(reply_properties: dict) -> Bundle:
    base = bundle_from_dirs()
    forms = {n: b for n, b in base.forms.items() if n.startswith(KEY)}
    reply = json.loads(forms[f"{KEY}_reply.schema.json"])
    reply["properties"].update(reply_properties)
    forms[f"{KEY}_reply.schema.json"] = json.dumps(reply, ensure_ascii=False).encode()
    return Bundle({f"{KEY}.bpmn": base.files[f"{KEY}.bpmn"]}, forms)


def test_a_reply_writing_the_orders_field_does_not_deploy(app):
    attachments = {"type": "array", "items": {"type": "integer", "format": "attachment"}}
    with pytest.raises(BundleInvalidError) as info:
        deployments.deploy(_order_bundle({"files": attachments}))
    [problem] = info.value.problems
    assert (problem.file, problem.code) == (f"{KEY}.bpmn", "form_field_shared")
    assert "“files”" in problem.message and f"{KEY}_issue.schema.json" in problem.message


def test_the_diagrams_of_the_project_write_each_field_from_one_form(app):
    assert [p for p in deployments.validate(bundle_from_dirs()) if p.code == "form_field_shared"] == []
    read_only = {"files": {"type": "array", "readOnly": True, "items": {"type": "integer"}}}
    assert deployments.deploy(_order_bundle(read_only))  # shown to the replier, not written

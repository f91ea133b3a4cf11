"""form_writes: a submission writes only the fields its form declares, never readOnly ones and
never the variables that bind people, subjects or scope."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.formdefs.writes import form_writes, is_reserved, reserved_declarations

FORMS = Path(__file__).resolve().parents[2] / "forms"
SCHEMA = {
    "type": "object",
    "properties": {
        "decision": {"type": "string"},
        "return_reason": {"type": "string", "readOnly": True},
        "contract": {"type": "object", "properties": {"amount": {"type": "number"}}},
        "extra": {"type": "object"},  # free-form: the form does not say what it holds
        "problems": {"$ref": "#/$defs/problems"},
    },
    "allOf": [{"if": {"properties": {"decision": {"const": "return"}}},
               "then": {"properties": {"reason": {"type": "string"}}}}],
    "$defs": {"problems": {"type": "array", "items": {
        "type": "object", "properties": {"text": {"type": "string"}}}}},
}


def test_declared_fields_pass_through_unchanged() -> None:
    data = {"decision": "return", "reason": "r", "contract": {"amount": 3},
            "extra": {"anything": 1}, "problems": [{"text": "a"}]}
    assert form_writes(SCHEMA, data) == (data, {})


def test_undeclared_fields_are_refused_at_every_depth_with_their_path() -> None:
    kept, problems = form_writes(SCHEMA, {
        "decision": "pass", "issuer": 7, "contract": {"amount": 1, "signed_by": 2},
        "problems": [{"text": "a"}, {"text": "b", "owner": 3}]})
    assert set(problems) == {"issuer", "contract.signed_by", "problems.1.owner"}
    assert kept == {"decision": "pass", "contract": {"amount": 1}, "problems": [{"text": "a"}, {"text": "b"}]}


def test_read_only_fields_are_never_taken_from_a_submission() -> None:
    assert form_writes(SCHEMA, {"decision": "pass", "return_reason": "forged"}) == ({"decision": "pass"}, {})


@pytest.mark.parametrize("name", ["issuer_user_id", "reviewer_user_ids", "panel_seats", "seats",
                                  "subject_id", "scope_path", "project_id", "order_ready"])
def test_binding_variables_are_refused_even_when_a_form_declares_them(name: str) -> None:
    schema = {"type": "object", "properties": {name: {}, "note": {"type": "string"}}}
    assert form_writes(schema, {name: 1, "note": "n"}) == ({"note": "n"}, {name: [
        "该字段由流程写入，不能由表单提交。"]})
    assert reserved_declarations(schema) == [name]


def test_the_diagrams_own_binding_variables_are_refused_too() -> None:
    schema = {"type": "object", "properties": {"expert": {}}}
    assert not is_reserved("expert")
    assert set(form_writes(schema, {"expert": 5}, {"expert"})[1]) == {"expert"}


def test_a_task_without_a_form_writes_nothing() -> None:
    assert form_writes(None, {}) == ({}, {})
    assert set(form_writes(None, {"decision": "pass"})[1]) == {"decision"}


def test_no_shipped_form_declares_a_reserved_field() -> None:
    for path in sorted(FORMS.glob("*.schema.json")):
        assert reserved_declarations(json.loads(path.read_text(encoding="utf-8"))) == [], path.name

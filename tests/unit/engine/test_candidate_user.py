"""candidateUserVariable: the engine exposes the named task-data value; validation checks the name."""
from __future__ import annotations

import pytest

from app.engine import start, validate_bundle

from .conftest import ROLES, bundle, compiled, form_exists


def test_ready_task_carries_the_variable_and_its_value(clock, host):
    result = start(compiled("bound_review").spec_json, {"reviewer_id": 42}, host=host, now=clock.now)
    [task] = result.ready_user_tasks
    assert (task["candidate_user_variable"], task["candidate_user"]) == ("reviewer_id", 42)


def test_missing_variable_gives_none_and_tasks_without_the_property_omit_it(clock, host):
    result = start(compiled("bound_review").spec_json, {}, host=host, now=clock.now)
    assert result.ready_user_tasks[0]["candidate_user"] is None
    loop = start(compiled("review_loop").spec_json, {"work_id": 1, "compile_days": 3, "history": None},
                 host=host, now=clock.now)
    assert "candidate_user_variable" not in loop.ready_user_tasks[0]


@pytest.mark.parametrize("value", ["data['reviewer']", "reviewer id", "class", "_secret", ""])
def test_the_property_must_name_a_variable(value):
    files = bundle("bound_review.bpmn")
    files["bound_review.bpmn"] = files["bound_review.bpmn"].replace(
        b'value="reviewer_id"', f'value="{value}"'.encode())
    found = validate_bundle(files, known_roles=ROLES, operators=set(), form_exists=form_exists)
    assert [(p.code, p.element_id) for p in found] == [("property_invalid", "review_plan")]
    assert found[0].line is not None


def test_a_plain_name_is_valid():
    assert validate_bundle(bundle("bound_review.bpmn"), known_roles=ROLES, operators=set(),
                           form_exists=form_exists) == []

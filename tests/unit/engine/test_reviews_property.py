"""`reviews` may name several user tasks, comma separated: each must be another user task of
the same process (supervision_record_review reviews its three revision forms)."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.engine import validate_bundle

ROOT = Path(__file__).resolve().parents[3]
REVIEWS = b'value="revise_log,revise_side_station,revise_parallel_inspection"'


def _problems(value: bytes) -> list[tuple[str, str]]:
    bpmn = (ROOT / "processes" / "supervision_record_review.bpmn").read_bytes()
    assert REVIEWS in bpmn
    files = {"supervision_record_review.bpmn": bpmn.replace(REVIEWS, value)}
    found = validate_bundle(files, known_roles={"supervisor", "chief_supervisor"},
                            operators={"record_review_outcome", "record_revision"},
                            form_exists=lambda name: (ROOT / "forms" / name).is_file())
    return [(p.code, p.element_id) for p in found]


def test_every_named_task_is_a_user_task_of_the_process():
    assert _problems(REVIEWS) == []
    assert _problems(b'value="revise_log"') == []


@pytest.mark.parametrize("value", [b'value="revise_log,start"', b'value="revise_log,,revise_side_station"',
                                   b'value="review"', b'value=""'])
def test_a_name_that_is_not_another_user_task_is_refused(value):
    assert ("property_invalid", "review") in _problems(value)

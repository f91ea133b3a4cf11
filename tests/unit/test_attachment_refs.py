"""attachment_refs finds every attachment reference of a submission, at any depth."""
from __future__ import annotations

from app.formdefs import attachment_refs

FILE = {"type": "integer", "format": "attachment"}
FILES = {"type": "array", "items": FILE}
SCHEMA = {"type": "object", "properties": {
    "title": {"type": "string"},
    "report": FILE,
    "photos": FILES,
    "site": {"type": "object", "properties": {"plan": FILE, "note": {"type": "string"}}},
    "problems": {"type": "array", "items": {"type": "object", "properties": {
        "text": {"type": "string"}, "photos": FILES,
        "steps": {"type": "array", "items": {"type": "object", "properties": {"proof": FILE}}}}}},
}}


def test_top_level_nested_objects_and_items_of_arrays_are_found_with_their_paths() -> None:
    data = {"title": "t", "report": 1, "photos": [2, 3], "site": {"plan": 4, "note": "n"},
            "problems": [{"text": "a", "photos": [5]},
                         {"text": "b", "steps": [{"proof": 6}, {"proof": 7}]}]}
    assert attachment_refs(SCHEMA, data) == [
        ("report", 1), ("photos", [2, 3]), ("site.plan", 4), ("problems.0.photos", [5]),
        ("problems.1.steps.0.proof", 6), ("problems.1.steps.1.proof", 7)]


def test_absent_or_malformed_parts_are_skipped_not_crashed_on() -> None:
    assert attachment_refs(SCHEMA, {"title": "t"}) == []
    assert attachment_refs(SCHEMA, "not an object") == []
    # Wrong shapes are the schema validation's business; the walker only skips them.
    assert attachment_refs(SCHEMA, {"site": "x", "problems": "y"}) == []
    assert attachment_refs(SCHEMA, {"problems": [None, {"photos": ["a"]}]}) == [("problems.1.photos", ["a"])]

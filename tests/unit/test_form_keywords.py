"""The form keywords JSON Schema cannot check: x-notBefore, x-notPast, x-projectRef."""
from __future__ import annotations

from datetime import date

from app.formdefs import schema_problem
from app.formdefs.keywords import date_problems, library_refs, project_refs

TODAY = date(2026, 3, 2)
SCHEMA = {
    "type": "object",
    "properties": {
        "start": {"type": "string", "format": "date", "title": "开始日期"},
        "end": {"type": "string", "format": "date", "x-notBefore": "start"},
        "deadline": {"type": "string", "format": "date", "x-notPast": True},
        "work": {"type": "integer", "x-projectRef": "hazardous_work"},
        "tasks": {"type": "array", "items": {"type": "object", "properties": {
            "start_date": {"type": "string"},
            "end_date": {"type": "string", "x-notBefore": "start_date"},
            "devices": {"type": "array", "x-projectRef": "device"}}}},
    },
}


def test_the_keywords_are_valid_json_schema_annotations() -> None:
    assert schema_problem(SCHEMA) is None


def test_an_end_before_its_start_is_named_with_the_start_title() -> None:
    assert date_problems(SCHEMA, {"start": "2026-03-10", "end": "2026-03-09"}, TODAY) == {
        "end": ["不能早于开始日期。"]}
    assert date_problems(SCHEMA, {"start": "2026-03-10", "end": "2026-03-10"}, TODAY) == {}
    assert date_problems(SCHEMA, {"end": "2026-03-09"}, TODAY) == {}  # nothing to compare with


def test_nested_items_compare_within_their_own_object() -> None:
    data = {"tasks": [{"start_date": "2026-03-05", "end_date": "2026-03-06"},
                      {"start_date": "2026-03-05", "end_date": "2026-03-04T23:00:00"}]}
    assert set(date_problems(SCHEMA, data, TODAY)) == {"tasks.1.end_date"}


def test_a_deadline_in_the_past_is_refused_today_is_not() -> None:
    assert set(date_problems(SCHEMA, {"deadline": "2026-03-01"}, TODAY)) == {"deadline"}
    assert date_problems(SCHEMA, {"deadline": "2026-03-02"}, TODAY) == {}


def test_malformed_dates_are_left_to_the_schema_format_check() -> None:
    assert date_problems(SCHEMA, {"start": "x", "end": "2026-13-01", "deadline": 5}, TODAY) == {}


def test_project_references_are_found_at_any_depth() -> None:
    data = {"work": 7, "tasks": [{"devices": [1, 2]}, {"end_date": "2026-03-03"}]}
    assert project_refs(SCHEMA, data) == [("work", "hazardous_work", [7]),
                                         ("tasks.0.devices", "device", [1, 2])]


def test_library_codes_are_named_at_their_own_index():
    schema = {"type": "object", "properties": {"problems": {"type": "array", "items": {
        "type": "object", "properties": {"clauses": {"type": "array", "x-libraryRef": "legal_clause",
                                                     "items": {"type": "string"}}}}},
        "basis": {"type": "string", "x-libraryRef": "legal_clause"}}}
    data = {"problems": [{"clauses": ["A", "B"]}, {}], "basis": "C"}
    assert sorted(library_refs(schema, data)) == [
        ("basis", "legal_clause", "C"), ("problems.0.clauses.0", "legal_clause", "A"),
        ("problems.0.clauses.1", "legal_clause", "B")]

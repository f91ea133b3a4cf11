"""Bundle validation: each problem code with its file, element id and line; compile metadata."""
from __future__ import annotations

import pytest

from app.engine import EngineError, compile_process, content_hash, validate_bundle

from .conftest import FIXTURES, ROLES, bundle, form_exists

OPERATORS = {"set_work_status", "draw_experts", "notify"}
VALID = ["review_loop.bpmn", "expert_panel.bpmn", "call_parent.bpmn", "call_child.bpmn",
         "deadline_timers.bpmn", "alarm_messages.bpmn", "error_boundary.bpmn"]


def line_of(file: str, marker: str) -> int:
    text = (FIXTURES / "invalid" / file).read_text().splitlines()
    return next(number for number, line in enumerate(text, start=1) if marker in line)


def problems(file: str) -> dict[str, list]:
    files = {file: (FIXTURES / "invalid" / file).read_bytes()}
    found: dict[str, list] = {}
    for problem in validate_bundle(files, known_roles=ROLES, operators=OPERATORS,
                                   form_exists=form_exists):
        found.setdefault(problem.code, []).append((problem.file, problem.element_id, problem.line))
    return found


@pytest.fixture(scope="module")
def broken() -> dict[str, list]:
    return problems("broken_bundle.bpmn")


def test_valid_fixtures_have_no_problems():
    assert validate_bundle(bundle(*VALID), known_roles=ROLES, operators=OPERATORS,
                           form_exists=form_exists) == []


@pytest.mark.parametrize("code, element_id, marker", [
    ("process_id_mismatch", "broken", 'bpmn:process id="broken"'),
    ("lane_unknown_role", "lane_bad_role", 'name="site_boss"'),
    ("form_missing", "no_form_task", 'id="no_form_task"'),
    ("script_unsafe", "unsafe_script", "().__class__.__bases__"),
    ("script_syntax", "syntax_script", "total = (1 +"),
    ("condition_syntax", "f_bad", "decision =="),
    ("operator_unknown", "unknown_operator", 'id="launch_rockets"'),
])
def test_each_problem_names_file_element_and_line(broken, code, element_id, marker):
    assert broken[code] == [("broken_bundle.bpmn", element_id, line_of("broken_bundle.bpmn", marker))]


def test_unquoted_and_unparsable_timers_are_invalid(broken):
    assert broken["timer_invalid"] == [
        ("broken_bundle.bpmn", "ted_bare", line_of("broken_bundle.bpmn", ">P3D<")),
        ("broken_bundle.bpmn", "ted_bad", line_of("broken_bundle.bpmn", "three days")),
    ]


def test_xsd_errors_carry_line_and_element():
    found = problems("xsd_broken.bpmn")
    assert found == {"bpmn_xsd_invalid": [
        ("xsd_broken.bpmn", "bogus", line_of("xsd_broken.bpmn", "notAnElement"))]}


def test_missing_form_file_and_unknown_operator_against_a_valid_diagram():
    found = validate_bundle(bundle("review_loop.bpmn"), known_roles=ROLES, operators={"notify"},
                            form_exists=lambda name: name != "plan_compile.ui.json")
    assert {(p.code, p.element_id) for p in found} == {
        ("form_missing", "compile_plan"), ("operator_unknown", "set_status")}
    assert all(p.line and p.file == "review_loop.bpmn" for p in found)


def test_missing_called_process_is_reported_by_the_parser():
    found = validate_bundle(bundle("call_parent.bpmn"), known_roles=ROLES, operators=OPERATORS,
                            form_exists=form_exists)
    assert [p.code for p in found] == ["bpmn_invalid"]
    assert "call_child" in found[0].message


def test_compile_reports_user_tasks_lanes_and_message_starts():
    process = compile_process("review_loop", bundle("review_loop.bpmn"))
    assert process.key == "review_loop"
    assert [(t["element_id"], t["lane"], t["form"]) for t in process.user_tasks] == [
        ("compile_plan", "contractor_pm", "plan_compile.json"),
        ("review_plan", "chief_supervisor", "plan_review.json")]
    assert process.lanes == ["chief_supervisor", "contractor_pm"]
    assert compile_process("alarm_messages", bundle("alarm_messages.bpmn")).message_starts == \
        ["device_alarm"]


def test_content_hash_is_stable_and_covers_extra_form_bytes():
    files = bundle("call_parent.bpmn", "call_child.bpmn")
    reordered = dict(reversed(list(files.items())))
    assert content_hash(files) == content_hash(reordered)
    process = compile_process("call_parent", files, extra_hash_files={"close_case.json": b"{}"})
    assert process.content_hash == content_hash(files, {"close_case.json": b"{}"})
    assert process.content_hash != content_hash(files)
    assert process.content_hash != content_hash(files, {"close_case.json": b"{ }"})


def test_compile_of_a_broken_bundle_raises():
    with pytest.raises(EngineError) as info:
        compile_process("call_parent", bundle("call_parent.bpmn"))
    assert info.value.code == "bundle_invalid"

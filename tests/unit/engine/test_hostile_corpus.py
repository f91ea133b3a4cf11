"""Every entry of the hostile corpus, in every place where a designer's code runs.

At run time the engine must end the step with an EngineError naming the element (the service
layer turns it into an incident); at validation/deploy the bundle must be refused — for timer
expressions, which validation evaluates, within the same limits.
"""
from __future__ import annotations

import pytest

from app.engine import EngineError, compile_process, complete_task, start, validate_bundle

from .conftest import ROLES, T0, form_exists
from .hostile_corpus import CORPUS, HARMLESS, hostile_bundle, placed

ELEMENT = {"script": "probe_script", "condition": "probe_gateway", "timer": "probe_timer"}
# Where validation reports a refused entry (a condition belongs to its sequence flow).
PROBLEM_ELEMENT = {"script": "probe_script", "condition": "f_condition", "timer": "timer_probe"}
RUN_CODES = {"refused": "script_unsafe", "unsafe": "script_unsafe",
             "timeout": "time_budget_exceeded"}
# Entries stopped by another guard (allocation, recursion, refusal) get a generous time budget as a
# backstop only: on a loaded machine page faults and the like cost CPU time too, and the guard
# under test must be the one that stops them.
BACKSTOP = 20.0
ERROR_CODES = {"script": "script_error", "condition": "expression_error",
               "timer": "expression_error"}


RUNS = [pytest.param(entry, place, id=f"{place}-{entry.id}") for entry in CORPUS
        for place in ("script", "condition", "timer")
        if entry.kind == "expression" or place == "script"]


@pytest.mark.parametrize(("entry", "place"), RUNS)
def test_hostile_code_ends_the_step_with_an_engine_error(entry, place, host):
    spec = compile_process("hostile_probe", hostile_bundle(place, placed(entry, place))).spec_json
    waiting = start(spec, {}, host=host, now=T0)
    with pytest.raises(EngineError) as info:
        complete_task(spec, waiting.state, waiting.ready_user_tasks[0]["task_id"], {},
                      host=host, now=T0, time_budget=1.0 if entry.expect == "timeout" else BACKSTOP)
    expected = RUN_CODES.get(entry.expect) or ERROR_CODES[place]
    assert (info.value.code, info.value.element_id) == (expected, ELEMENT[place])
    assert "\x00" not in info.value.message


def _problems(place: str, source: str) -> list:
    return validate_bundle(hostile_bundle(place, source), known_roles=ROLES, operators=set(),
                           form_exists=form_exists, now=T0)


VALIDATED = [pytest.param(entry, place, id=f"{place}-{entry.id}") for entry in CORPUS
             for place in ("script", "condition", "timer")
             if (entry.kind == "expression" or place == "script")
             and (entry.expect == "refused" or place == "timer")]


@pytest.mark.parametrize(("entry", "place"), VALIDATED)
def test_validation_refuses_hostile_code(entry, place):
    problems = _problems(place, placed(entry, place))
    assert [(p.element_id, p.code) for p in problems] == [
        (PROBLEM_ELEMENT[place], "timer_invalid" if place == "timer" else "script_unsafe")]
    if place == "timer" and entry.expect in ("unsafe", "timeout"):
        assert RUN_CODES[entry.expect] in problems[0].message


def test_the_harmless_probe_is_valid_and_runs_to_its_timer(host):
    assert _problems("script", HARMLESS["script"]) == []
    spec = compile_process("hostile_probe", hostile_bundle("script", "x = 1")).spec_json
    waiting = start(spec, {}, host=host, now=T0)
    result = complete_task(spec, waiting.state, waiting.ready_user_tasks[0]["task_id"], {},
                           host=host, now=T0)
    assert result.status == "waiting" and result.next_timer_due is not None

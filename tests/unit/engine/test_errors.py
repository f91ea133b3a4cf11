"""Error end event caught by a boundary event; failures reported with their real text."""
from __future__ import annotations

import asyncio

import pytest

from app.engine import EngineError, OperatorRegistry, compile_process, complete_task, start
from app.errors import NotFoundError

from .conftest import compiled, probe_bundle


def test_error_end_event_is_caught_by_the_boundary_event(host, clock):
    spec = compiled("error_boundary").spec_json
    refused = start(spec, {"work_status": "terminated"}, host=host, now=clock.now)
    assert refused.status == "completed"
    assert refused.completed_data["refusal"] == "work_terminated"

    normal = start(spec, {"work_status": "in_progress"}, host=host, now=clock.now)
    assert normal.status == "running"
    assert [t["element_id"] for t in normal.ready_user_tasks] == ["inspect"]
    assert "refusal" not in normal.ready_user_tasks[0]["data"]


def test_operator_exception_is_reported_with_its_real_text(clock):
    def broken(params, data):
        raise RuntimeError("expert library unreachable")
    host = OperatorRegistry({"draw_experts": broken})
    spec = compiled("expert_panel").spec_json
    with pytest.raises(EngineError) as info:
        start(spec, {"panel_size": 5, "excluded_enterprises": []}, host=host, now=clock.now)
    assert info.value.code == "operator_failed"
    assert info.value.element_id == "draw"
    assert "RuntimeError: expert library unreachable" in info.value.message
    assert "script" not in info.value.message  # not the library's masked NameError


def test_unregistered_operator_is_reported(clock):
    spec = compiled("expert_panel").spec_json
    with pytest.raises(EngineError) as info:
        start(spec, {"panel_size": 5, "excluded_enterprises": []}, host=OperatorRegistry(),
              now=clock.now)
    assert info.value.code == "operator_failed"
    assert "'draw_experts' is not registered" in info.value.message


def test_script_runtime_error_names_the_element_and_the_real_error(host, clock):
    spec = compile_process("script_probe", probe_bundle("ratio = total / count")).spec_json
    waiting = start(spec, {"total": 3, "count": 0}, host=host, now=clock.now)
    with pytest.raises(EngineError) as info:
        complete_task(spec, waiting.state, waiting.ready_user_tasks[0]["task_id"], {},
                      host=host, now=clock.now)
    assert info.value.code == "script_error"
    assert info.value.element_id == "probe"
    assert "ZeroDivisionError" in info.value.message


def test_gateway_condition_on_missing_field_is_reported(host, clock):
    spec = compiled("review_loop").spec_json
    result = start(spec, {"work_id": 1, "compile_days": 1, "history": None}, host=host, now=clock.now)
    result = complete_task(spec, result.state, result.ready_user_tasks[0]["task_id"],
                           {"plan_name": "v1"}, host=host, now=clock.now)
    with pytest.raises(EngineError) as info:
        complete_task(spec, result.state, result.ready_user_tasks[0]["task_id"], {},
                      host=host, now=clock.now)
    assert info.value.code == "expression_error"
    assert "name 'decision' is not defined" in info.value.message


def test_unknown_task_id_is_not_found(host, clock):
    spec = compiled("review_loop").spec_json
    result = start(spec, {"work_id": 1, "compile_days": 1, "history": None}, host=host, now=clock.now)
    with pytest.raises(NotFoundError) as info:
        complete_task(spec, result.state, "00000000-0000-0000-0000-000000000000", {},
                      host=host, now=clock.now)
    assert info.value.code == "task_not_found"


@pytest.mark.parametrize("raised", [asyncio.CancelledError("gateway call cancelled"),
                                    GeneratorExit("closed"), BaseExceptionGroup("two", [
                                        KeyboardInterrupt()])])
def test_an_operator_raising_a_base_exception_is_an_engine_error(raised, clock):
    def broken(params, data):
        raise raised
    spec = compiled("expert_panel").spec_json
    with pytest.raises(EngineError) as info:
        start(spec, {"panel_size": 5, "excluded_enterprises": []},
              host=OperatorRegistry({"draw_experts": broken}), now=clock.now)
    assert (info.value.code, info.value.element_id) == ("operator_failed", "draw")
    assert type(raised).__name__ in info.value.message


@pytest.mark.parametrize("raised", [SystemExit(3), KeyboardInterrupt()])
def test_the_interpreter_exit_is_not_turned_into_an_incident(raised, clock):
    """A worker being shut down is not a failure of the case it happened to be running."""
    def stopping(params, data):
        raise raised
    spec = compiled("expert_panel").spec_json
    with pytest.raises(type(raised)):
        start(spec, {"panel_size": 5, "excluded_enterprises": []},
              host=OperatorRegistry({"draw_experts": stopping}), now=clock.now)

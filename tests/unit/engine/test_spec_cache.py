"""Deserialised specs are cached per spec text and shared by every instance: runs must neither
change a cached spec nor leak anything from one instance into another; the state format is the
one the stock serializer wrote."""
from __future__ import annotations

import contextlib
import json
from datetime import timedelta

import pytest
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter

from app.engine import EngineError, compile_process, complete_task, fire_due_timers, start
from app.engine.serialization import SERIALIZER, SPECS, dump_spec, load_workflow
from app.engine.spec_cache import SpecCache

from .conftest import compiled, probe_bundle


def test_one_spec_text_is_deserialised_once(host, clock):
    spec = compiled("review_loop").spec_json
    SPECS.clear()
    misses = SPECS.misses
    result = start(spec, {"work_id": 1, "compile_days": 2, "history": None}, host=host, now=clock.now)
    complete_task(spec, result.state, result.ready_user_tasks[0]["task_id"], {"plan_name": "v1"},
                  host=host, now=clock.now)
    assert SPECS.misses == misses + 1
    assert SPECS.get(spec) is SPECS.get(spec)


def test_cache_is_bounded_and_evicts_the_least_recently_used():
    loads = []
    cache = SpecCache(lambda text: (loads.append(text) or object(), {}), size=2)
    for text in ("a", "b", "a", "c", "a", "b"):
        cache.get(text)
    assert loads == ["a", "b", "c", "b"]  # "b" was the least recently used when "c" came


@pytest.mark.parametrize("key, extra", [("review_loop", ()), ("deadline_timers", ()),
                                        ("expert_panel", ()), ("call_parent", ("call_child.bpmn",))])
def test_runs_leave_the_cached_spec_as_it_was_deployed(key, extra, host, clock):
    spec_json = compiled(key, *extra).spec_json
    result = start(spec_json, {"work_id": 1, "compile_days": 2, "history": None, "deadline_hours": 1,
                               "alarm_id": "A", "panel_size": 2, "excluded_enterprises": []},
                   host=host, now=clock.now)
    for task in result.ready_user_tasks[:1]:
        # An empty answer may be refused by a script; the spec must be untouched either way.
        with contextlib.suppress(EngineError):
            complete_task(spec_json, result.state, task["task_id"], {}, host=host, now=clock.now)
    fire_due_timers(spec_json, result.state, host=host, now=clock.advance(hours=48))
    assert dump_spec(*SPECS.get(spec_json)) == spec_json


def test_interleaved_panels_from_one_cached_spec_stay_independent(host, clock):
    spec = compiled("expert_panel").spec_json
    runs = {size: start(spec, {"panel_size": size, "excluded_enterprises": []}, host=host,
                        now=clock.now) for size in (2, 3)}
    pending = {size: list(r.ready_user_tasks) for size, r in runs.items()}
    assert [len(p) for p in pending.values()] == [2, 3]
    while any(pending.values()):  # one answer to each panel in turn, reloading every time
        for size, tasks in pending.items():
            if tasks:
                task = tasks.pop()
                runs[size] = complete_task(spec, runs[size].state, task["task_id"], {"opinion": {
                    "expert": task["data"]["expert"], "result": f"pass-{size}"}},
                    host=host, now=clock.now)
    for size, result in runs.items():
        assert result.status == "completed"
        assert [o["expert"] for o in result.completed_data["opinions"]] == \
            [f"expert_{i}" for i in range(size)]
        assert result.completed_data["results"] == [f"pass-{size}"] * size


def test_timers_of_two_instances_keep_their_own_clock(host, clock):
    spec = compiled("deadline_timers").spec_json
    early = start(spec, {"deadline_hours": 24, "alarm_id": "A-1"}, host=host, now=clock.now)
    late = start(spec, {"deadline_hours": 48, "alarm_id": "A-2"}, host=host,
                 now=clock.advance(hours=10))
    assert late.ready_user_tasks[0]["due_at"] == clock.now + timedelta(hours=48)
    swept = fire_due_timers(spec, early.state, host=host, now=clock.advance(hours=20))
    assert swept.ready_user_tasks[0]["element_id"] == "decide_overdue"
    still = fire_due_timers(spec, late.state, host=host, now=clock.now)
    assert still.ready_user_tasks[0]["element_id"] == "handle_alarm"
    assert still.ready_user_tasks[0]["due_at"] == clock.now + timedelta(hours=28)


def test_the_sandbox_holds_on_every_run_of_a_cached_spec(host, clock):
    spec = compile_process("script_probe", probe_bundle("kind = str(().__class__)")).spec_json
    waiting = start(spec, {}, host=host, now=clock.now)
    for _ in range(2):
        with pytest.raises(EngineError) as info:
            complete_task(spec, waiting.state, waiting.ready_user_tasks[0]["task_id"], {},
                          host=host, now=clock.now)
        assert info.value.code == "script_unsafe"


def test_state_is_what_the_stock_serializer_writes_without_the_spec(host, clock):
    spec = compiled("expert_panel").spec_json
    result = start(spec, {"panel_size": 2, "excluded_enterprises": []}, host=host, now=clock.now)
    workflow = load_workflow(spec, result.state)
    converter = SERIALIZER.registry.convert_to_dict["BpmnWorkflow"].args[1].__self__
    SERIALIZER.registry._encoder_mode = True
    try:
        stock = BpmnWorkflowConverter.to_dict(converter, workflow)
    finally:
        SERIALIZER.registry._encoder_mode = False
    del stock["spec"], stock["subprocess_specs"]
    stock.update(typename="BpmnWorkflow", serializer_version=SERIALIZER.VERSION)
    assert json.loads(json.dumps(stock, cls=SERIALIZER._encoder_cls)) == json.loads(result.state)


def test_a_scripts_variables_do_not_reach_the_next_case(host, clock):
    """Every run has its own script scope: what one case's script assigns is not a name in the
    next case's script, on the same cached spec in the same process (the guard for any reuse
    of engines, sandboxes or scopes between runs)."""
    spec = compile_process("script_probe", probe_bundle("if mark:\n    leak = mark\necho = leak")).spec_json

    def run(mark: str):
        started = start(spec, {"mark": mark}, host=host, now=clock.now)
        return complete_task(spec, started.state, started.ready_user_tasks[0]["task_id"], {},
                             host=host, now=clock.now)

    first = run("case A's secret")
    assert first.ready_user_tasks[0]["data"]["echo"] == "case A's secret"
    with pytest.raises(EngineError) as failed:
        run("")
    assert failed.value.code == "script_error" and "leak" in str(failed.value)
    assert "case A's secret" not in str(failed.value)

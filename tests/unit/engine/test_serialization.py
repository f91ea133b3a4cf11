"""State without spec round-trips; the restricted engine is back in force after every load."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.engine import EngineError, compile_process, complete_task, start
from app.engine.scripting import RestrictedScriptEngine
from app.engine.serialization import load_workflow

from .conftest import compiled, probe_bundle


def test_state_has_no_spec_and_continues_after_reload(host, clock):
    process = compiled("review_loop")
    result = start(process.spec_json, {"work_id": 3, "compile_days": 2, "history": None},
                   host=host, now=clock.now)
    state = json.loads(result.state)
    assert "spec" not in state and "subprocess_specs" not in state
    assert len(result.state) < len(process.spec_json) * 2
    # The state is plain JSON text: a copy through json continues exactly like the original.
    copy = json.dumps(json.loads(result.state))
    task_id = result.ready_user_tasks[0]["task_id"]
    again = complete_task(process.spec_json, copy, task_id, {"plan_name": "v1"},
                          host=host, now=clock.now)
    assert again.ready_user_tasks[0]["element_id"] == "review_plan"
    assert again.ready_user_tasks[0]["data"]["rounds"] == 1


def test_date_datetime_and_decimal_survive_the_round_trip(host, clock):
    spec = compile_process("script_probe", probe_bundle(
        "amount = decimal('12.30') * 2\nplanned = make_date(2024, 5, 1)\nstamp = now()")).spec_json
    waiting = start(spec, {"deadline": date(2024, 4, 1), "fee": Decimal("1.10")},
                    host=host, now=clock.now)
    after = complete_task(spec, waiting.state, waiting.ready_user_tasks[0]["task_id"],
                          {"at": datetime(2024, 3, 1, 9, tzinfo=UTC)},
                          host=host, now=clock.now)
    data = after.ready_user_tasks[0]["data"]
    assert data["deadline"] == date(2024, 4, 1) and data["fee"] == Decimal("1.10")
    assert data["amount"] == Decimal("24.60") and data["planned"] == date(2024, 5, 1)
    assert data["stamp"] == clock.now and data["at"] == datetime(2024, 3, 1, 9, tzinfo=UTC)


def test_loaded_workflow_has_the_default_engine_until_we_replace_it(host, clock):
    # Trap confirmed: deserialization gives the library's unrestricted engine...
    spec = compile_process("script_probe", probe_bundle("kind = str(().__class__)")).spec_json
    waiting = start(spec, {}, host=host, now=clock.now)
    raw = load_workflow(spec, waiting.state)
    assert not isinstance(raw.script_engine, RestrictedScriptEngine)
    # ...so the runtime sets the restricted one after the load, and the escape is refused.
    with pytest.raises(EngineError) as info:
        complete_task(spec, waiting.state, waiting.ready_user_tasks[0]["task_id"], {},
                      host=host, now=clock.now)
    assert info.value.code == "script_unsafe"


def test_corrupt_state_is_an_engine_error(host, clock):
    process = compiled("review_loop")
    with pytest.raises(EngineError) as info:
        complete_task(process.spec_json, "{not json", "x", {}, host=host, now=clock.now)
    assert info.value.code == "state_invalid"

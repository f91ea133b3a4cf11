"""Parallel multi-instance expert panel: results follow the panel order, not completion order."""
from __future__ import annotations

import pytest

from app.engine import EngineError, OperatorRegistry, complete_task, start

from .conftest import compiled


def test_five_expert_panel_collects_opinions_in_panel_order(clock, host):
    spec = compiled("expert_panel").spec_json
    result = start(spec, {"panel_size": 6, "excluded_enterprises": ["ent_b", "ent_a"]},
                   host=host, now=clock.now)
    assert host.calls == [("draw_experts", {"count": 6, "exclude": ["ent_a", "ent_b"]})]
    tasks = result.ready_user_tasks
    assert len(tasks) == 6
    assert {t["lane"] for t in tasks} == {"expert"}
    assert [t["multi_instance"]["index"] for t in tasks] == [0, 1, 2, 3, 4, 5]
    by_index = {t["multi_instance"]["index"]: t for t in tasks}
    assert by_index[4]["multi_instance"]["item"] == "expert_4"
    assert by_index[4]["data"]["expert"] == "expert_4"

    # Complete in a scrambled order, saving and reloading the state between answers.
    for index in [3, 0, 5, 1, 4, 2]:
        expert = by_index[index]["data"]["expert"]
        verdict = "fail" if index == 4 else "pass"
        result = complete_task(spec, result.state, by_index[index]["task_id"],
                               {"opinion": {"expert": expert, "result": verdict}},
                               host=host, now=clock.now)
    assert result.status == "completed"
    opinions = result.completed_data["opinions"]
    assert [o["expert"] for o in opinions] == [f"expert_{i}" for i in range(6)]
    assert result.completed_data["results"] == ["pass"] * 4 + ["fail", "pass"]
    assert result.completed_data["conclusion"] == "fail"


def test_panel_order_does_not_depend_on_completion_order(clock, host):
    spec = compiled("expert_panel").spec_json
    outcomes = []
    for order in ([0, 1, 2, 3, 4], [4, 3, 2, 1, 0]):
        result = start(spec, {"panel_size": 5, "excluded_enterprises": []}, host=host, now=clock.now)
        by_index = {t["multi_instance"]["index"]: t for t in result.ready_user_tasks}
        for index in order:
            result = complete_task(spec, result.state, by_index[index]["task_id"],
                                   {"opinion": {"expert": by_index[index]["data"]["expert"],
                                                "result": "pass"}}, host=host, now=clock.now)
        outcomes.append(result.completed_data["opinions"])
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize(("count", "padding"), [(5000, ""), (500, "x" * 100_000)])
def test_a_panel_too_large_to_copy_is_an_engine_error_before_any_instance_exists(clock, count,
                                                                                padding):
    """Every parallel instance gets a deep copy of the task data in one engine step, out of the
    deadline's reach: 5000 instances took 8 s and 870 MB, 20000 minutes and GBs."""
    host = OperatorRegistry({"draw_experts": lambda params, data: {
        "experts": list(range(count)), "padding": padding}})
    with pytest.raises(EngineError) as info:
        start(compiled("expert_panel").spec_json, {"panel_size": count, "excluded_enterprises": []},
              host=host, now=clock.now)
    assert (info.value.code, info.value.element_id) == ("multi_instance_too_large", "give_opinion")

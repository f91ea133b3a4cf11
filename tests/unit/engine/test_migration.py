"""Moving an instance onto another spec: allowed when every task it is at (or took) exists there
by id; the active tasks keep their ids and data, the path after them is the target's."""
from __future__ import annotations

from app.engine import compile_process, complete_task, migrate_instance, migration_blockers, start

from .conftest import FIXTURES, bundle

CHILD = (FIXTURES / "call_child.bpmn").read_text()
DATA = {"order_no": "ZG-2024-001"}


def parent_with(child_text: str):
    return compile_process("call_parent", {**bundle("call_parent.bpmn"), "call_child.bpmn": child_text.encode()})


def test_a_call_activity_moves_with_its_called_process_renamed_task_and_all(clock, host):
    v1 = parent_with(CHILD)
    v2 = parent_with(CHILD.replace('name="Reply to the rectification order"', 'name="Reply (v2)"'))
    started = start(v1.spec_json, DATA, host=host, now=clock.now)
    [reply] = started.ready_user_tasks

    assert migration_blockers(v1.spec_json, started.state, v2.spec_json, now=clock.now) == []
    moved = migrate_instance(v1.spec_json, started.state, v2.spec_json, now=clock.now)

    [row] = moved.ready_user_tasks
    assert (row["task_id"], row["title"], row["data"]) == (reply["task_id"], "Reply (v2)", reply["data"])
    done = complete_task(v2.spec_json, moved.state, row["task_id"], {"measures": "fixed"},
                         host=host, now=clock.now)
    assert [t["element_id"] for t in done.ready_user_tasks] == ["close_case"]


def test_the_waiting_task_of_a_called_process_missing_in_the_target_blocks(clock, host):
    v1 = parent_with(CHILD)
    v2 = parent_with(CHILD.replace('"reply"', '"answer"').replace(">reply<", ">answer<"))
    started = start(v1.spec_json, DATA, host=host, now=clock.now)

    found = migration_blockers(v1.spec_json, started.state, v2.spec_json, now=clock.now)

    assert [(b["process_id"], b["element_id"], b["name"], b["active"]) for b in found] == [
        ("call_child", "reply", "Reply to the rectification order", True)]


def test_timers_keep_their_due_times_when_the_case_moves(clock, host):
    text = (FIXTURES / "deadline_timers.bpmn").read_text()
    v1 = compile_process("deadline_timers", {"deadline_timers.bpmn": text.encode()})
    v2 = compile_process("deadline_timers", {"deadline_timers.bpmn": text.replace(
        'id="handle_alarm" name="', 'id="handle_alarm" name="v2 ').encode()})
    started = start(v1.spec_json, {"deadline_hours": 24, "alarm_id": "A-1"}, host=host, now=clock.now)
    later = clock.advance(hours=3)

    moved = migrate_instance(v1.spec_json, started.state, v2.spec_json, now=later)

    assert moved.next_timer_due == started.next_timer_due  # not restarted at the move
    [before], [after] = started.ready_user_tasks, moved.ready_user_tasks
    assert (after["task_id"], after["due_at"]) == (before["task_id"], before["due_at"])
    assert after["title"].startswith("v2 ")

"""CPU per call of the engine's parts on the bench chain, no database (issue 19, lane step2).

    .venv/bin/python bench/engine_parts.py [--calls 3000]

The six-step chain of bench/engine.py: one engine start and one completion (the second task of
the chain), then each part a completion pays, timed alone in a loop by this thread's CPU
(`time.thread_time`): building the restricted script engine and its sandbox, the spec cache's
lookup, loading the workflow from its state, dumping it, the inbox reads of a result. Shows what
a cache of any of them could save at most.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import engine  # noqa: E402
from app.engine import OperatorRegistry, inbox, runtime, serialization  # noqa: E402
from bench.engine import ANSWER, KEY, bundle_files  # noqa: E402


def per_call(fn: Callable[[], object], calls: int) -> float:
    """Milliseconds of this thread's CPU per call (one warm-up call first)."""
    fn()
    started = time.thread_time()
    for _ in range(calls):
        fn()
    return (time.thread_time() - started) / calls * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    n = parser.parse_args().calls
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    files, _ = bundle_files()
    spec = engine.compile_process(KEY, files).spec_json
    host, now = OperatorRegistry(), datetime.now(UTC)
    first = engine.start(spec, {}, host=host, now=now)
    second = engine.complete_task(spec, first.state, first.ready_user_tasks[0]["task_id"], ANSWER,
                                  host=host, now=now)
    task_id, state = second.ready_user_tasks[0]["task_id"], second.state
    workflow = serialization.load_workflow(spec, state)
    workflow.script_engine = runtime._engine(host, now, runtime.DEFAULT_TIME_BUDGET)
    print(f"spec {len(spec)} characters, state {len(state)} characters")
    parts: dict[str, Callable[[], object]] = {
        "engine.start": lambda: engine.start(spec, {}, host=host, now=now),
        "engine.complete_task": lambda: engine.complete_task(spec, state, task_id, ANSWER, host=host, now=now),
        "  script engine + sandbox built": lambda: runtime._engine(host, now, runtime.DEFAULT_TIME_BUDGET),
        "  spec cache lookup (sha256 of the text)": lambda: serialization.load_specs(spec),
        "  sha256 of the spec text alone": lambda: hashlib.sha256(spec.encode()).hexdigest(),
        "  load_workflow (state JSON -> workflow)": lambda: serialization.load_workflow(spec, state),
        "    json.loads of the state alone": lambda: json.loads(state),
        "  dump_state (workflow -> JSON)": lambda: serialization.dump_state(workflow),
        "  ready_user_tasks": lambda: inbox.ready_user_tasks(workflow, now),
        "  message_subscriptions": lambda: inbox.message_subscriptions(workflow),
        "  _advance with nothing to run": lambda: runtime._advance(workflow),
    }
    for name, fn in parts.items():
        print(f"{name:44s} {per_call(fn, n):.4f} ms")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

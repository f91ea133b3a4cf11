"""Sandbox benchmark (issue 12, lane sandbox). Run from the project root:

    .venv/bin/python bench/sandbox.py [--calls 20000]

(a) the cost of one gateway condition and of one typical script (compiled once, as the cache
    does), i.e. what the size guards add to the hot path;
(b) the six-step chain of bench/engine.py with the engine alone;
(c) what the worst loops leave behind within the default 2 s budget: peak RSS growth of a
    script that only appends small objects (no guarded operation can stop it, only the deadline).
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.engine.sandbox import Sandbox  # noqa: E402

CONDITION = "decision == 'pass' and len(problems) <= 3"
SCRIPT = ("total = sum(p['days'] for p in problems)\n"
          "label = f\"{project}：{len(problems)} 项问题，共 {total} 天\"\n"
          "due = add_working_days(today(), total)\nnotice_no = 'ZG-%04d' % (seq + 1)\n"
          "summary = '、'.join(p['name'] for p in problems)")
DATA = {"decision": "pass", "project": "JS-2026-001", "seq": 41,
        "problems": [{"name": f"问题{i}", "days": i + 1} for i in range(3)]}
LOOP = "d = {}\nwhile True:\n    d[len(d)] = [len(d)]"


def per_call(calls: int) -> tuple[float, float]:
    now = datetime.now(UTC)
    sandbox = Sandbox(now, 3600)
    started = time.perf_counter()
    for _ in range(calls):
        sandbox.evaluate(CONDITION, DATA)
    condition = (time.perf_counter() - started) / calls * 1e6
    started = time.perf_counter()
    for _ in range(calls // 4):
        sandbox.execute(SCRIPT, dict(DATA))
    script = (time.perf_counter() - started) / (calls // 4) * 1e6
    return condition, script


def loop_memory(budget: float = 2.0) -> float:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        Sandbox(datetime.now(UTC), time.monotonic() + budget).execute(LOOP, {})
    except BaseException as exc:  # noqa: BLE001 - ScriptTimeout is what we wait for
        assert type(exc).__name__ == "ScriptTimeout", exc
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--instances", type=int, default=200)
    args = parser.parse_args()
    condition, script = per_call(args.calls)
    print(f"(a) condition {condition:.1f} µs/call, script {script:.1f} µs/call")
    sys.path.insert(0, str(ROOT / "bench"))
    from engine import bench_engine_alone

    print(f"(b) engine alone: {bench_engine_alone(args.instances):.0f} six-step instances/s")
    print(f"(c) 2 s append loop: peak RSS +{loop_memory():.0f} MB")


if __name__ == "__main__":
    main()

"""The clock a run's time budget is measured on: the running thread's CPU time, less the full
garbage collections that happened on it.

The budget counts CPU time (`time.thread_time`), not the wall clock, so a busy machine or a
stalled neighbour does not fail a step. One thing on the thread is not the run's work either: a
full (generation 2) collection, which the interpreter starts at whatever allocation crosses its
threshold and whose cost is the size of the whole process heap, not of the run. In a long-lived
worker (or the test process, late in the suite) it takes seconds; charged to the run, it failed
an innocent step with `time_budget_exceeded`. Collections of the young generations stay charged:
their cost follows what the run itself allocates, so a script cannot hide work in them. A script
that keeps many objects alive does trigger full collections, but the interpreter spaces them by the
growth of the long-lived heap (a quarter of it), so what is left off its clock is at most a small
multiple of the allocating it paid for, which the allocation limits bound as well.
"""
from __future__ import annotations

import gc
import threading
import time
from typing import Any

_FULL = 2


class _ThreadClock(threading.local):
    started: float | None = None  # thread CPU time when the running full collection began
    excluded = 0.0                # CPU seconds of full collections on this thread so far


_thread = _ThreadClock()


def _on_collection(phase: str, info: dict[str, Any]) -> None:
    if info.get("generation") != _FULL:
        return
    now = time.thread_time()
    if phase == "start":
        _thread.started = now
        return
    if _thread.started is not None:
        _thread.excluded += now - _thread.started
        _thread.started = None


def work_clock() -> float:
    """CPU seconds of the running thread, full collections excluded (monotonic per thread)."""
    return time.thread_time() - _thread.excluded


def full_collections_excluded() -> float:
    """CPU seconds of full collections taken out of this thread's clock so far."""
    return _thread.excluded


gc.callbacks.append(_on_collection)

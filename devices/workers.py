"""``python -m devices --processes N``: N sidecar processes on one shared subscription.

One sidecar process does MQTT receive and ingestion under one interpreter lock, so it uses at
most one core (about 4,000 readings/s on the benchmark machine, BENCHMARKS.md). More throughput
on one host means more processes on the same ``$share/<group>/…`` subscription: the broker hands
each message to one of them. Worker ``i`` is ``python -m devices --worker i`` with the client id
``<client id>-<i>``, stable across restarts, so its broker session (and the QoS 1 messages queued
for it) survives a restart of that worker.

The parent only supervises: it forwards SIGTERM/SIGINT (each worker finishes its batch, then
disconnects), restarts a worker that died on its own after ``RESTART_DELAY_S`` — messages it had
not acknowledged are redelivered to it or to its siblings — and returns when all have stopped.
"""
from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

log = logging.getLogger("devices.workers")
RESTART_DELAY_S = 2.0
STOP_TIMEOUT_S = 30.0
POLL_S = 0.2


class WorkerSetupError(ValueError):
    """The configuration cannot run several sidecar processes."""


def check_can_scale(processes: int, shared_group: str | None) -> None:
    if processes < 1:
        raise WorkerSetupError("--processes must be at least 1")
    if processes > 1 and not shared_group:
        raise WorkerSetupError(
            "several sidecar processes need MQTT_SHARED_GROUP (a broker with $share/ "
            "subscriptions, e.g. Mosquitto or EMQX); the embedded broker runs one sidecar")


def worker_client_id(base: str, index: int) -> str:
    return f"{base}-{index}"


@dataclass
class _Worker:
    index: int
    proc: subprocess.Popen | None = None
    restart_at: float | None = None


class WorkerPool:
    """Start ``count`` workers built by ``argv_for(index)``; keep them running until stopped."""

    def __init__(self, count: int, argv_for: Callable[[int], list[str]],
                 restart_delay_s: float = RESTART_DELAY_S) -> None:
        self.workers = [_Worker(i) for i in range(count)]
        self.argv_for, self.restart_delay_s = argv_for, restart_delay_s
        self.stopping = False
        self.restarts = 0

    def run(self) -> int:
        previous = {s: signal.signal(s, self._request_stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            for worker in self.workers:
                self._start(worker)
            while not self.stopping:
                self._watch()
                time.sleep(POLL_S)
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return 0

    def _request_stop(self, signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping %d sidecar process(es)", signum, len(self.workers))
        self.stopping = True

    def _start(self, worker: _Worker) -> None:
        worker.proc = subprocess.Popen(self.argv_for(worker.index))
        worker.restart_at = None
        log.info("sidecar process %d started (pid %d)", worker.index, worker.proc.pid)

    def _watch(self) -> None:
        now = time.monotonic()
        for worker in self.workers:
            if worker.restart_at is not None:
                if now >= worker.restart_at:
                    self.restarts += 1
                    self._start(worker)
                continue
            code = worker.proc.poll() if worker.proc else None
            if code is not None:
                log.error("sidecar process %d exited with %s; restarting in %.0fs", worker.index,
                          code, self.restart_delay_s)
                worker.restart_at = now + self.restart_delay_s

    def _stop_all(self) -> None:
        running = [w.proc for w in self.workers if w.proc and w.proc.poll() is None]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for proc in running:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("sidecar process %d did not stop in time; killing it", proc.pid)
                proc.kill()
                proc.wait()


def worker_argv(index: int) -> list[str]:
    return [sys.executable, "-m", "devices", "--worker", str(index)]

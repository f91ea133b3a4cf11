"""Batch deliveries for the handler; acknowledge each one only after the handler succeeded.

Why acknowledge late: with QoS 1 the broker keeps a message until it gets our PUBACK. Acking only
after ``handle_batch`` returned means a crash at any point loses nothing — the broker redelivers
on the next session (duplicates are possible; the app drops them by ``data_id``).

Failure policy (a handler exception never stops the loop):
- the batch stays un-acked and is retried with exponential backoff (``retry_min_s`` doubling up
  to ``retry_max_s``) — right for the usual cause, a database that is briefly away;
- after ``split_after`` failed attempts a multi-message batch is split into single messages, so
  one poison message cannot hold back the good ones; a single message that keeps failing is
  retried at ``retry_max_s`` forever and logged each time (never dropped, never acked);
- retries never block new deliveries. When the database is down for long, un-acked messages pile
  up to the broker's receive maximum and the broker simply stops sending: natural backpressure.

Hand-off cost matters at thousands of messages a second: the network thread appends to a
``collections.deque`` (atomic under the GIL, no lock) and sets an Event only when the worker may
be asleep; the worker waits for that Event, then fills a batch by polling the deque length every
few milliseconds until it is full or the batch interval is over. A ``queue.Queue`` costs a lock
and a condition notify per message on both sides.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from devices.messages import RawMessage

log = logging.getLogger(__name__)

BatchHandler = Callable[[list[RawMessage]], None]


@dataclass(frozen=True)
class Delivery:
    """A message plus the way to acknowledge it (the sidecar decides what ack means)."""

    message: RawMessage
    ack: Callable[[], None]


@dataclass
class BatchStats:
    received: int = 0
    handled: int = 0
    batches: int = 0
    failed_batches: int = 0
    waiting_retry: int = 0


@dataclass
class _Work:
    deliveries: list[Delivery]
    attempts: int = 0
    not_before: float = 0.0


@dataclass
class Batcher:
    """Thread-safe inbox (``offer`` from the network thread), handled from one worker thread."""

    handler: BatchHandler
    batch_size: int = 100
    batch_interval_s: float = 0.2
    retry_min_s: float = 0.5
    retry_max_s: float = 30.0
    split_after: int = 3
    clock: Callable[[], float] = time.monotonic
    stats: BatchStats = field(default_factory=BatchStats)
    poll_s: float = 0.002
    _inbox: deque[Delivery] = field(default_factory=deque)
    _arrived: threading.Event = field(default_factory=threading.Event)
    _retry: list[_Work] = field(default_factory=list)

    def offer(self, delivery: Delivery) -> None:
        """Called from the network thread only."""
        self.stats.received += 1
        self._inbox.append(delivery)
        if not self._arrived.is_set():
            self._arrived.set()

    def run_once(self, idle_timeout_s: float = 0.5) -> None:
        """Handle one due retry, or collect and handle one new batch (waits ≤ idle timeout)."""
        due = self._due_retry()
        if due is not None:
            self._attempt(due)
            return
        batch = self._collect(idle_timeout_s)
        if batch:
            self._attempt(_Work(batch))

    def _due_retry(self) -> _Work | None:
        now = self.clock()
        for i, work in enumerate(self._retry):
            if work.not_before <= now:
                return self._retry.pop(i)
        return None

    def _collect(self, idle_timeout_s: float) -> list[Delivery]:
        if self._retry:  # wake up in time for the next retry
            idle_timeout_s = max(0.0, min(idle_timeout_s,
                                          min(w.not_before for w in self._retry) - self.clock()))
        if not self._inbox:
            self._arrived.clear()
            if not self._inbox:  # re-check: an offer may have slipped in before the clear
                self._arrived.wait(idle_timeout_s)
            if not self._inbox:
                return []
        deadline = time.monotonic() + self.batch_interval_s  # real time: this is latency
        while len(self._inbox) < self.batch_size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            time.sleep(min(self.poll_s, remaining))
        take = min(self.batch_size, len(self._inbox))
        return [self._inbox.popleft() for _ in range(take)]

    def _attempt(self, work: _Work) -> None:
        self.stats.batches += 1
        try:
            self.handler([d.message for d in work.deliveries])
        except Exception:
            self._failed(work)
            return
        for delivery in work.deliveries:
            delivery.ack()
        self.stats.handled += len(work.deliveries)
        self.stats.waiting_retry = sum(len(w.deliveries) for w in self._retry)

    def _failed(self, work: _Work) -> None:
        work.attempts += 1
        self.stats.failed_batches += 1
        delay = min(self.retry_max_s, self.retry_min_s * 2 ** (work.attempts - 1))
        log.exception("device batch handler failed (%d message(s), attempt %d); kept un-acked, "
                      "retry in %.1fs", len(work.deliveries), work.attempts, delay)
        if len(work.deliveries) > 1 and work.attempts >= self.split_after:
            # Isolate a poison message: each one retries on its own from now on.
            pieces = [_Work([d], work.attempts, self.clock()) for d in work.deliveries]
        else:
            pieces = [_Work(work.deliveries, work.attempts, self.clock() + delay)]
        self._retry.extend(pieces)
        self.stats.waiting_retry = sum(len(w.deliveries) for w in self._retry)

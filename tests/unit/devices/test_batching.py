"""Batcher: batches by size and time, acks only after the handler returned, retries failures."""
from __future__ import annotations

from devices.batching import Batcher, Delivery
from devices.messages import RawMessage


class Acks:
    """Records which deliveries were acknowledged."""

    def __init__(self) -> None:
        self.acked: list[str] = []

    def delivery(self, name: str) -> Delivery:
        return Delivery(RawMessage(f"t/{name}", name.encode()), lambda: self.acked.append(name))


class FlakyHandler:
    """Fails while ``failing`` says so (a batch containing a poison name always fails)."""

    def __init__(self, fail_times: int = 0, poison: str | None = None) -> None:
        self.fail_times, self.poison = fail_times, poison
        self.batches: list[list[str]] = []

    def __call__(self, batch: list[RawMessage]) -> None:
        names = [m.payload.decode() for m in batch]
        self.batches.append(names)
        if self.fail_times > 0:
            self.fail_times -= 1
            raise RuntimeError("database away")
        if self.poison in names:
            raise ValueError("poison")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(handler, **kw) -> tuple[Batcher, Acks]:
    kw.setdefault("batch_interval_s", 0.01)
    return Batcher(handler, **kw), Acks()


def test_flushes_at_batch_size_and_acks_after_the_handler() -> None:
    acks = Acks()
    seen_acks_during_handling: list[list[str]] = []

    def handler(batch: list[RawMessage]) -> None:
        seen_acks_during_handling.append(list(acks.acked))

    batcher = Batcher(handler, batch_size=3, batch_interval_s=5)
    for name in "abcde":
        batcher.offer(acks.delivery(name))
    batcher.run_once(0.1)
    assert acks.acked == ["a", "b", "c"]
    assert seen_acks_during_handling == [[]]  # nothing acked before the handler returned
    assert batcher.stats.handled == 3 and batcher.stats.batches == 1


def test_flushes_a_partial_batch_on_the_timer() -> None:
    handler = FlakyHandler()
    batcher, acks = make(handler, batch_size=100, batch_interval_s=0.05)
    batcher.offer(acks.delivery("a"))
    batcher.offer(acks.delivery("b"))
    batcher.run_once(0.1)
    assert handler.batches == [["a", "b"]] and acks.acked == ["a", "b"]


def test_idle_run_once_returns_without_calling_the_handler() -> None:
    handler = FlakyHandler()
    batcher, _ = make(handler)
    batcher.run_once(0.01)
    assert handler.batches == []


def test_failed_batch_stays_unacked_and_is_retried_after_backoff() -> None:
    clock, handler = Clock(), FlakyHandler(fail_times=2)
    batcher, acks = make(handler, clock=clock, retry_min_s=1, retry_max_s=10, split_after=5)
    batcher.offer(acks.delivery("a"))
    batcher.offer(acks.delivery("b"))
    batcher.run_once(0.05)
    assert acks.acked == [] and batcher.stats.failed_batches == 1
    assert batcher.stats.waiting_retry == 2
    batcher.run_once(0.01)  # not due yet: no new attempt
    assert len(handler.batches) == 1
    clock.now += 1
    batcher.run_once(0.01)  # second attempt fails too; next delay doubles to 2 s
    clock.now += 1.5
    batcher.run_once(0.01)
    assert len(handler.batches) == 2
    clock.now += 0.5
    batcher.run_once(0.01)
    assert handler.batches[-1] == ["a", "b"] and acks.acked == ["a", "b"]
    assert batcher.stats.handled == 2 and batcher.stats.waiting_retry == 0


def test_poison_message_is_isolated_and_never_acked() -> None:
    clock, handler = Clock(), FlakyHandler(poison="p")
    batcher, acks = make(handler, clock=clock, retry_min_s=1, split_after=2)
    for name in ("a", "p", "b"):
        batcher.offer(acks.delivery(name))
    batcher.run_once(0.05)
    clock.now += 1
    batcher.run_once(0.01)  # second failure: split into singles, due at once
    for _ in range(3):
        batcher.run_once(0.01)
    assert sorted(acks.acked) == ["a", "b"]
    assert batcher.stats.waiting_retry == 1
    clock.now += 100
    batcher.run_once(0.01)
    assert handler.batches[-1] == ["p"] and "p" not in acks.acked


def test_new_messages_flow_while_a_failed_batch_waits() -> None:
    clock, handler = Clock(), FlakyHandler(fail_times=1)
    batcher, acks = make(handler, clock=clock, retry_min_s=60)
    batcher.offer(acks.delivery("a"))
    batcher.run_once(0.05)
    batcher.offer(acks.delivery("b"))
    batcher.run_once(0.05)
    assert acks.acked == ["b"]

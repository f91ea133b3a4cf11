"""The service layer's clock: real UTC time, unless a test (or a replay) pins it.

Every use case that advances a workflow passes `clock.now()` to the engine, so deadlines and
reminders can be driven from tests without sleeping or patching the library:

    with clock.frozen(datetime(2026, 3, 2, 8, tzinfo=UTC)) as c:
        start_case(...)
        c.advance(hours=13)        # now() is 13 hours later
        fire_due_timers()

`set_now(moment)` / `reset()` do the same without a context manager. The pinned time is
process-wide (not per thread) on purpose: concurrency tests run several threads against one
simulated moment.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone

# China's civil time (no daylight saving): calendar days, deadlines and filters are China days.
LOCAL_OFFSET = timedelta(hours=8)
LOCAL_TZ = timezone(LOCAL_OFFSET, "Asia/Shanghai")
_lock = threading.Lock()
_fixed: datetime | None = None


def now() -> datetime:
    """The current moment, timezone-aware UTC."""
    with _lock:
        fixed = _fixed
    return fixed if fixed is not None else datetime.now(UTC)


def pinned() -> datetime | None:
    """The moment the clock is pinned at, None on real time."""
    with _lock:
        return _fixed


def local_today() -> date:
    """Today's date in China."""
    return local_date(now())


def local_date(moment: datetime) -> date:
    """The China calendar day of an aware moment."""
    return moment.astimezone(LOCAL_TZ).date()


def local_day_start(day: date) -> datetime:
    """00:00 of a China calendar day, as UTC."""
    return datetime.combine(day, time.min, LOCAL_TZ).astimezone(UTC)


def local_day_end(day: date) -> datetime:
    """The last microsecond of a China calendar day, as UTC."""
    return datetime.combine(day, time.max, LOCAL_TZ).astimezone(UTC)


def set_now(moment: datetime | None) -> None:
    """Pin the clock at `moment` (aware); None returns to real time."""
    global _fixed
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock needs a timezone-aware datetime")
    with _lock:
        _fixed = moment.astimezone(UTC) if moment is not None else None


def advance(**delta: float) -> datetime:
    """Move a pinned clock forward by `timedelta(**delta)`; returns the new moment."""
    global _fixed
    with _lock:
        if _fixed is None:
            raise RuntimeError("advance() needs a pinned clock: call set_now() or frozen() first")
        _fixed = _fixed + timedelta(**delta)
        return _fixed


def reset() -> None:
    """Back to real time."""
    set_now(None)


class _Handle:
    """What `frozen()` yields: read and move the pinned time."""

    @staticmethod
    def now() -> datetime:
        return now()

    @staticmethod
    def advance(**delta: float) -> datetime:
        return advance(**delta)

    @staticmethod
    def set(moment: datetime) -> None:
        set_now(moment)


@contextmanager
def frozen(moment: datetime | None = None) -> Iterator[_Handle]:
    """Pin the clock (at `moment`, default: the real now) for the block, then restore it."""
    with _lock:
        previous = _fixed
    set_now(moment or datetime.now(UTC))
    try:
        yield _Handle()
    finally:
        set_now(previous)

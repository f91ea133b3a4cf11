"""Which scheduled backups to keep: the newest of each of the last N days, weeks and months
(a backup may be kept for more than one reason; everything else goes)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def keep(items: Iterable[T], created: Callable[[T], dt.datetime], *, daily: int, weekly: int,
         monthly: int) -> set[T]:
    """The items to keep; `created` gives each item's time (in the zone whose days count)."""
    newest_first = sorted(items, key=created, reverse=True)
    kept: set[T] = set()
    for count, period in ((daily, lambda t: t.date()),
                          (weekly, lambda t: t.isocalendar()[:2]),
                          (monthly, lambda t: (t.year, t.month))):
        seen: list = []
        for item in newest_first:
            key = period(created(item))
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            kept.add(item)
    return kept

"""Which scheduled backups the retention policy keeps: the newest of each of the last N days,
ISO weeks and months."""
from __future__ import annotations

import datetime as dt

from app.services.backup.retention import keep


def _days(*stamps: str) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(s) for s in stamps]


def test_newest_per_day_week_and_month_are_kept():
    items = _days("2026-01-10T10:00", "2026-02-10T10:00", "2026-02-20T10:00", "2026-02-26T10:00",
                  "2026-02-27T09:00", "2026-02-27T10:00", "2026-02-28T10:00")
    kept = keep(items, lambda t: t, daily=2, weekly=2, monthly=2)
    assert sorted(kept) == _days("2026-01-10T10:00", "2026-02-20T10:00", "2026-02-27T10:00", "2026-02-28T10:00")


def test_zero_keeps_nothing_and_an_empty_list_is_fine():
    assert keep(_days("2026-02-28T10:00"), lambda t: t, daily=0, weekly=0, monthly=0) == set()
    assert keep([], lambda t: t, daily=7, weekly=4, monthly=12) == set()


def test_a_year_of_daily_backups_keeps_seven_plus_weeks_plus_months():
    start = dt.datetime(2025, 3, 1, 2, 0)
    items = [start + dt.timedelta(days=n) for n in range(365)]
    kept = keep(items, lambda t: t, daily=7, weekly=4, monthly=12)
    last = items[-1]
    assert all(last - dt.timedelta(days=n) in kept for n in range(7))
    assert len({(t.year, t.month) for t in kept}) == 12
    assert len(kept) <= 7 + 4 + 12

"""The few safe helpers BPMN scripts and expressions may call.

They are bound to the run's clock (`now` passed by the caller) so that tests and the timer sweep
see the same time as scripts; the real clock is never read from inside a diagram.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

# China has no daylight saving time, so a fixed offset is exact and needs no tz database.
LOCAL_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=LOCAL_TZ)
    if isinstance(value, str):
        return _as_datetime(datetime.fromisoformat(value))
    raise TypeError(f"expected a date, datetime or ISO string, got {type(value).__name__}")


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return _as_datetime(value).astimezone(LOCAL_TZ).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _as_date(datetime.fromisoformat(value))
    raise TypeError(f"expected a date, datetime or ISO string, got {type(value).__name__}")


def add_days(value: Any, days: int | float) -> Any:
    """Add calendar days; keeps dates as dates and datetimes as datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value + timedelta(days=days)


def add_hours(value: Any, hours: int | float) -> datetime:
    return _as_datetime(value) + timedelta(hours=hours)


MAX_WORKING_DAYS = 36_500  # the loop below runs outside the sandbox's line tracer


def add_working_days(value: Any, days: int) -> date:
    """Add Monday-Friday days (statutory holidays are not known to the engine).

    Raises ValueError beyond MAX_WORKING_DAYS (about 140 years)."""
    current = _as_date(value)
    step = 1 if days >= 0 else -1
    remaining = abs(int(days))
    if remaining > MAX_WORKING_DAYS:
        raise ValueError(f"add_working_days() of more than {MAX_WORKING_DAYS} days")
    while remaining:
        current += timedelta(days=step)
        if current.weekday() < 5:
            remaining -= 1
    return current


def days_between(start: Any, end: Any) -> int:
    return (_as_date(end) - _as_date(start)).days


def iso(value: Any) -> str:
    return value.isoformat()


def iso_duration(days: int = 0, hours: int = 0, minutes: int = 0) -> str:
    """Build a timer duration such as 'P3D' or 'PT4H' from process variables."""
    text = "P" + (f"{int(days)}D" if days else "")
    if hours or minutes:
        text += "T" + (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
    return text if text != "P" else "PT0S"


def make_helpers(now: datetime) -> dict[str, Callable[..., Any]]:
    """Helpers for one run; `now()`/`today()` read the caller's clock."""
    now_utc = now.astimezone(UTC)
    return {
        "now": lambda: now_utc,
        "today": lambda: now_utc.astimezone(LOCAL_TZ).date(),
        "add_days": add_days,
        "add_hours": add_hours,
        "add_working_days": add_working_days,
        "days_between": days_between,
        "parse_date": _as_date,
        "parse_datetime": _as_datetime,
        "make_date": lambda y, m, d: date(int(y), int(m), int(d)),
        "iso": iso,
        "iso_duration": iso_duration,
        "decimal": lambda v: Decimal(str(v)),
    }

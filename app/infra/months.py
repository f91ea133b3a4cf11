"""Calendar months in China time (YYYY-MM): the format every monthly job checks, last month, and
a month's bounds and working days (the health check and the assessment score by month)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.errors import ValidationError
from app.infra import wallclock

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_month(month: Any) -> str:
    """`month` if it reads YYYY-MM. Raises ValidationError(`month_invalid`)."""
    if not isinstance(month, str) or not MONTH.match(month):
        raise ValidationError("月份格式应为 YYYY-MM。", code="month_invalid")
    return month


def previous_month(today: date | None = None) -> str:
    today = today or wallclock.local_today()
    year, mon = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{mon:02d}"


@dataclass(frozen=True)
class Period:
    month: str
    first_day: date
    next_first_day: date

    @classmethod
    def of(cls, month: str) -> Period:
        year, mon = int(month[:4]), int(month[5:])
        return cls(month, date(year, mon, 1), date(year + mon // 12, mon % 12 + 1, 1))

    @property
    def start(self) -> datetime:
        return wallclock.local_day_start(self.first_day)

    @property
    def end(self) -> datetime:
        """Exclusive: the first moment of the next month (China time)."""
        return wallclock.local_day_start(self.next_first_day)

    def working_days(self, today: date) -> list[date]:
        """Monday to Friday of the month, up to yesterday when the month is not over."""
        last = min(self.next_first_day, today)
        days, day = [], self.first_day
        while day < last:
            if day.weekday() < 5:
                days.append(day)
            day += timedelta(days=1)
        return days

"""What a statistics request asks for: a period of China days, a type, a grain; and who may ask."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.errors import PermissionDeniedError, ValidationError
from app.infra import wallclock
from app.services.access.actors import Actor

GRAINS = ("day", "week", "month")
DEFAULT_DAYS = 30
MAX_DAYS = 366 * 3


@dataclass(frozen=True)
class StatsFilter:
    start: date
    end: date
    kind: str | None = None
    grain: str = "day"

    @property
    def start_at(self) -> datetime:
        return wallclock.local_day_start(self.start)

    @property
    def end_at(self) -> datetime:
        return wallclock.local_day_end(self.end)


def make_filter(start: date | None = None, end: date | None = None, kind: str | None = None,
                grain: str | None = None) -> StatsFilter:
    """A filter with defaults (the last 30 China days). Raises ValidationError(`stats_period_invalid`)."""
    end = end or wallclock.local_today()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end or (end - start).days > MAX_DAYS:
        raise ValidationError("统计期间不正确：开始日期须不晚于结束日期，且不超过三年。", code="stats_period_invalid",
                              fields={"start": ["统计期间不正确。"]})
    if grain not in (None, *GRAINS):
        raise ValidationError("统计粒度只能是日、周或月。", code="stats_grain_invalid",
                              fields={"grain": ["统计粒度只能是日、周或月。"]})
    return StatsFilter(start, end, kind or None, grain or "day")


def require_scope(actor: Actor) -> None:
    """Statistics need a scope: a jurisdiction or projects. Raises PermissionDeniedError(`stats_denied`)."""
    if not (actor.is_admin or actor.jurisdiction_paths or actor.project_ids):
        raise PermissionDeniedError("您没有可统计的辖区或工程项目。", code="stats_denied")


def bucket(day: date, grain: str) -> str:
    """The label of the trend bucket holding `day`: 2026-03-02, 2026-W10 (ISO week) or 2026-03."""
    if grain == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if grain == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def buckets(flt: StatsFilter) -> list[str]:
    """Every bucket label of the period, in order (empty buckets included, so lines have no gaps)."""
    labels: list[str] = []
    day = flt.start
    while day <= flt.end:
        label = bucket(day, flt.grain)
        if not labels or labels[-1] != label:
            labels.append(label)
        day += timedelta(days=1)
    return labels


def rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0

"""What the statistics page offers: the period shown, and the alarm and order types to filter by."""
from __future__ import annotations

from app.models.orders import ORDER_TYPES
from app.services.access.actors import Actor
from app.services.insight.filters import StatsFilter, make_filter, require_scope
from app.services.insight.rollup_cells import EARLIEST, LATEST
from app.services.insight.rollups import summed
from app.services.insight.scope import stats_scope
from app.services.monitoring.alarm_cases import alarm_label

GRAIN_LABELS = {"day": "按日", "week": "按周", "month": "按月"}


def statistics_page(actor: Actor, start=None, end=None, kind: str | None = None,
                    grain: str | None = None) -> dict:
    """The filter of the page and its choices. Raises PermissionDeniedError(`stats_denied`),
    ValidationError(`stats_period_invalid`, `stats_grain_invalid`)."""
    require_scope(actor)
    flt: StatsFilter = make_filter(start, end, kind, grain)
    types = [t for (t,) in summed(stats_scope(actor), EARLIEST, LATEST, ("alarm_type",))]  # every type raised
    return {"filter": flt, "alarm_types": sorted(((t, alarm_label(t)) for t in types), key=lambda p: p[1]),
            "order_types": list(ORDER_TYPES.items()), "grains": list(GRAIN_LABELS.items())}

"""Warning/alarm thresholds per device type and metric, and their evaluation.

The numbers are configuration data (app/data/alarm-thresholds.csv), never constants in code:
a deployment, a project or a single device may override them. Everything here is pure, so the
DB-backed ingest service can feed it stored overrides and the recent history of a device.

Boundary convention: reaching a threshold counts (``>=`` for higher-is-worse metrics, ``<=``
for lower-is-worse ones such as ``collision_distance_m``). The direction of a metric is read from
its default row — alarm below warning means lower is worse — so no metric name is special-cased.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from app.services.ingestion.ranges import out_of_range
from app.services.monitoring.threshold_rules import Direction, Excursion, RateRule, worst

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "data" / "alarm-thresholds.csv"

Overrides = Mapping[str, Mapping[str, float | None]]
"""``{metric: {"warning": x, "alarm": y}}``; a key may be omitted (kept) or None (level off)."""

_RATE_RULE_TEXT = re.compile(r"over\s+(\d+(?:\.\d+)?)\s*%\s+on\s+(\d+)\s+consecutive", re.I)


@dataclass(frozen=True)
class Limit:
    """The effective thresholds of one metric of one device type."""

    metric: str
    unit: str
    warning: float | None
    alarm: float | None
    direction: Direction
    rate_rule: RateRule | None = None
    note: str = ""

    def level_of(self, value: float) -> tuple[Literal["warning", "alarm"], float] | None:
        """The level reached by ``value`` and the threshold it reached, or None."""
        for level, threshold in (("alarm", self.alarm), ("warning", self.warning)):
            if threshold is not None and self.direction.reached(value, threshold):
                return level, threshold  # type: ignore[return-value]
        return None

    def with_override(self, override: Mapping[str, float | None]) -> Limit:
        """A copy with the given levels replaced; rejects keys and orders that make no sense."""
        unknown = set(override) - {"warning", "alarm"}
        if unknown:
            raise ValueError(f"{self.metric}: unknown override keys {sorted(unknown)}")
        values = {k: _number_or_none(v, self.metric) for k, v in override.items()}
        for level, value in values.items():
            problem = None if value is None else out_of_range(value, self.unit)
            if problem:  # NaN would never compare, 1e308 never be reached: the alarm silently off
                raise ValueError(f"{self.metric}: {level} {problem}")
        merged = replace(self, **values)
        if merged.warning is not None and merged.alarm is not None and \
                self.direction.reached(merged.warning, merged.alarm) and merged.warning != merged.alarm:
            # e.g. a project setting warning 12 / alarm 10 on a higher-is-worse metric: warning
            # would never fire on its own; most likely the two values were swapped.
            raise ValueError(f"{self.metric}: warning {merged.warning} is beyond alarm {merged.alarm}")
        return merged


@dataclass(frozen=True)
class ThresholdSet:
    """Effective limits for one device (defaults ← project ← device already layered)."""

    device_type: str
    limits: Mapping[str, Limit]

    def history_needed(self) -> dict[str, int]:
        """How many previous values per metric the caller should pass to :meth:`evaluate`."""
        return {m: lim.rate_rule.consecutive - 1 for m, lim in self.limits.items() if lim.rate_rule}

    def evaluate(self, metrics: Mapping[str, float],
                 history: Mapping[str, Sequence[float]] | None = None) -> list[Excursion]:
        """The excursions of one reading: at most one per metric, the most severe one.

        ``history`` holds previous values of the same device per metric, oldest first; rate
        rules are only evaluated for metrics whose history is given.
        """
        found: list[Excursion] = []
        for metric, value in metrics.items():
            limit = self.limits.get(metric)
            if limit is None:
                continue  # unknown metrics are rejected by payloads; extras are not ours to judge
            candidates: list[Excursion] = []
            reached = limit.level_of(value)
            if reached:
                candidates.append(Excursion(metric, value, reached[0], reached[1],
                                            limit.direction.value))
            if limit.rate_rule and limit.alarm is not None and history and metric in history:
                hit = limit.rate_rule.evaluate(metric, list(history[metric]), value,
                                               limit.alarm, limit.direction)
                if hit:
                    candidates.append(hit)
            if candidates:
                found.append(worst(candidates))
        return found


@dataclass(frozen=True)
class ThresholdCatalogue:
    """All default limits, by device type then metric."""

    by_type: Mapping[str, Mapping[str, Limit]]

    def units_for(self, device_type: str) -> dict[str, str]:
        """{metric: unit} of the metrics a device of this type may report (empty for unknown
        and camera types)."""
        return {m: lim.unit for m, lim in self.by_type.get(device_type, {}).items()}

    def for_device(self, device_type: str, *layers: Overrides | None) -> ThresholdSet:
        """Layer overrides (deployment, then project, then device) over the CSV defaults.

        Raises ValueError for an override naming a metric the device type does not have.
        """
        limits = dict(self.by_type.get(device_type, {}))
        for layer in layers:
            for metric, override in (layer or {}).items():
                if metric not in limits:
                    raise ValueError(f"{device_type} has no metric {metric!r} to override")
                limits[metric] = limits[metric].with_override(override)
        return ThresholdSet(device_type, limits)


def load_catalogue(path: Path | str | None = None) -> ThresholdCatalogue:
    """Read the thresholds CSV (default ``app/data/alarm-thresholds.csv``); cached per path."""
    return _load(str(Path(path) if path else DEFAULT_CSV))


@lru_cache(maxsize=8)
def _load(path: str) -> ThresholdCatalogue:
    by_type: dict[str, dict[str, Limit]] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            limit = _limit_from_row(row)
            by_type.setdefault(row["device_type"].strip(), {})[limit.metric] = limit
    return ThresholdCatalogue(by_type)


def _limit_from_row(row: Mapping[str, str]) -> Limit:
    metric = row["metric"].strip()
    warning = _number_or_none(row["warning"], metric)
    alarm = _number_or_none(row["alarm"], metric)
    below = warning is not None and alarm is not None and alarm < warning
    rule_text = (row.get("rule") or "").strip()
    match = _RATE_RULE_TEXT.search(rule_text)
    rate = RateRule(float(match.group(1)) / 100, int(match.group(2))) if match else None
    return Limit(metric, (row.get("unit") or "").strip(), warning, alarm,
                 Direction.BELOW if below else Direction.ABOVE, rate, rule_text)


def _number_or_none(value: object, metric: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{metric}: threshold must be a number, not {value!r}")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{metric}: threshold must be a number, not {value!r}") from None

"""Small value types of threshold evaluation: direction, excursion, the consecutive-rate rule.

Kept apart from thresholds.py so the rules can be tested (and reused by the ingest service)
without the CSV loading.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Level = Literal["warning", "alarm"]
_SEVERITY = {"warning": 1, "alarm": 2}


class Direction(StrEnum):
    """Which side of a threshold is dangerous. Reaching the threshold counts."""

    ABOVE = "above"  # higher is worse: load, wind, settlement…
    BELOW = "below"  # lower is worse: anti-collision clearance

    def reached(self, value: float, threshold: float) -> bool:
        return value >= threshold if self is Direction.ABOVE else value <= threshold


@dataclass(frozen=True)
class Excursion:
    """A metric of one reading beyond a threshold.

    ``rule`` is a stable code: ``above`` / ``below`` for a plain threshold, ``consecutive`` for
    a :class:`RateRule`; ``threshold`` is the value that was reached.
    """

    metric: str
    value: float
    level: Level
    threshold: float
    rule: str


@dataclass(frozen=True)
class RateRule:
    """"Over ``fraction`` of the alarm value on ``consecutive`` readings in a row counts as alarm."

    The deep-pit standard judges a deformation *rate* not by one reading (a single noisy value
    should only warn) but by a run of them. The rule is a pure function of the history the caller
    passes, so the service decides where history comes from (DB, cache) and how far back.
    For lower-is-worse metrics the trigger is ``alarm / fraction`` (the same margin, mirrored).
    """

    fraction: float
    consecutive: int

    def __post_init__(self) -> None:
        if not 0 < self.fraction <= 1 or self.consecutive < 1:
            raise ValueError(f"bad rate rule {self.fraction}/{self.consecutive}")

    def trigger(self, alarm: float, direction: Direction) -> float:
        # Rounded so 70% of 2.0 is 1.4, not 1.4000000000000001 that a reading of 1.4 misses.
        raw = alarm * self.fraction if direction is Direction.ABOVE else alarm / self.fraction
        return round(raw, 9)

    def evaluate(self, metric: str, history: Sequence[float], value: float, alarm: float,
                 direction: Direction) -> Excursion | None:
        """An alarm excursion when ``value`` and the previous ``consecutive - 1`` values of
        ``history`` (oldest first) all reached the trigger; None otherwise (including when the
        history is too short: too little evidence is not an alarm)."""
        needed = self.consecutive - 1
        if len(history) < needed:
            return None
        run = [*history[len(history) - needed:], value] if needed else [value]
        trigger = self.trigger(alarm, direction)
        if all(direction.reached(v, trigger) for v in run):
            return Excursion(metric, value, "alarm", trigger, "consecutive")
        return None


def worst(excursions: Sequence[Excursion]) -> Excursion:
    """The most severe excursion; on a tie the first (plain thresholds come first)."""
    return max(excursions, key=lambda e: _SEVERITY[e.level])

"""What a sensor can physically report, by unit: values outside are faults or forgeries.

JSON Schema can say "a number"; it cannot say that a tower crane's load is not 1e308 % of its
rating. These bounds are generous on purpose (a crane cannot carry ten times its rating, wind
does not blow at 150 m/s, a pit wall does not move 50 m) so that no real reading is refused,
while absurd values never reach thresholds, alarms and statistics. They bound threshold
overrides too: a threshold no reading can reach would silently switch the alarm off.
Units are those of the thresholds CSV; a unit not listed gets ``FALLBACK``.
"""
from __future__ import annotations

import math

FALLBACK = (-1e6, 1e6)
BY_UNIT: dict[str, tuple[float, float]] = {
    "% of rated": (-100.0, 1000.0),     # load/moment: zero drift below 0, 10x overload above
    "% of design": (-1000.0, 1000.0),   # strut axial force, tension negative
    "m/s": (0.0, 150.0),                # wind speed
    "‰": (-1000.0, 1000.0),             # verticality
    "m": (0.0, 10000.0),                # anti-collision clearance
    "°": (-90.0, 90.0),                 # tilt
    "mm": (-100000.0, 100000.0),        # displacements, settlements, groundwater change
    "mm/d": (-10000.0, 10000.0),        # displacement rate
    "kN": (-100000.0, 100000.0),        # pole axial force
    "µg/m³": (0.0, 100000.0),           # PM10 (dust storms reach ~10,000)
    "dB(A)": (0.0, 200.0),              # sound level
}


def physical_range(unit: str | None) -> tuple[float, float]:
    """(lowest, highest) value a metric of this unit may take."""
    return BY_UNIT.get((unit or "").strip(), FALLBACK)


def out_of_range(value: float, unit: str | None) -> str | None:
    """Why ``value`` cannot be a measurement in ``unit`` (None when it can)."""
    if not math.isfinite(value):
        return "is not finite"
    low, high = physical_range(unit)
    if not low <= value <= high:
        return f"{value:g} is outside the physical range [{low:g}, {high:g}] {unit or ''}".rstrip()
    return None

"""Judging the compressive strength of a delivery batch of concrete against its grade.

- A specimen group (three cubes) gives one representative value (GB/T 50081-2019 §5.0.4): the
  mean of the three; when the highest or the lowest differs from the middle one by more than
  15 % of it, the middle one; when both do, the group gives no value (invalid).
- A batch with fewer than ten valid groups is judged by the non-statistical method of GB 50107-2010
  §5.2.3: mean ≥ λ3 · fcu,k and minimum ≥ λ4 · fcu,k, with λ3 = 1.15 below C60 and 1.10 from C60
  on, λ4 = 0.95; with ten or more, by the statistical method with an unknown standard deviation
  (§5.2.2): mean − λ1 · S ≥ fcu,k and minimum ≥ λ2 · fcu,k.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean, stdev

GRADES = {f"C{n}": n for n in range(15, 85, 5)}  # strength class -> fcu,k in MPa
SPREAD = 0.15


@dataclass(frozen=True)
class Verdict:
    representative: tuple[float | None, ...]  # one per group; None for an invalid group
    mean: float | None
    minimum: float | None
    qualified: bool
    rule: str  # the criterion applied, as printed


def representative(group: tuple[float, float, float]) -> float | None:
    """The representative value of one group of three cubes, or None when it is invalid."""
    low, middle, high = sorted(group)
    low_off, high_off = middle - low > SPREAD * middle, high - middle > SPREAD * middle
    if low_off and high_off:
        return None
    return round(middle if (low_off or high_off) else fmean(group), 1)


def _statistical(values: list[float], fcuk: float) -> tuple[bool, str]:
    n = len(values)
    lambda1 = 1.15 if n <= 14 else 1.05 if n <= 19 else 0.95
    lambda2 = 0.90 if n <= 14 else 0.85
    spread = max(stdev(values), 2.5)
    ok = fmean(values) - lambda1 * spread >= fcuk and min(values) >= lambda2 * fcuk
    return ok, f"mfcu − {lambda1}·Sfcu ≥ {fcuk:g} MPa，fcu,min ≥ {lambda2 * fcuk:.1f} MPa"


def judge(grade: str, groups: list[tuple[float, float, float]]) -> Verdict:
    """The verdict on a batch of `grade` tested as `groups`. A batch whose groups are all
    invalid is unqualified (no value proves its strength)."""
    fcuk = float(GRADES[grade])
    values = [representative(g) for g in groups]
    valid = [v for v in values if v is not None]
    if not valid:
        return Verdict(tuple(values), None, None, False, "试件组全部无效")
    if len(valid) >= 10:
        ok, rule = _statistical(valid, fcuk)
    else:
        lambda3 = 1.10 if fcuk >= 60 else 1.15
        ok = fmean(valid) >= lambda3 * fcuk and min(valid) >= 0.95 * fcuk
        rule = f"mfcu ≥ {lambda3 * fcuk:.1f} MPa，fcu,min ≥ {0.95 * fcuk:.1f} MPa"
    return Verdict(tuple(values), round(fmean(valid), 1), min(valid), ok, rule)

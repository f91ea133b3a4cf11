"""The monthly assessment of every district and enterprise under the points in force.

A point's rate is the unit's numerator over denominator (its projects' counts summed); it earns
`weight × min(1, rate / target)`; a point with nothing to count (denominator 0) does not apply.
A unit's score is its earned points over the weights of the points that apply, on 100; a unit
to which no point applies gets no row. Idempotent: a rerun on unchanged records leaves every row
as it was (a unit whose figures changed is rewritten, one no longer scored is removed).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.infra.months import Period, check_month
from app.infra.uow import transaction
from app.models import AssessmentPoint, AssessmentResult, OrgUnit, Project, ProjectParticipant
from app.models.assessment import UNIT_COLUMNS
from app.services.assessment.measures import MEASURES, Counts


@dataclass
class MonthRun:
    month: str
    districts: int
    enterprises: int
    changed: int
    removed: int


def _units_of_projects() -> dict[str, dict[int, list[int]]]:
    """{"district": {project_id: [district id]}, "<party type>": {project_id: [enterprise ids]}}
    for the active projects."""
    out: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    districts = set(db.session.scalars(select(OrgUnit.id).where(OrgUnit.level == "district")))
    for pid, district_id in db.session.execute(select(Project.id, Project.district_id)
                                               .where(Project.status == "active")):
        if district_id in districts:
            out["district"][pid].append(district_id)
    for pid, enterprise_id, party in db.session.execute(
            select(ProjectParticipant.project_id, ProjectParticipant.enterprise_id, ProjectParticipant.party_type)
            .join(Project, Project.id == ProjectParticipant.project_id).where(Project.status == "active")):
        out[party][pid].append(enterprise_id)
    return out


def _per_unit(counts: Counts, units: dict[int, list[int]]) -> dict[int, tuple[int, int]]:
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pid, (numerator, denominator) in counts.items():
        for unit in units.get(pid, ()):
            out[unit][0] += numerator
            out[unit][1] += denominator
    return {unit: (n, d) for unit, (n, d) in out.items()}


def item(point: AssessmentPoint, numerator: int, denominator: int) -> dict[str, Any]:
    rate = round(100.0 * numerator / denominator, 2) if denominator else None
    earned = None if rate is None else round(point.weight * min(1.0, rate / point.target), 2)
    return {"point_id": point.id, "name": point.name, "measure": point.measure, "weight": point.weight,
            "target": point.target, "numerator": numerator, "denominator": denominator, "rate": rate,
            "points": earned}


def score_of(items: list[dict[str, Any]]) -> float | None:
    applied = [i for i in items if i["points"] is not None]
    weights = sum(i["weight"] for i in applied)
    return round(100.0 * sum(i["points"] for i in applied) / weights, 2) if weights else None


def results_for(month: str) -> dict[tuple[str, int], tuple[float, list[dict[str, Any]]]]:
    """{(subject, unit id): (score, items)} of every unit a point applies to in `month`."""
    period = Period.of(month)
    points = [p for p in db.session.scalars(select(AssessmentPoint).order_by(AssessmentPoint.id))
              if p.measure in MEASURES]
    units = _units_of_projects()
    rates: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for point in points:
        measure = MEASURES[point.measure]
        owners = units["district"] if measure.subject == "district" else units[measure.party or ""]
        per_unit = _per_unit(measure.counts(period), owners)
        for unit in sorted({u for us in owners.values() for u in us}):
            rates[measure.subject, unit].append(item(point, *per_unit.get(unit, (0, 0))))
    out = {}
    for key, items in rates.items():
        score = score_of(items)
        if score is not None:
            out[key] = (score, items)
    return out


def compute_month(month: str) -> MonthRun:
    """Score every district and enterprise for `month` (YYYY-MM). Raises ValidationError(`month_invalid`)."""
    check_month(month)
    with transaction():
        wanted = results_for(month)
        existing = {(r.subject, r.unit_id): r for r in db.session.scalars(
            select(AssessmentResult).where(AssessmentResult.month == month))}
        now, changed = wallclock.now(), 0
        for (subject, unit), (score, items) in wanted.items():
            row = existing.get((subject, unit))
            if row is not None and row.score == score and row.items == items:
                continue
            changed += 1
            if row is None:
                row = AssessmentResult(month=month, subject=subject, **{UNIT_COLUMNS[subject]: unit})
                db.session.add(row)
            row.score, row.items, row.computed_at = score, items, now
        gone = [row for key, row in existing.items() if key not in wanted]
        for row in gone:
            db.session.delete(row)
        return MonthRun(month, sum(s == "district" for s, _ in wanted), sum(s == "enterprise" for s, _ in wanted),
                        changed, len(gone))

"""The monthly score of every active project: 100 minus each indicator's deduction
(points per occurrence, at most its cap), never below 0; every deduction kept with its reason
and the ids of its source records. Idempotent: a rerun on unchanged records leaves every row
as it was (the rows of a project whose records changed are replaced)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import HealthCheckDeduction, HealthCheckScore, Project
from app.services.access.actors import SYSTEM
from app.services.health_check.measures import MEASURES, Period, occurrences
from app.services.health_check.standards import check_month, standard_for_month

FULL_MARKS = 100.0
PASS_MARK = 60.0


@dataclass
class MonthRun:
    month: str
    standard_version: int
    projects: int
    changed: int
    below_pass: int


def deductions_for(indicators, found: dict[str, dict[int, list[int]]], project_id: int) -> list[dict[str, Any]]:
    out = []
    for ind in indicators:
        ids = found[ind.code].get(project_id)
        if not ids:
            continue
        measure = MEASURES[ind.code]
        points = round(min(ind.cap, ind.points * len(ids)), 2)
        reason = measure.reason.format(n=len(ids)) + f"，每次扣 {ind.points:g} 分，上限 {ind.cap:g} 分"
        out.append({"indicator_code": ind.code, "indicator_name": ind.name, "occurrences": len(ids),
                    "points": points, "reason": reason[:500], "source_kind": measure.source_kind,
                    "source_ids": ids})
    return out


def _key(rows: list[dict[str, Any]]) -> list[tuple]:
    return [(r["indicator_code"], r["indicator_name"], r["occurrences"], r["points"], r["reason"],
             r["source_kind"], list(r["source_ids"])) for r in rows]


def compute_month(month: str) -> MonthRun:
    """Score every active project for `month` (YYYY-MM) under the standard in force then."""
    check_month(month)
    with transaction():
        standard = standard_for_month(month)
        indicators = [i for i in standard.indicators if i.code in MEASURES]
        period = Period.of(month)
        found = {i.code: occurrences(i.code, period) for i in indicators}
        project_ids = list(db.session.scalars(select(Project.id).where(Project.status == "active")
                                              .order_by(Project.id)))
        existing = {s.project_id: s for s in db.session.scalars(
            select(HealthCheckScore).where(HealthCheckScore.month == month))}
        old = _existing_deductions([s.id for s in existing.values()])
        now = wallclock.now()
        changed, below, replaced, new_rows = 0, 0, [], []
        for pid in project_ids:
            rows = deductions_for(indicators, found, pid)
            score = max(0.0, round(FULL_MARKS - sum(r["points"] for r in rows), 2))
            below += score < PASS_MARK
            current = existing.get(pid)
            if current is not None and current.standard_id == standard.id and current.score == score \
                    and _key(old.get(current.id, [])) == _key(rows):
                continue
            changed += 1
            if current is None:
                current = HealthCheckScore(project_id=pid, month=month)
                db.session.add(current)
            else:
                replaced.append(current.id)
            current.standard_id, current.score, current.computed_at = standard.id, score, now
            new_rows.append((current, rows))
        if replaced:
            db.session.execute(delete(HealthCheckDeduction).where(HealthCheckDeduction.score_id.in_(replaced)))
        db.session.flush()
        payload = [dict(r, score_id=s.id) for s, rows in new_rows for r in rows]
        if payload:
            db.session.execute(HealthCheckDeduction.__table__.insert(), payload)
        return MonthRun(month, standard.version, len(project_ids), changed, below)


def _existing_deductions(score_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    if not score_ids:
        return out
    cols = HealthCheckDeduction.__table__.c
    for row in db.session.execute(select(HealthCheckDeduction.__table__).where(cols.score_id.in_(score_ids))
                                  .order_by(cols.id)).mappings():
        out.setdefault(row["score_id"], []).append(dict(row))
    return out


def for_each_score(month: str, pending, step: Callable[[HealthCheckScore], bool]) -> int:
    """Run `step` on every score row of `month` matching `pending` (a WHERE clause), each in its
    own transaction with the row locked (a failure leaves the others done); `step` returns
    False when another run got there first. Returns how many steps did something."""
    check_month(month)
    ids = list(db.session.scalars(select(HealthCheckScore.id).where(HealthCheckScore.month == month, pending)
                                  .order_by(HealthCheckScore.id)))
    db.session.commit()
    done = 0
    for score_id in ids:
        with transaction(SYSTEM):
            done += bool(step(db.session.get(HealthCheckScore, score_id, with_for_update=True)))
    return done

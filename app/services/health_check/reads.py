"""Score history of a project and the ranking of a month, scoped to what the actor may see."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import HealthCheckScore, HealthCheckStandard, OrgUnit, Project
from app.services.access.actors import Actor
from app.services.access.scoping import project_filter, visible_project
from app.services.health_check.scoring import PASS_MARK
from app.services.health_check.standards import check_month


def _deductions(score: HealthCheckScore) -> list[dict[str, Any]]:
    return [{"indicator": d.indicator_name, "code": d.indicator_code, "occurrences": d.occurrences,
             "points": d.points, "reason": d.reason, "source_kind": d.source_kind,
             "source_ids": list(d.source_ids)} for d in score.deductions]


def project_history(actor: Actor, project_id: int) -> dict[str, Any]:
    """Every month's score of one visible project, newest first, with its deductions."""
    project = visible_project(actor, project_id=project_id)
    rows = db.session.execute(
        select(HealthCheckScore, HealthCheckStandard.version)
        .join(HealthCheckStandard, HealthCheckStandard.id == HealthCheckScore.standard_id)
        .where(HealthCheckScore.project_id == project.id).order_by(HealthCheckScore.month.desc())).all()
    months = [{"month": s.month, "score": s.score, "below_pass": s.score < PASS_MARK,
               "standard_version": version, "rectification_instance_id": s.rectification_instance_id,
               "deductions": _deductions(s)} for s, version in rows]
    for newer, older in zip(months, months[1:], strict=False):
        newer["change"] = round(newer["score"] - older["score"], 2)
    return {"project": {"id": project.id, "code": project.code, "name": project.name}, "months": months}


def ranking(actor: Actor, month: str, district_id: int | None = None) -> list[dict[str, Any]]:
    """The month's scores of the projects the actor sees, grouped by district (lowest first)."""
    check_month(month)
    stmt = (select(HealthCheckScore.score, HealthCheckScore.rectification_instance_id, Project.id,
                   Project.code, Project.name, OrgUnit.id.label("district_id"),
                   OrgUnit.name.label("district"))
            .join(Project, Project.id == HealthCheckScore.project_id)
            .join(OrgUnit, OrgUnit.id == Project.district_id)
            .where(HealthCheckScore.month == month, project_filter(actor))
            .order_by(OrgUnit.name, HealthCheckScore.score, Project.code))
    if district_id is not None:
        stmt = stmt.where(Project.district_id == district_id)
    districts: dict[int, dict[str, Any]] = {}
    for row in db.session.execute(stmt):
        entry = districts.setdefault(row.district_id, {"district_id": row.district_id,
                                                       "district": row.district, "projects": []})
        entry["projects"].append({"rank": len(entry["projects"]) + 1, "project_id": row.id,
                                  "code": row.code, "name": row.name, "score": row.score,
                                  "below_pass": row.score < PASS_MARK,
                                  "rectification_instance_id": row.rectification_instance_id})
    for entry in districts.values():
        scores = [p["score"] for p in entry["projects"]]
        entry["average"] = round(sum(scores) / len(scores), 2)
        entry["below_pass"] = sum(s < PASS_MARK for s in scores)
        # lowest first is the order the query gave; rank 1 is the best, so renumber from the top
        entry["projects"].sort(key=lambda p: (-p["score"], p["code"]))
        for i, p in enumerate(entry["projects"], 1):
            p["rank"] = i
    return list(districts.values())

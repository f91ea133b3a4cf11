"""A month's assessment results as a reader may see them: ranks are city-wide (the rank among
every unit scored that month); the rows shown are cut to the reader — officials the districts of
their jurisdiction and the enterprises working on its active projects, an enterprise user his own
enterprise, administrators everything."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import PermissionDeniedError
from app.extensions import db
from app.infra.months import check_month
from app.models import AssessmentResult, Enterprise, OrgUnit, Project, ProjectParticipant
from app.models.assessment import UNIT_COLUMNS
from app.services.access.actors import Actor
from app.services.access.scoping import org_unit_filter, visible_project_ids
from app.services.assessment.measures import CATEGORIES, MEASURES

PASS_MARK = 60.0


def require_scope(actor: Actor) -> None:
    """Results need a jurisdiction, projects or an enterprise. Raises PermissionDeniedError(`assessment_denied`)."""
    if not (actor.is_admin or actor.jurisdiction_paths or actor.project_ids):
        raise PermissionDeniedError("您没有可查看的考核结果。", code="assessment_denied")


def _visible_units(actor: Actor, subject: str) -> set[int] | None:
    """The unit ids the actor may see (None: all)."""
    if actor.is_admin:
        return None
    if subject == "district":
        return set(db.session.scalars(select(OrgUnit.id).where(OrgUnit.level == "district", org_unit_filter(actor))))
    seen: set[int] = set()
    if actor.jurisdiction_paths:
        # the enterprises scored on the projects he oversees (the active ones: those that count)
        seen |= set(db.session.scalars(select(ProjectParticipant.enterprise_id).where(
            ProjectParticipant.project_id.in_(visible_project_ids(actor).where(Project.status == "active")))))
    if actor.enterprise_id is not None:
        seen.add(actor.enterprise_id)
    return seen


def _names(subject: str, ids: list[int]) -> dict[int, str]:
    model = OrgUnit if subject == "district" else Enterprise
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def ranking(actor: Actor, month: str, subject: str) -> list[dict[str, Any]]:
    """The month's results of `subject` (district | enterprise) the actor sees, best first, each
    with its city-wide rank and per-point detail. Raises PermissionDeniedError(`assessment_denied`),
    ValidationError(`month_invalid`)."""
    require_scope(actor)
    check_month(month)
    unit = getattr(AssessmentResult, UNIT_COLUMNS[subject])
    rows = list(db.session.execute(
        select(unit.label("unit_id"), AssessmentResult.score, AssessmentResult.items)
        .where(AssessmentResult.month == month, AssessmentResult.subject == subject)
        .order_by(AssessmentResult.score.desc(), unit)))
    visible = _visible_units(actor, subject)
    names = _names(subject, [r.unit_id for r in rows])
    out, rank, last = [], 0, None
    for position, row in enumerate(rows, 1):
        if row.score != last:
            rank, last = position, row.score
        if visible is not None and row.unit_id not in visible:
            continue
        out.append({"rank": rank, "of": len(rows), "unit_id": row.unit_id, "unit": names.get(row.unit_id, ""),
                    "score": row.score, "below_pass": row.score < PASS_MARK,
                    "items": [_labelled(subject, i) for i in row.items]})
    return out


def _labelled(subject: str, item: dict[str, Any]) -> dict[str, Any]:
    measure = MEASURES.get(item["measure"])
    return dict(item, category_label=CATEGORIES[subject].get(measure.category, "") if measure else "",
                measure_label=measure.label if measure else "")


def months(actor: Actor) -> list[str]:
    """The months that have results, newest first (every reader may know which months exist)."""
    require_scope(actor)
    return list(db.session.scalars(select(AssessmentResult.month).distinct().order_by(AssessmentResult.month.desc())))


def page(actor: Actor, month: str) -> dict[str, Any]:
    """What the /assessment page shows for `month`: both rankings, the months that have results,
    the points. Raises like ranking."""
    from app.services.assessment.points import list_points

    return {"month": month, "months": months(actor), "districts": ranking(actor, month, "district"),
            "enterprises": ranking(actor, month, "enterprise"), "points": list_points(actor),
            "pass_mark": PASS_MARK}

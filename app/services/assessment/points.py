"""The assessment points: read by every signed-in user (what units are scored on is public to
them), kept by city officials (and administrators) only. A point names one measure of the
catalogue (at most one point per measure), a weight (its share of the unit's score) and a target
rate (%) that earns the full weight."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import AssessmentPoint
from app.services.access.actors import Actor
from app.services.assessment.measures import CATEGORIES, MEASURES

DEFINERS = frozenset({"sys_admin", "city_official"})
FIELDS = frozenset({"measure", "name", "weight", "target"})


def may_define(actor: Actor) -> bool:
    return bool(actor.roles & DEFINERS)


def as_dict(point: AssessmentPoint) -> dict[str, Any]:
    measure = MEASURES.get(point.measure)
    return {"id": point.id, "subject": point.subject, "measure": point.measure, "name": point.name,
            "weight": point.weight, "target": point.target,
            "category": measure.category if measure else None,
            "category_label": CATEGORIES[point.subject].get(measure.category) if measure else None,
            "measure_label": measure.label if measure else None, "rule": measure.rule if measure else None,
            "updated_by": point.updated_by, "updated_at": point.updated_at}


def list_points(actor: Actor) -> list[dict[str, Any]]:
    """Every point, districts' first, then in the catalogue's order."""
    order = list(MEASURES)
    rows = db.session.scalars(select(AssessmentPoint))
    return [as_dict(p) for p in sorted(rows, key=lambda p: (p.subject != "district", _position(order, p)))]


def _position(order: list[str], point: AssessmentPoint) -> int:
    return order.index(point.measure) if point.measure in order else len(order)


def _require_definer(actor: Actor) -> None:
    if not may_define(actor):
        raise PermissionDeniedError("只有市级主管部门可以维护考核点。", code="assessment_point_denied")


def _number(data: dict[str, Any], key: str, errors: dict[str, list[str]]) -> float | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        errors[key] = ["须为 0 到 100 之间的数字。"]
        return None
    try:
        number = round(float(value), 2)  # what is stored: 0.001 would be kept as 0
    except ValueError:
        number = -1.0
    if not 0 < number <= 100:
        errors[key] = ["须为 0 到 100 之间的数字。"]
        return None
    return number


def _checked(data: Any, *, partial: bool) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError("请求内容须为 JSON 对象。", code="assessment_point_invalid")
    errors: dict[str, list[str]] = {k: ["不允许的字段。"] for k in set(data) - FIELDS}
    out: dict[str, Any] = {}
    if "measure" in data or not partial:
        if not isinstance(data.get("measure"), str) or data["measure"] not in MEASURES:
            errors["measure"] = ["请选择考核指标。"]
        else:
            out["measure"] = data["measure"]
    if "name" in data or not partial:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 100:
            errors["name"] = ["请填写考核点名称（不超过 100 字）。"]
        else:
            out["name"] = name.strip()
    for key in ("weight", "target"):
        if key in data or not partial:
            out[key] = _number(data, key, errors)
    if errors:
        raise ValidationError("考核点填写有误。", code="assessment_point_invalid", fields=errors)
    return out


def create_point(actor: Actor, data: Any) -> dict[str, Any]:
    """A new point. Raises PermissionDeniedError(`assessment_point_denied`),
    ValidationError(`assessment_point_invalid`), ConflictError(`assessment_point_taken`)."""
    _require_definer(actor)
    fields = _checked(data, partial=False)
    with transaction(actor):
        _check_free(fields["measure"], None)
        point = AssessmentPoint(subject=MEASURES[fields["measure"]].subject, created_by=actor.username,
                                updated_by=actor.username, **fields)
        db.session.add(point)
        db.session.flush()
        return as_dict(point)


def update_point(actor: Actor, point_id: int, data: Any) -> dict[str, Any]:
    """Change a point's measure, name, weight or target (past months keep what they were scored
    with). Raises like create_point, and NotFoundError(`assessment_point_not_found`)."""
    _require_definer(actor)
    fields = _checked(data, partial=True)
    with transaction(actor):
        point = _load(point_id)
        if "measure" in fields:
            _check_free(fields["measure"], point.id)
            point.subject = MEASURES[fields["measure"]].subject
        for key, value in fields.items():
            setattr(point, key, value)
        point.updated_by, point.updated_at = actor.username, wallclock.now()
        db.session.flush()
        return as_dict(point)


def delete_point(actor: Actor, point_id: int) -> None:
    """Remove a point from next scoring on. Raises PermissionDeniedError, NotFoundError."""
    _require_definer(actor)
    with transaction(actor):
        db.session.delete(_load(point_id))


def _load(point_id: int) -> AssessmentPoint:
    point = db.session.get(AssessmentPoint, point_id, with_for_update=True)
    if point is None:
        raise NotFoundError("没有找到该考核点。", code="assessment_point_not_found")
    return point


def _check_free(measure: str, own_id: int | None) -> None:
    taken = db.session.scalar(select(AssessmentPoint.id).where(AssessmentPoint.measure == measure))
    if taken is not None and taken != own_id:
        raise ConflictError("该考核指标已有考核点。", code="assessment_point_taken")

"""Hazardous works (危大工程): registration with the computed super-scale flag, scoped reads."""
from __future__ import annotations

from sqlalchemy import func, select

from app.domain.super_scale import classify
from app.errors import ConflictError, ValidationError
from app.extensions import db
from app.infra.uow import transaction
from app.models import HazardousCategory, HazardousWork, OrgUnit, Project
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.access.projects import Page


def list_works(actor: Actor, project_code: str, *, limit: int | None = 100, offset: int = 0) -> Page:
    """Hazardous works of one visible project (`limit=None`: every one, for a page that lists or
    offers all of them). Raises NotFoundError."""
    project = scoping.visible_project(actor, code=project_code)
    stmt = select(HazardousWork).where(HazardousWork.project_id == project.id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(db.session.scalars(stmt.order_by(HazardousWork.code).limit(limit).offset(offset)))
    return Page(items, total)


def get_work(actor: Actor, work_id: int) -> HazardousWork:
    """One hazardous work of a visible project. Raises NotFoundError."""
    return scoping.visible_or_404(actor, HazardousWork, work_id, code="hazardous_work_not_found",
                                  message="没有找到该危大工程。")


def register_work(actor: Actor, project_code: str, data: dict) -> int:
    """Add a work to a project's hazardous-works list (owner rep or contractor PM of that project).

    Raises NotFoundError, PermissionDeniedError, ValidationError (category inactive, criterion
    needs a declaration, not hazardous at all), ConflictError (code used on this project).
    """
    with transaction(actor):
        project = scoping.visible_project(actor, code=project_code)
        require_project_role(actor, project, "owner_rep", "contractor_pm")
        category = db.session.scalar(select(HazardousCategory).where(
            HazardousCategory.code == data["category_code"]))
        if category is None or not category.active:
            raise ValidationError(fields={"category_code": ["危大工程类别不存在或已停用。"]})
        params = data.get("parameters") or {}
        hazardous, super_scale = classify(category.hazardous_rule, category.super_scale_rule, params)
        problems = {}
        for outcome, key in ((hazardous, "hazardous_declared"), (super_scale, "super_scale_declared")):
            if outcome.needs_declaration:
                problems[f"parameters.{key}"] = [outcome.reason]
        if problems:
            raise ValidationError("请对类别中的定性条件作出判定。", fields=problems)
        if not hazardous.met:
            raise ValidationError("按所填参数，该工程未达到危大工程标准。", code="not_hazardous",
                                  fields={"parameters": [hazardous.reason]})
        if db.session.scalar(select(HazardousWork.id).where(
                HazardousWork.project_id == project.id, HazardousWork.code == data["code"])):
            raise ConflictError("该项目下危大工程编号已存在。", code="hazardous_work_code_taken")
        fields = {k: v for k, v in data.items() if k not in ("category_code", "parameters")}
        work = HazardousWork(project_id=project.id, category_id=category.id, parameters=params,
                             super_scale=super_scale.met, super_scale_reason=super_scale.reason,
                             status="registered", **fields)
        db.session.add(work)
        db.session.flush()
    return work.id


def count_by_district(actor: Actor) -> list[dict]:
    """Counts of hazardous and super-scale works per district the actor may see."""
    rows = db.session.execute(
        select(OrgUnit.name, func.count(HazardousWork.id),
               func.count(HazardousWork.id).filter(HazardousWork.super_scale.is_(True)))
        .join(Project, Project.district_id == OrgUnit.id)
        .join(HazardousWork, HazardousWork.project_id == Project.id)
        .where(scoping.project_filter(actor))
        .group_by(OrgUnit.name).order_by(OrgUnit.name)).all()
    return [{"district": r[0], "hazardous": r[1], "super_scale": r[2]} for r in rows]

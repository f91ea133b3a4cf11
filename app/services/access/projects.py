"""Projects and participants, always scoped to what the actor may see."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.errors import ConflictError, NotFoundError, ValidationError
from app.extensions import db
from app.infra.uow import transaction
from app.models import PARTY_TYPES, Enterprise, OrgUnit, Project, ProjectParticipant
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role


@dataclass(frozen=True)
class Page:
    items: list
    total: int


def list_projects(actor: Actor, *, district_id: int | None = None, q: str | None = None,
                  limit: int = 50, offset: int = 0) -> Page:
    """Projects visible to the actor, newest first."""
    stmt = select(Project).where(scoping.project_filter(actor))
    if district_id is not None:
        stmt = stmt.where(Project.district_id == district_id)
    if q:
        stmt = stmt.where(Project.name.icontains(q, autoescape=True) | Project.code.icontains(q, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = list(db.session.scalars(stmt.order_by(Project.id.desc()).limit(limit).offset(offset)))
    return Page(items, total or 0)


def get_project(actor: Actor, code: str) -> Project:
    """One visible project by code. Raises NotFoundError."""
    return scoping.visible_project(actor, code=code)


def create_project(actor: Actor, data: dict) -> int:
    """Register a project in a district of the actor's jurisdiction. Raises ConflictError on a used code."""
    require_any_role(actor, "sys_admin", "city_official", "district_safety_officer",
                     "district_quality_officer")
    with transaction(actor):
        district = db.session.scalar(select(OrgUnit).where(
            OrgUnit.id == data["district_id"], OrgUnit.level == "district", scoping.org_unit_filter(actor)))
        if district is None:
            raise NotFoundError("没有找到该区县。", code="district_not_found")
        if db.session.scalar(select(Project.id).where(Project.code == data["code"])):
            raise ConflictError("工程编号已存在。", code="project_code_taken")
        project = Project(**{k: v for k, v in data.items() if k != "participants"})
        db.session.add(project)
        db.session.flush()
        for p in data.get("participants", []):
            _add_participant(project, p)
    return project.id


def _add_participant(project: Project, p: dict) -> None:
    if p["party_type"] not in PARTY_TYPES:
        raise ValidationError(fields={"party_type": ["参建单位类型无效。"]})
    if db.session.get(Enterprise, p["enterprise_id"]) is None:
        raise NotFoundError("没有找到该企业。", code="enterprise_not_found")
    db.session.add(ProjectParticipant(project_id=project.id, **p))

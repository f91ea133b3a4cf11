"""What an actor may see: officials their jurisdiction, enterprise users their projects.

Every read of project-owned data goes through these filters; anything outside them is
reported as not found (404), so ids of other projects leak nothing.
"""
from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, Select, false, or_, select, true

from app.errors import NotFoundError
from app.extensions import db
from app.models import OrgUnit, Project
from app.services.access.actors import Actor

M = TypeVar("M")


def project_filter(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on Project limiting rows to what `actor` may see."""
    if actor.is_admin:
        return true()
    clauses = []
    if actor.jurisdiction_paths:
        clauses.append(Project.district_id.in_(jurisdiction_unit_ids(actor)))
    if actor.project_ids:
        clauses.append(Project.id.in_(sorted(actor.project_ids)))
    return or_(*clauses) if clauses else false()


def jurisdiction_unit_ids(actor: Actor) -> Select:
    """A sub-select of the org units inside the actor's jurisdiction: every project whose
    district is one of them is visible to him (admins: every unit; enterprise users: none)."""
    if actor.is_admin:
        return select(OrgUnit.id)
    paths = actor.jurisdiction_paths
    return select(OrgUnit.id).where(or_(*(OrgUnit.path.startswith(p) for p in paths)) if paths else false())


def visible_project(actor: Actor, *, project_id: int | None = None, code: str | None = None) -> Project:
    """Load one project the actor may see. Raises NotFoundError otherwise."""
    stmt = select(Project).where(project_filter(actor))
    stmt = stmt.where(Project.id == project_id) if project_id is not None else stmt.where(Project.code == code)
    project = db.session.scalar(stmt)
    if project is None:
        raise NotFoundError("没有找到该工程项目。", code="project_not_found")
    return project


def visible_project_ids(actor: Actor):
    """A sub-select of visible project ids, for filtering child tables."""
    return select(Project.id).where(project_filter(actor))


def in_visible_projects(actor: Actor, model: type[M], project_code: str | None = None) -> Select:
    """`select(model)` over the rows (`model.project_id`) of the visible projects, or of the one
    named `project_code`. Raises NotFoundError(`project_not_found`) when that one is invisible."""
    stmt = select(model).where(model.project_id.in_(visible_project_ids(actor)))
    if project_code:
        stmt = stmt.where(model.project_id == visible_project(actor, code=project_code).id)
    return stmt


def visible_or_404(actor: Actor, model: type[M], row_id: int | None, *, code: str, message: str) -> M:
    """Load one row of a project-owned table (one with `project_id`) if its project is visible.

    Raises NotFoundError(`code`) for an unknown id and for a row of an invisible project alike.
    """
    row = db.session.scalar(select(model).where(
        model.id == row_id, model.project_id.in_(visible_project_ids(actor))))
    if row is None:
        raise NotFoundError(message, code=code)
    return row


def org_unit_filter(actor: Actor) -> ColumnElement[bool]:
    """Org units inside the actor's jurisdiction (enterprise users see none)."""
    if actor.is_admin:
        return true()
    paths = actor.jurisdiction_paths
    return or_(*(OrgUnit.path.startswith(p) for p in paths)) if paths else false()

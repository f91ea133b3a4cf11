"""Role checks shared by use cases."""
from __future__ import annotations

from app.errors import PermissionDeniedError
from app.models import Project
from app.services.access.actors import Actor


def require_any_role(actor: Actor, *roles: str) -> None:
    """Raise PermissionDeniedError unless the actor holds one of `roles` (admins always pass)."""
    if actor.is_admin or actor.roles & set(roles):
        return
    raise PermissionDeniedError(code="role_required")


def require_project_role(actor: Actor, project: Project, *roles: str) -> None:
    """The actor must hold one of `roles` on this very project (enterprise roles are per project)."""
    if actor.is_admin or actor.roles_on_project(project.id) & set(roles):
        return
    raise PermissionDeniedError("您在该项目上没有此项操作的角色。", code="project_role_required")

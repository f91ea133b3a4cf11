"""Who is acting: a user with the roles he holds and where he holds them (plain values; the
access capability builds them from the database, app.services.access.actors.actor_for)."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.roles import AUTHORITY_ROLES


@dataclass(frozen=True)
class Grant:
    role: str
    org_unit_id: int | None = None
    org_path: str | None = None
    project_id: int | None = None


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    display_name: str = ""
    ip: str | None = None
    enterprise_id: int | None = None
    org_unit_id: int | None = None
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_admin(self) -> bool:
        return "sys_admin" in self.roles

    @property
    def jurisdiction_paths(self) -> tuple[str, ...]:
        """Org-unit paths under which this actor sees everything (authority roles only)."""
        return tuple(sorted({g.org_path for g in self.grants
                             if g.role in AUTHORITY_ROLES and g.org_path}))

    @property
    def project_ids(self) -> frozenset[int]:
        """Projects on which this actor holds an enterprise role."""
        return frozenset(g.project_id for g in self.grants if g.project_id is not None)

    def roles_on_project(self, project_id: int) -> frozenset[str]:
        return frozenset(g.role for g in self.grants if g.project_id == project_id)


SYSTEM = Actor(user_id=None, username="system", display_name="系统")

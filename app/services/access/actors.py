"""Who is acting: the actor of a user (app.domain.actors, re-exported here as the access
capability's public face: use cases import Actor and SYSTEM from this module)."""
from __future__ import annotations

from sqlalchemy import select

from app.domain.actors import SYSTEM, Actor, Grant
from app.extensions import db
from app.models import OrgUnit, RoleGrant, User

__all__ = ["SYSTEM", "Actor", "Grant", "actor_for", "actor_of"]


def actor_for(user: User, ip: str | None = None) -> Actor:
    """Build the actor of a loaded user (one query for his grants)."""
    return actor_of(user.id, user.username, user.display_name, user.enterprise_id, user.org_unit_id, ip)


def actor_of(user_id: int, username: str, display_name: str, enterprise_id: int | None,
             org_unit_id: int | None, ip: str | None = None) -> Actor:
    """Build the actor of a user from his columns (one query for his grants)."""
    rows = db.session.execute(
        select(RoleGrant.role_code, RoleGrant.org_unit_id, OrgUnit.path, RoleGrant.project_id)
        .outerjoin(OrgUnit, OrgUnit.id == RoleGrant.org_unit_id)
        .where(RoleGrant.user_id == user_id)
    ).all()
    grants = tuple(Grant(role=r[0], org_unit_id=r[1], org_path=r[2], project_id=r[3]) for r in rows)
    return Actor(user_id=user_id, username=username, display_name=display_name, ip=ip,
                 enterprise_id=enterprise_id, org_unit_id=org_unit_id, grants=grants)

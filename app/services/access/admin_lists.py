"""Read-only lists of the admin pages that no other service offers: users, categories, experts."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Expert, HazardousCategory, User
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role
from app.services.access.projects import Page

OFFICIALS = ("sys_admin", "city_official", "district_safety_officer", "district_quality_officer",
             "district_leader")


# The admin page's lists and who may read each (the same rules as the list functions: users and the
# audit log refuse others, the categories and experts refuse non-officials, the directory lists
# scope to a jurisdiction, which enterprise users do not have).
def _any(*roles: str):
    return lambda actor: actor.is_admin or bool(actor.roles & set(roles))


def _jurisdiction(actor: Actor) -> bool:
    return actor.is_admin or bool(actor.jurisdiction_paths)


READERS = {"users": _any(), "org-units": _jurisdiction, "enterprises": _jurisdiction, "projects": _jurisdiction,
           "devices": _jurisdiction, "categories": _any(*OFFICIALS), "experts": _any(*OFFICIALS),
           "audit": _any("auditor"), "backups": _any(), "exchange": _any(), "webhooks": _any()}


def readable_lists(actor: Actor) -> frozenset[str]:
    """The admin lists (READERS' keys) this actor may read; none: the admin page is not his."""
    return frozenset(name for name, may in READERS.items() if may(actor))


def list_users(actor: Actor, *, q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
    """Accounts with their grants (admins only). Raises PermissionDeniedError."""
    require_any_role(actor, "sys_admin")
    stmt = select(User)
    if q:
        stmt = stmt.where(User.username.contains(q) | User.display_name.contains(q))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return Page(list(db.session.scalars(stmt.order_by(User.id).limit(limit).offset(offset))), total)


def list_categories(actor: Actor) -> list[HazardousCategory]:
    """The hazardous-work categories (officials). Raises PermissionDeniedError."""
    require_any_role(actor, *OFFICIALS)
    return list(db.session.scalars(select(HazardousCategory).order_by(HazardousCategory.code)))


def list_experts(actor: Actor) -> list[Expert]:
    """The expert library with masked ID numbers (officials). Raises PermissionDeniedError."""
    require_any_role(actor, *OFFICIALS)
    return list(db.session.scalars(select(Expert).order_by(Expert.id)))

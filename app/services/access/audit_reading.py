"""Reading the audit log (auditors and administrators only; nobody may change it)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role
from app.services.access.projects import Page


def list_entries(actor: Actor, *, action: str | None = None, username: str | None = None,
                 entity_type: str | None = None, since: datetime | None = None,
                 limit: int = 100, offset: int = 0) -> Page:
    """Newest first, filtered. Raises PermissionDeniedError for anyone but auditor and admin."""
    require_any_role(actor, "auditor", "sys_admin")
    stmt = select(AuditLog)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if username:
        stmt = stmt.where(AuditLog.username == username)
    if entity_type:
        stmt = stmt.where(AuditLog.entity_type == entity_type)
    if since:
        stmt = stmt.where(AuditLog.at >= since)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(db.session.scalars(stmt.order_by(AuditLog.id.desc()).limit(limit).offset(offset)))
    return Page(items, total)

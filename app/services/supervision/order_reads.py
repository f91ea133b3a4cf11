"""Rectification orders as exchanged records (整改单): the register rows, scoped like their project.

An order is named by its case (`instance_id`), the id the case file, its notices and timeline
already use; orders without a project are seen by nobody here.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.errors import NotFoundError, ValidationError
from app.extensions import db
from app.models import Project, RectificationOrder
from app.models.orders import ORDER_STATUSES, ORDER_TYPES
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.access.projects import Page


def list_orders(actor: Actor, *, project_code: str | None = None, status: str | None = None,
                limit: int = 50, offset: int = 0) -> Page:
    """Orders of the visible projects, newest first; items are plain dicts.

    Raises ValidationError(`order_status_unknown`), NotFoundError(`project_not_found`).
    """
    if status and status not in ORDER_STATUSES:
        raise ValidationError(code="order_status_unknown", fields={"status": [f"可选：{'、'.join(ORDER_STATUSES)}"]})
    stmt = scoping.in_visible_projects(actor, RectificationOrder, project_code)
    if status:
        stmt = stmt.where(RectificationOrder.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(RectificationOrder.issued_at.desc(), RectificationOrder.id.desc())
                              .limit(limit).offset(offset))
    return Page([_view(row) for row in rows], total)


def get_order(actor: Actor, instance_id: int) -> dict[str, Any]:
    """The order of one rectification_order case. Raises NotFoundError(`order_not_found`)."""
    row = db.session.scalar(scoping.in_visible_projects(actor, RectificationOrder)
                            .where(RectificationOrder.instance_id == instance_id))
    if row is None:
        raise NotFoundError("没有找到该整改单。", code="order_not_found")
    return _view(row)


def _view(row: RectificationOrder) -> dict[str, Any]:
    project = db.session.get(Project, row.project_id)
    return {"instance_id": row.instance_id, "project_code": project.code, "project_name": project.name,
            "order_type": row.order_type, "order_type_label": ORDER_TYPES.get(row.order_type, row.order_type),
            "deadline": row.deadline, "status": row.status, "issuer_name": row.issuer_name,
            "source_kind": row.source_kind, "source_instance_id": row.source_instance_id,
            "problem_count": row.problem_count, "return_count": row.return_count,
            "urging_instance_id": row.urging_instance_id, "issued_at": row.issued_at,
            "replied_at": row.replied_at, "closed_at": row.closed_at}

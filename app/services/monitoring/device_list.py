"""The device registry: which devices a project has, scoped like the project."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import func, select

from app.errors import ConflictError, NotFoundError, ValidationError
from app.extensions import db
from app.infra.uow import transaction
from app.models import DEVICE_TYPES, Device
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.access.projects import Page


def list_devices(actor: Actor, *, project_code: str | None = None, device_type: str | None = None,
                 limit: int = 100, offset: int = 0) -> Page:
    """Devices of the projects the actor may see."""
    stmt = select(Device).where(Device.project_id.in_(scoping.visible_project_ids(actor)))
    if project_code:
        stmt = stmt.where(Device.project_id == scoping.visible_project(actor, code=project_code).id)
    if device_type:
        stmt = stmt.where(Device.device_type == device_type)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(db.session.scalars(stmt.order_by(Device.code).limit(limit).offset(offset)))
    return Page(items, total)


def get_device(actor: Actor, device_id: int) -> Device:
    """One device of a visible project. Raises NotFoundError."""
    device = db.session.scalar(select(Device).where(
        Device.id == device_id, Device.project_id.in_(scoping.visible_project_ids(actor))))
    if device is None:
        raise NotFoundError("没有找到该设备。", code="device_not_found")
    return device


def register_device(actor: Actor, project_code: str, data: dict) -> tuple[int, str]:
    """Add a device to a project; returns its id and its HTTP token (shown once, stored hashed)."""
    if data["device_type"] not in DEVICE_TYPES:
        raise ValidationError(fields={"device_type": ["设备类型无效。"]})
    with transaction(actor):
        project = scoping.visible_project(actor, code=project_code)
        if not actor.jurisdiction_paths:
            require_project_role(actor, project, "contractor_pm")
        if db.session.scalar(select(Device.id).where(Device.code == data["code"])):
            raise ConflictError("设备编号已存在。", code="device_code_taken")
        token = secrets.token_urlsafe(24)
        device = Device(project_id=project.id, token_sha256=hashlib.sha256(token.encode()).hexdigest(),
                        **data)
        db.session.add(device)
        db.session.flush()
    return device.id, token

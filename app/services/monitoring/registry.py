"""The device registry: which devices a project has, registering them, editing a device's details,
its HTTP token, and its special operators.

Seed 000 §3.1.6 (监控设备接入管理): the contractor keeps its monitoring devices' details and, per
device, the 特种作业人员 who operate it (add, edit, delete). Who may edit: officials with
jurisdiction over the project and the project's contractor PM (they set thresholds too);
everybody who sees the project may read. A device of an invisible project is a 404, like every
other id. The code and type of a device never change: readings, alarms and thresholds hang on
them (register a new device instead).
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra.uow import transaction
from app.models import DEVICE_TYPES, OPERATOR_TRADES, Device, DeviceOperator, HazardousWork, Project
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.access.projects import Page

EDITOR_AUTHORITY_ROLES = {"city_official", "district_safety_officer", "district_quality_officer",
                          "district_leader"}

PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")


def list_devices(actor: Actor, *, project_code: str | None = None, device_type: str | None = None,
                 limit: int = 100, offset: int = 0) -> Page:
    """Devices of the projects the actor may see."""
    stmt = scoping.in_visible_projects(actor, Device, project_code)
    if device_type:
        stmt = stmt.where(Device.device_type == device_type)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(db.session.scalars(stmt.order_by(Device.code).limit(limit).offset(offset)))
    return Page(items, total)


def get_device(actor: Actor, device_id: int) -> Device:
    """One device of a visible project. Raises NotFoundError."""
    return scoping.visible_or_404(actor, Device, device_id, code="device_not_found", message="没有找到该设备。")


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


def may_edit(actor: Actor, project: Project) -> bool:
    """Officials with jurisdiction (the caller checked the project is visible) or the project's PM:
    they maintain the project's devices and set their thresholds."""
    if actor.is_admin or (actor.roles & EDITOR_AUTHORITY_ROLES and actor.jurisdiction_paths):
        return True
    return "contractor_pm" in actor.roles_on_project(project.id)


def update_device(actor: Actor, device_id: int, data: dict[str, Any]) -> Device:
    """Change ``name``, ``hazardous_work_id`` (a work of the same project, or None) or ``active``.

    Raises NotFoundError(`device_not_found`), PermissionDeniedError(`device_edit_denied`),
    ValidationError (unknown or immutable fields, a work of another project).
    """
    unknown = set(data) - {"name", "hazardous_work_id", "active"}
    if unknown:
        raise ValidationError("设备编号和类型登记后不能修改。", fields={k: ["不能修改。"] for k in sorted(unknown)})
    with transaction(actor):
        device = editable_device(actor, device_id)
        if "name" in data:
            name = (data["name"] or "").strip()
            if not name or len(name) > 100:
                raise ValidationError(fields={"name": ["请填写设备名称（不超过100字）。"]})
            device.name = name
        if "hazardous_work_id" in data:
            device.hazardous_work_id = _work_of_project(data["hazardous_work_id"], device.project_id)
        if "active" in data:
            if not isinstance(data["active"], bool):
                raise ValidationError(fields={"active": ["必须是 true 或 false。"]})
            device.active = data["active"]
    return device


def reset_device_token(actor: Actor, device_id: int) -> str:
    """A new HTTP token for the device (the old one stops working); shown once, stored hashed."""
    with transaction(actor):
        device = editable_device(actor, device_id)
        token = secrets.token_urlsafe(24)
        device.token_sha256 = hashlib.sha256(token.encode()).hexdigest()
    return token


def list_operators(actor: Actor, device_id: int) -> list[DeviceOperator]:
    """The device's special operators (anyone who sees the device)."""
    device = get_device(actor, device_id)
    return list(db.session.scalars(select(DeviceOperator).where(DeviceOperator.device_id == device.id)
                                   .order_by(DeviceOperator.id)))


def operator_counts(device_ids: list[int]) -> dict[int, int]:
    """Number of special operators per device (for the registry list)."""
    if not device_ids:
        return {}
    rows = db.session.execute(select(DeviceOperator.device_id, func.count()).where(
        DeviceOperator.device_id.in_(device_ids)).group_by(DeviceOperator.device_id))
    return {device_id: n for device_id, n in rows}


def add_operator(actor: Actor, device_id: int, data: dict[str, Any]) -> DeviceOperator:
    """Raises NotFoundError, PermissionDeniedError(`device_edit_denied`), ValidationError,
    ConflictError(`operator_certificate_taken`) when the device has that certificate already."""
    values = _operator_values(data, partial=False)
    with transaction(actor):
        device = editable_device(actor, device_id)
        _certificate_free(device.id, values["certificate_no"])
        operator = DeviceOperator(device_id=device.id, **values)
        db.session.add(operator)
    return operator


def update_operator(actor: Actor, device_id: int, operator_id: int, data: dict[str, Any]) -> DeviceOperator:
    """Change some of name, trade, certificate_no, certificate_valid_until, phone."""
    values = _operator_values(data, partial=True)
    with transaction(actor):
        device = editable_device(actor, device_id)
        operator = _operator_of(device, operator_id)
        if values.get("certificate_no", operator.certificate_no) != operator.certificate_no:
            _certificate_free(device.id, values["certificate_no"])
        for key, value in values.items():
            setattr(operator, key, value)
    return operator


def remove_operator(actor: Actor, device_id: int, operator_id: int) -> None:
    with transaction(actor):
        device = editable_device(actor, device_id)
        db.session.delete(_operator_of(device, operator_id))


def certificate_expired(operator: DeviceOperator, today: date) -> bool:
    return operator.certificate_valid_until < today


EXPIRY_NOTICE_DAYS = 30


def expiring_certificates(actor: Actor, today: date, *, days: int = EXPIRY_NOTICE_DAYS,
                          limit: int = 20, offset: int = 0) -> Page:
    """Special operators of the actor's visible devices (officials: their jurisdiction, enterprise
    users: their projects) whose certificate ends within ``days`` (or has ended), soonest first,
    with their devices and projects, and how many there are — the workbench's reminder before the
    compliance sweep alarms, and its whole list."""
    where = (Device.project_id.in_(scoping.visible_project_ids(actor)), Device.active.is_(True),
             DeviceOperator.certificate_valid_until <= today + timedelta(days=days))
    total = db.session.scalar(select(func.count()).select_from(DeviceOperator)
                              .join(Device, Device.id == DeviceOperator.device_id).where(*where)) or 0
    rows = db.session.scalars(
        select(DeviceOperator).join(Device, Device.id == DeviceOperator.device_id).where(*where)
        .options(contains_eager(DeviceOperator.device).joinedload(Device.project))
        .order_by(DeviceOperator.certificate_valid_until, DeviceOperator.id).limit(limit).offset(offset))
    return Page(list(rows), total)


def editable_device(actor: Actor, device_id: int) -> Device:
    """A visible device the actor may maintain. Raises NotFoundError(`device_not_found`),
    PermissionDeniedError(`device_edit_denied`)."""
    device = get_device(actor, device_id)
    if not may_edit(actor, device.project):
        raise PermissionDeniedError("只有辖区监管人员或本项目经理可以维护设备。", code="device_edit_denied")
    return device


def get_operator(actor: Actor, device_id: int, operator_id: int) -> DeviceOperator:
    """One special operator of a visible device. Raises NotFoundError."""
    return _operator_of(get_device(actor, device_id), operator_id)


def _operator_of(device: Device, operator_id: int) -> DeviceOperator:
    operator = db.session.get(DeviceOperator, operator_id)
    if operator is None or operator.device_id != device.id:
        raise NotFoundError("没有找到该特种作业人员。", code="operator_not_found")
    return operator


def _certificate_free(device_id: int, certificate_no: str) -> None:
    if db.session.scalar(select(DeviceOperator.id).where(DeviceOperator.device_id == device_id,
                                                         DeviceOperator.certificate_no == certificate_no)):
        raise ConflictError("该设备已登记此操作证书编号。", code="operator_certificate_taken")


def _work_of_project(work_id: Any, project_id: int) -> int | None:
    if work_id is None:
        return None
    work = db.session.get(HazardousWork, work_id) if isinstance(work_id, int) else None
    if work is None or work.project_id != project_id:
        raise ValidationError(fields={"hazardous_work_id": ["请选择本项目的危大工程。"]})
    return work.id


def _operator_values(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Checked operator fields (strings stripped; the date as a date)."""
    fields = ("name", "trade", "certificate_no", "certificate_valid_until", "phone")
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(fields)
    for key in sorted(unknown):
        errors[key] = ["未知字段。"]
    values: dict[str, Any] = {}
    for key in fields:
        if key not in data:
            if not partial and key != "phone":
                errors[key] = ["必填项。"]
            continue
        value = data[key].strip() if isinstance(data[key], str) else data[key]
        problem = _operator_problem(key, value)
        if problem:
            errors[key] = [problem]
        else:
            values[key] = _as_date(value) if key == "certificate_valid_until" else (value or None)
    if errors:
        raise ValidationError("特种作业人员信息有误。", fields=errors)
    return values


def _operator_problem(key: str, value: Any) -> str | None:
    if key == "phone":
        return None if value in (None, "") or (isinstance(value, str) and PHONE.match(value)) \
            else "电话号码格式不正确。"
    if key == "trade":
        return None if value in OPERATOR_TRADES else "工种无效。"
    if key == "certificate_valid_until":
        return None if _as_date(value) is not None else "请填写有效期（年-月-日）。"
    limit = 50 if key == "name" else 64
    return None if isinstance(value, str) and 0 < len(value) <= limit else f"请填写（不超过{limit}字）。"


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None

"""Who may send a message (POST /messages), and which cases a message may reach.

Users get exactly the rights of POST /process-instances: the same roles, project scope and start
rules, and no message may name a project, device or alarm they cannot see. Messages reserved
for the system (a device alarm comes from ingestion only) are refused to users. For every sender,
the system included, a message about one project never reaches another project's case.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import Device, DeviceAlarm, ProcessInstance, Project
from app.services.access.actors import Actor
from app.services.access.scoping import visible_project, visible_project_ids
from app.services.definitions import deployments, start_guards
from app.services.workflow import case_steps as rt

SYSTEM_ONLY = frozenset({"device_alarm"})  # started by device ingestion (device_alarm_cases)


def message_project(actor: Actor, name: str, correlation: dict[str, Any],
                    payload: dict[str, Any]) -> Project | None:
    """The project the message is about (named, or owning the device/alarm it names).

    Raises PermissionDeniedError(`message_reserved`, `case_start_denied`),
    NotFoundError(`project_not_found`, `device_not_found`, `alarm_not_found`),
    ValidationError(`message_scope_mismatch`) when the named things belong to different projects.
    """
    if actor.user_id is None:  # trusted senders: the sidecar, Celery, thrown by a case
        return _any_project(payload.get("project_code"))
    if name in SYSTEM_ONLY:
        raise PermissionDeniedError("设备告警只能由设备数据接入产生。", code="message_reserved")
    if not actor.roles or actor.roles <= {"expert"}:
        raise PermissionDeniedError("没有发起流程的权限。", code="case_start_denied")
    named = {**correlation, **payload}
    project = visible_project(actor, code=str(named["project_code"])) if named.get("project_code") else None
    for owner_id in _owners(actor, named):
        if project is None:
            project = db.session.get(Project, owner_id)
        elif owner_id != project.id:
            raise ValidationError("消息所涉设备或告警不属于该项目。", code="message_scope_mismatch",
                                  fields={"payload": ["设备、告警与项目不一致。"]})
    return project


def may_reach(actor: Actor, instance: ProcessInstance, project: Project | None) -> bool:
    """A message about ``project`` reaches only a case of that project (or of none), and a
    user's message only a case he may see."""
    if project is not None and instance.project_id not in (None, project.id):
        return False
    return actor.user_id is None or rt.can_see_instance(actor, instance)


def check_can_start(actor: Actor, process_key: str, project: Project | None) -> None:
    """The start rules of POST /process-instances, for a process started by a user's message.

    Raises PermissionDeniedError(`case_start_denied`) and whatever start_guards.check_can_start
    raises (`work_required` for processes that need a hazardous work: not startable by message).
    """
    if actor.user_id is None:
        return
    if project is None and not (actor.is_admin or actor.jurisdiction_paths):
        raise PermissionDeniedError("请指定工程项目。", code="case_start_denied")
    definition = deployments.latest_definition(process_key)
    if definition is not None:
        start_guards.check_can_start(actor, definition, None, None,
                                     project_code=project.code if project else None)


def _any_project(code: Any) -> Project | None:
    if not code:
        return None
    project = db.session.scalar(select(Project).where(Project.code == str(code)))
    if project is None:
        raise NotFoundError("没有找到该工程项目。", code="project_not_found")
    return project


def _owners(actor: Actor, named: dict[str, Any]) -> list[int]:
    """Project ids of the device and alarm the message names; 404 for ones the actor cannot see."""
    owners = []
    visible = visible_project_ids(actor)
    if named.get("device_code") is not None:
        owner = db.session.scalar(select(Device.project_id).where(
            Device.code == str(named["device_code"]), Device.project_id.in_(visible)))
        if owner is None:
            raise NotFoundError("没有找到该设备。", code="device_not_found")
        owners.append(owner)
    if named.get("alarm_id") is not None:
        alarm_id = named["alarm_id"]
        owner = db.session.scalar(select(DeviceAlarm.project_id).where(
            DeviceAlarm.id == alarm_id, DeviceAlarm.project_id.in_(visible))) \
            if isinstance(alarm_id, int) and not isinstance(alarm_id, bool) and 0 < alarm_id < 2**31 else None
        if owner is None:
            raise NotFoundError("没有找到该告警。", code="alarm_not_found")
        owners.append(owner)
    return owners

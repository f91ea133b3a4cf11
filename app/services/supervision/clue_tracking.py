"""The clue tracking list (线索跟踪): one row per clue_assignment case, read from the cases'
timelines and the orders they opened (never from the workflow state)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.errors import PermissionDeniedError
from app.extensions import db
from app.models import InstanceEvent, OrgUnit, ProcessInstance, Project, RectificationOrder
from app.services.access.actors import Actor
from app.services.access.scoping import project_filter

SOURCES = {"site_inspection": "现场检查", "iot": "物联网设备"}
IOT_TYPES = {"environment": "环境监测", "ai_recognition": "AI识别", "tower_crane": "塔吊监测",
             "unloading_platform": "卸料平台监测", "hoist": "升降机监测",
             "high_formwork": "高支模监测", "deep_pit": "深基坑监测"}
OPINIONS = {"order": "责令整改", "unfounded": "线索不属实"}


@dataclass(frozen=True)
class ClueRow:
    instance_id: int
    project_code: str
    project_name: str
    category: str
    handling_unit: str
    check_result: str | None
    opinion_type: str | None
    responsible_unit: str | None
    completion_status: str
    completed_at: datetime | None
    registered_at: datetime


def _answers(instance_id: int) -> dict[str, tuple[dict, datetime]]:
    rows = db.session.scalars(select(InstanceEvent).where(
        InstanceEvent.instance_id == instance_id, InstanceEvent.kind == "task_completed")
        .order_by(InstanceEvent.id))
    return {e.task_name: (e.data or {}, e.at) for e in rows}


def _category(register: dict) -> str:
    source = SOURCES.get(register.get("source"), "")
    kind = IOT_TYPES.get(register.get("iot_type")) if register.get("source") == "iot" else None
    return f"{source}／{kind}" if kind else source


def _completion(instance: ProcessInstance, check: tuple[dict, datetime] | None
                ) -> tuple[str, datetime | None]:
    if instance.status == "cancelled":
        return "已撤销", instance.ended_at
    if check is None:
        return "待核查", None
    if check[0].get("opinion_type") != "order":
        return "已办结", check[1]
    order = db.session.scalar(select(RectificationOrder).where(
        RectificationOrder.source_instance_id == instance.id).order_by(RectificationOrder.id))
    if order is not None and order.status == "closed":
        return "整改完成", order.closed_at
    return "整改中", None


def list_clues(actor: Actor, *, status: str | None = None) -> list[ClueRow]:
    """Clues on projects the official can see, newest first; `status` filters on the
    completion status text. Raises PermissionDeniedError(`clue_list_denied`) for non-officials."""
    if not (actor.is_admin or actor.jurisdiction_paths):
        raise PermissionDeniedError("只有监管人员可以查看线索跟踪。", code="clue_list_denied")
    rows = db.session.execute(
        select(ProcessInstance, Project, OrgUnit).join(Project, ProcessInstance.project_id == Project.id)
        .join(OrgUnit, Project.district_id == OrgUnit.id)
        .where(ProcessInstance.process_key == "clue_assignment", project_filter(actor))
        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc()))
    out = []
    for instance, project, district in rows:
        answers = _answers(instance.id)
        register = answers.get("register_clue", ({}, instance.started_at))[0]
        check = answers.get("check_clue")
        done, at = _completion(instance, check)
        answer = check[0] if check else {}
        out.append(ClueRow(
            instance.id, project.code, project.name, _category(register), district.name,
            answer.get("check_result"), OPINIONS.get(answer.get("opinion_type")),
            answer.get("responsible_unit"), done, at, instance.started_at))
    return [r for r in out if status is None or r.completion_status == status]

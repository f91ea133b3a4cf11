"""Helpers shared by the orders-family process tests: users, inbox look-ups, uploads."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import InboxTask, ProcessInstance, TaskComment, User
from app.services.access.actors import Actor
from app.services.casework import attachment_uploads
from app.services.workflow import cases, inbox_queries
from tests.support.processes import Upload, deploy_only

FAMILY = ("rectification_order", "supervision_urging", "clue_assignment", "site_check",
          "hazard_self_check", "supervision_inspection", "health_check_rectification")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def deploy_family(keys: tuple[str, ...] = FAMILY) -> None:
    """Deploy our diagrams with their forms only (other families may be mid-edit)."""
    deploy_only(keys)


def user_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def tasks_of(who: Actor, process_key: str | None = None) -> list[InboxTask]:
    db.session.expire_all()
    return list(inbox_queries.list_tasks(who, inbox_queries.InboxFilter(process_key=process_key, limit=200)).items)


def task(who: Actor, instance_id: int, task_name: str) -> InboxTask:
    """The open task of this case in the user's inbox (fails when he does not see it)."""
    rows = [r for r in tasks_of(who) if r.instance_id == instance_id and r.task_name == task_name]
    assert rows, f"{who.username} has no {task_name} of case {instance_id}: " \
                 f"{[(r.instance_id, r.task_name) for r in tasks_of(who)]}"
    return rows[0]


def has_task(who: Actor, instance_id: int, task_name: str) -> bool:
    return any(r.instance_id == instance_id and r.task_name == task_name for r in tasks_of(who))


def complete(who: Actor, instance_id: int, task_name: str, data: dict[str, Any]):
    return cases.complete_task(who, task(who, instance_id, task_name).id, data)


def upload(who: Actor, instance_id: int, task_name: str, name: str = "photo.png") -> int:
    return attachment_uploads.attach_to_task(who, task(who, instance_id, task_name).id, Upload(name, PNG + name.encode())).id


def status(instance_id: int) -> str:
    db.session.expire_all()
    return db.session.get(ProcessInstance, instance_id).status


def comments(instance_id: int) -> list[str]:
    return list(db.session.scalars(select(TaskComment.body).where(
        TaskComment.instance_id == instance_id).order_by(TaskComment.id)))


def children(instance_id: int, process_key: str) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.parent_instance_id == instance_id,
        ProcessInstance.process_key == process_key).order_by(ProcessInstance.id)))

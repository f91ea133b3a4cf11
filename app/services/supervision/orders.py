"""Rectification orders and urging items opened by other cases (开单 / 自动督办).

Contract for other chains (alarm disposal, inspections, clues, site checks, health checks):
put a service task with the operator `open_rectification_order` in the diagram. It starts a
separate `rectification_order` case on the calling case's project and returns
{"rectification_order_instance_id": id}. Parameters (sandboxed expressions):

    order_type   'deadline' | 'partial_stop' | 'full_stop'        (default 'deadline')
    problems     [{description, location, photos: [attachment ids of the calling case],
                   clauses: [clause codes of the clause library]}]  (required, ≥1)
    deadline     ISO date                          (default: today + deadline_days)
    deadline_days int                              (default ORDER_DEFAULT_DEADLINE_DAYS, 7)
    inspection_date ISO date                        (default: today, the day the source opens the order)
    requirements, stop_scope  text                 (optional)
    files        [attachment ids of the calling case]   (optional)
    source_kind  'alarm' | 'inspection' | 'clue' | 'site_check' | 'health_check' | …
    child_process  the process key of the order case (default 'rectification_order'): the
                 diagram names its child chain, a string literal checked at deploy
    issue_now    bool (default True): the official completing the calling task is the issuer,
                 the notice is printed at once and the audit is bound to him; False (or a
                 system actor, e.g. a timer) opens the order at its issue form for a district
                 official of the project.

Photos and files are copied onto the new case (same stored blob), so the order keeps them.
Python callers use `open_order(actor, source, params)` inside their own transaction.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app import engine, settings
from app.errors import ValidationError
from app.extensions import db
from app.infra import wallclock
from app.models import Attachment, ProcessInstance, Project, RectificationOrder
from app.models.orders import ORDER_TYPES
from app.services.access.actors import Actor
from app.services.definitions import deployments
from app.services.definitions.operator_registry import child_process
from app.services.workflow import timeline

ORDER_PROCESS = "rectification_order"


def start_child_case(actor: Actor, process_key: str, source: ProcessInstance | None,
                     project: Project | None, data: dict[str, Any], *, title: str,
                     subject_type: str | None = None, subject_id: int | None = None) -> int:
    """Start `process_key` inside the caller's transaction, linked to `source` as its parent."""
    from app.services.workflow import case_steps as rt

    definition = deployments.require_latest(process_key)
    scope = _scope(actor, source) if project is None else None
    return rt.start_instance(
        actor, definition, project, lambda spec, host, now: engine.start(spec, data, host=host,
                                                                         now=now),
        {"action": "start", "data": data}, title=title[:200], scope_path=scope,
        parent_instance_id=source.id if source is not None else None,
        subject_type=subject_type, subject_id=subject_id)


def _copy_attachments(ids: Any, source: ProcessInstance, target_id: int) -> list[int]:
    """Copy the calling case's attachments onto the new case; unknown ids are dropped."""
    if not isinstance(ids, list) or not ids:
        return []
    rows = db.session.scalars(select(Attachment).where(
        Attachment.id.in_([i for i in ids if isinstance(i, int)]),
        Attachment.instance_id == source.id).order_by(Attachment.id))
    copies = []
    for row in rows:
        copy = Attachment(instance_id=target_id, sha256=row.sha256, filename=row.filename,
                          content_type=row.content_type, size=row.size,
                          uploaded_by_id=row.uploaded_by_id, uploaded_at=row.uploaded_at)
        db.session.add(copy)
        copies.append(copy)
    db.session.flush()
    return [c.id for c in copies]


# What a notice states when the source chain names no requirements of its own.
DEFAULT_REQUIREMENTS = "对上述安全隐患立即整改，整改完成后书面回复。"


def _scope(actor: Actor, source: ProcessInstance | None) -> str | None:
    from app.services.workflow.case_steps import scope_path
    return scope_path(source) if source is not None else (actor.jurisdiction_paths or (None,))[0]


def _order_data(actor: Actor, source: ProcessInstance, params: dict[str, Any]) -> dict[str, Any]:
    order_type = params.get("order_type") or "deadline"
    problems = params.get("problems")
    if order_type not in ORDER_TYPES:
        raise ValidationError(fields={"order_type": ["请选择有效的整改类型。"]})
    if not isinstance(problems, list) or not problems:
        raise ValidationError(fields={"problems": ["至少需要一个整改问题。"]})
    days = int(params.get("deadline_days") or settings.current().order_deadline_days)
    deadline = params.get("deadline") or (wallclock.local_today() + timedelta(days=days)).isoformat()
    issue_now = params.get("issue_now", True) is not False and actor.user_id is not None
    return {
        "order_type": order_type, "deadline": str(deadline),
        # the day the problems were found (the source's inspection, else the day it opens the order)
        "inspection_date": str(params.get("inspection_date") or wallclock.local_today().isoformat()),
        "problems": [dict(p) for p in problems if isinstance(p, dict)],
        "requirements": str(params.get("requirements") or DEFAULT_REQUIREMENTS),
        "stop_scope": str(params.get("stop_scope") or ""),
        "source_kind": str(params.get("source_kind") or source.process_key),
        "source_instance_id": source.id, "order_ready": issue_now,
        "issuer_user_id": actor.user_id if issue_now else None,
    }


def open_order(actor: Actor, source: ProcessInstance, params: dict[str, Any]) -> int:
    """Open a rectification_order case for the project of `source` (see the module contract).

    Raises ValidationError (order_type, problems), NotFoundError(`process_not_deployed`).
    """
    data = _order_data(actor, source, params)
    data["files"] = params.get("files") or []
    data["copy_attachments_from"] = source.id  # register_rectification_order copies them
    project = db.session.get(Project, source.project_id) if source.project_id else None
    label = ORDER_TYPES[data["order_type"]]
    instance_id = start_child_case(actor, child_process(params, ORDER_PROCESS), source, project, data,
                                   title=f"{label}：{project.name if project else ''}")
    timeline.record(source.id, actor, "order_opened",
                    data={"rectification_order_instance_id": instance_id,
                          "order_type": data["order_type"]})
    return instance_id


def copy_case_attachments(problems: list[dict[str, Any]], files: Any, source_id: int,
                          target_id: int) -> tuple[list[dict[str, Any]], list[int]]:
    """Copy the photos of each problem and the files from case `source_id` onto `target_id`."""
    source = db.session.get(ProcessInstance, source_id)
    if source is None:
        return problems, []
    copied = [{**p, "photos": _copy_attachments(p.get("photos"), source, target_id)}
              for p in problems]
    return copied, _copy_attachments(files, source, target_id)


def order_of(instance_id: int) -> RectificationOrder | None:
    return db.session.scalar(select(RectificationOrder).where(
        RectificationOrder.instance_id == instance_id))

"""Cases of a hazardous work: start one for a work, the work's case file."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, IssuedDocument, ProcessInstance
from app.services.access.actors import Actor
from app.services.definitions.deployments import require_latest
from app.services.hazard import works
from app.services.workflow import cases


def start_work_case(actor: Actor, process_key: str, work_id: int, data: dict[str, Any] | None = None) -> int:
    """Start `process_key` for hazardous work `work_id` (project, subject, title from the work).

    Raises what `start_rules.check_can_start` raises (`hazardous_work_not_found`, `work_terminated`,
    `work_status_invalid`, `case_start_role`, `case_already_open`) and what `cases.start_case` raises.
    """
    work = works.get_work(actor, work_id)  # start_case checks the start rules, under its lock
    title = f"{require_latest(process_key).title}：{work.name}"
    return cases.start_case(actor, process_key, project_code=work.project.code, subject_type="hazardous_work",
                            subject_id=work.id, data=data or {}, title=title[:200],
                            business_key=f"{work.project.code}/{work.code}")


def work_file(actor: Actor, work_id: int) -> dict[str, Any]:
    """The case file of a hazardous work: its status and every case (open and closed) with its
    history, issued notices and attachments. Raises NotFoundError(`hazardous_work_not_found`)."""
    work = works.get_work(actor, work_id)
    instances = db.session.scalars(select(ProcessInstance).where(
        ProcessInstance.subject_type == "hazardous_work", ProcessInstance.subject_id == work.id)
        .order_by(ProcessInstance.started_at, ProcessInstance.id))
    return {"work": {"id": work.id, "code": work.code, "name": work.name, "status": work.status,
                     "super_scale": work.super_scale, "project_code": work.project.code},
            "cases": [_case_entry(actor, i) for i in instances]}


def _case_entry(actor: Actor, instance: ProcessInstance) -> dict[str, Any]:
    files = db.session.scalars(select(Attachment).where(Attachment.instance_id == instance.id)
                               .order_by(Attachment.id))
    documents = db.session.scalars(select(IssuedDocument).where(IssuedDocument.instance_id == instance.id)
                                   .order_by(IssuedDocument.id))
    return {"id": instance.id, "process_key": instance.process_key, "title": instance.title,
            "status": instance.status, "started_at": instance.started_at, "ended_at": instance.ended_at,
            "history": cases.case_history(actor, instance.id),
            "documents": [{"id": d.id, "template": d.template, "number": d.number, "status": d.status}
                          for d in documents],
            "attachments": [{"id": a.id, "filename": a.filename, "content_type": a.content_type}
                            for a in files]}

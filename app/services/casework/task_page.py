"""The task page in one read: the task with its form, the case context, its timeline and diagram,
and who else could take it (for reassignment)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import HazardousWork, InboxTask, OrgUnit, RoleGrant, User
from app.roles import AUTHORITY_ROLES
from app.services.access.actors import Actor
from app.services.casework import case_files, task_reads
from app.services.notices import reading
from app.services.workflow import case_steps as rt
from app.services.workflow import cases


def candidate_users(row: InboxTask) -> list[User]:
    """Users holding the task's role where the task lives (its project, or above its district)."""
    stmt = select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
        RoleGrant.role_code == row.role, User.is_active.is_(True))
    if row.role in AUTHORITY_ROLES:
        units = [u.id for u in db.session.scalars(select(OrgUnit)) if row.district_path
                 and row.district_path.startswith(u.path or "\0")]
        stmt = stmt.where(RoleGrant.org_unit_id.in_(units))
    else:
        stmt = stmt.where(RoleGrant.project_id == row.project_id)
    if row.candidate_user_id:
        stmt = stmt.where(User.id == row.candidate_user_id)
    return list(db.session.scalars(stmt.distinct().order_by(User.username)))


def _subject(instance_subject: dict[str, Any]) -> dict[str, Any] | None:
    if instance_subject.get("type") == "hazardous_work" and instance_subject.get("id"):
        work = db.session.get(HazardousWork, instance_subject["id"])
        if work is not None:
            return {"type": "hazardous_work", "id": work.id, "code": work.code, "name": work.name,
                    "category": work.category.name_zh, "super_scale": work.super_scale,
                    "status": work.status, "parameters": work.parameters or {}}
    return None


def task_page(actor: Actor, task_id: int, english: bool = False) -> dict[str, Any]:
    """Everything the task page shows (`english`: its task words in English, task_words).
    Raises NotFoundError (`task_not_found`) when invisible."""
    detail = task_reads.task_detail(actor, task_id, with_values=True, english=english)
    row: InboxTask = detail["task"]
    instance_id = detail["case"]["id"]
    return {
        **detail,
        "subject": _subject(detail["case"]["subject"]),
        "history": cases.case_history(actor, instance_id),
        "diagram": case_files.instance_diagram(actor, instance_id),
        "documents": reading.instance_documents(actor, instance_id),
        "can_work": row.status == "open" and rt.is_candidate(actor, row),
        "can_manage": row.status == "open" and rt.can_manage(actor, row.instance),
        "candidates": candidate_users(row) if row.status == "open" and rt.can_manage(actor, row.instance) else [],
    }

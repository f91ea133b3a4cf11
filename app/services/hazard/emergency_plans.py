"""Emergency plans (应急预案) of a hazardous work: the project's contractor PM adds them with
the plan file; whoever may see the work (its project's people, officials in jurisdiction) reads.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import ConflictError, NotFoundError
from app.extensions import db
from app.infra.uow import transaction
from app.models import EmergencyPlan
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.casework import attachment_uploads
from app.services.casework.attachment_uploads import UploadedFile
from app.services.hazard import works

# A plan is a document: PDF, Word (doc/docx), or a scan as an image; no videos.
PLAN_FILE_TYPES = frozenset({"application/pdf", "application/msword", "application/zip",
                             "image/png", "image/jpeg"})
PLAN_FIELDS = ("category", "pre_review_date", "filing_number", "remarks")


def add_plan(actor: Actor, work_id: int, data: dict[str, Any], upload: UploadedFile | None) -> int:
    """Record a plan with its file for a work of the actor's project; returns the plan id.

    Raises NotFoundError (`hazardous_work_not_found`: not visible), PermissionDeniedError
    (`project_role_required`: not the project's contractor PM), ConflictError (`work_terminated`),
    ValidationError (`file_missing`, `file_too_large`, `file_type_not_allowed`).
    """
    file = attachment_uploads.check_upload(upload, PLAN_FILE_TYPES)
    with transaction(actor):
        work = works.get_work(actor, work_id)
        require_project_role(actor, work.project, "contractor_pm")
        if work.status == "terminated":
            raise ConflictError("危大工程已终止，不能再添加应急预案。", code="work_terminated")
        attachment_uploads.store_file(file.data, file.sha256)
        plan = EmergencyPlan(work_id=work.id, file_sha256=file.sha256, filename=file.filename,
                             content_type=file.content_type, size=len(file.data),
                             created_by_id=actor.user_id,
                             **{k: data.get(k) for k in PLAN_FIELDS})
        db.session.add(plan)
        db.session.flush()
    return plan.id


def list_plans(actor: Actor, work_id: int) -> list[EmergencyPlan]:
    """The plans of a visible work, newest first. Raises NotFoundError."""
    work = works.get_work(actor, work_id)
    return list(db.session.scalars(select(EmergencyPlan).where(EmergencyPlan.work_id == work.id)
                                   .order_by(EmergencyPlan.created_at.desc(), EmergencyPlan.id.desc())))


def get_plan(actor: Actor, plan_id: int) -> EmergencyPlan:
    """One plan of a visible work. Raises NotFoundError (`emergency_plan_not_found`)."""
    work_id = db.session.scalar(select(EmergencyPlan.work_id).where(EmergencyPlan.id == plan_id))
    try:
        works.get_work(actor, work_id if work_id is not None else -1)
    except NotFoundError:
        raise NotFoundError("没有找到该应急预案。", code="emergency_plan_not_found") from None
    return db.session.get(EmergencyPlan, plan_id)

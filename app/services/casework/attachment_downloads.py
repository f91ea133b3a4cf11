"""Opening a stored attachment: whoever may see the case may download its files.

Every download is audited like a write (who, which file, when, from where).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app import settings
from app.errors import NotFoundError
from app.extensions import db
from app.infra import audit_trail
from app.models import Attachment, ProcessInstance
from app.services.access.actors import Actor
from app.services.workflow import case_steps


@dataclass(frozen=True)
class StoredFile:
    path: Path
    filename: str
    content_type: str
    sha256: str


def open_attachment(actor: Actor, attachment_id: int) -> StoredFile:
    """The file of an attachment of a case the actor may see.

    Raises NotFoundError(`attachment_not_found`) for unknown ids and for cases out of scope,
    NotFoundError(`attachment_file_missing`) when the stored file is gone.
    """
    attachment = db.session.get(Attachment, attachment_id)
    instance = db.session.get(ProcessInstance, attachment.instance_id) if attachment else None
    if instance is None or not case_steps.can_see_instance(actor, instance):
        raise NotFoundError("没有找到该附件。", code="attachment_not_found")
    stored = stored_file(attachment.sha256, attachment.filename, attachment.content_type)
    audit_trail.record_download(actor, Attachment.__tablename__, attachment.id, attachment.filename)
    return stored


def open_plan_file(actor: Actor, plan_id: int) -> StoredFile:
    """The file of an emergency plan of a work the actor may see (NotFoundError otherwise)."""
    from app.services.hazard import emergency_plans

    plan = emergency_plans.get_plan(actor, plan_id)
    stored = stored_file(plan.file_sha256, plan.filename, plan.content_type)
    audit_trail.record_download(actor, "emergency_plan", plan.id, plan.filename)
    return stored


def stored_file(sha256: str, filename: str, content_type: str) -> StoredFile:
    """Content-addressed files live under FILES_DIR/<first two hex>/<sha256>."""
    path = settings.current().files_dir / sha256[:2] / sha256
    if not path.is_file():
        raise NotFoundError("文件缺失。", code="attachment_file_missing")
    return StoredFile(path, filename, content_type, sha256)

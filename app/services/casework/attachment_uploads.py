"""Task attachments: type checked by content (not by name, app/infra/uploads.py), size-limited,
stored once by sha256."""
from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.infra import file_store
from app.infra.uow import transaction
from app.infra.uploads import MAX_UPLOAD_BYTES, CheckedUpload, UploadedFile, check_upload, sniff
from app.models import Attachment
from app.services.access.actors import Actor
from app.services.casework.task_reads import workable_task

__all__ = ["CheckedUpload", "UploadedFile", "check_upload", "sniff", "attach_to_task", "store_file"]

MAX_ATTACHMENT_BYTES = MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class StoredAttachment:
    id: int
    sha256: str
    filename: str
    content_type: str
    size: int


def store_file(data: bytes, digest: str) -> None:
    """Write `data` under FILES_DIR by its sha256 (the same content is written once)."""
    file_store.store(data, digest)


def attach_to_task(actor: Actor, task_id: int, upload: UploadedFile | None) -> StoredAttachment:
    """Store a file for an open task the actor may work on.

    Raises NotFoundError / PermissionDeniedError (the task), ValidationError with code
    `file_missing`, `file_too_large` or `file_type_not_allowed`.
    """
    file = check_upload(upload)
    with transaction(actor):
        row = workable_task(actor, task_id)
        store_file(file.data, file.sha256)
        attachment = Attachment(instance_id=row.instance_id, inbox_task_id=row.id, sha256=file.sha256,
                                filename=file.filename, content_type=file.content_type,
                                size=len(file.data), uploaded_by_id=actor.user_id)
        db.session.add(attachment)
        db.session.flush()
    return StoredAttachment(attachment.id, file.sha256, file.filename, file.content_type, len(file.data))

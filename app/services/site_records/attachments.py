"""Files attached to supervision logs and side-station records (site photos, scans): the writer
attaches them while the record is not yet approved; they are checked by content (an allow-list
of PDF and images, app/infra/uploads.py), bounded in size and number, stored in the
content-addressed file store (so backups carry them), listed on the record and named on its
printed copy; anyone who sees the project downloads them, every download audited."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import settings
from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra import audit_trail, file_store
from app.infra.uow import transaction
from app.infra.uploads import UploadedFile, check_upload
from app.models import SupervisionRecordFile
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.site_records.records import WRITERS, file_dict, visible_record

KINDS = ("log", "side_station")
ALLOWED = frozenset({"application/pdf", "image/png", "image/jpeg", "image/webp", "image/heic"})
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 20


@dataclass(frozen=True)
class RecordFile:
    path: Path
    filename: str
    content_type: str
    sha256: str


def attach_file(actor: Actor, record_id: int, upload: UploadedFile | None) -> dict[str, Any]:
    """Attach a file to the actor's own log or side-station record that is not approved yet;
    returns the file's row. Raises NotFoundError (record), PermissionDeniedError
    (`project_role_required`, `record_author_only`), ConflictError (`record_reviewed`,
    `record_files_full`), ValidationError (`record_files_not_allowed`, `file_missing`,
    `file_too_large`, `file_type_not_allowed`)."""
    with transaction(actor):
        record = visible_record(actor, record_id)
        require_project_role(actor, record.project, *WRITERS)
        if record.author != actor.username:
            raise PermissionDeniedError("只有记录人可以添加附件。", code="record_author_only")
        if record.kind not in KINDS:
            raise ValidationError("只有监理日志和旁站记录可以添加附件。", code="record_files_not_allowed",
                                  fields={"file": ["该记录不能添加附件。"]})
        if record.status == "approved":
            raise ConflictError("记录已审核通过，不能再添加附件。", code="record_reviewed")
        if len(record.files) >= MAX_FILES:
            raise ConflictError("每份记录最多 20 个附件。", code="record_files_full")
        file = check_upload(upload, ALLOWED, MAX_FILE_BYTES)  # who and what first, then the bytes
        file_store.store(file.data, file.sha256)
        row = SupervisionRecordFile(record_id=record.id, sha256=file.sha256, filename=file.filename,
                                    content_type=file.content_type, size=len(file.data), uploaded_by=actor.username)
        db.session.add(row)
        db.session.flush()
        return file_dict(row)


def open_file(actor: Actor, record_id: int, file_id: int) -> RecordFile:
    """The stored file of a record the actor may see. Raises NotFoundError
    (`supervision_record_not_found`, `record_file_not_found`, `attachment_file_missing`)."""
    record = visible_record(actor, record_id)
    row = db.session.scalar(select(SupervisionRecordFile).where(
        SupervisionRecordFile.id == file_id, SupervisionRecordFile.record_id == record.id))
    if row is None:
        raise NotFoundError("没有找到该附件。", code="record_file_not_found")
    path = settings.current().files_dir / file_store.relative_path(row.sha256)
    if not path.is_file():
        raise NotFoundError("文件缺失。", code="attachment_file_missing")
    audit_trail.record_download(actor, SupervisionRecordFile.__tablename__, row.id, row.filename)
    return RecordFile(path, row.filename, row.content_type, row.sha256)

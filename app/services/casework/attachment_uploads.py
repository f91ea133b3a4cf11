"""Task attachments: type checked by content (not by name), size-limited, stored once by sha256."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol

from app.errors import ValidationError
from app.extensions import db
from app.infra import file_store
from app.infra.uow import transaction
from app.models import Attachment
from app.services.access.actors import Actor
from app.services.casework.task_reads import workable_task

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# (signature at offset 0, content type); checked against the bytes, never the client's word.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),  # also docx/xlsx
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),  # doc/xls
]


class UploadedFile(Protocol):
    filename: str | None

    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class StoredAttachment:
    id: int
    sha256: str
    filename: str
    content_type: str
    size: int


def sniff(data: bytes) -> str | None:
    """The content type recognised from the first bytes, or None when not allowed."""
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        return "image/heic" if brand in (b"heic", b"heix", b"mif1") else "video/mp4"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    sha256: str
    filename: str
    content_type: str


def check_upload(upload: UploadedFile | None, allowed: frozenset[str] | None = None) -> CheckedUpload:
    """Read an upload and check it by content: present, at most 20 MB, a recognised type (and
    one of `allowed` content types, if given).

    Raises ValidationError with code `file_missing`, `file_too_large` or `file_type_not_allowed`.
    """
    if upload is None:
        raise ValidationError("请选择要上传的文件。", code="file_missing", fields={"file": ["必须上传文件。"]})
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError("文件超过 20 MB。", code="file_too_large", fields={"file": ["文件超过 20 MB。"]})
    kind = sniff(data)
    if kind is None or (allowed is not None and kind not in allowed):
        raise ValidationError("只接受图片、视频、PDF 和 Office 文件。" if allowed is None else
                              "文件类型不允许。", code="file_type_not_allowed",
                              fields={"file": ["文件类型不允许。"]})
    name = PurePosixPath(upload.filename or "file").name[:255] or "file"
    return CheckedUpload(data, hashlib.sha256(data).hexdigest(), name, kind)


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

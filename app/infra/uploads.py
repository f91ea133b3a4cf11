"""Uploaded files checked by content, never by the client's name or content type: present,
bounded in size, of a recognised (and allowed) type, with a plain file name (no path)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol

from app.errors import ValidationError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The refusal of a file over its bound, said with the bound (constant texts: the catalogue has their English).
TOO_LARGE = {MAX_UPLOAD_BYTES: "文件超过 20 MB。", 10 * 1024 * 1024: "文件超过 10 MB。"}
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
class CheckedUpload:
    data: bytes
    sha256: str
    filename: str
    content_type: str


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


def plain_name(filename: str | None) -> str:
    """The last part of a client's file name (no directories, either slash), at most 255 chars."""
    name = PurePosixPath((filename or "file").replace("\\", "/")).name.strip()
    return name[:255] if name not in ("", ".", "..") else "file"


def check_upload(upload: UploadedFile | None, allowed: frozenset[str] | None = None,
                 max_bytes: int = MAX_UPLOAD_BYTES) -> CheckedUpload:
    """Read an upload and check it by content: present, at most `max_bytes`, a recognised type
    (and one of `allowed` content types, if given).

    Raises ValidationError with code `file_missing`, `file_too_large` or `file_type_not_allowed`.
    """
    if upload is None:
        raise ValidationError("请选择要上传的文件。", code="file_missing", fields={"file": ["必须上传文件。"]})
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        message = TOO_LARGE.get(max_bytes, "文件超过大小限制。")
        raise ValidationError(message, code="file_too_large", fields={"file": [message]})
    kind = sniff(data)
    if kind is None or (allowed is not None and kind not in allowed):
        raise ValidationError("只接受图片、视频、PDF 和 Office 文件。" if allowed is None else
                              "文件类型不允许。", code="file_type_not_allowed",
                              fields={"file": ["文件类型不允许。"]})
    return CheckedUpload(data, hashlib.sha256(data).hexdigest(), plain_name(upload.filename), kind)

"""The content-addressed file store under FILES_DIR: uploads and rendered PDFs, by sha256."""
from __future__ import annotations

import secrets

from app import settings


def relative_path(digest: str) -> str:
    return f"{digest[:2]}/{digest}"


def store(data: bytes, digest: str) -> str:
    """Write `data` once under FILES_DIR by its sha256; returns its path relative to FILES_DIR."""
    relative = relative_path(digest)
    path = settings.current().files_dir / relative
    if not path.exists():  # content-addressed: the same content is written once
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{digest}.{secrets.token_hex(4)}.part")  # writers never share it
        tmp.write_bytes(data)
        tmp.replace(path)
    return relative


def read(digest: str) -> bytes | None:
    """The stored bytes of `digest`, or None when the file is not (or no longer) there."""
    path = settings.current().files_dir / relative_path(digest)
    return path.read_bytes() if path.is_file() else None

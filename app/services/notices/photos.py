"""The photos of a notice's annex page: the snapshot keeps attachment ids, the render shows the images.

Why at render time: the snapshot is stored as JSON with the notice; the images are already in the
content-addressed store, so the snapshot names them and the render (once per notice) embeds them.
"""
from __future__ import annotations

import base64
from typing import Any

from app.extensions import db
from app.infra import file_store
from app.models import Attachment

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def with_images(context: dict[str, Any], instance_id: int | None) -> dict[str, Any]:
    """`context` with a data URI (`src`) on each annex photo of the notice's own case whose image is stored."""
    annex = context.get("photo_annex")
    if not isinstance(annex, list) or not annex:
        return context
    return {**context, "photo_annex": [{**entry, "src": _data_uri(entry.get("attachment_id"), instance_id)}
                                       for entry in annex if isinstance(entry, dict)]}


def _data_uri(attachment_id: Any, instance_id: int | None) -> str | None:
    attachment = db.session.get(Attachment, attachment_id) if isinstance(attachment_id, int) else None
    if attachment is None or attachment.instance_id != instance_id or attachment.content_type not in IMAGE_TYPES:
        return None
    data = file_store.read(attachment.sha256)
    return f"data:{attachment.content_type};base64,{base64.b64encode(data).decode()}" if data else None

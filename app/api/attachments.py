"""GET /api/v1/attachments/{id}: download a case's file (scoped like the case)."""
from __future__ import annotations

from flask import send_file

from app.api import bp
from app.api.auth import api_actor
from app.services import attachment_files


@bp.get("/attachments/<int:attachment_id>")
def download_attachment(attachment_id: int):
    """The stored file of an attachment, with its original name."""
    stored = attachment_files.open_attachment(api_actor(), attachment_id)
    response = send_file(stored.path, mimetype=stored.content_type, download_name=stored.filename,
                         as_attachment=False, etag=stored.sha256)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

"""GET /api/v1/attachments/{id}: download a case's file (scoped like the case)."""
from __future__ import annotations

from flask import send_file

from app.api import bp
from app.api.auth import api_actor
from app.api.openapi import doc
from app.services.casework import attachment_downloads
from app.services.site_records import attachments


@bp.get("/attachments/<int:attachment_id>")
@doc(file="*/*")
def download_attachment(attachment_id: int):
    """The stored file of an attachment, with its original name."""
    return send_stored(attachment_downloads.open_attachment(api_actor(), attachment_id))


@bp.get("/emergency-plans/<int:plan_id>/file")
@doc(file="*/*")
def download_plan_file(plan_id: int):
    """The stored file of an emergency plan (scoped like its hazardous work)."""
    return send_stored(attachment_downloads.open_plan_file(api_actor(), plan_id))


def send_stored(stored: attachment_downloads.StoredFile | attachments.RecordFile):
    """A stored file inline with its original name (its type was read from its bytes)."""
    response = send_file(stored.path, mimetype=stored.content_type, download_name=stored.filename,
                         as_attachment=False, etag=stored.sha256)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

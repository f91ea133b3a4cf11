"""Rendering issued notices (sent through the outbox after the issuing commit)."""
from app.extensions import celery


@celery.task(name="notices.render")
def render(document_id: int) -> str:
    """Render notice `document_id` once; a second call is a no-op. Returns its status."""
    from app.services.notices.issuing import render_document

    return render_document(document_id)

"""A rendered notice as a Word document (seed 001: Word/WPS export): the same template and the
same frozen context as its PDF, laid out by Word (app/rendering/word.py). Made on request, not
stored: the PDF (with its sha256 on the verification page) stays the record."""
from __future__ import annotations

from dataclasses import dataclass

from app.errors import ConflictError
from app.infra import audit_trail
from app.models import IssuedDocument
from app.rendering import render_html
from app.rendering.word import html_to_docx
from app.services.access.actors import Actor
from app.services.notices import photos
from app.services.notices.reading import visible_document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class WordCopy:
    content: bytes
    download_name: str


def document_docx(actor: Actor, document_id: int) -> WordCopy:
    """The Word copy of a rendered notice the actor may see; the download is audited.

    Raises NotFoundError(`document_not_found`), ConflictError(`document_not_rendered`).
    """
    document = visible_document(actor, document_id)
    if document.status != "rendered":
        raise ConflictError("文书尚未生成。", code="document_not_rendered")
    context = photos.with_images(dict(document.context or {}), document.instance_id)
    content = html_to_docx(render_html(document.template, context), document.number)
    copy = WordCopy(content, f"{document.number}.docx")
    audit_trail.record_download(actor, IssuedDocument.__tablename__, document.id, copy.download_name)
    return copy

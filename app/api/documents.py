"""Issued notices: metadata, the PDF, the lists of a case and a project, and the preview."""
from __future__ import annotations

from io import BytesIO

from flask import request, send_file

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.documents import DocumentSchema, PreviewRequestSchema, PreviewSchema
from app.services.notices import issuing, preview, reading, word_copy


@bp.get("/documents/<int:document_id>")
@doc(response=DocumentSchema)
def get_document(document_id: int):
    """Metadata of an issued notice (scoped like its case)."""
    return ok(DocumentSchema().dump(reading.get_document(api_actor(), document_id)))


@bp.get("/documents/<int:document_id>/pdf")
@doc(file="application/pdf")
def get_document_pdf(document_id: int):
    """The stored PDF of a rendered notice (application/pdf)."""
    stored = reading.document_pdf(api_actor(), document_id)
    response = send_file(stored.path, mimetype="application/pdf", download_name=stored.download_name,
                         etag=stored.sha256)
    response.headers["Cache-Control"] = "private, max-age=3600"  # scoped: no shared caches
    return response


@bp.get("/documents/<int:document_id>/docx")
@doc(file=word_copy.DOCX)
def get_document_docx(document_id: int):
    """The rendered notice as a Word document (.docx), with the same content as its PDF."""
    copy = word_copy.document_docx(api_actor(), document_id)
    response = send_file(BytesIO(copy.content), mimetype=word_copy.DOCX, as_attachment=True,
                         download_name=copy.download_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/documents/<int:document_id>/render")
@doc(response=DocumentSchema, status=202, no_body=True)
def retry_document_render(document_id: int):
    """Queue the render of a failed notice again (officials managing its case)."""
    return ok(DocumentSchema().dump(issuing.retry_render(api_actor(), document_id)), status=202)


@bp.get("/process-instances/<int:instance_id>/documents")
@doc(response=DocumentSchema, many=True)
def list_case_documents(instance_id: int):
    """Notices issued in a case."""
    rows = reading.instance_documents(api_actor(), instance_id)
    return ok(DocumentSchema(many=True).dump(rows), {"total": len(rows)})


@bp.get("/projects/<code>/documents")
@doc(response=DocumentSchema, many=True)
def list_project_documents(code: str):
    """Notices issued for a project."""
    rows = reading.project_documents(api_actor(), code)
    return ok(DocumentSchema(many=True).dump(rows), {"total": len(rows)})


@bp.post("/documents/preview")
@doc(body=PreviewRequestSchema, response=PreviewSchema)
def preview_document():
    """HTML preview of a notice before it is issued (officials)."""
    body = PreviewRequestSchema().load(request.get_json(silent=True) or {})
    template = body.pop("template")
    return ok(PreviewSchema().dump(preview.preview_notice(api_actor(), template, **body)))

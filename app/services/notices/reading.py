"""Reading issued notices: metadata, the stored PDF, the lists in case and project files.

Scope: a notice is visible to whoever may see its case (or, without a case, its project);
anything else is reported as not found. The public verification view shows only what the
paper itself shows in its masthead: number, type, issuer, date — plus the sha256.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import settings
from app.domain import vocabulary
from app.errors import ConflictError, NotFoundError
from app.extensions import db
from app.infra import audit_trail
from app.models import IssuedDocument, OrgUnit, Project
from app.rendering import TEMPLATES
from app.roles import CASE_MANAGER_ROLES
from app.services.access.actors import Actor
from app.services.access.scoping import project_filter, visible_project
from app.services.notices import numbers as nn
from app.services.workflow import case_steps as rt

STATUS_LABELS = vocabulary.labels("notice_status")


@dataclass(frozen=True)
class StoredPdf:
    path: Path
    download_name: str
    sha256: str


def _can_see(actor: Actor, document: IssuedDocument) -> bool:
    if actor.is_admin:
        return True
    if document.instance_id is not None and rt.can_see_instance(actor, document.instance):
        return True
    if document.project_id is not None:
        return db.session.scalar(select(Project.id).where(
            Project.id == document.project_id, project_filter(actor))) is not None
    unit = db.session.get(OrgUnit, document.org_unit_id)
    return rt.covers(actor, unit.path if unit else None)


def visible_document(actor: Actor, document_id: int) -> IssuedDocument:
    """Raises NotFoundError(`document_not_found`) for unknown or invisible notices."""
    document = db.session.get(IssuedDocument, document_id)
    if document is None or not _can_see(actor, document):
        raise NotFoundError("没有找到该文书。", code="document_not_found")
    return document


def can_manage_document(actor: Actor, document: IssuedDocument) -> bool:
    """Officials with jurisdiction over the notice's case or project (and admins)."""
    if document.instance_id is not None:
        return rt.can_manage(actor, document.instance)
    project = db.session.get(Project, document.project_id) if document.project_id else None
    unit = db.session.get(OrgUnit, project.district_id if project else document.org_unit_id)
    return actor.is_admin or rt.covers(actor, unit.path if unit else None, roles=CASE_MANAGER_ROLES)


def document_dict(document: IssuedDocument) -> dict[str, Any]:
    """Metadata of a notice (the snapshot itself is not included)."""
    spec = TEMPLATES.get(document.template)
    return {
        "id": document.id, "number": document.number, "template": document.template,
        "title": spec.title if spec else document.template, "type_code": document.type_code,
        "status": document.status, "instance_id": document.instance_id,
        "project_code": document.project.code if document.project else None,
        "issuer": (document.context or {}).get("issuer", {}).get("org_unit"),
        "org_unit": document.org_unit.name, "year": document.year, "sequence": document.sequence,
        "verify_code": nn.display_code(document.verify_code),
        "verify_url": nn.verify_url(document.verify_code),
        "issued_by": document.issued_by, "issued_at": document.issued_at,
        "rendered_at": document.rendered_at, "sha256": document.sha256, "size": document.size,
        "error": document.error if document.status == "failed" else None,
        "pdf_url": f"/api/v1/documents/{document.id}/pdf" if document.status == "rendered" else None,
        "docx_url": f"/api/v1/documents/{document.id}/docx" if document.status == "rendered" else None,
    }


def get_document(actor: Actor, document_id: int) -> dict[str, Any]:
    """Raises NotFoundError(`document_not_found`)."""
    return document_dict(visible_document(actor, document_id))


def document_pdf(actor: Actor, document_id: int) -> StoredPdf:
    """The stored file of a rendered notice; the download is audited.

    Raises NotFoundError(`document_not_found`), ConflictError(`document_not_rendered`).
    """
    document = visible_document(actor, document_id)
    if document.status != "rendered" or not document.file_path:
        raise ConflictError("文书尚未生成。", code="document_not_rendered")
    path = settings.current().files_dir / document.file_path
    if not path.is_file():
        raise NotFoundError("文书文件缺失。", code="document_file_missing")
    stored = StoredPdf(path, f"{document.number}.pdf", document.sha256)
    audit_trail.record_download(actor, IssuedDocument.__tablename__, document.id, stored.download_name)
    return stored


def _listing(stmt) -> list[dict[str, Any]]:
    rows = db.session.scalars(stmt.order_by(IssuedDocument.issued_at, IssuedDocument.id))
    return [document_dict(d) for d in rows]


def instance_documents(actor: Actor, instance_id: int) -> list[dict[str, Any]]:
    """Notices of a case. Raises NotFoundError(`case_not_found`) for invisible cases."""
    rt.visible_case(actor, instance_id)
    return _listing(select(IssuedDocument).where(IssuedDocument.instance_id == instance_id))


def project_documents(actor: Actor, code: str) -> list[dict[str, Any]]:
    """Notices of a project. Raises NotFoundError(`project_not_found`)."""
    project = visible_project(actor, code=code)
    return _listing(select(IssuedDocument).where(IssuedDocument.project_id == project.id))


def verification(code: str) -> dict[str, Any]:
    """The public facts of the notice with verification code `code`.

    Raises NotFoundError(`verify_code_unknown`).
    """
    document = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.verify_code == nn.normalize_code(code)))
    if document is None:
        raise NotFoundError("未找到与该核验码对应的文书。", code="verify_code_unknown")
    spec = TEMPLATES.get(document.template)
    context = document.context or {}
    return {"number": document.number, "title": spec.title if spec else document.template,
            "issuer": (context.get("issuer") or {}).get("org_unit") or document.org_unit.name,
            "issue_date": context.get("issue_date"), "sha256": document.sha256,
            "status": document.status, "status_label": STATUS_LABELS.get(document.status, ""),
            "verify_code": nn.display_code(document.verify_code)}

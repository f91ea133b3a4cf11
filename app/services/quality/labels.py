"""The printable label sheet (见证取样样品标识, documents/sample_label_sheet.html): one label per
sample with its code as a QR code, issued like a notice (numbered, verifiable, rendered after
the commit) so the project's documents keep it."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.infra.uow import transaction
from app.models import QualitySample
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.access.scoping import visible_project
from app.services.notices.issuing import issue_notice
from app.services.quality.samples import SAMPLERS, TEXT_FIELDS

TEMPLATE = "sample_label_sheet"
MAX_LABELS = 40


def issue_label_sheet(actor: Actor, project_code: str, data: Any) -> dict[str, Any]:
    """Issue the label sheet of the project's samples named in `sample_codes` (all of them when
    none are named); returns {document_id, number}. Raises NotFoundError, PermissionDeniedError,
    ValidationError."""
    with transaction(actor):
        project = visible_project(actor, code=project_code)
        require_project_role(actor, project, *SAMPLERS)
        codes = (data or {}).get("sample_codes") if isinstance(data, dict) else None
        stmt = select(QualitySample).where(QualitySample.project_id == project.id).order_by(QualitySample.id)
        if codes is not None:
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise ValidationError(fields={"sample_codes": ["应为样品编号的列表。"]})
            stmt = stmt.where(QualitySample.code.in_(codes))
        rows = list(db.session.scalars(stmt))
        missing = sorted(set(codes or ()) - {s.code for s in rows})
        if missing or not rows or len(rows) > MAX_LABELS:
            raise ValidationError(fields={"sample_codes": [
                f"本项目没有样品 {'、'.join(missing)}。" if missing else f"请选择 1 至 {MAX_LABELS} 个样品。"]})
        labels = [{"code": s.code, "sampled_on": s.sampled_on.isoformat(),
                   **{name: getattr(s, name) for name in TEXT_FIELDS}} for s in rows]
        document = issue_notice(actor, TEMPLATE, project=project, params={"labels": labels})
        return {"document_id": document.id, "number": document.number}

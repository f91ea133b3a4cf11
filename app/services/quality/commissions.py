"""Commissions (检测委托书): a project's samples sent to one agency. An agency whose
certificate has expired, or that has no qualified person or calibrated instrument, takes no
new commission (`agency_unfit`); a warning reminder is raised for it at the same time."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.errors import ConflictError, ValidationError
from app.extensions import db
from app.formdefs.messages import Said
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import QualityCommission, QualitySample
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.access.scoping import in_visible_projects, visible_project
from app.services.quality import registries, warnings
from app.services.quality.samples import SAMPLERS

COMMISSIONERS = (*SAMPLERS, "contractor_pm")


def create_commission(actor: Actor, project_code: str, data: Any) -> str:
    """Commission tests of samples (`sample_codes`) of the project from an agency (`agency_id`);
    returns the commission number. Raises NotFoundError, PermissionDeniedError,
    ValidationError, ConflictError(`agency_unfit`)."""
    with transaction(actor):
        project = visible_project(actor, code=project_code)
        require_project_role(actor, project, *COMMISSIONERS)
        body = data if isinstance(data, dict) else {}
        codes = body.get("sample_codes")
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            raise ValidationError(fields={"sample_codes": ["请选择至少一个样品。"]})
        samples = list(db.session.scalars(select(QualitySample).where(
            QualitySample.project_id == project.id, QualitySample.code.in_(codes))))
        missing = sorted(set(codes) - {s.code for s in samples})
        if missing:
            raise ValidationError(fields={"sample_codes": [Said(f"本项目没有样品 {c}。", f"This project has no sample {c}.")
                                                           for c in missing]})
        agency = registries.agency_row(body.get("agency_id"))
        problems = registries.fitness_problems(agency, wallclock.local_today())
        if not problems:
            return _commission(actor, project.id, agency.id, samples)
        agency_id, agency_name = agency.id, agency.name
    # refused: the reminder is kept although the commission is not
    warnings.raise_fitness_warnings(agency_id)
    raise ConflictError(Said(f"{agency_name}不能接受新的委托：{'；'.join(problems)}。",
                             f"{agency_name} cannot take new commissions: {'; '.join(p.english for p in problems)}."),
                        code="agency_unfit")


def _commission(actor: Actor, project_id: int, agency_id: int, samples: list[QualitySample]) -> str:
    year = wallclock.local_today().year
    sequence = db.session.scalar(select(func.count()).select_from(QualityCommission)
                                 .where(QualityCommission.number.startswith(f"WT{year}-"))) + 1
    commission = QualityCommission(number=f"WT{year}-{sequence:05d}", project_id=project_id,
                                agency_id=agency_id, created_by=actor.username, samples=samples)
    db.session.add(commission)
    db.session.flush()
    return commission.number


def list_commissions(actor: Actor, project_code: str | None = None) -> list[dict[str, Any]]:
    """Commissions of the visible projects (or of one). Raises NotFoundError."""
    stmt = in_visible_projects(actor, QualityCommission, project_code).order_by(QualityCommission.id.desc())
    return [{"number": c.number, "agency_id": c.agency_id, "agency_name": c.agency.name,
             "sample_codes": [s.code for s in c.samples], "created_by": c.created_by,
             "created_at": c.created_at} for c in db.session.scalars(stmt)]

"""Witness sampling (见证取样): the supervising engineer records a sample taken in his
presence; the sample gets a unique code (printed as a QR label, `labels`); every later change
of its data is kept with the original and new value, who and when (the trail).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.domain.body_fields import Fields
from app.errors import NotFoundError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import QualitySample, SampleChange
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.access.scoping import in_visible_projects, visible_project

SAMPLERS = ("supervisor", "chief_supervisor")
TEXT_FIELDS = {"material": 100, "specification": 100, "batch": 64, "quantity": 64, "location": 200,
               "sampler_name": 50, "sampler_cert": 64, "witness_name": 50, "witness_cert": 64}
FIELD_LABELS = {"material": "材料名称", "specification": "规格型号", "batch": "批号", "quantity": "代表数量",
                "location": "取样部位", "sampler_name": "取样人", "sampler_cert": "取样人证书号",
                "witness_name": "见证人", "witness_cert": "见证人证书号", "sampled_on": "取样日期"}


def _read(data: Any, *, partial: bool) -> dict[str, Any]:
    f = Fields(data)
    values: dict[str, Any] = {}
    for name, length in TEXT_FIELDS.items():
        if not partial or name in f.data:
            values[name] = f.text(name, length)
    if not partial or "sampled_on" in f.data:
        values["sampled_on"] = f.day("sampled_on")
        if values["sampled_on"] and values["sampled_on"] > wallclock.local_today():
            f.fail("sampled_on", "取样日期不能晚于今天。")
    f.only({*TEXT_FIELDS, "sampled_on"}, "样品")
    f.done()
    if partial and not values:
        raise ValidationError(fields={"_body": ["请提交要修改的字段。"]})
    return values


def _next_code(project_code: str) -> str:
    prefix = f"{project_code}-S"
    used = db.session.scalar(select(func.count()).select_from(QualitySample)
                             .where(QualitySample.code.startswith(prefix)))
    return f"{prefix}{used + 1:04d}"


def record_sample(actor: Actor, project_code: str, data: Any) -> str:
    """Record a witnessed sample on a project; returns its unique code (`<project>-S0001`).

    Raises NotFoundError (project), PermissionDeniedError (not its supervisor), ValidationError."""
    with transaction(actor):
        project = visible_project(actor, code=project_code)
        require_project_role(actor, project, *SAMPLERS)
        values = _read(data, partial=False)
        sample = QualitySample(project_id=project.id, code=_next_code(project.code),
                               recorded_by=actor.username, **values)
        db.session.add(sample)
        db.session.flush()
        return sample.code


def visible_sample(actor: Actor, code: str) -> QualitySample:
    """The sample `code` if its project is visible to the actor. Raises NotFoundError."""
    sample = db.session.scalar(in_visible_projects(actor, QualitySample).where(QualitySample.code == code))
    if sample is None:
        raise NotFoundError("没有找到该样品。", code="sample_not_found")
    return sample


def update_sample(actor: Actor, code: str, data: Any) -> int:
    """Change a sample's data; each changed field is kept in the trail. Returns how many
    fields changed. Raises NotFoundError, PermissionDeniedError, ValidationError."""
    with transaction(actor):
        sample = visible_sample(actor, code)
        require_project_role(actor, sample.project, *SAMPLERS)
        changed = 0
        for name, value in _read(data, partial=True).items():
            old = getattr(sample, name)
            if old == value:
                continue
            sample.changes.append(SampleChange(field=name, old_value=_text(old), new_value=_text(value),
                                               changed_by=actor.username, changed_at=wallclock.now()))
            setattr(sample, name, value)
            changed += 1
        return changed


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def sample_dict(sample: QualitySample) -> dict[str, Any]:
    return {"code": sample.code, "project_code": sample.project.code, "project_name": sample.project.name,
            **{name: getattr(sample, name) for name in TEXT_FIELDS}, "sampled_on": sample.sampled_on,
            "received_at": sample.received_at, "recorded_by": sample.recorded_by,
            "changes": len(sample.changes)}


def list_samples(actor: Actor, project_code: str | None = None) -> list[dict[str, Any]]:
    """The samples of the visible projects (or of one), newest first. Raises NotFoundError
    for an invisible project."""
    stmt = in_visible_projects(actor, QualitySample, project_code).order_by(QualitySample.id.desc())
    return [sample_dict(s) for s in db.session.scalars(stmt)]


def get_sample(actor: Actor, code: str) -> dict[str, Any]:
    """One sample with its change trail (original, new, who, when). Raises NotFoundError."""
    sample = visible_sample(actor, code)
    return {**sample_dict(sample), "trail": [
        {"field": c.field, "label": FIELD_LABELS.get(c.field, c.field), "old_value": c.old_value,
         "new_value": c.new_value, "changed_by": c.changed_by, "changed_at": c.changed_at}
        for c in sample.changes]}


def may_sample(actor: Actor, project_code: str) -> bool:
    """Whether the actor records samples on the project (pages show the form only then)."""
    project = visible_project(actor, code=project_code)
    return bool(actor.is_admin or actor.roles_on_project(project.id) & set(SAMPLERS))

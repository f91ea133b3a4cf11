"""Preview a notice (HTML) before the task that issues it is completed.

The preview builds the same context as issuing would — project, addressees, the previewing
official as issuer, today's date — but takes no number and stores nothing.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.models import InstanceEvent, ProcessInstance, Project
from app.rendering import TEMPLATES, NoticeRenderError, missing_fields, render_html
from app.services.access.actors import Actor
from app.services.access.scoping import visible_project
from app.services.notices import context as nc
from app.services.notices import numbers as nn
from app.services.workflow import case_steps as rt

PREVIEW_NUMBER = "（签发时编号）"
PREVIEW_CODE = "（签发后生成）"


def case_data(instance: ProcessInstance) -> dict[str, Any]:
    """What the case has collected so far: start data, then each completed form, in order."""
    data: dict[str, Any] = {}
    events = db.session.scalars(select(InstanceEvent).where(
        InstanceEvent.instance_id == instance.id,
        InstanceEvent.kind.in_(("started", "task_completed"))).order_by(InstanceEvent.id))
    for event in events:
        payload = (event.data or {}).get("data") if event.kind == "started" else event.data
        if isinstance(payload, dict):
            data.update(payload)
    return data


def _subject(actor: Actor, instance_id: int | None,
             project_code: str | None) -> tuple[ProcessInstance | None, Project | None]:
    if instance_id is None:
        return None, visible_project(actor, code=project_code) if project_code else None
    instance = rt.visible_case(actor, instance_id)
    return instance, db.session.get(Project, instance.project_id) if instance.project_id else None


def preview_notice(actor: Actor, template: str, *, context: dict[str, Any] | None = None,
                   instance_id: int | None = None, project_code: str | None = None) -> dict[str, Any]:
    """HTML of `template` filled from the case (or project) and `context`.

    Raises PermissionDeniedError(`document_preview_denied`) for non-officials,
    ValidationError(`template_unknown`), NotFoundError(`case_not_found`, `project_not_found`),
    ValidationError(`notice_render_failed`) when the template cannot be rendered.
    """
    if not (actor.is_admin or actor.jurisdiction_paths):
        raise PermissionDeniedError("只有监管人员可以预览文书。", code="document_preview_denied")
    template = nc.require_template(template)
    instance, project = _subject(actor, instance_id, project_code)
    unit = nc.issuing_unit(actor, project, instance)
    params = dict(context or {})
    data = case_data(instance) if instance is not None else {}
    built = nc.build_context(template, actor=actor, unit=unit, project=project,
                             fields=nc.template_fields(template, params, data),
                             issue_date=nn.local_now(wallclock.now()).date(),
                             addressee_parties=params.get("addressee_parties"))
    built.update(number=PREVIEW_NUMBER, verify_code=PREVIEW_CODE, verify_url="")
    try:
        html = render_html(template, built)
    except NoticeRenderError as exc:
        raise ValidationError(str(exc), code="notice_render_failed") from exc
    return {"template": template, "title": TEMPLATES[template].title, "html": html,
            "missing_fields": [k for k in missing_fields(template, built)
                               if k not in ("number", "verify_code", "verify_url")]}

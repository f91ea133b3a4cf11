"""Issuing notices: number, snapshot, render once, store by sha256; failures become incidents.

`issue_notice` runs inside the caller's transaction (the `issue_document` operator's case
step, or the demo seed) and queues `notices.render` in the outbox. `render_document` (the
Celery task's one call) renders the frozen snapshot once; a rendered notice is never
rendered again, so its sha256 — shown on the public verification page — never changes.
A failed render marks the notice `failed` and opens an incident on its case with the real
error; the case itself keeps running. `retry_render` queues the render again.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import select, update

from app.errors import ConflictError, NotFoundError, PermissionDeniedError
from app.extensions import db
from app.formdefs.messages import Said
from app.infra import audit_trail, change_feed, file_store, wallclock
from app.infra.uow import transaction
from app.models import Incident, IssuedDocument, OutboxMessage, ProcessInstance, Project
from app.rendering import TEMPLATES, NoticeRenderError, missing_fields, render_html, render_pdf
from app.rendering.environment import PLACEHOLDER_TEXT, blank_labels
from app.services.access.actors import SYSTEM, Actor
from app.services.notices import context as nc
from app.services.notices import numbers as nn
from app.services.notices import photos
from app.services.workflow import timeline
from app.services.workflow.incidents import side_effect_retry

RENDER_TASK = "notices.render"
INCIDENT_CODE = "notice_render_failed"
# Rendering is deterministic; identical snapshots (the demo seed run by many tests) render
# once per process. Keyed by the snapshot's hash, so it can never serve another notice.
_PDF_CACHE: OrderedDict[str, bytes] = OrderedDict()
_PDF_CACHE_SIZE = 16
_pdf_cache_lock = threading.Lock()


def issue_notice(actor: Actor, template: str, *, project: Project | None = None,
                 instance: ProcessInstance | None = None, params: dict[str, Any] | None = None,
                 task_data: dict[str, Any] | None = None,
                 verify_code: str | None = None) -> IssuedDocument:
    """Number and snapshot a notice and queue its rendering, in the caller's transaction.

    `verify_code` is for demo data only (a fixed code); notices get a random one.

    Raises ValidationError(`template_unknown`), NoticeIssueError(`notice_issuer_unknown`,
    `notice_incomplete` when a field the notice prints is not known).
    """
    spec = TEMPLATES[nc.require_template(template)]
    params = dict(params or {})
    unit = nc.issuing_unit(actor, project, instance)
    issued_at = wallclock.now()
    local = nn.local_now(issued_at)
    sequence = nn.next_sequence(unit.id, spec.type_code, local.year)
    code = verify_code or nn.new_verify_code()
    context = nc.build_context(template, actor=actor, unit=unit, project=project,
                               fields=nc.template_fields(template, params, task_data or {}),
                               issue_date=local.date(),
                               addressee_parties=params.get("addressee_parties"))
    number = nn.format_number(nn.notice_prefix(unit), spec.type_code, local.year, sequence)
    context.update(number=number, verify_code=nn.display_code(code), verify_url=nn.verify_url(code))
    _require_complete(template, context)
    document = IssuedDocument(
        instance_id=instance.id if instance else None, project_id=project.id if project else None,
        template=template, type_code=spec.type_code, number=number, org_unit_id=unit.id,
        year=local.year, sequence=sequence, context=context, verify_code=code, status="pending",
        issued_by=actor.username, issued_at=issued_at)
    db.session.add(document)
    db.session.flush()
    db.session.add(OutboxMessage(task_name=RENDER_TASK, payload={"document_id": document.id}))
    if instance is not None:
        timeline.record(instance.id, actor, "document_issued", issued_at, data={
            "document_id": document.id, "number": number, "template": template})
    return document


def _require_complete(template: str, context: dict[str, Any]) -> None:
    """A notice is a legal paper: it is issued only when everything it prints is known.

    Raises NoticeIssueError(`notice_incomplete`) naming the missing fields in the notice's own
    words (documents/<name>.json), in Chinese with its English."""
    missing = missing_fields(template, context)
    html = render_html(template, context)
    if not missing and PLACEHOLDER_TEXT not in html:
        return
    spec = TEMPLATES[template]
    names = [(spec.field_word(key), spec.field_word(key, "en")) for key in missing]
    english = {zh: en for _, zh, en in spec.words}
    names += [(label, english.get(label, label)) for label in blank_labels(html)
              if label not in [zh for zh, _ in names]]
    zh, en = "、".join(z for z, _ in names) or "部分内容", ", ".join(e for _, e in names) or "some of its content"
    raise nc.NoticeIssueError(Said(f"{spec.title}缺少{zh}，不能签发。", f"{spec.title_en} cannot be issued without: {en}."),
                              code="notice_incomplete",
                              fields={key: [Said("签发文书需要此项。", "Issuing the notice needs this.")] for key in missing})


def render_document(document_id: int) -> str:
    """Render and store a pending or failed notice once; returns its status afterwards.

    Idempotent: a rendered notice is left alone. Never raises for a render or storage
    failure — that is recorded on the notice and as an incident of its case.
    """
    with transaction(SYSTEM):
        document = db.session.get(IssuedDocument, document_id)
        if document is None or document.status == "rendered":
            return document.status if document else "missing"
        template, context = document.template, photos.with_images(dict(document.context or {}),
                                                                 document.instance_id)
    try:
        pdf = _render_once_per_snapshot(template, context)
        digest, relative = store_file(pdf)
    except Exception as exc:  # noqa: BLE001 — recorded with its real text, retryable
        message = str(exc) if isinstance(exc, NoticeRenderError) else f"{type(exc).__name__}: {exc}"
        return _mark_failed(document_id, message)
    return _mark_rendered(document_id, digest, len(pdf), relative)


def _render_once_per_snapshot(template: str, context: dict[str, Any]) -> bytes:
    key = hashlib.sha256(json.dumps([template, context], sort_keys=True, ensure_ascii=False,
                                    default=str).encode()).hexdigest()
    with _pdf_cache_lock:
        cached = _PDF_CACHE.get(key)
    if cached is not None:
        return cached
    pdf = render_pdf(template, context)
    with _pdf_cache_lock:
        _PDF_CACHE[key] = pdf
        while len(_PDF_CACHE) > _PDF_CACHE_SIZE:
            _PDF_CACHE.popitem(last=False)
    return pdf


def store_file(data: bytes) -> tuple[str, str]:
    """Write `data` once under FILES_DIR by its sha256; returns (digest, relative path)."""
    digest = hashlib.sha256(data).hexdigest()
    return digest, file_store.store(data, digest)  # the same store as uploads


def _mark_rendered(document_id: int, digest: str, size: int, relative: str) -> str:
    now = wallclock.now()
    with transaction(SYSTEM):
        # Conditional on not yet rendered: of two racing renders only the first is kept.
        won = db.session.execute(update(IssuedDocument).where(
            IssuedDocument.id == document_id, IssuedDocument.status != "rendered").values(
            status="rendered", sha256=digest, size=size, file_path=relative, rendered_at=now,
            error=None).execution_options(synchronize_session=False)).rowcount
        if not won:
            return "rendered"
        change_feed.note_rows(db.session.connection(), IssuedDocument, [document_id])
        document = db.session.get(IssuedDocument, document_id)
        db.session.refresh(document)
        audit_trail.record(SYSTEM, "update", entity_type="issued_document", entity_id=str(document_id),
                     after={"status": "rendered", "sha256": digest, "size": size})
        if document.instance_id is not None:
            _resolve_incidents(document, now)
            timeline.record(document.instance_id, SYSTEM, "document_rendered", now, data={
                "document_id": document_id, "number": document.number, "sha256": digest})
    return "rendered"


def _mark_failed(document_id: int, message: str) -> str:
    now = wallclock.now()
    with transaction(SYSTEM):
        document = db.session.scalar(select(IssuedDocument).where(IssuedDocument.id == document_id)
                                     .with_for_update().execution_options(populate_existing=True))
        if document.status == "rendered":
            return "rendered"
        document.status, document.error = "failed", message
        if document.instance_id is not None:
            incident_id = _open_incident(document, message, now)
            timeline.record(document.instance_id, SYSTEM, "document_failed", now, data={
                "document_id": document_id, "number": document.number, "incident_id": incident_id,
                "message": message})
    return "failed"


def _render_incidents(document: IssuedDocument) -> list[Incident]:
    rows = db.session.scalars(select(Incident).where(
        Incident.instance_id == document.instance_id, Incident.status == "open",
        Incident.code == INCIDENT_CODE))
    return [i for i in rows if (i.action or {}).get("document_id") == document.id]


def _open_incident(document: IssuedDocument, message: str, now: Any) -> int:
    """One open incident per failing notice: a repeated failure updates its text."""
    existing = _render_incidents(document)
    if existing:
        existing[0].message = message
        return existing[0].id
    incident = Incident(instance_id=document.instance_id, code=INCIDENT_CODE, message=message,
                        action={"action": "render_document", "document_id": document.id},
                        created_at=now)
    db.session.add(incident)
    db.session.flush()
    return incident.id


def _resolve_incidents(document: IssuedDocument, now: Any) -> None:
    for incident in _render_incidents(document):
        incident.status, incident.resolved_at, incident.resolved_by = "resolved", now, "system"
        timeline.record(document.instance_id, SYSTEM, "incident_resolved", now,
                        data={"incident_id": incident.id, "document_id": document.id})


def retry_render(actor: Actor, document_id: int) -> dict[str, Any]:
    """Queue the render of a failed (or stuck pending) notice again; returns its metadata
    (already `rendered` when tasks run eagerly).

    Raises NotFoundError(`document_not_found`), PermissionDeniedError(`document_retry_denied`)
    for users who do not manage its case, ConflictError(`document_already_rendered`).
    """
    from app.services.notices.reading import can_manage_document, get_document, visible_document

    with transaction(actor):
        document = visible_document(actor, document_id)
        if not can_manage_document(actor, document):
            raise PermissionDeniedError("没有重新生成该文书的权限。", code="document_retry_denied")
        if document.status == "rendered":
            raise ConflictError("该文书已生成，不能重新生成。", code="document_already_rendered")
        document.status = "pending"
        db.session.add(OutboxMessage(task_name=RENDER_TASK, payload={"document_id": document.id}))
        if document.instance_id is not None:
            timeline.record(document.instance_id, actor, "document_retry", wallclock.now(),
                            data={"document_id": document.id, "number": document.number})
    return get_document(actor, document_id)


@side_effect_retry("render_document")
def retry_render_incident(actor: Actor, incident: Incident) -> dict[str, Any]:
    """For incidents.retry_incident: an incident with action `render_document`."""
    document_id = (incident.action or {}).get("document_id")
    if not isinstance(document_id, int):
        raise NotFoundError("没有找到该文书。", code="document_not_found")
    return retry_render(actor, document_id)

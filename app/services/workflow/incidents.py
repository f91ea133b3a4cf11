"""Incidents: an engine step failed, the case waits for someone to fix the cause and retry.

Semantics: the failed step's transaction is rolled back (the last good state stays saved,
operators' writes vanish), then a SECOND transaction marks the instance `error`, stores an
Incident with the engine's real error text, code, element id and the action to redo, and a
timeline event. The caller gets CaseFailedError (409 `case_error`, with the incident id); while
the incident is open every further step on the case gets the same error. `retry_incident`
re-runs the stored action (a completion keeps the original user's answer and name).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, defer, joinedload

from app import engine
from app.errors import ConflictError, NotFoundError, PermissionDeniedError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import Incident, ProcessInstance
from app.services.access.actors import Actor
from app.services.access.projects import Page
from app.services.workflow import case_steps as rt
from app.services.workflow import case_visibility, review_duties, timeline
from app.services.workflow.timeline import jsonable


class CaseFailedError(ConflictError):
    """案件执行出错，已登记故障，待处理后重试。"""
    code = "case_error"

    def __init__(self, incident_id: int | None, error: engine.EngineError | None):
        detail = f"（{error.code}）" if error is not None else ""
        super().__init__(f"案件执行出错{detail}，已登记故障 #{incident_id}，待管理员排除后重试。")
        self.incident_id = incident_id
        self.engine_code = error.code if error is not None else None
        self.element_id = error.element_id if error is not None else None


# Incidents of side effects that run after a case step (a notice whose rendering failed) are
# redone by the capability that owns them; it registers its retry under the incident's action
# name, so this module imports no capability (notices builds on workflow, not the reverse).
SideEffectRetry = Callable[[Actor, Incident], object]
_SIDE_EFFECT_RETRIES: dict[str, SideEffectRetry] = {}


def side_effect_retry(action: str) -> Callable[[SideEffectRetry], SideEffectRetry]:
    """Register the decorated function as `retry_incident`'s redo of incidents with `action`."""
    def register(retry: SideEffectRetry) -> SideEffectRetry:
        _SIDE_EFFECT_RETRIES[action] = retry
        return retry
    return register


@dataclass(frozen=True)
class RetryOutcome:
    incident_id: int
    instance_id: int
    status: str


@contextmanager
def reporting(actor: Actor) -> Iterator[None]:
    """Turn a failed engine step into an incident (own transaction) and CaseFailedError."""
    try:
        yield
    except rt.StepFailed as failure:
        incident_id = record_incident(failure, actor)
        raise CaseFailedError(incident_id, failure.error) from failure.error


def record_incident(failure: rt.StepFailed, actor: Actor) -> int:
    """Open an incident for a rolled-back step; returns its id."""
    def step() -> int:
        now = wallclock.now()
        instance = rt.lock_instance(failure.instance_id)
        instance.status = "error"
        error = failure.error
        incident = Incident(instance_id=instance.id, code=error.code, message=error.message,
                            element_id=error.element_id, action=jsonable(failure.action),
                            created_at=now)
        db.session.add(incident)
        db.session.flush()
        timeline.record(instance.id, actor, "incident", now, task_name=error.element_id, data={
            "incident_id": incident.id, "code": error.code, "message": error.message,
            "action": failure.action.get("action")})
        return incident.id
    return rt.run_in_transaction(actor, step)


def record_failure(instance_id: int, action: dict[str, Any], exc: Exception, actor: Actor) -> int:
    """Open an incident (code `step_failed`) for a step that failed outside the engine, e.g.
    the database refused what an operator wrote; returns its id."""
    db.session.rollback()
    error = engine.EngineError("step_failed", f"{type(exc).__name__}: {exc}"[:2000])
    return record_incident(rt.StepFailed(error, instance_id, action), actor)


def require_active(instance: ProcessInstance) -> None:
    """Refuse to advance a case in error (open incident) or already ended.

    Raises CaseFailedError (`case_error`), ConflictError(`case_not_active`).
    """
    if instance.status == "error":
        raise CaseFailedError(open_incident_of(instance.id), None)
    if instance.status not in rt.ACTIVE:
        raise ConflictError("案件已结束。", code="case_not_active")


def open_incident_of(instance_id: int) -> int | None:
    return db.session.scalar(select(Incident.id).where(
        Incident.instance_id == instance_id, Incident.status == "open").order_by(Incident.id))


INCIDENTS_PAGE = 50  # incidents per page of the designer's incident list


def list_incidents(actor: Actor, status: str = "open", *, limit: int = INCIDENTS_PAGE, offset: int = 0) -> Page:
    """A page of the incidents with `status`, newest first, of the cases the actor may see
    (`case_visibility.visible_cases`) and whose incidents he may handle
    (`case_visibility.incident_cases`: his jurisdiction's; admins: all), and their total.

    Raises PermissionDeniedError(`incident_access_denied`) for users without an authority role.
    """
    if not (actor.is_admin or actor.jurisdiction_paths):
        raise PermissionDeniedError("只有监管人员可以查看故障。", code="incident_access_denied")
    where = (Incident.status == status, case_visibility.visible_cases(actor), case_visibility.incident_cases(actor))
    total = db.session.scalar(select(func.count()).select_from(Incident)
                              .join(ProcessInstance, ProcessInstance.id == Incident.instance_id).where(*where)) or 0
    rows = db.session.scalars(
        select(Incident).join(ProcessInstance, ProcessInstance.id == Incident.instance_id).where(*where)
        .options(contains_eager(Incident.instance).options(defer(ProcessInstance.state),
                                                           joinedload(ProcessInstance.definition)))
        .order_by(Incident.created_at.desc(), Incident.id.desc()).limit(limit).offset(offset))
    return Page([_incident_dict(i) for i in rows], total)


def _incident_dict(incident: Incident) -> dict[str, Any]:
    return {"id": incident.id, "instance_id": incident.instance_id,
            "process_key": incident.instance.process_key, "case_title": incident.instance.title,
            "code": incident.code,
            "message": review_duties.said(incident.code, incident.message, incident.instance.definition), "element_id": incident.element_id,
            "action": (incident.action or {}).get("action"), "status": incident.status,
            "created_at": incident.created_at, "resolved_at": incident.resolved_at,
            "resolved_by": incident.resolved_by}


def retry_incident(actor: Actor, incident_id: int) -> RetryOutcome:
    """Re-run the failed action against the saved state; resolve the incident on success.

    Raises NotFoundError(`incident_not_found`), PermissionDeniedError(`incident_access_denied`),
    ConflictError(`incident_not_open`), or CaseFailedError when it fails again (the incident
    stays open with the new error).
    """
    with transaction(actor):
        incident = db.session.get(Incident, incident_id)
        if incident is None or not rt.can_see_instance(actor, incident.instance):
            raise NotFoundError("没有找到该故障。", code="incident_not_found")
        if not rt.can_handle_incidents(actor, incident.instance):
            raise PermissionDeniedError("没有处理该故障的权限。", code="incident_access_denied")
        side_effect = _SIDE_EFFECT_RETRIES.get((incident.action or {}).get("action"))
    if side_effect is not None:  # a failed side effect never blocked the case: redo it, nothing else
        side_effect(actor, db.session.get(Incident, incident_id))
        db.session.expire_all()
        incident = db.session.get(Incident, incident_id)
        return RetryOutcome(incident.id, incident.instance_id, incident.instance.status)
    try:
        return rt.run_in_transaction(actor, lambda: _retry(actor, incident_id))
    except rt.StepFailed as failure:
        _keep_open(incident_id, failure, actor)
        raise CaseFailedError(incident_id, failure.error) from failure.error


def _retry(actor: Actor, incident_id: int) -> RetryOutcome:
    instance = rt.lock_instance(db.session.get(Incident, incident_id).instance_id)
    incident = db.session.scalar(select(Incident).where(Incident.id == incident_id)
                                 .execution_options(populate_existing=True))
    if incident.status != "open" or instance.status != "error":
        raise ConflictError("该故障已处理。", code="incident_not_open")
    rt.perform(instance, actor, dict(incident.action))
    now = wallclock.now()
    incident.status, incident.resolved_at, incident.resolved_by = "resolved", now, actor.username
    timeline.record(instance.id, actor, "incident_resolved", now, data={"incident_id": incident.id})
    return RetryOutcome(incident.id, instance.id, instance.status)


def _keep_open(incident_id: int, failure: rt.StepFailed, actor: Actor) -> None:
    with transaction(actor):
        incident = db.session.get(Incident, incident_id)
        error = failure.error
        incident.code, incident.message, incident.element_id = error.code, error.message, error.element_id
        timeline.record(incident.instance_id, actor, "incident_retry_failed", wallclock.now(),
                        data={"incident_id": incident_id, "code": error.code, "message": error.message})


def close_incidents(instance_id: int, actor: Actor) -> None:
    """A cancelled case needs no retry: resolve its open incidents (inside the caller's tx)."""
    for incident in db.session.scalars(select(Incident).where(
            Incident.instance_id == instance_id, Incident.status == "open")):
        incident.status, incident.resolved_at, incident.resolved_by = \
            "resolved", wallclock.now(), actor.username

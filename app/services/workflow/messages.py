"""Messages from outside (device alarms, other systems): deliver to a waiting case or start one.

Exactly once per idempotency key: the receipt row is inserted first in the transaction, so a
concurrent duplicate blocks on the unique key and then returns the first outcome.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import engine
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.formdefs.messages import Said
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import MessageReceipt, MessageSubscription, ProcessInstance, Project
from app.services.access.actors import SYSTEM, Actor
from app.services.definitions.deployments import definitions_by_message
from app.services.workflow import case_steps as rt
from app.services.workflow import incidents, message_rights, timeline
from app.services.workflow.case_sync import canonical

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageOutcome:
    instance_id: int | None
    outcome: str          # delivered | started
    repeated: bool = False


def deliver_message(actor: Actor, name: str, correlation: dict[str, Any], payload: dict[str, Any],
                    idempotency_key: str | None = None) -> MessageOutcome:
    """Hand message `name` to the case waiting for it with exactly this correlation, else start
    the newest process whose message start is `name` (project from payload["project_code"], or
    the device/alarm it names). A user's message has his rights only (see message_rights); his
    idempotency keys are his own, so nobody learns another sender's outcome by guessing keys.

    Raises NotFoundError(`message_no_receiver`, `project_not_found`, `device_not_found`,
    `alarm_not_found`), PermissionDeniedError(`message_reserved`, `case_start_denied`,
    `case_start_role`…), ValidationError(`message_scope_mismatch`, `work_required`),
    CaseFailedError when the receiving case fails (incident), CaseStartFailedError when a start fails.
    """
    if idempotency_key and actor.user_id is not None:
        idempotency_key = f"user:{actor.user_id}:{idempotency_key}"
    if idempotency_key and (stored := _receipt(idempotency_key)) is not None:
        return stored
    try:
        with incidents.reporting(actor):
            return rt.run_in_transaction(actor, lambda: _deliver(
                actor, name, dict(correlation or {}), dict(payload or {}), idempotency_key))
    except IntegrityError:
        db.session.rollback()
        stored = _receipt(idempotency_key) if idempotency_key else None
        if stored is None:
            raise
        return stored


def route_thrown(name: str, correlation: dict[str, Any], payload: dict[str, Any], source_instance_id: int,
                 idempotency_key: str) -> MessageOutcome | None:
    """Deliver a message that case ``source_instance_id`` threw (the outbox calls this after its
    commit). A new case started by it belongs to the source's project unless the payload names
    one. When nobody takes it, or the receiver fails, the source case's timeline says so."""
    source = db.session.get(ProcessInstance, source_instance_id)
    if source is None:
        return None
    if source.project is not None:
        payload = {"project_code": source.project.code, **payload}
    try:
        return deliver_message(SYSTEM, name, correlation, payload, idempotency_key)
    except DomainError as exc:
        db.session.rollback()
        log.warning("message %s thrown by case %s not delivered: %s (%s)", name, source_instance_id,
                    exc.message, exc.code)
        with transaction(SYSTEM):
            timeline.record(source_instance_id, SYSTEM, "message_unrouted", wallclock.now(),
                            data={"name": name, "correlation": correlation, "code": exc.code, "error": exc.message})
        return None


def _receipt(key: str) -> MessageOutcome | None:
    row = db.session.scalar(select(MessageReceipt).where(MessageReceipt.idempotency_key == key))
    return MessageOutcome(row.instance_id, row.outcome, repeated=True) if row else None


def _deliver(actor: Actor, name: str, correlation: dict[str, Any], payload: dict[str, Any],
             key: str | None) -> MessageOutcome:
    receipt = None
    if key:
        receipt = MessageReceipt(idempotency_key=key, message_name=name, outcome="delivered")
        db.session.add(receipt)
        db.session.flush()  # a concurrent duplicate waits here, then fails on the unique key
    project = message_rights.message_project(actor, name, correlation, payload)
    instance = _subscriber(actor, name, correlation, project)
    if instance is not None:
        rt.perform(instance, actor, {"action": "message", "name": name,
                                     "correlation": correlation, "payload": payload})
        outcome = MessageOutcome(instance.id, "delivered")
    else:
        outcome = MessageOutcome(_start(actor, name, correlation, payload, project), "started")
    if receipt is not None:
        receipt.instance_id, receipt.outcome = outcome.instance_id, outcome.outcome
    return outcome


def _subscriber(actor: Actor, name: str, correlation: dict[str, Any],
                project: Project | None) -> ProcessInstance | None:
    """The oldest case subscribed to (name, correlation) that this message may reach, locked
    and re-checked."""
    key = canonical(correlation)
    ids = db.session.scalars(select(MessageSubscription.instance_id).join(ProcessInstance).where(
        MessageSubscription.message_name == name, MessageSubscription.correlation_key == key,
        ProcessInstance.status.in_((*rt.ACTIVE, "error"))).order_by(MessageSubscription.instance_id))
    for instance_id in list(ids):
        instance = rt.lock_instance(instance_id)
        still = db.session.scalar(select(MessageSubscription.id).where(
            MessageSubscription.instance_id == instance_id,
            MessageSubscription.message_name == name, MessageSubscription.correlation_key == key))
        if instance is not None and still is not None and message_rights.may_reach(actor, instance, project):
            incidents.require_active(instance)
            return instance
    return None


def _start(actor: Actor, name: str, correlation: dict[str, Any], payload: dict[str, Any],
           project: Project | None) -> int:
    definition = definitions_by_message(name)
    if definition is None:
        raise NotFoundError(Said(f"没有流程接收消息 {name}。", f"No process receives the message {name}."),
                            code="message_no_receiver")
    message_rights.check_can_start(actor, definition.key, project)
    return rt.start_instance(
        actor, definition, project, lambda spec, host, now: engine.start_by_message(
            spec, name, correlation, payload, host=host, now=now),
        {"action": "start", "data": {"message": name, "correlation": correlation,
                                     "payload": payload}}, business_key=canonical(correlation)[:100])

"""The webhook delivery log and its dead-letter list, for administrators: each delivery with its
status and attempts; a dead delivery replayed (audited) goes out again on the next pass, and
the later events of its record, which waited behind it, follow in order."""
from __future__ import annotations

from sqlalchemy import func, select

from app.domain.actors import Actor
from app.errors import ConflictError, NotFoundError
from app.extensions import db
from app.infra import audit_trail, wallclock
from app.infra.uow import transaction
from app.models import DELIVERY_STATUSES, WebhookAttempt, WebhookDelivery
from app.services.exchange.accounts import require_admin


class WebhookDeliveryNotFound(NotFoundError):
    """没有找到该推送记录。"""
    code = "webhook_delivery_not_found"


class WebhookDeliveryNotDead(ConflictError):
    """只能重新推送失败（已放弃）的推送记录。"""
    code = "webhook_delivery_not_dead"


def _deliveries(subscription_id: int | None, status: str | None):
    stmt = select(WebhookDelivery)
    if subscription_id is not None:
        stmt = stmt.where(WebhookDelivery.subscription_id == subscription_id)
    if status in DELIVERY_STATUSES:
        stmt = stmt.where(WebhookDelivery.status == status)
    return stmt


def list_deliveries(actor: Actor, *, subscription_id: int | None = None, status: str | None = None,
                    limit: int = 100, offset: int = 0) -> list[WebhookDelivery]:
    """Deliveries newest first, optionally of one subscription and one status (`dead`: the
    dead-letter list), a page of them (count_deliveries counts them all). Raises
    PermissionDeniedError (admins only)."""
    require_admin(actor)
    stmt = _deliveries(subscription_id, status).order_by(WebhookDelivery.id.desc())
    return list(db.session.scalars(stmt.limit(max(limit, 1)).offset(max(offset, 0))))


def count_deliveries(actor: Actor, *, subscription_id: int | None = None, status: str | None = None) -> int:
    """How many deliveries list_deliveries pages through. Raises PermissionDeniedError."""
    require_admin(actor)
    return db.session.scalar(select(func.count()).select_from(_deliveries(subscription_id, status).subquery())) or 0


def delivery_attempts(actor: Actor, delivery_id: int) -> tuple[WebhookDelivery, list[WebhookAttempt]]:
    """A delivery and every attempt of it, in order. Raises PermissionDeniedError, WebhookDeliveryNotFound."""
    require_admin(actor)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise WebhookDeliveryNotFound()
    attempts = db.session.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id)
                                  .order_by(WebhookAttempt.number)).all()
    return delivery, list(attempts)


def replay(actor: Actor, delivery_id: int) -> WebhookDelivery:
    """Send a dead delivery again from the next pass, with a fresh round of attempts (audited).

    Raises PermissionDeniedError (admins only), WebhookDeliveryNotFound, WebhookDeliveryNotDead.
    """
    require_admin(actor)
    with transaction(actor):
        delivery = db.session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if delivery is None:
            raise WebhookDeliveryNotFound()
        if delivery.status != "dead":
            raise WebhookDeliveryNotDead()
        before = {"status": delivery.status, "attempts": delivery.attempts, "last_error": delivery.last_error}
        delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, wallclock.now()
        audit_trail.record(actor, "webhook_replayed", entity_type="webhook_delivery", entity_id=str(delivery.id),
                           before=before, after={"status": "pending", "event_id": delivery.event_id,
                                                 "subscription_id": delivery.subscription_id})
    return delivery

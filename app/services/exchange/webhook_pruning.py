"""Pruning the webhook log (Celery beat `webhooks.prune`, daily): delivered deliveries and their
attempts older than WEBHOOK_KEEP_DAYS are deleted; dead letters are kept until replayed, or
until WEBHOOK_DEAD_KEEP_DAYS when that is set (0: kept for good). Pending deliveries are never
pruned. Deletes run in batches of BATCH rows, each its own short transaction (skipping rows
another transaction holds, e.g. a replay), at most MAX_BATCHES per kind and run (the next run
goes on); a run that deleted anything writes one audit entry with the counts.

Removing an old dead letter lets the later deliveries of its record go (they wait for every
earlier one not delivered): the retention of dead letters is the time an administrator has to
replay them.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from app import settings
from app.domain.actors import SYSTEM
from app.extensions import db
from app.infra import audit_trail, wallclock
from app.infra.uow import transaction
from app.models import WebhookAttempt, WebhookDelivery

BATCH = 1000
MAX_BATCHES = 100


def prune(now: datetime | None = None) -> dict[str, int]:
    """Delete what the retention lets go; returns the counts (deliveries by status, attempts)."""
    config, now = settings.current(), now or wallclock.now()
    counts = {"delivered": 0, "dead": 0, "attempts": 0}
    rules = [("delivered", WebhookDelivery.delivered_at, now - timedelta(days=config.webhook_keep_days))]
    if config.webhook_dead_keep_days > 0:
        rules.append(("dead", WebhookDelivery.created_at, now - timedelta(days=config.webhook_dead_keep_days)))
    for status, column, cutoff in rules:
        for _ in range(MAX_BATCHES):
            done = _delete_batch(status, column, cutoff, counts)
            if done < BATCH:
                break
    if counts["delivered"] or counts["dead"]:
        with transaction():
            audit_trail.record(SYSTEM, "webhook_log_pruned", entity_type="webhook_delivery", after={
                **counts, "keep_days": config.webhook_keep_days, "dead_keep_days": config.webhook_dead_keep_days})
    return counts


def _delete_batch(status: str, column, cutoff: datetime, counts: dict[str, int]) -> int:
    d = WebhookDelivery
    with transaction():  # Core statements: the one audit entry of the run says what went
        ids = list(db.session.scalars(select(d.id).where(d.status == status, column < cutoff)
                                      .order_by(d.id).limit(BATCH).with_for_update(skip_locked=True)))
        if ids:
            counts["attempts"] += db.session.execute(
                delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids))).rowcount
            db.session.execute(delete(d).where(d.id.in_(ids)))
    counts[status] += len(ids)
    return len(ids)

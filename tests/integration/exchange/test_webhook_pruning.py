"""The webhook delivery log is pruned by beat `webhooks.prune`: delivered deliveries and their
attempts past WEBHOOK_KEEP_DAYS go in bounded batches, dead letters stay until replayed or
WEBHOOK_DEAD_KEEP_DAYS, pending ones always stay; the run's counts are audited."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from app.domain.actors import SYSTEM
from app.extensions import celery, db
from app.models import AuditLog, WebhookAttempt, WebhookDelivery
from app.services.exchange import accounts, webhook_pruning, webhook_subscriptions
from tests.support.factories import gen_district
from tests.support.settings import change_settings

NOW = datetime.now(UTC)


def _log(subscription_id: int, status: str, age_days: int, n: int) -> None:
    at = NOW - timedelta(days=age_days)
    for _ in range(n):
        record = db.session.scalar(select(db.func.count()).select_from(WebhookDelivery)) + 1
        delivery_id = db.session.execute(insert(WebhookDelivery).values(
            subscription_id=subscription_id, event_id=f"{status}-{age_days}-{record}", record_type="project",
            record_id=record, action="changed", body="{}", status=status, attempts=2, next_attempt_at=at,
            created_at=at, delivered_at=at if status == "delivered" else None)).inserted_primary_key[0]
        db.session.execute(insert(WebhookAttempt), [
            {"delivery_id": delivery_id, "number": k, "at": at, "ok": k == 2 and status == "delivered",
             "http_status": 200, "duration_ms": 1} for k in (1, 2)])
    db.session.commit()


def _left() -> dict[tuple[str, bool], int]:
    old = NOW - timedelta(days=60)
    out: dict[tuple[str, bool], int] = {}
    for status, created in db.session.execute(select(WebhookDelivery.status, WebhookDelivery.created_at)):
        key = (status, created < old)
        out[key] = out.get(key, 0) + 1
    return out


def _subscription() -> int:
    account, _ = accounts.create_account(SYSTEM, "省平台", gen_district().code)
    sub, _ = webhook_subscriptions.create_subscription(SYSTEM, account.id, "https://93.184.215.14/hook")
    return sub.id


def test_delivered_entries_past_the_retention_go_in_batches_dead_and_pending_stay(app, monkeypatch):
    change_settings(monkeypatch, app, webhook_keep_days=30, webhook_dead_keep_days=365)
    monkeypatch.setattr(webhook_pruning, "BATCH", 2)  # 5 old delivered entries: three batches
    sub = _subscription()
    _log(sub, "delivered", 90, 5)
    _log(sub, "delivered", 10, 2)
    _log(sub, "dead", 90, 2)  # younger than the dead letters' retention: kept
    _log(sub, "dead", 400, 1)
    _log(sub, "pending", 400, 1)
    assert app.config["CELERY_BEAT_SCHEDULE"]["webhooks-prune"]["task"] == "webhooks.prune"
    counts = celery.tasks["webhooks.prune"].apply().get()
    assert counts == {"delivered": 5, "dead": 1, "attempts": 12}
    assert _left() == {("delivered", False): 2, ("dead", True): 2, ("pending", True): 1}
    assert db.session.scalar(select(db.func.count()).select_from(WebhookAttempt)) == 2 * 5
    [audit] = db.session.scalars(select(AuditLog).where(AuditLog.action == "webhook_log_pruned")).all()
    assert audit.after == {"delivered": 5, "dead": 1, "attempts": 12, "keep_days": 30, "dead_keep_days": 365}
    assert celery.tasks["webhooks.prune"].apply().get() == {"delivered": 0, "dead": 0, "attempts": 0}
    assert db.session.scalar(select(db.func.count()).where(AuditLog.action == "webhook_log_pruned")) == 1


def test_dead_letters_are_kept_until_replayed_when_their_retention_is_zero(app, monkeypatch):
    change_settings(monkeypatch, app, webhook_keep_days=30, webhook_dead_keep_days=0)
    sub = _subscription()
    _log(sub, "dead", 4000, 2)
    assert webhook_pruning.prune() == {"delivered": 0, "dead": 0, "attempts": 0}
    assert _left() == {("dead", True): 2}

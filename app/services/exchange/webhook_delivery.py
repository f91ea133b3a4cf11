"""The webhook delivery pass (Celery beat `webhooks.deliver`): change-feed entries become
deliveries, due deliveries are POSTed, signed, with back-off; at least once, in order per record.

Events are the change feed's rows, written in the transaction of each change
(app/infra/change_feed.py), so a committed change cannot miss its event and a rolled-back one
has none. Per subscription, one pass at a time (a lease on the row):
  1. the feed after the subscription's cursor, read as its account (same scope, same gap-free
     order as `GET /exchange/changes`), becomes one delivery per entry of a wanted type, its
     body frozen, and the cursor moves — one transaction;
  2. due deliveries are POSTed oldest first; a delivery waits while an earlier one of the same
     record is not delivered (pending or dead), so a receiver sees each record's events in
     order. Each POST is an attempt row; a 2xx answer delivers, anything else waits
     BACKOFF * 2^(n-1) seconds, and after MAX_ATTEMPTS the delivery is dead until replayed. An
     unreachable target ends the subscription's pass (the rest waits for the next one).
A crash between the POST and its record means the POST is repeated: receivers deduplicate by
the `X-SiteCase-Event-Id` header (also the body's `event_id`).

Signature: ``X-SiteCase-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>``.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import urllib3
from sqlalchemy import exists, func, insert, or_, select, update
from sqlalchemy.orm import aliased

from app import settings
from app.errors import DomainError
from app.extensions import db
from app.infra import secret_box, wallclock
from app.infra.uow import transaction
from app.models import ExchangeAccount, WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.services.exchange import accounts, feed_reads, webhook_targets, webhook_transport

SIGNATURE_HEADER = "X-SiteCase-Signature"
EVENT_HEADER = "X-SiteCase-Event-Id"
LEASE = timedelta(minutes=5)
ENQUEUE_BATCH = 200
ENQUEUE_PAGES = 10
DELIVER_BATCH = 100
DELIVER_ROUNDS = 20


@dataclass
class PassResult:
    enqueued: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0


@dataclass(frozen=True)
class _Outcome:
    ok: bool
    http_status: int | None
    error: str | None
    duration_ms: int


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>." + body`` (what a receiver recomputes)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def run_pass() -> dict[str, int]:
    """One delivery pass over every active subscription; returns the counts of what it did."""
    result = PassResult()
    ids = list(db.session.scalars(
        select(WebhookSubscription.id).join(ExchangeAccount)
        .where(WebhookSubscription.disabled_at.is_(None), ExchangeAccount.revoked_at.is_(None))
        .order_by(WebhookSubscription.id)))
    db.session.commit()
    for subscription_id in ids:
        if not _lease(subscription_id, True):
            continue  # another pass has it
        try:
            _enqueue(subscription_id, result)
            for _ in range(DELIVER_ROUNDS):
                if not _deliver_due(subscription_id, result):
                    break
        finally:
            _lease(subscription_id, False)
    return asdict(result)


def _lease(subscription_id: int, take: bool) -> bool:
    now, sub = wallclock.now(), WebhookSubscription
    with transaction():  # Core statements: the lease is plumbing, not an audited change
        if take:
            done = db.session.execute(update(sub).where(
                sub.id == subscription_id, or_(sub.leased_until.is_(None), sub.leased_until < now))
                .values(leased_until=now + LEASE))
        else:
            done = db.session.execute(update(sub).where(sub.id == subscription_id).values(leased_until=None))
    return done.rowcount == 1


def _enqueue(subscription_id: int, result: PassResult) -> None:
    for _ in range(ENQUEUE_PAGES):
        with transaction():
            sub = db.session.get(WebhookSubscription, subscription_id)
            db.session.refresh(sub)
            page = feed_reads.changes(accounts.actor_of(sub.account), sub.cursor, ENQUEUE_BATCH)
            wanted, now = set(sub.record_types or ()), wallclock.now()
            rows = [{"subscription_id": sub.id, "event_id": e["event_id"], "record_type": e["record_type"],
                     "record_id": e["record_id"], "action": e["action"], "body": _body(e), "status": "pending",
                     "attempts": 0, "next_attempt_at": now, "created_at": now}
                    for e in page.entries if e["record_type"] in wanted]
            if rows:
                db.session.execute(insert(WebhookDelivery), rows)
            db.session.execute(update(WebhookSubscription).where(WebhookSubscription.id == sub.id)
                               .values(cursor=page.next_cursor))
        result.enqueued += len(rows)
        if not page.more:
            return


def _body(entry: dict[str, Any]) -> str:
    return json.dumps({**entry, "changed_at": entry["changed_at"].isoformat()}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"), default=str)


def _due(subscription_id: int, now: datetime) -> list[tuple]:
    d, earlier = WebhookDelivery, aliased(WebhookDelivery)
    waits = exists().where(earlier.subscription_id == d.subscription_id, earlier.record_type == d.record_type,
                           earlier.record_id == d.record_id, earlier.id < d.id, earlier.status != "delivered")
    return db.session.execute(
        select(d.id, d.event_id, d.body).where(d.subscription_id == subscription_id, d.status == "pending",
                                               d.next_attempt_at <= now, ~waits)
        .order_by(d.id).limit(DELIVER_BATCH)).all()


def _deliver_due(subscription_id: int, result: PassResult) -> bool:
    """POST the due deliveries that wait for no earlier one; True when all of them got through."""
    now = wallclock.now()
    sub = db.session.get(WebhookSubscription, subscription_id)
    db.session.refresh(sub)
    url, sealed, disabled = sub.url, sub.sealed_secret, sub.disabled_at is not None
    due = [] if disabled else _due(subscription_id, now)
    db.session.commit()  # end the read before any network wait
    for delivery_id, event_id, body in due:
        outcome = _post(url, sealed, event_id, body.encode())
        _record(delivery_id, outcome, result)
        if not outcome.ok:
            return False
    return bool(due)


def _post(url: str, sealed_secret: str, event_id: str, body: bytes) -> _Outcome:
    config, started = settings.current(), time.monotonic()
    timestamp = str(int(wallclock.now().timestamp()))
    try:
        signature = sign(secret_box.unseal(sealed_secret), timestamp, body)  # secret_unreadable: retried
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "SiteCase-Webhooks/1",
                   EVENT_HEADER: event_id, SIGNATURE_HEADER: f"t={timestamp},v1={signature}"}
        target = webhook_targets.pin(url, config.webhook_allowed_hosts)  # resolved once, checked
        status = webhook_transport.post(target, body, headers, config.webhook_timeout_seconds)
    except DomainError as exc:
        return _Outcome(False, None, exc.code, _ms(started))
    except urllib3.exceptions.HTTPError as exc:
        return _Outcome(False, None, type(exc).__name__, _ms(started))
    ok = 200 <= status < 300
    return _Outcome(ok, status, None if ok else f"HTTP {status}", _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _record(delivery_id: int, outcome: _Outcome, result: PassResult) -> None:
    config, now = settings.current(), wallclock.now()
    with transaction():
        delivery = db.session.get(WebhookDelivery, delivery_id)
        number = db.session.scalar(select(func.count()).where(WebhookAttempt.delivery_id == delivery_id)) + 1
        db.session.add(WebhookAttempt(delivery_id=delivery_id, number=number, at=now, ok=outcome.ok,
                                      http_status=outcome.http_status, error=outcome.error,
                                      duration_ms=outcome.duration_ms))
        delivery.attempts += 1
        if outcome.ok:
            delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
            result.delivered += 1
            return
        delivery.last_error = outcome.error
        result.failed += 1
        if delivery.attempts >= config.webhook_max_attempts:
            delivery.status = "dead"
            result.dead += 1
        else:
            wait = min(config.webhook_backoff_seconds * 2 ** (delivery.attempts - 1),
                       config.webhook_backoff_max_seconds)
            delivery.next_attempt_at = now + timedelta(seconds=wait)

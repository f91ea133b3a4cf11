"""Webhooks: push delivery of the change feed to upper platforms that want it (issue 18).

A subscription belongs to an exchange account (its scope is the account's) and names a target
URL, a signing secret and the record types it wants. The delivery pass (app/services/exchange/
webhook_delivery.py) reads the change feed after the subscription's cursor and writes one
delivery per feed entry, with its body frozen; each POST of it is an attempt in the log. A
delivery that failed every attempt is dead (the dead-letter list) until an administrator
replays it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

DELIVERY_STATUSES = ("pending", "delivered", "dead")


class WebhookSubscription(db.Model):
    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("exchange_account.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    # The HMAC-SHA256 key of the signature header: generated, shown once, kept to sign — sealed
    # (encrypted with WEBHOOK_SECRET_KEYS, app/infra/secret_box.py), never in clear at rest.
    sealed_secret: Mapped[str] = mapped_column("secret", String(300))
    record_types: Mapped[list] = mapped_column(JSONType, default=list)
    # The change feed cursor ("xact-id") up to which entries have become deliveries.
    cursor: Mapped[str] = mapped_column(String(40), default="0-0")
    # One delivery pass at a time per subscription (keeps a record's events in order).
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    account = relationship("ExchangeAccount")


class WebhookDelivery(db.Model):
    """One feed entry to one subscription; `event_id` is the receiver's idempotency key."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id"),
                      Index("ix_webhook_delivery_due", "subscription_id", "status", "id"),
                      Index("ix_webhook_delivery_record", "subscription_id", "record_type", "record_id", "id"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscription.id"))
    event_id: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(24))
    record_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))

    subscription = relationship("WebhookSubscription")


class WebhookAttempt(db.Model):
    """One POST of a delivery: the receiver's HTTP status, or why there was none."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    delivery_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                             ForeignKey("webhook_delivery.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    http_status: Mapped[int | None] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(String(200))
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)

"""Webhook subscriptions: an exchange account's push delivery of the change feed.

An administrator subscribes an account's platform to some record types at a URL; the secret
that signs every POST is generated here, shown once and stored sealed (app/infra/secret_box.py). Deliveries start with the feed entries
written after the subscription (its cursor starts at the feed's end); a disabled subscription,
or one whose account is revoked, gets nothing more.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select

from app import settings
from app.domain.actors import Actor
from app.errors import NotFoundError, ValidationError
from app.extensions import db
from app.infra import secret_box, wallclock
from app.infra.uow import transaction
from app.models import FEED_RECORD_TYPES, ExchangeAccount, WebhookSubscription
from app.services.exchange import feed_reads, webhook_targets
from app.services.exchange.accounts import require_admin

MAX_PER_ACCOUNT = 5


class WebhookNotFound(NotFoundError):
    """没有找到该推送订阅。"""
    code = "webhook_not_found"


def create_subscription(actor: Actor, account_id: int, url: str,
                        record_types: list[str] | None = None) -> tuple[WebhookSubscription, str]:
    """Subscribe an active exchange account at `url`: (the row, its signing secret, shown once).

    Raises PermissionDeniedError (admins only), NotFoundError(`exchange_account_not_found`),
    WebhookUrlNotAllowed(`webhook_url_not_allowed`), ValidationError(`webhook_record_types_invalid`,
    `webhook_limit_reached`).
    """
    require_admin(actor)
    url = webhook_targets.check_url(url, settings.current().webhook_allowed_hosts)
    types = sorted(set(record_types or FEED_RECORD_TYPES))
    if not set(types) <= set(FEED_RECORD_TYPES):
        raise ValidationError("推送的数据类型不正确。", code="webhook_record_types_invalid",
                              fields={"record_types": ["推送的数据类型不正确。"]})
    secret = "whsec_" + secrets.token_urlsafe(32)
    with transaction(actor):
        account = db.session.get(ExchangeAccount, account_id)
        if account is None or account.revoked_at is not None:
            raise NotFoundError("没有找到该交换账号。", code="exchange_account_not_found")
        active = db.session.scalars(select(WebhookSubscription.id).where(
            WebhookSubscription.account_id == account.id, WebhookSubscription.disabled_at.is_(None))).all()
        if len(active) >= MAX_PER_ACCOUNT:
            raise ValidationError("每个交换账号最多 5 个推送订阅。", code="webhook_limit_reached")
        row = WebhookSubscription(account_id=account.id, url=url, sealed_secret=secret_box.seal(secret),
                                  record_types=types,
                                  cursor=feed_reads.current_cursor(), created_by=actor.username,
                                  created_at=wallclock.now())
        db.session.add(row)
    return row, secret


def disable_subscription(actor: Actor, subscription_id: int) -> WebhookSubscription:
    """Stop a subscription (idempotent): no new deliveries, pending ones are not sent.

    Raises PermissionDeniedError (admins only), WebhookNotFound.
    """
    require_admin(actor)
    with transaction(actor):
        row = db.session.get(WebhookSubscription, subscription_id)
        if row is None:
            raise WebhookNotFound()
        row.disabled_at = row.disabled_at or wallclock.now()
    return row


def reseal_secrets() -> int:
    """Every stored secret re-encrypted with the first of WEBHOOK_SECRET_KEYS (after a key
    rotation, before the old key is dropped); returns how many. Raises SecretUnreadableError
    (`secret_unreadable`) when a secret opens with none of the keys: nothing is changed then."""
    with transaction():
        rows = list(db.session.scalars(select(WebhookSubscription).with_for_update()))
        for row in rows:
            row.sealed_secret = secret_box.reseal(row.sealed_secret)
    return len(rows)


def list_subscriptions(actor: Actor) -> list[WebhookSubscription]:
    """Every subscription, oldest first. Raises PermissionDeniedError (admins only)."""
    require_admin(actor)
    return list(db.session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)))

"""Webhooks for upper platforms (administrators): subscriptions, the delivery log, the
dead-letter list and its replay (issue 18). The POSTs themselves are described as the
callback of the subscribing operation."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.exchange import ChangeSchema
from app.schemas.webhooks import (
    DeliveriesQuerySchema,
    WebhookAttemptSchema,
    WebhookCreatedSchema,
    WebhookCreateSchema,
    WebhookDeliverySchema,
    WebhookSchema,
)
from app.services.exchange import webhook_log, webhook_subscriptions
from app.services.exchange.accounts import require_admin

# The POST each subscription receives (OpenAPI `callbacks` of the subscribing operation).
CALLBACKS = {"changeEvent": {"{$request.body#/url}": {"post": {
    "summary": "One change-feed event, signed; answer 2xx once stored (dedupe by event_id)",
    "parameters": [
        {"in": "header", "name": "X-SiteCase-Event-Id", "required": True, "schema": {"type": "string"}},
        {"in": "header", "name": "X-SiteCase-Signature", "required": True, "schema": {"type": "string"},
         "description": "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.\" + raw body)>"}],
    "requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Change"}}}},
    "responses": {"2XX": {"description": "Stored; not sent again"},
                  "default": {"description": "Sent again with exponential back-off, then dead-lettered"}}}}}}


@bp.get("/exchange/webhooks")
@doc(response=WebhookSchema, many=True)
def list_webhooks():
    """Every webhook subscription of the exchange accounts (administrators)."""
    return ok(WebhookSchema(many=True).dump(webhook_subscriptions.list_subscriptions(api_actor())))


@bp.post("/exchange/webhooks")
@doc(body=WebhookCreateSchema, status=201, response=WebhookCreatedSchema, callbacks=CALLBACKS,
     components=(ChangeSchema,))
def create_webhook():
    """Subscribe an exchange account's platform to push delivery of the change feed (its secret
    is shown once)."""
    require_admin(api_actor())  # refused before the body is looked at
    data = WebhookCreateSchema().load(request.get_json(silent=True) or {})
    row, secret = webhook_subscriptions.create_subscription(api_actor(), data["account_id"], data["url"],
                                                            data["record_types"])
    return ok({**WebhookSchema().dump(row), "secret": secret}, status=201)


@bp.post("/exchange/webhooks/<int:subscription_id>/disable")
@doc(no_body=True, response=WebhookSchema)
def disable_webhook(subscription_id: int):
    """Stop a subscription: nothing more is delivered to it."""
    return ok(WebhookSchema().dump(webhook_subscriptions.disable_subscription(api_actor(), subscription_id)))


@bp.get("/exchange/webhook-deliveries")
@doc(query=DeliveriesQuerySchema, response=WebhookDeliverySchema, many=True)
def list_webhook_deliveries():
    """The delivery log, newest first (`status=dead`: the dead-letter list), a page of it (meta.total)."""
    actor = api_actor()
    require_admin(actor)
    args = DeliveriesQuerySchema().load(request.args)
    which = {"subscription_id": args["subscription_id"], "status": args["status"]}
    rows = webhook_log.list_deliveries(actor, **which, limit=args["limit"], offset=args["offset"])
    return ok(WebhookDeliverySchema(many=True, exclude=("attempt_log",)).dump(rows),
              {"total": webhook_log.count_deliveries(actor, **which)})


@bp.get("/exchange/webhook-deliveries/<int:delivery_id>")
@doc(response=WebhookDeliverySchema)
def get_webhook_delivery(delivery_id: int):
    """One delivery with every attempt (time, HTTP status or error, duration)."""
    delivery, attempts = webhook_log.delivery_attempts(api_actor(), delivery_id)
    return ok({**WebhookDeliverySchema(exclude=("attempt_log",)).dump(delivery),
               "attempt_log": WebhookAttemptSchema(many=True).dump(attempts)})


@bp.post("/exchange/webhook-deliveries/<int:delivery_id>/replay")
@doc(no_body=True, response=WebhookDeliverySchema)
def replay_webhook_delivery(delivery_id: int):
    """Send a dead delivery again (audited); its record's later events follow it in order."""
    return ok(WebhookDeliverySchema(exclude=("attempt_log",)).dump(webhook_log.replay(api_actor(), delivery_id)))

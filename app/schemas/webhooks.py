"""Shapes of the webhook subscriptions and their delivery log (issue 18)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.models import DELIVERY_STATUSES, FEED_RECORD_TYPES


class WebhookCreateSchema(Schema):
    account_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    url = fields.Str(required=True, validate=validate.Length(min=1, max=500), metadata={
        "description": "http(s) URL that receives the POSTs; loopback and private addresses are refused "
                       "unless the host is in WEBHOOK_ALLOWED_HOSTS."})
    record_types = fields.List(fields.Str(validate=validate.OneOf(FEED_RECORD_TYPES)),
                               load_default=None, validate=validate.Length(min=1, max=len(FEED_RECORD_TYPES)),
                               metadata={"description": "The record types pushed; absent: all."})


class WebhookSchema(Schema):
    id = fields.Int(required=True)
    account_id = fields.Int(required=True)
    account_name = fields.Function(lambda s: s.account.name)
    url = fields.Str(required=True)
    record_types = fields.List(fields.Str(), required=True)
    created_at = fields.DateTime(required=True)
    disabled_at = fields.DateTime(allow_none=True)


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.Str(required=True, metadata={
        "description": "The HMAC-SHA256 key of X-SiteCase-Signature; shown only in this answer."})


class DeliveriesQuerySchema(Schema):
    subscription_id = fields.Int(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    status = fields.Str(load_default=None, validate=validate.OneOf(DELIVERY_STATUSES))
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0))


class WebhookAttemptSchema(Schema):
    number = fields.Int(required=True)
    at = fields.DateTime(required=True)
    ok = fields.Bool(required=True)
    http_status = fields.Int(allow_none=True)
    error = fields.Str(allow_none=True)
    duration_ms = fields.Int(required=True)


class WebhookDeliverySchema(Schema):
    id = fields.Int(required=True)
    subscription_id = fields.Int(required=True)
    event_id = fields.Str(required=True)
    record_type = fields.Str(required=True)
    record_id = fields.Int(required=True)
    action = fields.Str(required=True)
    status = fields.Str(required=True, validate=validate.OneOf(DELIVERY_STATUSES))
    attempts = fields.Int(required=True, metadata={"description": "Attempts in the current round."})
    next_attempt_at = fields.DateTime(required=True)
    delivered_at = fields.DateTime(allow_none=True)
    last_error = fields.Str(allow_none=True)
    attempt_log = fields.List(fields.Nested(WebhookAttemptSchema), metadata={
        "description": "Every POST of this delivery (one delivery's answer only)."})

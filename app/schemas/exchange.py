"""Shapes of the data exchange with upper platforms (issue 18)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.models import FEED_ACTIONS, FEED_RECORD_TYPES


class ChangesQuerySchema(Schema):
    since = fields.Str(load_default=None, metadata={
        "description": "The `next_cursor` of the previous answer (`xact-id`); absent: from the start."})
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500))


class ChangeSchema(Schema):
    """One created, changed or deleted record of the change feed, in feed order."""
    event_id = fields.Str(required=True, metadata={
        "description": "Unique id of this change (the receiver's dedupe key); also a cursor."})
    record_type = fields.Str(required=True, validate=validate.OneOf(FEED_RECORD_TYPES))
    record_id = fields.Int(required=True)
    action = fields.Str(required=True, validate=validate.OneOf(FEED_ACTIONS))
    project_code = fields.Str(allow_none=True)
    changed_at = fields.DateTime(required=True)
    record = fields.Dict(allow_none=True, metadata={
        "description": "The record as it is now (null once deleted)."})

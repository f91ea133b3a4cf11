"""Shapes of the backup API (administrators)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class BackupSchema(Schema):
    """One backup still on disk and its verification state."""
    filename = fields.Str(required=True)
    kind = fields.Str(required=True, validate=validate.OneOf(("manual", "scheduled")))
    created_at = fields.DateTime(required=True)
    size_bytes = fields.Int(required=True)
    table_rows = fields.Int(required=True)
    file_count = fields.Int(required=True)
    verified_at = fields.DateTime(allow_none=True)
    state = fields.Str(required=True, validate=validate.OneOf(("ok", "failed", "missing", "unverified")))


class BackupQueuedSchema(Schema):
    queued = fields.Bool(required=True)

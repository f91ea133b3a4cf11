"""Shapes of in-app notifications and of their list query."""
from marshmallow import EXCLUDE, Schema, fields, validate


class NotificationSchema(Schema):
    id = fields.Int()
    title = fields.Str()
    body = fields.Str()
    instance_id = fields.Int(allow_none=True)
    project_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    read = fields.Function(lambda n: n.read_at is not None)


class NotificationQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    unread = fields.Bool(load_default=False)
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0))

"""Shapes of the designer's catalogue (operators and their parameters) and expression checks."""
from marshmallow import Schema, fields, validate

from app.services.designer.catalogue import KINDS, MAX_ITEMS, MAX_KEY, MAX_SOURCE


class OperatorParamSchema(Schema):
    name = fields.Str()
    type = fields.Str()
    help = fields.Str()
    required = fields.Bool()


class OperatorSchema(Schema):
    name = fields.Str()
    summary = fields.Str()
    params = fields.List(fields.Nested(OperatorParamSchema))
    free_params = fields.Str()


class SourceItemSchema(Schema):
    key = fields.Str(load_default="", validate=validate.Length(max=MAX_KEY))
    kind = fields.Str(required=True, validate=validate.OneOf(sorted(KINDS)))
    source = fields.Str(required=True, validate=validate.Length(max=MAX_SOURCE))


class SourceCheckSchema(Schema):
    items = fields.List(fields.Nested(SourceItemSchema), required=True, validate=validate.Length(max=MAX_ITEMS))


class SourceResultSchema(Schema):
    key = fields.Str()
    ok = fields.Bool()
    message = fields.Str()
    line = fields.Int(allow_none=True)


class CaseMigrationSchema(Schema):
    to_version = fields.Int(required=True, validate=validate.Range(min=1))


class VersionMigrationSchema(Schema):
    from_version = fields.Int(required=True, validate=validate.Range(min=1))
    to_version = fields.Int(required=True, validate=validate.Range(min=1))


class MigrationBlockerSchema(Schema):
    name = fields.Str()
    element_id = fields.Str()
    current = fields.Bool()


class MigrationCheckSchema(Schema):
    instance_id = fields.Int()
    title = fields.Str(allow_none=True)
    version = fields.Int()
    blockers = fields.List(fields.Nested(MigrationBlockerSchema))


class MigrationResultSchema(Schema):
    key = fields.Str()
    to_version = fields.Int()
    migrated = fields.List(fields.Int())

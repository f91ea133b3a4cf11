"""Clause library, clue tracking list and urging statistics (shape only)."""
from marshmallow import Schema, fields, validate


class ClauseSchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.\-]{1,32}$"))
    title = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    text = fields.Str(required=True, validate=validate.Length(min=1, max=10000))
    active = fields.Bool(dump_only=True)


class ClauseUpdateSchema(Schema):
    title = fields.Str(validate=validate.Length(min=1, max=200))
    text = fields.Str(validate=validate.Length(min=1, max=10000))
    active = fields.Bool()


class ClueRowSchema(Schema):
    instance_id = fields.Int()
    project_code = fields.Str()
    project_name = fields.Str()
    category = fields.Str()
    handling_unit = fields.Str()
    check_result = fields.Str(allow_none=True)
    opinion_type = fields.Str(allow_none=True)
    responsible_unit = fields.Str(allow_none=True)
    completion_status = fields.Str()
    completed_at = fields.DateTime(allow_none=True)
    registered_at = fields.DateTime()


class UnitUrgingStatsSchema(Schema):
    unit_code = fields.Str()
    unit_name = fields.Str()
    assigned = fields.Int()
    signed = fields.Int()
    completed = fields.Int()
    urge_count = fields.Int()
    sign_rate = fields.Float()
    completion_rate = fields.Float()


class OrderSchema(Schema):
    """A rectification order (整改单), named by its case."""
    instance_id = fields.Int(required=True)
    project_code = fields.Str(required=True)
    project_name = fields.Str()
    order_type = fields.Str()
    order_type_label = fields.Str()
    deadline = fields.Date()
    status = fields.Str()
    issuer_name = fields.Str(allow_none=True)
    source_kind = fields.Str()
    source_instance_id = fields.Int(allow_none=True)
    problem_count = fields.Int()
    return_count = fields.Int()
    urging_instance_id = fields.Int(allow_none=True)
    issued_at = fields.DateTime()
    replied_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)

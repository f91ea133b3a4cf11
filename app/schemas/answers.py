"""Shapes of the small answers of write operations (acknowledgements, new ids, one-time secrets)
and of the reads that answer plain dicts: documentation for the OpenAPI document."""
from marshmallow import Schema, fields


class CreatedSchema(Schema):
    id = fields.Int(required=True)


class CreatedProjectSchema(Schema):
    id = fields.Int(required=True)
    code = fields.Str(required=True)


class StartedCaseSchema(Schema):
    instance_id = fields.Int(required=True)


class ShownOnceTokenSchema(Schema):
    """A device's HTTP token: shown once, stored as its SHA-256."""
    id = fields.Int(required=True)
    token = fields.Str(required=True)


class OneTimePasswordSchema(Schema):
    id = fields.Int(required=True)
    password = fields.Str(required=True)


class IssuedTokenSchema(Schema):
    token = fields.Str(required=True)
    token_type = fields.Str(required=True)
    expires_at = fields.Str(required=True)


class PasswordChangedSchema(Schema):
    changed = fields.Bool(required=True)


class AcknowledgedSchema(Schema):
    """What changed on the record named by `id` (or `code`); only the fields of the change."""
    id = fields.Int()
    code = fields.Str()
    active = fields.Bool()
    removed = fields.Bool()
    revoked = fields.Bool()
    claimed = fields.Bool()
    assignee_id = fields.Int()
    status = fields.Str()


class ThresholdsSchema(Schema):
    device_id = fields.Int()
    project_code = fields.Str()
    device_type = fields.Str()
    overrides = fields.Dict(required=True)
    effective = fields.Dict(required=True)


class WorksByDistrictSchema(Schema):
    district = fields.Str(allow_none=True)
    hazardous = fields.Int()
    super_scale = fields.Int()


class TaskCountsSchema(Schema):
    all = fields.Int()
    overdue = fields.Int()
    mine = fields.Int()
    claimable = fields.Int()
    jurisdiction = fields.Int()
    done = fields.Int()


class CompletionSchema(Schema):
    instance_id = fields.Int(required=True)
    status = fields.Str(required=True)
    new_task_ids = fields.List(fields.Int())
    handed_back = fields.Dict()


class StoredFileSchema(Schema):
    id = fields.Int(required=True)
    sha256 = fields.Str()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()


class MessageOutcomeSchema(Schema):
    instance_id = fields.Int(allow_none=True)
    outcome = fields.Str(required=True)
    repeated = fields.Bool()


class RetryOutcomeSchema(Schema):
    incident_id = fields.Int(required=True)
    instance_id = fields.Int(required=True)
    status = fields.Str(required=True)


class DeployOutcomeSchema(Schema):
    key = fields.Str(required=True)
    version = fields.Int(required=True)
    definition_id = fields.Int(required=True)
    created = fields.Bool(required=True)


class BundleProblemSchema(Schema):
    file = fields.Str(required=True)
    element_id = fields.Str(allow_none=True)
    line = fields.Int(allow_none=True)
    code = fields.Str(required=True)
    reason = fields.Str(metadata={"description": "why, for findings of a library (sandbox, timer, XML, XSD, parser): "
                                                 "a stable word such as sandbox_not_allowed, xsd_element_unexpected"})
    message = fields.Str(required=True)

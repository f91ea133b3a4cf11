"""Registration shapes: starting a case, submitting a task, the enterprise change history."""
from marshmallow import Schema, fields, validate


class EnterpriseReviewStartSchema(Schema):
    org_code = fields.Str(required=True, validate=validate.Length(min=1, max=32))


class ProjectRegistrationStartSchema(Schema):
    district_code = fields.Str(required=True, validate=validate.Length(min=1, max=32))


class RegistrationSubmitSchema(Schema):
    data = fields.Dict(required=True)


class CredentialSchema(Schema):
    username = fields.Str()
    display_name = fields.Str()
    role = fields.Str()
    initial_password = fields.Str()


class RegistrationResultSchema(Schema):
    instance_id = fields.Int()
    status = fields.Str()
    new_task_ids = fields.List(fields.Int())
    credentials = fields.List(fields.Nested(CredentialSchema))


class EnterpriseChangeSchema(Schema):
    id = fields.Int()
    enterprise_id = fields.Int()
    enterprise_name = fields.Str()
    type_label = fields.Str(allow_none=True)
    kind = fields.Str()
    before = fields.Dict(allow_none=True)
    after = fields.Dict()
    change_reason = fields.Str(allow_none=True)
    submitted_by = fields.Str(allow_none=True)
    approved_by = fields.Str(allow_none=True)
    approved_at = fields.DateTime()
    instance_id = fields.Int(allow_none=True)


class EnterpriseChangeQuerySchema(Schema):
    enterprise_id = fields.Int(load_default=None)

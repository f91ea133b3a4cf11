"""Shapes of issued notices and of a preview request."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema


class DocumentSchema(Schema):
    id = fields.Int()
    number = fields.Str()
    template = fields.Str()
    title = fields.Str()
    type_code = fields.Str()
    status = fields.Str()
    instance_id = fields.Int(allow_none=True)
    project_code = fields.Str(allow_none=True)
    issuer = fields.Str(allow_none=True)
    org_unit = fields.Str()
    year = fields.Int()
    sequence = fields.Int()
    verify_code = fields.Str()
    verify_url = fields.Str()
    issued_by = fields.Str(allow_none=True)
    issued_at = fields.DateTime()
    rendered_at = fields.DateTime(allow_none=True)
    sha256 = fields.Str(allow_none=True)
    size = fields.Int(allow_none=True)
    error = fields.Str(allow_none=True)
    pdf_url = fields.Str(allow_none=True)
    docx_url = fields.Str(allow_none=True, metadata={"description": "The same notice as a Word document."})


class PreviewRequestSchema(Schema):
    template = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    context = fields.Dict(load_default=dict)
    instance_id = fields.Int(load_default=None)
    project_code = fields.Str(load_default=None, validate=validate.Length(max=32))

    @validates_schema
    def _one_subject(self, data, **_kwargs):
        if data.get("instance_id") is not None and data.get("project_code"):
            raise ValidationError("instance_id 与 project_code 只能给出一个。", "instance_id")


class PreviewSchema(Schema):
    template = fields.Str()
    title = fields.Str()
    html = fields.Str()
    missing_fields = fields.List(fields.Str())

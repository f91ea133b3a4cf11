"""Category table and expert library shapes. The ID number is load-only: only the mask is dumped."""
from marshmallow import Schema, fields, validate


class CategorySchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(required=True, validate=validate.Length(min=1, max=16))
    name_zh = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    name_en = fields.Str(load_default="", validate=validate.Length(max=120))
    division = fields.Str(allow_none=True, validate=validate.Length(max=50))
    sub_item = fields.Str(allow_none=True, validate=validate.Length(max=100))
    hazardous_rule = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    super_scale_rule = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    specialty = fields.Str(allow_none=True, validate=validate.Length(max=50))
    source_tag = fields.Str(allow_none=True, validate=validate.Length(max=8))
    active = fields.Bool(load_default=True)


class CategoryUpdateSchema(CategorySchema):
    class Meta:
        exclude = ("code", "active")


class ActiveSchema(Schema):
    active = fields.Bool(required=True)


class ExpertSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=50))
    id_number = fields.Str(required=True, load_only=True, validate=validate.Length(equal=18))
    id_number_masked = fields.Str(dump_only=True)
    certificates = fields.Str(allow_none=True, validate=validate.Length(max=255))
    specialties = fields.List(fields.Str(validate=validate.Length(min=1, max=50)), load_default=list)
    title = fields.Str(allow_none=True, validate=validate.Length(max=50))
    employer_enterprise_id = fields.Int(allow_none=True)
    employer_name = fields.Str(allow_none=True, validate=validate.Length(max=200))
    phone = fields.Str(allow_none=True, validate=validate.Length(max=32))
    username = fields.Str(allow_none=True, load_only=True)
    active = fields.Bool(dump_only=True)


class ExpertUpdateSchema(ExpertSchema):
    class Meta:
        exclude = ("id_number",)

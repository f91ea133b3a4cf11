"""Assessment points and their monthly results (shape only; points.py checks the rules)."""
from marshmallow import Schema, fields, validate

from app.models.assessment import ASSESSMENT_SUBJECTS

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$")


class AssessmentPointSchema(Schema):
    id = fields.Int(dump_only=True)
    subject = fields.Str(dump_only=True, metadata={"enum": sorted(ASSESSMENT_SUBJECTS)})
    measure = fields.Str(required=True, validate=validate.Length(min=1, max=40))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=100, min_inclusive=False))
    target = fields.Float(required=True, validate=validate.Range(min=0, max=100, min_inclusive=False))
    category = fields.Str(dump_only=True)
    category_label = fields.Str(dump_only=True)
    measure_label = fields.Str(dump_only=True)
    rule = fields.Str(dump_only=True)
    updated_by = fields.Str(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class AssessmentQuerySchema(Schema):
    month = fields.Str(validate=MONTH)


class AssessmentItemSchema(Schema):
    point_id = fields.Int()
    name = fields.Str()
    measure = fields.Str()
    measure_label = fields.Str()
    category_label = fields.Str()
    weight = fields.Float()
    target = fields.Float()
    numerator = fields.Int()
    denominator = fields.Int()
    rate = fields.Float(allow_none=True)
    points = fields.Float(allow_none=True)


class AssessmentResultSchema(Schema):
    rank = fields.Int()
    of = fields.Int()
    unit_id = fields.Int()
    unit = fields.Str()
    score = fields.Float()
    below_pass = fields.Bool()
    items = fields.List(fields.Nested(AssessmentItemSchema))

"""Site health check: standards, ranking and score history (shape only)."""
from marshmallow import Schema, fields, validate

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$")


class IndicatorSchema(Schema):
    code = fields.Str(required=True, validate=validate.Length(min=1, max=32))
    name = fields.Str(validate=validate.Length(max=100))
    points = fields.Float(required=True, validate=validate.Range(min=0, max=100, min_inclusive=False))
    cap = fields.Float(required=True, validate=validate.Range(min=0, max=100, min_inclusive=False))


class StandardSchema(Schema):
    version = fields.Int(dump_only=True)
    name = fields.Str(validate=validate.Length(max=100))
    effective_month = fields.Str(required=True, validate=MONTH)
    created_by = fields.Str(dump_only=True, allow_none=True)
    indicators = fields.List(fields.Nested(IndicatorSchema), required=True,
                             validate=validate.Length(min=1, max=50))


class RankingQuerySchema(Schema):
    month = fields.Str(required=True, validate=MONTH)
    district_id = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))


class RankedProjectSchema(Schema):
    rank = fields.Int()
    code = fields.Str()
    name = fields.Str()
    score = fields.Float()
    below_pass = fields.Bool()
    rectification_instance_id = fields.Int(allow_none=True)


class DistrictRankingSchema(Schema):
    district_id = fields.Int()
    district = fields.Str()
    average = fields.Float()
    below_pass = fields.Int()
    projects = fields.List(fields.Nested(RankedProjectSchema))


class DeductionSchema(Schema):
    indicator = fields.Str()
    code = fields.Str()
    occurrences = fields.Int()
    points = fields.Float()
    reason = fields.Str()
    source_kind = fields.Str()
    source_ids = fields.List(fields.Int())


class MonthScoreSchema(Schema):
    month = fields.Str()
    score = fields.Float()
    below_pass = fields.Bool()
    change = fields.Float()
    standard_version = fields.Int()
    rectification_instance_id = fields.Int(allow_none=True)
    report_document_id = fields.Int(allow_none=True)
    deductions = fields.List(fields.Nested(DeductionSchema))


class ScoreHistorySchema(Schema):
    project = fields.Dict()
    months = fields.List(fields.Nested(MonthScoreSchema))

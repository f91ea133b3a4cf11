"""Shapes of emergency plans (应急预案): the multipart form fields and the stored record."""
from marshmallow import EXCLUDE, Schema, fields, validate

from app.models.emergency_plan import PLAN_CATEGORIES


class EmergencyPlanInputSchema(Schema):
    """The form fields posted with the plan file (`file`)."""

    class Meta:
        unknown = EXCLUDE

    category = fields.Str(required=True, validate=validate.OneOf(list(PLAN_CATEGORIES)))
    pre_review_date = fields.Date(load_default=None)
    filing_number = fields.Str(load_default=None, validate=validate.Length(max=64))
    remarks = fields.Str(load_default=None, validate=validate.Length(max=2000))


class EmergencyPlanSchema(Schema):
    id = fields.Int()
    work_id = fields.Int()
    category = fields.Str()
    category_label = fields.Function(lambda p: PLAN_CATEGORIES.get(p.category, p.category))
    file_sha256 = fields.Str()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    pre_review_date = fields.Date(allow_none=True)
    filing_number = fields.Str(allow_none=True)
    remarks = fields.Str(allow_none=True)
    created_by_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()

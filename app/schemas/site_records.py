"""Supervising engineers' records: the bodies of the three kinds, the review, the answers (shape
only; app/services/site_records validates the bodies after checking who asks)."""
from marshmallow import Schema, fields, validate

SHORT = validate.Length(min=1, max=200)
LONG = validate.Length(min=1, max=2000)
KINDS = ("log", "side_station", "parallel_inspection")
STATUSES = ("submitted", "returned", "approved")


class LogBodySchema(Schema):
    """监理日志: every field is required (write 无 where there was nothing)."""
    record_date = fields.Date(required=True)
    weather = fields.Str(required=True, validate=SHORT)
    works = fields.Str(required=True, validate=LONG)
    inspections = fields.Str(required=True, validate=LONG)
    problems = fields.Str(required=True, validate=LONG)
    handling = fields.Str(required=True, validate=LONG)
    instructions = fields.Str(required=True, validate=LONG)


class SideStationBodySchema(Schema):
    """旁站记录 of a key process; times with their offset, the end after the start."""
    record_date = fields.Date(required=True)
    process = fields.Str(required=True, validate=SHORT)
    location = fields.Str(required=True, validate=SHORT)
    started_at = fields.AwareDateTime(required=True)
    ended_at = fields.AwareDateTime(required=True)
    works = fields.Str(required=True, validate=LONG)
    problems = fields.Str(required=True, validate=LONG)
    handling = fields.Str(required=True, validate=LONG)


class ParallelInspectionBodySchema(Schema):
    """平行检验记录: the supervisor's own inspection of an item."""
    record_date = fields.Date(required=True)
    item = fields.Str(required=True, validate=SHORT)
    location = fields.Str(required=True, validate=SHORT)
    findings = fields.Str(required=True, validate=LONG)
    result = fields.Str(required=True, validate=validate.OneOf(("qualified", "unqualified")))


class RecordBodySchema(LogBodySchema, SideStationBodySchema, ParallelInspectionBodySchema):
    """A revised record: the whole body of its kind again (the fields of the other kinds are refused)."""


class ReviewBodySchema(Schema):
    decision = fields.Str(required=True, validate=validate.OneOf(("approve", "return")))
    opinion = fields.Str(validate=validate.Length(max=500), metadata={"description": "required when returning"})


class ReviewOutcomeSchema(Schema):
    id = fields.Int()
    status = fields.Str(validate=validate.OneOf(STATUSES))
    document_id = fields.Int(allow_none=True, metadata={"description": "the printed record: /documents/<id>/pdf"})


class RecordIdSchema(Schema):
    id = fields.Int()


class PageQuerySchema(Schema):
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0))


class RecordQuerySchema(PageQuerySchema):
    project = fields.Str(validate=validate.Length(max=50))
    kind = fields.Str(validate=validate.OneOf(KINDS))
    status = fields.Str(validate=validate.OneOf(STATUSES))


class ExportQuerySchema(Schema):
    project = fields.Str(validate=validate.Length(max=50))


class ReminderQuerySchema(PageQuerySchema):
    project = fields.Str(validate=validate.Length(max=50))


class RecordFileSchema(Schema):
    id = fields.Int()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int(metadata={"description": "bytes"})
    uploaded_at = fields.DateTime()
    url = fields.Str(metadata={"description": "the download (scoped like the record)"})


class RecordSchema(Schema):
    id = fields.Int()
    number = fields.Str()
    kind = fields.Str(validate=validate.OneOf(KINDS))
    kind_label = fields.Str()
    project_code = fields.Str()
    project_name = fields.Str()
    record_date = fields.Date()
    status = fields.Str(validate=validate.OneOf(STATUSES))
    status_label = fields.Str()
    author = fields.Str()
    author_name = fields.Str()
    submitted_at = fields.DateTime()
    revisions = fields.Int()
    reviewer_name = fields.Str(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    review_opinion = fields.Str(allow_none=True)
    document_id = fields.Int(allow_none=True)
    content = fields.Dict(metadata={"description": "the fields of its kind (see the bodies)"})
    files = fields.List(fields.Nested(RecordFileSchema), metadata={
        "description": "files attached to a log or side-station record"})


class RecordDetailSchema(RecordSchema):
    labels = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata={"description": "field -> Chinese label"})


class ReminderSchema(Schema):
    id = fields.Int()
    project_code = fields.Str()
    project_name = fields.Str()
    day = fields.Date()
    last_log_date = fields.Date(allow_none=True)
    missing_days = fields.Int()
    message = fields.Str()

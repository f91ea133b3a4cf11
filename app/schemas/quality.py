"""Testing supervision: agencies, samples, commissions, reports, warnings (shape only; the use
cases of app/services/quality validate the bodies after checking who asks)."""
from marshmallow import Schema, fields, validate

TEXT = validate.Length(min=1, max=100)


class AgencyBodySchema(Schema):
    name = fields.Str(required=True, validate=TEXT)
    credit_code = fields.Str(required=True, validate=validate.Length(equal=18))
    certificate_no = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    scope = fields.Str(required=True, validate=validate.Length(min=1, max=500))
    valid_until = fields.Date(required=True)


class AgencySchema(Schema):
    id = fields.Int()
    name = fields.Str()
    credit_code = fields.Str()
    certificate_no = fields.Str()
    scope = fields.Str()
    valid_until = fields.Date()
    expired = fields.Bool()
    daily_capacity = fields.Int()
    problems = fields.List(fields.Str())


class PersonSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=50))
    qualification = fields.Str(required=True, validate=TEXT)
    certificate_no = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    valid_until = fields.Date(required=True)
    expired = fields.Bool(dump_only=True)


class EquipmentSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=TEXT)
    serial_no = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    calibrated_until = fields.Date(required=True)
    expired = fields.Bool(dump_only=True)


class AgencyDetailSchema(AgencySchema):
    people = fields.List(fields.Nested(PersonSchema))
    equipment = fields.List(fields.Nested(EquipmentSchema))


class AgencyTokenSchema(Schema):
    id = fields.Int()
    token = fields.Str()


class CreatedSchema(Schema):
    id = fields.Int()


class SampleBodySchema(Schema):
    material = fields.Str(required=True, validate=TEXT)
    specification = fields.Str(required=True, validate=TEXT)
    batch = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    quantity = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    location = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    sampler_name = fields.Str(required=True, validate=validate.Length(min=1, max=50))
    sampler_cert = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    witness_name = fields.Str(required=True, validate=validate.Length(min=1, max=50))
    witness_cert = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    sampled_on = fields.Date(required=True)


class SampleSchema(SampleBodySchema):
    code = fields.Str()
    project_code = fields.Str()
    project_name = fields.Str()
    received_at = fields.DateTime(allow_none=True)
    recorded_by = fields.Str()
    changes = fields.Int()


class SampleChangeSchema(Schema):
    field = fields.Str()
    label = fields.Str()
    old_value = fields.Str()
    new_value = fields.Str()
    changed_by = fields.Str()
    changed_at = fields.DateTime()


class SampleDetailSchema(SampleSchema):
    trail = fields.List(fields.Nested(SampleChangeSchema))


class SampleCodeSchema(Schema):
    code = fields.Str()
    changed = fields.Int()


class LabelSheetBodySchema(Schema):
    sample_codes = fields.List(fields.Str(), metadata={"description": "default: every sample of the project"})


class LabelSheetSchema(Schema):
    document_id = fields.Int()
    number = fields.Str()


class CommissionBodySchema(Schema):
    agency_id = fields.Int(required=True)
    sample_codes = fields.List(fields.Str(), required=True)


class CommissionSchema(Schema):
    number = fields.Str()
    agency_id = fields.Int()
    agency_name = fields.Str()
    sample_codes = fields.List(fields.Str())
    created_by = fields.Str()
    created_at = fields.DateTime()


class ReportItemSchema(Schema):
    name = fields.Str()
    value = fields.Raw()
    standard = fields.Str()
    result = fields.Str()


class ReportBodySchema(Schema):
    report_no = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    project_code = fields.Str(required=True)
    issued_at = fields.DateTime(required=True, metadata={"description": "with its offset"})
    received_at = fields.DateTime(metadata={"description": "when the agency received the samples"})
    conclusion = fields.Str(required=True, validate=validate.OneOf(["qualified", "unqualified"]))
    sample_codes = fields.List(fields.Str(), required=True)
    items = fields.List(fields.Nested(ReportItemSchema))


class ReportOutcomeSchema(Schema):
    status = fields.Str(metadata={"description": "accepted | modified | unchanged | rejected"})
    report_no = fields.Str(allow_none=True)
    reason_code = fields.Str(allow_none=True)
    detail = fields.Str(allow_none=True)
    handling_instance_id = fields.Int(allow_none=True)


class RevisionSchema(Schema):
    before = fields.Dict()
    after = fields.Dict()
    revised_at = fields.DateTime()


class ReportSchema(Schema):
    id = fields.Int()
    report_no = fields.Str()
    agency_id = fields.Int()
    agency_name = fields.Str()
    project_code = fields.Str()
    issued_at = fields.DateTime()
    conclusion = fields.Str()
    conclusion_label = fields.Str()
    sample_codes = fields.List(fields.Str())
    items = fields.List(fields.Dict())
    source = fields.Str()
    revisions = fields.Int()
    handling_instance_id = fields.Int(allow_none=True)
    history = fields.List(fields.Nested(RevisionSchema))


class PageQuerySchema(Schema):
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0))


class ReportQuerySchema(PageQuerySchema):
    project = fields.Str(validate=validate.Length(max=50))
    modified = fields.Bool()


class ReportRejectionSchema(Schema):
    id = fields.Int()
    agency_id = fields.Int(allow_none=True)
    report_no = fields.Str(allow_none=True)
    reason_code = fields.Str()
    detail = fields.Str()
    payload = fields.Dict()
    received_at = fields.DateTime()


class WarningQuerySchema(PageQuerySchema):
    kind = fields.Str(validate=validate.Length(max=32))


class WarningSchema(Schema):
    id = fields.Int()
    kind = fields.Str()
    kind_label = fields.Str()
    message = fields.Str()
    agency_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()


class ConsoleFiguresSchema(Schema):
    reports = fields.Int()
    unqualified = fields.Int()
    modified = fields.Int()
    warnings = fields.Int()


class ConsoleAgencySchema(ConsoleFiguresSchema):
    agency_id = fields.Int()
    agency_name = fields.Str()


class ConsoleDistrictSchema(ConsoleFiguresSchema):
    district_id = fields.Int()
    district_name = fields.Str()


class ConsoleSchema(Schema):
    agencies = fields.List(fields.Nested(ConsoleAgencySchema))
    districts = fields.List(fields.Nested(ConsoleDistrictSchema))
    totals = fields.Nested(ConsoleFiguresSchema)

"""Projects, participants, hazardous works, devices, org units, enterprises, audit entries."""
from marshmallow import Schema, fields, validate

from app.models import DEVICE_TYPES, ENTERPRISE_TYPES, OPERATOR_TRADES, PARTY_TYPES


class ParticipantSchema(Schema):
    enterprise_id = fields.Int(required=True)
    enterprise_name = fields.Str(attribute="enterprise.name", dump_only=True)
    party_type = fields.Str(required=True, validate=validate.OneOf(PARTY_TYPES))
    responsible_person = fields.Str(validate=validate.Length(max=50), allow_none=True)
    responsible_phone = fields.Str(validate=validate.Length(max=32), allow_none=True)


class ProjectSchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(required=True, validate=validate.Length(min=1, max=32))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    district_id = fields.Int(required=True)
    district_name = fields.Str(attribute="district.name", dump_only=True)
    address = fields.Str(validate=validate.Length(max=255), allow_none=True)
    permit_no = fields.Str(validate=validate.Length(max=64), allow_none=True)
    supervision_no = fields.Str(validate=validate.Length(max=64), allow_none=True)
    status = fields.Str(dump_only=True)
    planned_start = fields.Date(allow_none=True)
    planned_end = fields.Date(allow_none=True)
    participants = fields.List(fields.Nested(ParticipantSchema), load_default=list)


class HazardousWorkSchema(Schema):
    id = fields.Int(dump_only=True)
    project_code = fields.Str(attribute="project.code", dump_only=True)
    code = fields.Str(required=True, validate=validate.Length(min=1, max=32))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    category_code = fields.Str(required=True, load_only=True)
    category = fields.Function(lambda w: {"code": w.category.code, "name": w.category.name_zh},
                               dump_only=True)
    parameters = fields.Dict(keys=fields.Str(), load_default=dict)
    super_scale = fields.Bool(dump_only=True)
    super_scale_reason = fields.Str(dump_only=True, allow_none=True)
    scope = fields.Str(validate=validate.Length(max=2000), allow_none=True)
    planned_start = fields.Date(allow_none=True)
    planned_end = fields.Date(allow_none=True)
    subcontractor = fields.Str(validate=validate.Length(max=200), allow_none=True)
    unit_works = fields.Str(validate=validate.Length(max=255), allow_none=True)
    status = fields.Str(dump_only=True)


class DeviceSchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    device_type = fields.Str(required=True, validate=validate.OneOf(list(DEVICE_TYPES)))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    project_code = fields.Str(attribute="project.code", dump_only=True)
    threshold_overrides = fields.Dict(load_default=dict)
    active = fields.Bool(dump_only=True)
    hazardous_work_id = fields.Int(dump_only=True, allow_none=True)


class DeviceUpdateSchema(Schema):
    """PATCH /devices/<id>: the code and the type never change."""

    name = fields.Str(validate=validate.Length(min=1, max=100))
    hazardous_work_id = fields.Int(allow_none=True)
    active = fields.Bool()


class DeviceOperatorSchema(Schema):
    """特种作业人员 of a device."""

    id = fields.Int(dump_only=True)
    device_id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=50))
    trade = fields.Str(required=True, validate=validate.OneOf(list(OPERATOR_TRADES)))
    trade_label = fields.Function(lambda o: OPERATOR_TRADES.get(o.trade, o.trade), dump_only=True)
    certificate_no = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    certificate_valid_until = fields.Date(required=True)
    phone = fields.Str(allow_none=True, validate=validate.Length(max=20))


class OrgUnitSchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(required=True, validate=validate.Length(min=1, max=32))
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    level = fields.Str(dump_only=True)
    parent_id = fields.Int(allow_none=True, load_default=None)


class EnterpriseSchema(Schema):
    id = fields.Int(dump_only=True)
    credit_code = fields.Str(required=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    type = fields.Str(required=True, validate=validate.OneOf(list(ENTERPRISE_TYPES)))
    legal_person = fields.Str(validate=validate.Length(max=50), allow_none=True)
    address = fields.Str(validate=validate.Length(max=255), allow_none=True)
    phone = fields.Str(validate=validate.Length(max=32), allow_none=True)


class UserCreateSchema(Schema):
    username = fields.Str(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{2,64}$"))
    display_name = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    password = fields.Str(required=True, load_only=True, validate=validate.Length(min=8, max=256))
    phone = fields.Str(validate=validate.Length(max=32))
    org_unit_id = fields.Int(allow_none=True)
    enterprise_id = fields.Int(allow_none=True)


class RoleGrantRequestSchema(Schema):
    role = fields.Str(required=True)
    org_unit_id = fields.Int(allow_none=True, load_default=None)
    project_code = fields.Str(allow_none=True, load_default=None)


class AuditEntrySchema(Schema):
    id = fields.Int()
    at = fields.DateTime()
    user_id = fields.Int(allow_none=True)
    username = fields.Str(allow_none=True)
    ip = fields.Str(allow_none=True)
    action = fields.Str()
    entity_type = fields.Str(allow_none=True)
    entity_id = fields.Str(allow_none=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    success = fields.Bool()

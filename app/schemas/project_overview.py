"""A project's overview (shape only): what GET /api/v1/projects/{id}/overview returns."""
from marshmallow import Schema, fields


class _Project(Schema):
    code = fields.Str()
    name = fields.Str()
    district = fields.Str()
    address = fields.Str()
    status = fields.Str()
    permit_no = fields.Str()
    planned = fields.Str()


class _Participant(Schema):
    party = fields.Str()
    enterprise = fields.Str()
    responsible = fields.Str()
    phone = fields.Str()


class _Work(Schema):
    code = fields.Str()
    name = fields.Str()
    category = fields.Str()
    super_scale = fields.Bool()
    status = fields.Str()
    planned = fields.Str()


class _Value(Schema):
    metric = fields.Str()
    value = fields.Float()


class _Device(Schema):
    code = fields.Str()
    name = fields.Str()
    device_type = fields.Str()
    active = fields.Bool()
    last_at = fields.Str(allow_none=True)
    reporting = fields.Bool()
    latest = fields.List(fields.Nested(_Value))


class _Line(Schema):
    device = fields.Str()
    points = fields.List(fields.Tuple((fields.Str(), fields.Float())))


class _Trend(Schema):
    metric = fields.Str()
    lines = fields.List(fields.Nested(_Line))


class _LabelledCount(Schema):
    label = fields.Str()
    count = fields.Int()


class _Case(Schema):
    process = fields.Str()
    title = fields.Str()
    status = fields.Str()
    started_at = fields.Str(allow_none=True)


class _Cases(Schema):
    open = fields.Int()
    by_process = fields.List(fields.Nested(_LabelledCount))
    latest = fields.List(fields.Nested(_Case))


class _Alarm(Schema):
    type = fields.Str()
    level = fields.Str()
    status = fields.Str()
    first_at = fields.Str(allow_none=True)
    device = fields.Str()


class _Alarms(Schema):
    month = fields.Int()
    closed_month = fields.Int()
    closure_rate = fields.Float()
    open = fields.Int()
    by_type = fields.List(fields.Nested(_LabelledCount))
    latest = fields.List(fields.Nested(_Alarm))


class ProjectOverviewSchema(Schema):
    project = fields.Nested(_Project)
    participants = fields.List(fields.Nested(_Participant))
    works = fields.List(fields.Nested(_Work))
    devices = fields.List(fields.Nested(_Device))
    trends = fields.List(fields.Nested(_Trend))
    cases = fields.Nested(_Cases)
    alarms = fields.Nested(_Alarms)
